r"""Checks of the exercise ``output_backward``: the backward step of the output layer L.

The student writes ``output_backward(A_L, Y, A_prev)``: A[L] = σ(Z[L]) (n_y, m),
Y (n_y, m) with NaN for "?", A[L−1] (n_{L−1}, m), and returns three arrays::

    dZ[L] = (A[L] − Y) ⊙ M / m      (n_y, m)        M = 1 where labelled, 0 at "?"
    dW[L] = dZ[L] A[L−1]ᵀ           (n_y, n_{L−1})
    db[L] = Σ_i dZ[L][:, i]          (n_y, 1)

The dZ[L] checks compare it with :func:`tinymtl.losses.masked_logistic_loss_and_grad`;
the dW[L] and db[L] checks start from the student's own dZ[L], so that a wrong
dZ[L] fails the dZ[L] checks only (a dW[L] computed right from a dZ[L] that
holds NaN passes). The shape check judges the shapes, the others the values: a
transposed dW[L] fails the shape check alone.

>>> from types import SimpleNamespace
>>> from tinymtl.grade.checks import run_check
>>> all(run_check(check, SimpleNamespace(output_backward=_tinymtl_answer)).passed for check in CHECKS)
True
"""

from __future__ import annotations

import numpy as np

from ..activations import sigmoid
from ..layers import linear_backward
from ..losses import masked_logistic_loss_and_grad
from .checks import (
    Wrong,
    as_array,
    as_values,
    close,
    first_mistake,
    nan_leak,
    random_labels,
    same,
    student_function,
    unchanged,
    wrong_scale,
)

SIGNATURE = "output_backward(A_L, Y, A_prev)"
FUNCTIONS = ("output_backward",)  # what the student writes (and may not take from tinymtl)
N_PREV = 5  # n_{L−1}, different from every n_y and m below so that a transposed dW shows
PARTIAL = [(10, 4, 7), (11, 1, 6), (12, 3, 2)]  # (seed, n_y, m) of the batches with "?" (40 %)
LABELLED = "divided by the number of labelled entries instead of m (the lecture's J divides by m)."
HINTS = {
    "output_backward": [
        "Start from the shapes: n_y, m = A_L.shape. With sigmoid outputs and the logistic loss, ∂L/∂z = a − y, "
        "so for a labelled entry dZ[L] is (A[L] − Y) / m.",
        'A "?" gives no gradient: dZ[L] must be exactly 0 there. The mask M = ~np.isnan(Y) is True where a label '
        'is known. Multiplying by M is not enough: A_L − Y is NaN at a "?", and NaN · 0 is NaN.',
        "Divide by m, the number of examples, not by the number of labelled entries: the lecture's J divides "
        'by m, and a batch whose labels are all "?" must give 0, not 0/0.',
        "dW[L] has the shape of W[L], (n_y, n_{L−1}): a matrix product of dZ[L] (n_y, m) with the transpose of "
        "A[L−1] (n_{L−1}, m). db[L] sums dZ[L] over the examples (axis=1) and stays a column (keepdims=True). "
        "Neither divides by m again: the 1/m is inside dZ[L].",
        "The key line: dZ = np.where(M, A_L - Y, 0) / m; then dW = dZ @ A_prev.T and "
        "db = dZ.sum(axis=1, keepdims=True).",
    ],
}


def _tinymtl_answer(A_L, Y, A_prev):
    """tinymtl's dZ[L], dW[L], db[L] (Z[L] recovered from A[L] = σ(Z[L]))."""
    Z = np.log(A_L) - np.log1p(-A_L)  # Z[L] = σ⁻¹(A[L]): (n_y, m)
    dZ = masked_logistic_loss_and_grad(Z, Y)[1]  # (n_y, m)
    dW, db, _ = linear_backward(dZ, A_prev, None, need_dA_prev=False)  # (n_y, n_{L−1}), (n_y, 1)
    return dZ, dW, db


