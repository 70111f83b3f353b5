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
:func:`tinymtl.activations.predicted_class`. A cross-entropy that is wrong
only because it calls the student's own wrong ``softmax`` is said to follow
from the softmax failure above (the check puts a right softmax in its place
and asks again); J and dZ[L] are judged apart, so a mistake in one does not
hide one in the other.

>>> from types import SimpleNamespace
>>> from tinymtl.grade.checks import run_check
>>> right = SimpleNamespace(softmax=softmax, softmax_cross_entropy_and_grad=softmax_cross_entropy_and_grad,
...                         softmax_predictions=_tinymtl_predictions)
>>> all(run_check(check, right).passed for check in CHECKS)
True
"""

from __future__ import annotations

import numpy as np

from ..activations import predicted_class, softmax
from ..losses import softmax_cross_entropy_and_grad
from .checks import (
    Wrong,
    all_of,
    as_array,
    as_number,
    as_values,
    close,
    first_mistake,
    nan_leak,
    student_function,
    unchanged,
    wrong_scale,
)
from .own_code import UsesTinymtl

SIGNATURES = {
    "softmax": "softmax(Z)",
    "softmax_cross_entropy_and_grad": "softmax_cross_entropy_and_grad(Z, Y)",
    "softmax_predictions": "softmax_predictions(A)",
}
FUNCTIONS = tuple(SIGNATURES)  # what the student writes (and may not take from tinymtl)
STABLE = "subtract each column's max first: softmax(Z) = softmax(Z − max_c Z_c), and e^{≤ 0} cannot overflow."
LOG_STABLE = (
    "compute log A = Z − max − log Σ_c e^{Z_c − max} directly, never log of a probability that underflowed to 0."
)
LARGE = np.array([[1000.0, -1000.0, 0.0, 800.0], [999.0, 0.0, 0.0, -800.0], [-1000.0, 1000.0, 1.0, 800.0]])  # (3, 4)
KNOWN = "known = ~np.isnan(Y[:1]) (True in the columns whose class is known)"
MODERATE = 200  # LARGE / MODERATE has |z| ≤ 5: a check for large logits first asks whether moderate ones work
HINTS = {
    "softmax": [
        "Each column of Z is one example: every max and every sum runs down a column, axis=0, with "
        "keepdims=True, so that the (1, m) result broadcasts against Z (C, m).",
        "e^{1000} overflows to inf, and inf / inf is NaN. Subtracting the same number from every logit of a "
        "column leaves its softmax unchanged (the factor e^{−c} cancels above and below the fraction line): "
        "subtract the column's largest logit, so that every exponent is ≤ 0.",
        "The key lines: E = np.exp(Z - Z.max(axis=0, keepdims=True)); return E / E.sum(axis=0, keepdims=True).",
    ],
    "softmax_cross_entropy_and_grad": [
        "C, m = Z.shape. known = ~np.isnan(Y[:1]) is (1, m), True in the columns whose class is known; it "
        "broadcasts over the C rows.",
        "Do not take np.log of a probability: for large logits it underflows to 0, and log 0 = −inf. From the "
        "logits, log A = (Z − max) − log Σ_c e^{Z_c − max}, which is finite for any Z.",
        'Set the "?" columns of Y to 0 with np.where(known, Y, 0) before any product (NaN · 0 is NaN), and make '
        "dZ[L] exactly 0 there too. Divide by m, not by the number of known columns: a batch whose classes are "
        'all "?" gives J = 0 and dZ[L] = 0.',
        "The key lines: shifted = Z - Z.max(axis=0, keepdims=True); "
        "log_A = shifted - np.log(np.exp(shifted).sum(axis=0, keepdims=True)); Y0 = np.where(known, Y, 0); "
        "J = -(Y0 * log_A).sum() / m; dZ = np.where(known, np.exp(log_A) - Y0, 0) / m.",
    ],
    "softmax_predictions": [
        "Softmax names one class per image: in each column, the row of the largest A_k, A.argmax(axis=0), "
        "of shape (m,).",
        "Build the answers as zeros of A's shape, put a 1 at (the named class, the column) of every column "
        '(index with the argmax and np.arange(m)), then drop the last row, "none": an image where "none" '
        "wins gets no 1 at all.",
        "The key lines: answers = np.zeros_like(A); answers[A.argmax(axis=0), np.arange(A.shape[1])] = 1; "
        "return answers[:-1].",
    ],
}


def _tinymtl_predictions(A):
    """tinymtl's answers (n_y, m) from A (n_y + 1, m): its one-hot prediction without the "none" row."""
    return predicted_class(A)[:-1]


def _right_softmax(Z):
    """tinymtl's softmax, put in place of the student's to see whether their cross-entropy is right with it."""
    return softmax(Z)


