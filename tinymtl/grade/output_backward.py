r"""Checks of the exercise ``output_backward``: the backward step of the output layer L.

The student writes ``output_backward(A_L, Y, A_prev)``: A[L] = σ(Z[L]) (n_y, m),
Y (n_y, m) with NaN for "?", A[L−1] (n_{L−1}, m), and returns three arrays::

    dZ[L] = (A[L] − Y) ⊙ M / m      (n_y, m)        M = 1 where labelled, 0 at "?"
    dW[L] = dZ[L] A[L−1]ᵀ           (n_y, n_{L−1})
    db[L] = Σ_i dZ[L][:, i]          (n_y, 1)

Each check compares them with :func:`tinymtl.losses.masked_logistic_loss_and_grad`
(which gives dZ[L]) and :func:`tinymtl.layers.linear_backward` (dW[L], db[L]).

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
    check_finite,
    close,
    random_labels,
    student_function,
    unchanged,
    wrong_scale,
)

SIGNATURE = "output_backward(A_L, Y, A_prev)"
N_PREV = 5  # n_{L−1}, different from every n_y and m below so that a transposed dW shows


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


def _student(module, A_L, Y, A_prev):
    """The student's (dZ, dW, db) on copies of the inputs, with their shapes checked."""
    n_y, m = Y.shape
    answer = student_function(module, "output_backward", SIGNATURE)(A_L.copy(), Y.copy(), A_prev.copy())
    if not isinstance(answer, tuple) or len(answer) != 3:
        raise Wrong(f"returns {type(answer).__name__}, expected three arrays: return dZ, dW, db.")
    dZ, dW, db = answer
    dZ = as_array(dZ, "dZ[L]", (n_y, m), {(m, n_y): "It is transposed: one example per column."})
    dW = as_array(dW, "dW[L]", (n_y, N_PREV), {
        (N_PREV, n_y): "It is transposed: dW[L] = dZ[L] A[L−1]ᵀ is (n_y, n_{L−1}), the shape of W[L].",
    })  # fmt: skip
    db = as_array(db, "db[L]", (n_y, 1), {
        (n_y,): "Keep it a column, the shape of b[L]: dZ.sum(axis=1, keepdims=True).",
        (1, m): "It sums over the tasks: db[L] = Σ_i dZ[L] sums over the examples, axis=1.",
        (m,): "It sums over the tasks: db[L] = Σ_i dZ[L] sums over the examples, axis=1, keepdims=True.",
    })  # fmt: skip
    return dZ, dW, db


def _diagnose_dZ(dZ, A_L, Y) -> None:
    """Wrong, with the likely mistake, unless dZ[L] = (A[L] − Y) ⊙ M / m."""
    n_y, m = Y.shape
    expected = _tinymtl_answer(A_L, Y, np.zeros((N_PREV, m)))[0]
    if close(dZ, expected):
        return
    unknown = np.isnan(Y)
    check_finite(dZ, "dZ[L]", 'a "?" (NaN) leaks into it: NaN · 0 is NaN, so multiplying by the mask does not '
                 "help; set the \"?\" entries to 0 with np.where(M, A_L - Y, 0)." if unknown.any() else "look for a 0/0.")  # fmt: skip
    if unknown.any() and not np.all(dZ[unknown] == 0):
        as_zero, as_one = np.where(unknown, 0.0, Y), np.where(unknown, 1.0, Y)
        counted = "0" if close(dZ, (A_L - as_zero) / m) else "1" if close(dZ, (A_L - as_one) / m) else None
        mistake = f'"?" counted as label {counted}' if counted else 'it is not 0 at the "?" entries'
        raise Wrong(f'dZ[L]: {mistake}; a "?" gives no gradient: dZ[L] = (A[L] − Y) ⊙ M / m with M = 0 at "?".')
    labelled = max(int((~unknown).sum()), 1)
    mistake = wrong_scale(dZ, expected, {
        "the sign is flipped: dZ[L] = (A[L] − Y) / m, not (Y − A[L]) / m.": -1,
        "off by a factor of m: you forgot the 1/m of J.": m,
        "divided by n_y·m; J divides by m only.": 1 / n_y,
        "divided by the number of labelled entries instead of m (the lecture's J divides by m).": m / labelled,
    })  # fmt: skip
    raise Wrong(f"dZ[L] for shape {Y.shape}: {mistake or 'it differs from (A[L] − Y) ⊙ M / m.'}")