def _data(seed: int, n_y: int, m: int, unknown: float = 0.0):
    """A[L] (n_y, m) in (0, 1), Y (n_y, m), A[L−1] (N_PREV, m)."""
    rng = np.random.default_rng(seed)
    A_L = sigmoid(2 * rng.standard_normal((n_y, m)))  # (n_y, m)
    return A_L, random_labels(rng, n_y, m, unknown), rng.random((N_PREV, m))


def _answer(module, A_L, Y, A_prev) -> tuple:
    """The student's (dZ, dW, db) on copies of the inputs, as returned (their shapes are not checked here)."""
    answer = student_function(module, "output_backward", SIGNATURE)(A_L.copy(), Y.copy(), A_prev.copy())
    if not isinstance(answer, tuple) or len(answer) != 3:
        got = f"a tuple of {len(answer)}" if isinstance(answer, tuple) else f"a {type(answer).__name__}"
        raise Wrong(f"returns {got}, expected three arrays: return dZ, dW, db.", about="return value",
                    mistake="not three")  # fmt: skip
    return answer


def _dZ(module, A_L, Y, A_prev) -> np.ndarray:
    """The student's dZ[L] as an (n_y, m) array of floats (a transposed one turned back: the shape check says it)."""
    return as_values(_answer(module, A_L, Y, A_prev)[0], "dZ[L]", Y.shape)


def _diagnose_dZ(module, A_L, Y, A_prev) -> None:
    """Wrong (about "dZ[L]"), with the likely mistake, unless the student's dZ[L] = (A[L] − Y) ⊙ M / m.

    For a batch with at least one label (the all-"?" batch: :func:`no_label_at_all`).
    """
    n_y, m = Y.shape
    dZ, expected = _dZ(module, A_L, Y, A_prev), _tinymtl_answer(A_L, Y, A_prev)[0]
    if close(dZ, expected):
        return
    unknown, finite = np.isnan(Y), np.isfinite(dZ)
    if not finite.all():
        if unknown.any() and np.all(finite | unknown):  # NaN exactly at "?" entries: a "?" leaks in
            raise Wrong(_leak(module, 'at the "?" entries'), about="dZ[L]", mistake="nan-leak")
        raise Wrong(f"dZ[L] for shape {Y.shape} contains NaN or inf, with every A[L] in (0, 1): look for a 0/0.",
                    about="dZ[L]", mistake="not finite")  # fmt: skip
    if unknown.any() and not np.all(dZ[unknown] == 0):
        as_zero, as_one = np.where(unknown, 0.0, Y), np.where(unknown, 1.0, Y)
        counted = "0" if close(dZ, (A_L - as_zero) / m) else "1" if close(dZ, (A_L - as_one) / m) else None
        mistake = f'"?" counted as label {counted}' if counted else 'it is not 0 at the "?" entries'
        raise Wrong(f'dZ[L]: {mistake}; a "?" gives no gradient: dZ[L] = (A[L] − Y) ⊙ M / m with M = 0 at "?".',
                    about="dZ[L]", mistake=f"counted as {counted}" if counted else "not 0 at ?")  # fmt: skip
    labelled = int((~unknown).sum())
    scales = [
        ("sign", -1, "the sign is flipped: dZ[L] = (A[L] − Y) / m, not (Y − A[L]) / m."),
        ("forgot 1/m", m, "off by a factor of m: you forgot the 1/m of J."),
        ("n_y·m", 1 / n_y, "divided by n_y·m; J divides by m only."),
        ("labelled", m / labelled, LABELLED),
    ]
    found = wrong_scale(dZ, expected, scales)
    if found:
        mistake, text = found
        if mistake == "n_y·m" and labelled == n_y * m and _partial_mistake(module) == "labelled":
            mistake, text = "labelled", LABELLED  # every entry is labelled here; the "?" batches tell which
        raise Wrong(f"dZ[L] for shape {Y.shape}: {text}", about="dZ[L]", mistake=mistake)
    raise Wrong(f"dZ[L] for shape {Y.shape}: it differs from (A[L] − Y) ⊙ M / m.", about="dZ[L]", mistake="other")


