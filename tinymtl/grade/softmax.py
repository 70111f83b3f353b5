r"""Checks of the exercise ``softmax``: softmax, its cross-entropy and gradient, and its one answer per image.

The student writes three functions, for C classes and m examples (one per column)::

    softmax(Z)                          A_k = e^{Z_k} / Σ_c e^{Z_c}, down each column      A: (C, m)
    softmax_cross_entropy_and_grad(Z, Y)
                                        J = −(1/m) Σ_i Σ_k Y_k log A_k,  dZ[L] = (A − Y) / m
                                        Y (C, m) one-hot; a column of NaN (class "?") is left out
    softmax_predictions(A)              A (n_y + 1, m) over the n_y objects and "none" ->
                                        the 0/1 answers (n_y, m): 1 at the object softmax names

Each check compares them with :func:`tinymtl.activations.softmax`,
:func:`tinymtl.losses.softmax_cross_entropy_and_grad` and
:func:`tinymtl.activations.predicted_class`.

>>> from types import SimpleNamespace
>>> from tinymtl.grade.checks import run_check
>>> right = SimpleNamespace(softmax=softmax, softmax_cross_entropy_and_grad=softmax_cross_entropy_and_grad,
...                         softmax_predictions=lambda A: predicted_class(A)[:-1])
>>> all(run_check(check, right).passed for check in CHECKS)
True
"""

from __future__ import annotations

import numpy as np

from ..activations import predicted_class, softmax
from ..losses import softmax_cross_entropy_and_grad
from .checks import Wrong, as_array, as_number, check_finite, close, student_function, unchanged, wrong_scale

SIGNATURES = {
    "softmax": "softmax(Z)",
    "softmax_cross_entropy_and_grad": "softmax_cross_entropy_and_grad(Z, Y)",
    "softmax_predictions": "softmax_predictions(A)",
}
STABLE = "subtract each column's max first: softmax(Z) = softmax(Z − max_c Z_c), and e^{≤ 0} cannot overflow."
LOG_STABLE = (
    "compute log A = Z − max − log Σ_c e^{Z_c − max} directly, never log of a probability that underflowed to 0."
)
LARGE = np.array([[1000.0, -1000.0, 0.0, 800.0], [999.0, 0.0, 0.0, -800.0], [-1000.0, 1000.0, 1.0, 800.0]])  # (3, 4)


def _call(module, name: str, *arrays):
    """The student's function ``name`` on copies of ``arrays``."""
    return student_function(module, name, SIGNATURES[name])(*(array.copy() for array in arrays))


def _one_hot(rng, C: int, m: int, unknown: float = 0.0) -> np.ndarray:
    """Y (C, m): one 1 per column; a share ``unknown`` of columns all NaN (class "?"), never the last one."""
    Y = np.eye(C)[:, rng.integers(0, C, m)]  # (C, m)
    hidden = rng.random(m) < unknown  # (m,)
    if unknown > 0:
        hidden[0], hidden[-1] = True, False
    Y[:, hidden] = np.nan
    return Y


def _diagnose_softmax(A, Z) -> None:
    """Wrong, with the likely mistake, unless A = softmax(Z) (C, m)."""
    C, m = Z.shape
    A = as_array(A, "softmax(Z)", (C, m), {(m, C): "It is transposed: one example per column."})
    check_finite(A, "softmax(Z)", f"unstable for large logits (e^{{1000}} overflows): {STABLE}")
    expected = softmax(Z)
    if close(A, expected):
        return
    if m > 1 and close(A.sum(axis=1), 1):
        raise Wrong("each row sums to 1: you normalised along the wrong axis. Each column is one example "
                    "and must sum to 1: divide by the sum over axis=0 (keepdims=True).")  # fmt: skip
    raise Wrong(f"softmax(Z) differs from e^{{Z_k}} / Σ_c e^{{Z_c}} for Z of shape {Z.shape}.")


def _diagnose_cross_entropy(answer, Z, Y) -> None:
    """Wrong, with the likely mistake, unless (J, dZ) are tinymtl's."""
    C, m = Z.shape
    if not isinstance(answer, tuple) or len(answer) != 2:
        raise Wrong(f"returns {type(answer).__name__}, expected two things: return J, dZ.")
    J = as_number(answer[0], "J")
    dZ = as_array(answer[1], "dZ[L]", (C, m), {(m, C): "It is transposed: one example per column."})
    expected_J, expected_dZ = (np.asarray(value) for value in softmax_cross_entropy_and_grad(Z, Y))
    unknown = np.isnan(Y[0])  # (m,): columns whose class is "?"
    leak = 'a "?" column (NaN) leaks in; NaN · 0 is NaN: select with np.where.' if unknown.any() else LOG_STABLE
    if unknown.all():
        leak = "with no known class, dividing by the number of known columns is 0/0; the lecture divides by m."
    check_finite(J, "J", leak)
    check_finite(dZ, "dZ[L]", leak)
    if unknown.any() and np.any(dZ[:, unknown] != 0):
        raise Wrong('dZ[L] is not 0 in the columns whose class is "?" (counted as label 0?): an example '
                    "with an unknown class gives no gradient.")  # fmt: skip
    labelled = max(int((~unknown).sum()), 1)
    factors = {
        "the sign is flipped: J = −Σ y log A ≥ 0 and dZ[L] = (A − Y) / m.": -1,
        "off by a factor of m: you forgot the 1/m.": m,
        "divided by C·m; J divides by m only.": 1 / C,
        'divided by the number of examples with a known class instead of m.': m / labelled,
    }  # fmt: skip
    for name, value, expected in (("J", J, expected_J), ("dZ[L]", dZ, expected_dZ)):
        if not close(value, expected):
            mistake = wrong_scale(value, expected, factors) or "it differs from tinymtl's."
            raise Wrong(f"{name} for Z of shape {Z.shape}: {mistake}")