def _call(module, name: str, *arrays):
    """The student's function ``name`` on copies of ``arrays``."""
    function = student_function(module, name, SIGNATURES[name], allowed=(_right_softmax,))
    return function(*(array.copy() for array in arrays))


def _one_hot(rng, C: int, m: int, unknown: float = 0.0) -> np.ndarray:
    """Y (C, m): one 1 per column; a share ``unknown`` of columns all NaN (class "?"), never the last one."""
    Y = np.eye(C)[:, rng.integers(0, C, m)]  # (C, m)
    hidden = rng.random(m) < unknown  # (m,)
    if unknown > 0:
        hidden[0], hidden[-1] = True, False
    Y[:, hidden] = np.nan
    return Y


def _diagnose_softmax(module, Z, large: bool = False) -> None:
    """Wrong (about "softmax(Z)"), with the likely mistake, unless the student's softmax(Z) is tinymtl's (C, m)."""
    C, m = Z.shape
    A = as_values(_call(module, "softmax", Z), "softmax(Z)", (C, m))  # a transposed A: the column check says it
    if close(A, softmax(Z)):
        return
    if not np.all(np.isfinite(A)):
        if large:
            raise Wrong(f"softmax(Z) contains NaN or inf: unstable for large logits (e^{{1000}} overflows): {STABLE}",
                        about="softmax(Z)", mistake="unstable")  # fmt: skip
        raise Wrong(f"softmax(Z) contains NaN or inf for logits of size about 2: look for a 0/0 (Z of shape {Z.shape}).",
                    about="softmax(Z)", mistake="not finite")  # fmt: skip
    if m > 1 and close(A.sum(axis=1), 1):
        raise Wrong("each row sums to 1: you normalised along the wrong axis. Each column is one example "
                    "and must sum to 1: divide by the sum over axis=0 (keepdims=True).", about="softmax(Z)",
                    mistake="axis")  # fmt: skip
    raise Wrong(f"softmax(Z) differs from e^{{Z_k}} / Σ_c e^{{Z_c}} for Z of shape {Z.shape}.", about="softmax(Z)",
                mistake="other")  # fmt: skip


def _cross_entropy(module, Z, Y, large: bool = False) -> None:
    """Wrong unless the student's (J, dZ[L]) are tinymtl's; said to follow from softmax(Z) when that is the cause."""
    try:
        _judge_cross_entropy(module, Z, Y, large)
    except Wrong:
        if _right_with_a_right_softmax(module, Z, Y, large):
            raise Wrong("J and dZ[L] are right once your softmax(Z) is replaced by a right one: they use your "
                        "softmax(Z); fix that first.", about="softmax(Z)") from None  # fmt: skip
        raise


def _right_with_a_right_softmax(module, Z, Y, large: bool) -> bool:
    """Whether the student's cross-entropy is right when their (wrong) softmax is replaced by tinymtl's."""
    own = getattr(module, "softmax", None)
    if own is None or own is _right_softmax:
        return False
    if _passes(lambda: _diagnose_softmax(module, Z, large)):
        return False  # their softmax is right here: it is not the cause
    module.softmax = _right_softmax
    try:
        return _passes(lambda: _judge_cross_entropy(module, Z, Y, large))
    finally:
        module.softmax = own


def _passes(check) -> bool:
    """Whether ``check`` (a function of no argument) returns: a Wrong or a crash is no (a refusal goes through)."""
    try:
        check()
    except UsesTinymtl:
        raise
    except Exception:  # noqa: BLE001  any failure counts as not passing
        return False
    return True


def _judge_cross_entropy(module, Z, Y, large: bool) -> None:
    """Wrong unless J and dZ[L] are tinymtl's; each judged on its own, both reported."""
    C, m = Z.shape
    answer = _call(module, "softmax_cross_entropy_and_grad", Z, Y)
    if not isinstance(answer, tuple) or len(answer) != 2:
        got = f"a tuple of {len(answer)}" if isinstance(answer, tuple) else f"a {type(answer).__name__}"
        raise Wrong(f"returns {got}, expected two things: return J, dZ.", about="return value", mistake="not two")
    expected_J, expected_dZ = (np.asarray(value) for value in softmax_cross_entropy_and_grad(Z, Y))
    all_of(lambda: _judge_J(module, answer[0], Z, Y, float(expected_J), large),
           lambda: _judge_dZ(module, answer[1], Z, Y, expected_dZ, large))  # fmt: skip


def _scale_mistake(value, expected, C: int, m: int, known: int) -> tuple[str, str] | None:
    """(mistake, words) if value ≈ a known factor times expected: a flipped sign, a missing 1/m..."""
    scales = [
        ("sign", -1, "the sign is flipped: J = −Σ y log A ≥ 0 and dZ[L] = (A − Y) / m."),
        ("forgot 1/m", m, "off by a factor of m: you forgot the 1/m."),
        ("C·m", 1 / C, "divided by C·m; J divides by m only."),
        ("known", m / max(known, 1), "divided by the number of examples with a known class instead of m."),
    ]
    return wrong_scale(value, expected, scales)