def _leak(module, where: str) -> str:
    """The words for a NaN of a "?" left in dZ[L] (naming a multiplication by the mask only if the code has one)."""
    function = getattr(module, "output_backward", None)
    return nan_leak(function, "dZ[L]", where, 'A[L] − Y is NaN where Y is "?"')


def _partial_mistake(module) -> str | None:
    """The mistake the student's dZ[L] makes on the batches with "?" (what :func:`no_gradient_at_unknown` finds)."""
    return first_mistake(lambda: no_gradient_at_unknown(module))


def _from_dZ(module, name: str) -> None:
    """Wrong (about ``name``) unless the student's dW[L] or db[L] comes from their own dZ[L] as the formula says."""
    rng = np.random.default_rng(23)
    batches = [_data(20, 4, 7, unknown=0.3), _data(21, 2, 1, unknown=0.3)]
    batches.append((sigmoid(rng.standard_normal((3, 6))), np.full((3, 6), np.nan), rng.random((N_PREV, 6))))
    for A_L, Y, A_prev in batches:  # two batches with "?", one whose labels are all "?"
        n_y, m = Y.shape
        dZ, dW, db = _answer(module, A_L, Y, A_prev)
        dZ = as_values(dZ, "dZ[L]", (n_y, m))
        if name == "dW[L]":
            value, expected, formula = as_values(dW, name, (n_y, N_PREV)), dZ @ A_prev.T, "your dZ[L] A[L−1]ᵀ"
        else:
            value, expected = as_values(db, name, (n_y, 1)), dZ.sum(axis=1, keepdims=True)
            formula = "Σ_i of your dZ[L][:, i] (a sum over the examples)"
        _judge_from_dZ(value, expected, name, formula, m)


def _judge_from_dZ(value, expected, name: str, formula: str, m: int) -> None:
    """Wrong unless value ≈ expected (computed from the student's dZ[L]; NaN where theirs is NaN)."""
    if same(value, expected):
        return
    finite = np.isfinite(expected)
    if not finite.all():  # the student's dZ[L] holds NaN: judge where it is finite, else it follows from dZ[L]
        if same(value[finite], expected[finite]):
            raise Wrong(f"{name} is {formula} where your dZ[L] is finite, not where it holds NaN.", about="dZ[L]")
        value, expected = value[finite], expected[finite]
    again = "the 1/m of J is already inside dZ[L]; do not divide again."
    if m > 1 and close(value, expected / m):
        kind = "a mean, not a sum" if name == "db[L]" else "off by a factor of 1/m"
        raise Wrong(f"{name} is {kind}: {again}", about=name, mistake="1/m again")
    if close(value, -expected):
        raise Wrong(f"{name} has the sign flipped: it is {formula}.", about=name, mistake="sign")
    if not np.all(np.isfinite(value)):
        raise Wrong(f"{name} holds NaN where {formula} has none: compute it from the dZ[L] you return.",
                    about=name, mistake="not finite")  # fmt: skip
    raise Wrong(f"{name} differs from {formula}.", about=name, mistake="other")