def softmax_columns(module) -> None:
    """softmax(Z): each column of A (C, m) sums to 1 and matches e^{Z_k} / Σ_c e^{Z_c}"""
    rng = np.random.default_rng(0)
    for C, m in [(4, 6), (2, 1), (5, 3)]:
        Z = 2 * rng.standard_normal((C, m))  # (C, m)
        _diagnose_softmax(_call(module, "softmax", Z), Z)


def softmax_large_logits(module) -> None:
    """softmax(Z) is finite and right for logits up to |z| = 1000"""
    _diagnose_softmax(_call(module, "softmax", LARGE), LARGE)


def cross_entropy(module) -> None:
    """J and dZ[L] = (A − Y) / m on one-hot Y"""
    rng = np.random.default_rng(1)
    for C, m in [(4, 7), (3, 1), (2, 5)]:
        Z, Y = 2 * rng.standard_normal((C, m)), _one_hot(rng, C, m)
        _diagnose_cross_entropy(_call(module, "softmax_cross_entropy_and_grad", Z, Y), Z, Y)


def cross_entropy_unknown_class(module) -> None:
    """columns of "?" (unknown class) are left out of J and get dZ[L] = 0"""
    rng = np.random.default_rng(2)
    for C, m in [(4, 7), (3, 4)]:
        Z, Y = 2 * rng.standard_normal((C, m)), _one_hot(rng, C, m, unknown=0.4)
        _diagnose_cross_entropy(_call(module, "softmax_cross_entropy_and_grad", Z, Y), Z, Y)


def cross_entropy_no_label(module) -> None:
    """J = 0 and dZ[L] = 0 for a batch whose classes are all "?\""""
    Z, Y = np.random.default_rng(3).standard_normal((4, 5)), np.full((4, 5), np.nan)
    _diagnose_cross_entropy(_call(module, "softmax_cross_entropy_and_grad", Z, Y), Z, Y)


def cross_entropy_large_logits(module) -> None:
    """J and dZ[L] are finite and right for logits up to |z| = 1000"""
    Y = np.eye(3)[:, [2, 0, 1, 1]]  # the true class gets a logit far below the largest in columns 0, 1, 3
    _diagnose_cross_entropy(_call(module, "softmax_cross_entropy_and_grad", LARGE, Y), LARGE, Y)


def predictions(module) -> None:
    """softmax_predictions(A): one 1 per image at the object with the largest A, none when "none" wins"""
    rng = np.random.default_rng(4)
    n_y, m = 4, 12
    Z = rng.standard_normal((n_y + 1, m))  # (n_y + 1, m): 4 objects and "none"
    Z[-1, :3] += 5  # "none" wins in the first three columns
    Z[:, 3] = [1.0, 0.9, 0.8, 0.7, 0.6]  # a column whose largest probability is below 0.5
    A = softmax(Z)
    answer = as_array(_call(module, "softmax_predictions", A), "softmax_predictions(A)", (n_y, m), {
        (n_y + 1, m): 'It keeps the "none" row: return the n_y object rows only, A[:-1] after choosing.',
    })  # fmt: skip
    expected = predicted_class(A)[:n_y]  # (n_y, m)
    if not np.all((answer == 0) | (answer == 1)):
        raise Wrong("the answers are not 0/1: put 1 at each column's largest A_k (argmax over axis=0), 0 elsewhere.")
    if np.any(answer.sum(axis=0) > 1):
        raise Wrong("a column has more than one 1: softmax names exactly one class, the largest A_k.")
    if np.any(answer[:, :3] != 0):
        raise Wrong('a column where "none" has the largest A still names an object: it must be all 0.')
    if not np.array_equal(answer, expected):
        raise Wrong("the 1 is not at the largest A_k of every column (a threshold A >= 0.5 misses columns "
                    "whose largest probability is below 0.5): take the argmax over axis=0.")  # fmt: skip


def keeps_inputs(module) -> None:
    """Z, Y and A are left unchanged"""
    rng = np.random.default_rng(5)
    Z, Y = rng.standard_normal((4, 6)), _one_hot(rng, 4, 6, unknown=0.4)
    A = softmax(Z)
    before = {"Z": Z.copy(), "Y": Y.copy(), "A": A.copy()}
    for name, arguments in (("softmax", (Z,)), ("softmax_cross_entropy_and_grad", (Z, Y)),
                            ("softmax_predictions", (A,))):  # fmt: skip
        student_function(module, name, SIGNATURES[name])(*arguments)
    unchanged(before, {"Z": Z, "Y": Y, "A": A})


CHECKS = [softmax_columns, softmax_large_logits, cross_entropy, cross_entropy_unknown_class, cross_entropy_no_label,
          cross_entropy_large_logits, predictions, keeps_inputs]  # fmt: skip