def _known_filled(Y) -> np.ndarray:
    """Y with each "?" column replaced by the class 0 (to see whether a NaN came from the "?" columns)."""
    return np.where(np.isnan(Y[:1]), np.eye(Y.shape[0])[:, :1], Y)


def _judge_J(module, J, Z, Y, expected: float, large: bool) -> None:
    """Wrong (about "J") unless J ≈ tinymtl's J."""
    C, m = Z.shape
    J = as_number(J, "J", fix="sum over the classes k and the examples i (axis=None).")
    if close(J, expected):
        return
    unknown = np.isnan(Y[0])  # (m,): columns whose class is "?"
    if not np.isfinite(J):
        if unknown.any() and np.isfinite(_student_J(module, Z, _known_filled(Y))):
            raise Wrong(nan_leak(getattr(module, "softmax_cross_entropy_and_grad", None), "J", 'when a class is "?"',
                                 'Y_k log A_k is NaN in a "?" column', KNOWN), about="J", mistake="nan-leak")  # fmt: skip
        if large:
            raise Wrong(f"J contains NaN or inf: {LOG_STABLE}", about="J", mistake="unstable")
        raise Wrong(f"J is {J} for logits of size about 2: look for a log of 0 or a 0/0.", about="J",
                    mistake="not finite")  # fmt: skip
    mistake, text = _scale_mistake(J, expected, C, m, int((~unknown).sum())) or ("other", "it differs from tinymtl's.")
    raise Wrong(f"J for Z of shape {Z.shape}: {text}", about="J", mistake=mistake)


def _student_J(module, Z, Y) -> float:
    """The student's J for (Z, Y) as a float (NaN when it is not one number or the code fails)."""
    try:
        return float(np.asarray(_call(module, "softmax_cross_entropy_and_grad", Z, Y)[0]))
    except UsesTinymtl:
        raise  # a refusal is no NaN
    except Exception:  # noqa: BLE001  only its finiteness is asked
        return float("nan")


def _judge_dZ(module, dZ, Z, Y, expected, large: bool) -> None:
    """Wrong (about "dZ[L]") unless dZ[L] ≈ tinymtl's (A − Y) / m, 0 in the "?" columns."""
    C, m = Z.shape
    dZ = as_array(dZ, "dZ[L]", (C, m), {(m, C): "It is transposed: one example per column."})
    if close(dZ, expected):
        return
    unknown = np.isnan(Y[0])  # (m,)
    finite = np.isfinite(dZ)
    if not finite.all():
        if unknown.any() and np.all(finite | unknown[None, :]):  # NaN only in the "?" columns
            raise Wrong(nan_leak(getattr(module, "softmax_cross_entropy_and_grad", None), "dZ[L]",
                                 'in the "?" columns', 'A − Y is NaN where Y is "?"', KNOWN), about="dZ[L]",
                        mistake="nan-leak")  # fmt: skip
        why = STABLE if large else "look for a 0/0."
        raise Wrong(f"dZ[L] contains NaN or inf for Z of shape {Z.shape}: {why}", about="dZ[L]",
                    mistake="unstable" if large else "not finite")  # fmt: skip
    if unknown.any() and np.any(dZ[:, unknown] != 0):
        counted = close(dZ[:, unknown], softmax(Z)[:, unknown] / m)
        how = "counted as label 0 (dZ[L] = A / m there)" if counted else "not 0"
        raise Wrong(f'dZ[L] in the columns whose class is "?" is {how}: an example with an unknown class gives '
                    "no gradient.", about="dZ[L]", mistake="counted as 0" if counted else "not 0 at ?")  # fmt: skip
    known = int((~unknown).sum())
    mistake, text = _scale_mistake(dZ, expected, C, m, known) or ("other", "it differs from tinymtl's (A − Y) / m.")
    raise Wrong(f"dZ[L] for Z of shape {Z.shape}: {text}", about="dZ[L]", mistake=mistake)


def _partial_mistake(module, about: str) -> str | None:
    """The mistake in ``about`` ("J" or "dZ[L]") that :func:`cross_entropy_unknown_class` finds."""
    return first_mistake(lambda: cross_entropy_unknown_class(module), about)


def softmax_columns(module) -> None:
    """softmax(Z): each column of A (C, m) sums to 1 and matches e^{Z_k} / Σ_c e^{Z_c}"""
    rng = np.random.default_rng(0)
    for C, m in [(4, 6), (2, 1), (5, 3)]:
        Z = 2 * rng.standard_normal((C, m))  # (C, m)
        as_array(
            _call(module, "softmax", Z), "softmax(Z)", (C, m), {(m, C): "It is transposed: one example per column."}
        )
        _diagnose_softmax(module, Z)


