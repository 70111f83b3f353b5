r"""Checks of the exercise ``masked_loss``: the masked logistic loss J from the logits.

The student writes ``masked_logistic_loss(Z, Y)``: Z (n_y, m) logits, Y (n_y, m)
of 0, 1 or NaN ("?"), and returns one number::

    J = (1/m) Σ_i Σ_{j labelled} L(ŷ_j^(i), y_j^(i)),   L = max(z, 0) − y·z + log(1 + e^{−|z|})

Each check compares it with :func:`tinymtl.losses.masked_logistic_loss_and_grad`.
The all-"?" and large-logit checks first ask what the same code does where it
is easier (a batch with some labels, moderate logits): a mistake found there
was named by an earlier check, so they say it follows from that failure
instead of guessing a cause of their own (0/0, overflow).

>>> from types import SimpleNamespace
>>> from tinymtl.grade.checks import run_check
>>> all(run_check(check, SimpleNamespace(masked_logistic_loss=_reference)).passed for check in CHECKS)
True
"""

from __future__ import annotations

import numpy as np

from ..losses import masked_logistic_loss_and_grad
from .checks import (
    Wrong,
    as_number,
    check_finite,
    close,
    first_mistake,
    nan_leak,
    random_labels,
    student_function,
    unchanged,
    wrong_scale,
)

SIGNATURE = "masked_logistic_loss(Z, Y)"
FUNCTIONS = ("masked_logistic_loss",)  # what the student writes (and may not take from tinymtl)
SHAPES = [(4, 7), (1, 5), (3, 1), (1, 1)]  # (n_y, m), including n_y = 1 and m = 1
ONE_NUMBER = "sum over the tasks j and the examples i (axis=None)."
LABELLED = ("divided by the number of labelled entries instead of m (that is the 'ignore index' mean; "
            "the lecture's J divides by m).")  # fmt: skip
STABLE = "compute L from the logit, L = max(z, 0) − y·z + log(1 + e^{−|z|}), which never overflows nor takes log(0)."
LARGE_Z = np.array([[1000.0, -1000.0, 1000.0, -1000.0, 40.0, -40.0, 0.0], [-800.0, 800.0, 1e-3, -1e-3, 700.0, 5, -5]])
LARGE_Y = np.array([[1.0, 0.0, 0.0, 1.0, 1.0, np.nan, 0.0], [0.0, 1.0, 1.0, 0.0, 0.0, 1.0, np.nan]])
MODERATE = 200  # LARGE_Z / MODERATE has |z| ≤ 5
HINTS = {
    "masked_logistic_loss": [
        "Start from the shapes: n_y, m = Z.shape. The mask M = ~np.isnan(Y), (n_y, m), is True where a label is known.",
        "Compute L for every entry (n_y, m) from the logits, with the formula of the docstring: np.maximum, "
        'np.abs, np.exp and np.log1p. At a "?" the NaN of Y makes L NaN; the next step drops it.',
        'Leave the "?" terms out by selecting, not multiplying: NaN · 0 is NaN. np.where(M, L, 0) keeps L where '
        'M is True and puts 0 elsewhere. (Or set the "?" of Y to 0 first, np.where(M, Y, 0), so that no NaN '
        "enters the arithmetic.)",
        "Divide the sum by m, the number of examples, not by the number of labelled entries: a batch whose "
        'labels are all "?" then gives J = 0, not 0/0.',
        "The key lines: Y0 = np.where(M, Y, 0); L = np.maximum(Z, 0) - Y0 * Z + np.log1p(np.exp(-np.abs(Z))); "
        "return np.where(M, L, 0).sum() / m.",
    ],
}


def _student_J(module, Z, Y) -> float:
    """The student's J on copies of Z and Y (so that a change in place cannot spoil the reference)."""
    loss = student_function(module, "masked_logistic_loss", SIGNATURE)
    return as_number(loss(Z.copy(), Y.copy()), "J", fix=ONE_NUMBER)


def _reference(Z, Y, normalizer="m") -> float:
    """tinymtl's J."""
    return float(masked_logistic_loss_and_grad(Z, Y, normalizer)[0])