def shapes(module) -> None:
    """dZ[L] (n_y, m), dW[L] (n_y, n_{L−1}), db[L] (n_y, 1), also for m = 1 and n_y = 1"""
    wrong = {}  # output -> the first Wrong of its shape: each output's shape mistake is named once
    for n_y, m in [(4, 7), (1, 6), (3, 1), (1, 1)]:
        dZ, dW, db = _answer(module, *_data(0, n_y, m))
        expected = {
            "dZ[L]": (dZ, (n_y, m), {(m, n_y): "It is transposed: one example per column."}),
            "dW[L]": (dW, (n_y, N_PREV), {
                (N_PREV, n_y): "It is transposed: dW[L] = dZ[L] A[L−1]ᵀ is (n_y, n_{L−1}), the shape of W[L].",
            }),
            "db[L]": (db, (n_y, 1), {
                (n_y,): "Keep it a column, the shape of b[L]: dZ.sum(axis=1, keepdims=True).",
                (1, m): "It sums over the tasks: db[L] = Σ_i dZ[L] sums over the examples, axis=1.",
                (m,): "It sums over the tasks: db[L] = Σ_i dZ[L] sums over the examples, axis=1, keepdims=True.",
            }),
        }  # fmt: skip
        for name, (value, shape, hints) in expected.items():
            if name not in wrong:
                try:
                    as_array(value, name, shape, hints)
                except Wrong as error:
                    wrong[name] = error
    if wrong:
        raise Wrong.joined(list(wrong.values()))


def dZ_fully_labelled(module) -> None:
    """dZ[L] = (A[L] − Y) / m when every label is known"""
    for seed, (n_y, m) in enumerate([(4, 7), (1, 6), (3, 1)]):
        _diagnose_dZ(module, *_data(seed, n_y, m))


def no_gradient_at_unknown(module) -> None:
    """dZ[L] is 0 at every "?" and right elsewhere"""
    for seed, n_y, m in PARTIAL:
        _diagnose_dZ(module, *_data(seed, n_y, m, unknown=0.4))


def no_label_at_all(module) -> None:
    """dZ[L] is 0 for a batch whose labels are all "?\""""
    A_L, _, A_prev = _data(5, 4, 5)
    dZ = _dZ(module, A_L, np.full((4, 5), np.nan), A_prev)
    if np.all(dZ == 0):
        return
    cause = _partial_mistake(module)  # what the same code does to a batch with some labels
    if not np.all(np.isfinite(dZ)):
        if cause == "nan-leak":
            raise Wrong(_leak(module, 'for a batch whose labels are all "?"'), about="dZ[L]", mistake="nan-leak")
        if cause == "labelled":
            raise Wrong('dZ[L] is NaN for a batch whose labels are all "?": you divide by the number of labelled '
                        "entries, 0 here (0/0); the lecture divides by m, and no label gives no gradient.",
                        about="dZ[L]", mistake="labelled", again="follows from the dZ[L] failure above: with nothing "
                        "labelled, the number of labelled entries is 0, and dividing by it is 0/0.")  # fmt: skip
        raise Wrong('dZ[L] contains NaN or inf for a batch whose labels are all "?": no label, no gradient, so it '
                    "must be 0 everywhere.", about="dZ[L]", mistake="not finite, all ?")  # fmt: skip
    if cause in ("counted as 0", "counted as 1", "not 0 at ?"):
        raise Wrong('dZ[L] is not 0 at the "?" entries.', about="dZ[L]", mistake=cause)  # said above: it follows
    raise Wrong('dZ[L] is not 0 for a batch whose labels are all "?": no label, no gradient.', about="dZ[L]",
                mistake="not 0, all ?")  # fmt: skip


def dW_from_dZ(module) -> None:
    """dW[L] = dZ[L] A[L−1]ᵀ, from your own dZ[L]"""
    _from_dZ(module, "dW[L]")


def db_from_dZ(module) -> None:
    """db[L] = Σ_i dZ[L][:, i], from your own dZ[L]"""
    _from_dZ(module, "db[L]")


def keeps_inputs(module) -> None:
    """A[L], Y and A[L−1] are left unchanged"""
    A_L, Y, A_prev = _data(6, 3, 6, unknown=0.4)
    before = {"A_L": A_L.copy(), "Y": Y.copy(), "A_prev": A_prev.copy()}
    student_function(module, "output_backward", SIGNATURE)(A_L, Y, A_prev)
    unchanged(before, {"A_L": A_L, "Y": Y, "A_prev": A_prev})


CHECKS = [shapes, dZ_fully_labelled, no_gradient_at_unknown, no_label_at_all, dW_from_dZ, db_from_dZ, keeps_inputs]