def softmax_large_logits(module) -> None:
    """softmax(Z) is finite and right for logits up to |z| = 1000"""
    try:
        _diagnose_softmax(module, LARGE, large=True)
    except Wrong:
        _diagnose_softmax(module, LARGE / MODERATE)  # wrong for moderate logits too: that mistake, said above
        raise


def cross_entropy(module) -> None:
    """J and dZ[L] = (A − Y) / m on one-hot Y"""
    rng = np.random.default_rng(1)
    for C, m in [(4, 7), (3, 1), (2, 5)]:
        Z, Y = 2 * rng.standard_normal((C, m)), _one_hot(rng, C, m)
        _cross_entropy(module, Z, Y)


def cross_entropy_unknown_class(module) -> None:
    """columns of "?" (unknown class) are left out of J and get dZ[L] = 0"""
    rng = np.random.default_rng(2)
    for C, m in [(4, 7), (3, 4)]:
        Z, Y = 2 * rng.standard_normal((C, m)), _one_hot(rng, C, m, unknown=0.4)
        _cross_entropy(module, Z, Y)


def cross_entropy_no_label(module) -> None:
    """J = 0 and dZ[L] = 0 for a batch whose classes are all "?\""""
    Z, Y = np.random.default_rng(3).standard_normal((4, 5)), np.full((4, 5), np.nan)
    answer = _call(module, "softmax_cross_entropy_and_grad", Z, Y)
    if not isinstance(answer, tuple) or len(answer) != 2:
        _cross_entropy(module, Z, Y)  # says what is wrong with the answer
    all_of(lambda: _no_label(module, answer[0], "J"), lambda: _no_label(module, answer[1], "dZ[L]"))


def _no_label(module, value, what: str) -> None:
    """Wrong (about ``what``) unless ``value`` is 0 for the all-"?" batch; the cause learnt from the "?" check."""
    value = as_number(value, "J") if what == "J" else as_values(value, what, (4, 5))
    if np.all(value == 0):
        return
    cause = _partial_mistake(module, what)  # what the same code does to a batch with some classes known
    if not np.all(np.isfinite(value)):
        if cause == "nan-leak":
            raise Wrong(nan_leak(getattr(module, "softmax_cross_entropy_and_grad", None), what,
                                 'for a batch whose classes are all "?"', 'Y is NaN in a "?" column', KNOWN),
                        about=what, mistake="nan-leak")  # fmt: skip
        if cause == "known":
            raise Wrong(f'{what} is NaN for a batch whose classes are all "?": you divide by the number of examples '
                        "with a known class, 0 here (0/0); the lecture divides by m.", about=what, mistake="known",
                        again=f"follows from the {what} failure above: with no known class, the number of known "
                        "columns is 0, and dividing by it is 0/0.")  # fmt: skip
        raise Wrong(f'{what} contains NaN or inf for a batch whose classes are all "?": with no known class it is 0.',
                    about=what, mistake="not finite, all ?")  # fmt: skip
    if cause in ("counted as 0", "not 0 at ?"):
        raise Wrong(f'{what} is not 0 in the "?" columns.', about=what, mistake=cause)  # said above: it follows
    raise Wrong(f'{what} is not 0 for a batch whose classes are all "?": no known class, no loss and no gradient.',
                about=what, mistake="not 0, all ?")  # fmt: skip


def cross_entropy_large_logits(module) -> None:
    """J and dZ[L] are finite and right for logits up to |z| = 1000"""
    Y = np.eye(3)[:, [2, 0, 1, 1]]  # the true class gets a logit far below the largest in columns 0, 1, 3
    try:
        _cross_entropy(module, LARGE, Y, large=True)
    except Wrong:
        _cross_entropy(module, LARGE / MODERATE, Y)  # wrong for moderate logits too: that mistake, said above
        raise


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
        student_function(module, name, SIGNATURES[name], allowed=(_right_softmax,))(*arguments)
    unchanged(before, {"Z": Z, "Y": Y, "A": A})


CHECKS = [softmax_columns, softmax_large_logits, cross_entropy, cross_entropy_unknown_class, cross_entropy_no_label,
          cross_entropy_large_logits, predictions, keeps_inputs]  # fmt: skip
CHECKS_OF = {  # the checks of each function: --hint helps with the first function that fails one
    "softmax": [softmax_columns, softmax_large_logits],
    "softmax_cross_entropy_and_grad": [
        cross_entropy,
        cross_entropy_unknown_class,
        cross_entropy_no_label,
        cross_entropy_large_logits,
    ],  # fmt: skip
    "softmax_predictions": [predictions],
}