def _diagnose(module, Z, Y) -> None:
    """Wrong (about "J"), with the likely mistake, unless the student's J is tinymtl's J (a batch with a label)."""
    n_y, m = Y.shape
    J, expected = _student_J(module, Z, Y), _reference(Z, Y)
    if close(J, expected):
        return
    unknown = np.isnan(Y)
    if not np.isfinite(J):
        if unknown.any() and np.isfinite(_student_J(module, Z, np.where(unknown, 0.0, Y))):
            function = getattr(module, "masked_logistic_loss", None)
            raise Wrong(nan_leak(function, "J", 'when a label is "?"', 'its term L is NaN'), about="J",
                        mistake="nan-leak")  # fmt: skip
        check_finite(J, "J", "look for log(0) or an overflow in e^z.")
    labelled = int((~unknown).sum())
    scales = [
        ("sign", -1, "the sign is flipped: L = −y log ŷ − (1 − y) log(1 − ŷ) is never negative."),
        ("forgot 1/m", m, "off by a factor of m: you forgot the 1/m (J is a mean over the m examples)."),
        ("n_y·m", 1 / n_y, "divided by n_y·m (a mean over every entry); the lecture divides the sum by m only."),
        ("labelled", m / labelled, LABELLED),
    ]
    found = wrong_scale(J, expected, scales)
    if found:
        mistake, text = found
        if mistake == "n_y·m" and labelled == n_y * m and _partial_mistake(module) == "labelled":
            mistake, text = "labelled", LABELLED  # every entry is labelled here; the "?" batches tell which
        raise Wrong(f"J = {J:.6g} for Z, Y of shape {Y.shape}, expected {expected:.6g}: {text}", about="J",
                    mistake=mistake)  # fmt: skip
    as_zero, as_one = np.where(unknown, 0.0, Y), np.where(unknown, 1.0, Y)
    if unknown.any() and np.isclose(J, _reference(Z, as_zero)):
        mistake, text = "counted as 0", '"?" counted as label 0: leave the "?" terms out of the sum.'
    elif unknown.any() and np.isclose(J, _reference(Z, as_one)):
        mistake, text = "counted as 1", '"?" counted as label 1: leave the "?" terms out of the sum.'
    else:
        mistake, text = "other", "check L = max(z, 0) − y·z + log(1 + e^{−|z|}) term by term."
    raise Wrong(f"J = {J:.6g} for Z, Y of shape {Y.shape}, expected {expected:.6g}: {text}", about="J",
                mistake=mistake)  # fmt: skip


def _partial_mistake(module) -> str | None:
    """The mistake the student's J makes on the batches with "?" (what :func:`leaves_unknown_out` finds)."""
    return first_mistake(lambda: leaves_unknown_out(module))


def fully_labelled(module) -> None:
    """J on labels without "?" (shapes (4, 7), (1, 5), (3, 1), (1, 1))"""
    rng = np.random.default_rng(1)
    for n_y, m in SHAPES:
        Z, Y = 3 * rng.standard_normal((n_y, m)), random_labels(rng, n_y, m)  # Z, Y: (n_y, m)
        _diagnose(module, Z, Y)


def leaves_unknown_out(module) -> None:
    """J leaves the "?" labels out of the sum"""
    rng = np.random.default_rng(2)
    for n_y, m in SHAPES[:3]:
        Z, Y = 3 * rng.standard_normal((n_y, m)), random_labels(rng, n_y, m, unknown=0.4)  # Y with "?"
        _diagnose(module, Z, Y)


def no_label_at_all(module) -> None:
    """J = 0 for a batch whose labels are all "?\""""
    Z, Y = np.random.default_rng(3).standard_normal((4, 5)), np.full((4, 5), np.nan)
    J = _student_J(module, Z, Y)
    if J == 0:
        return
    cause = _partial_mistake(module)  # what the same code does to a batch with some labels
    if not np.isfinite(J):
        if cause == "nan-leak":
            function = getattr(module, "masked_logistic_loss", None)
            raise Wrong(nan_leak(function, "J", 'for a batch whose labels are all "?"', 'every term L is NaN'),
                        about="J", mistake="nan-leak")  # fmt: skip
        if cause == "labelled":
            raise Wrong('J is NaN for a batch whose labels are all "?": you divide by the number of labelled '
                        "entries, 0 here (0/0); the lecture divides by m, and a sum with no term is 0.", about="J",
                        mistake="labelled", again="follows from the J failure above: with nothing labelled, the "
                        "number of labelled entries is 0, and dividing by it is 0/0.")  # fmt: skip
        raise Wrong(f'J = {J} for a batch whose labels are all "?", expected 0: a sum with no term is 0.',
                    about="J", mistake="not finite, all ?")  # fmt: skip
    if cause in ("counted as 0", "counted as 1"):
        raise Wrong('J counts the "?" labels.', about="J", mistake=cause)  # said above: it follows
    raise Wrong(f'J = {J:.6g} for a batch with every label "?", expected 0: no labelled term, nothing to sum.',
                about="J", mistake="not 0, all ?")  # fmt: skip


def large_logits(module) -> None:
    """J is finite and right for logits up to |z| = 1000"""
    J, expected = _student_J(module, LARGE_Z, LARGE_Y), _reference(LARGE_Z, LARGE_Y)
    if np.isfinite(J) and np.isclose(J, expected, rtol=1e-6):
        return
    _diagnose(module, LARGE_Z / MODERATE, LARGE_Y)  # wrong for moderate logits too: that mistake, said above
    check_finite(J, "J", f"unstable for large logits (e^{{1000}} overflows, or log(σ(−1000)) = log(0)): {STABLE}",
                 mistake="unstable")  # fmt: skip
    raise Wrong(f"J = {J:.6g} for logits up to |z| = 1000, expected {expected:.6g}: inaccurate for large "
                f"logits (clipping ŷ or adding ε inside the log caps each term near 35): {STABLE}", about="J",
                mistake="inaccurate")  # fmt: skip


def keeps_inputs(module) -> None:
    """Z and Y are left unchanged"""
    rng = np.random.default_rng(4)
    Z, Y = rng.standard_normal((3, 6)), random_labels(rng, 3, 6, unknown=0.4)
    before = {"Z": Z.copy(), "Y": Y.copy()}
    student_function(module, "masked_logistic_loss", SIGNATURE)(Z, Y)
    unchanged(before, {"Z": Z, "Y": Y})


CHECKS = [fully_labelled, leaves_unknown_out, no_label_at_all, large_logits, keeps_inputs]