def _diagnose_dW_db(dZ, dW, db, A_prev) -> None:
    """Wrong unless dW[L] = dZ[L] A[L−1]ᵀ and db[L] = Σ_i dZ[L], from the student's own dZ[L]."""
    m = dZ.shape[1]
    again = "off by a factor of 1/m: the 1/m of J is already inside dZ[L]; do not divide again."
    for name, value, expected in (("dW[L]", dW, dZ @ A_prev.T), ("db[L]", db, dZ.sum(axis=1, keepdims=True))):
        if not close(value, expected):
            mistake = wrong_scale(value, expected, {again: 1 / m, "the sign is flipped.": -1})
            formula = "dZ[L] A[L−1]ᵀ" if name == "dW[L]" else "Σ_i dZ[L][:, i] (a sum, not a mean)"
            raise Wrong(f"{name} differs from {formula}{': ' + mistake if mistake else '.'}")


def shapes(module) -> None:
    """dZ[L] (n_y, m), dW[L] (n_y, n_{L−1}), db[L] (n_y, 1), also for m = 1 and n_y = 1"""
    for n_y, m in [(4, 7), (1, 6), (3, 1), (1, 1)]:
        _student(module, *_data(0, n_y, m))


def dZ_fully_labelled(module) -> None:
    """dZ[L] = (A[L] − Y) / m when every label is known"""
    for seed, (n_y, m) in enumerate([(4, 7), (1, 6), (3, 1)]):
        A_L, Y, A_prev = _data(seed, n_y, m)
        _diagnose_dZ(_student(module, A_L, Y, A_prev)[0], A_L, Y)


def dW_db_from_dZ(module) -> None:
    """dW[L] = dZ[L] A[L−1]ᵀ and db[L] = Σ_i dZ[L] (from your dZ[L])"""
    for seed, (n_y, m) in enumerate([(4, 7), (2, 1)]):
        A_L, Y, A_prev = _data(seed, n_y, m, unknown=0.3)
        dZ, dW, db = _student(module, A_L, Y, A_prev)
        _diagnose_dW_db(np.where(np.isnan(dZ), 0.0, dZ), dW, db, A_prev)


def no_gradient_at_unknown(module) -> None:
    """dZ[L] is 0 at every "?" and right elsewhere; dW[L], db[L] finite"""
    for seed, (n_y, m) in enumerate([(4, 7), (1, 6), (3, 2)]):
        A_L, Y, A_prev = _data(10 + seed, n_y, m, unknown=0.4)
        dZ, dW, db = _student(module, A_L, Y, A_prev)
        _diagnose_dZ(dZ, A_L, Y)
        check_finite(dW, "dW[L]", 'it should come from dZ[L], which is 0 (not NaN) at the "?".')
        check_finite(db, "db[L]", 'it should come from dZ[L], which is 0 (not NaN) at the "?".')


def no_label_at_all(module) -> None:
    """dZ[L], dW[L], db[L] are all 0 for a batch whose labels are all "?\""""
    A_L, _, A_prev = _data(5, 4, 5)
    answer = _student(module, A_L, np.full((4, 5), np.nan), A_prev)
    for name, value in zip(("dZ[L]", "dW[L]", "db[L]"), answer, strict=True):
        check_finite(value, name, "with nothing labelled, dividing by the number of labelled entries is 0/0; "
                     "the lecture divides by m.")  # fmt: skip
        if np.any(value != 0):
            raise Wrong(f'{name} is not 0 for a batch with every label "?": no label, no gradient.')


def keeps_inputs(module) -> None:
    """A[L], Y and A[L−1] are left unchanged"""
    A_L, Y, A_prev = _data(6, 3, 6, unknown=0.4)
    before = {"A_L": A_L.copy(), "Y": Y.copy(), "A_prev": A_prev.copy()}
    student_function(module, "output_backward", SIGNATURE)(A_L, Y, A_prev)
    unchanged(before, {"A_L": A_L, "Y": Y, "A_prev": A_prev})


CHECKS = [shapes, dZ_fully_labelled, dW_db_from_dZ, no_gradient_at_unknown, no_label_at_all, keeps_inputs]
