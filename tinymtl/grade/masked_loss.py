r"""Checks of the exercise ``masked_loss``: the masked logistic loss J from the logits.

The student writes ``masked_logistic_loss(Z, Y)``: Z (n_y, m) logits, Y (n_y, m)
of 0, 1 or NaN ("?"), and returns one number::

    J = (1/m) Σ_i Σ_{j labelled} L(ŷ_j^(i), y_j^(i)),   L = max(z, 0) − y·z + log(1 + e^{−|z|})

Each check compares it with :func:`tinymtl.losses.masked_logistic_loss_and_grad`.

>>> import numpy as np
>>> from types import SimpleNamespace
>>> from tinymtl.grade.checks import run_check
>>> right = SimpleNamespace(masked_logistic_loss=lambda Z, Y: masked_logistic_loss_and_grad(Z, Y)[0])
>>> all(run_check(check, right).passed for check in CHECKS)
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
    random_labels,
    student_function,
    unchanged,
    wrong_scale,
)

SIGNATURE = "masked_logistic_loss(Z, Y)"
SHAPES = [(4, 7), (1, 5), (3, 1), (1, 1)]  # (n_y, m), including n_y = 1 and m = 1


def _student_J(module, Z, Y) -> float:
    """The student's J on copies of Z and Y (so that a change in place cannot spoil the reference)."""
    loss = student_function(module, "masked_logistic_loss", SIGNATURE)
    return as_number(loss(Z.copy(), Y.copy()), "J")


def _reference(Z, Y, normalizer="m") -> float:
    """tinymtl's J."""
    return float(masked_logistic_loss_and_grad(Z, Y, normalizer)[0])


def _diagnose(J, Z, Y) -> None:
    """Wrong, with the likely mistake, unless J is tinymtl's J."""
    n_y, m = Y.shape
    expected = _reference(Z, Y)
    if close(J, expected):
        return
    leak = 'a "?" (NaN) leaks into the sum. Multiplying by the mask does not remove it (NaN · 0 = NaN): select the '
    leak += "labelled terms with np.where(M, L, 0)."
    check_finite(J, "J", leak if np.isnan(Y).any() else "look for log(0) or an overflow in e^z.")
    labelled = max(int((~np.isnan(Y)).sum()), 1)
    mistake = wrong_scale(J, expected, {
        "the sign is flipped: L = −y log ŷ − (1 − y) log(1 − ŷ) is never negative.": -1,
        "off by a factor of m: you forgot the 1/m (J is a mean over the m examples).": m,
        "divided by n_y·m (a mean over every entry); the lecture divides the sum by m only.": 1 / n_y,
        "divided by the number of labelled entries instead of m (that is the 'ignore index' mean; "
        "the lecture's J divides by m).": m / labelled,
    })  # fmt: skip
    if mistake is None:
        as_zero, as_one = np.where(np.isnan(Y), 0.0, Y), np.where(np.isnan(Y), 1.0, Y)
        if np.isnan(Y).any() and np.isclose(J, _reference(Z, as_zero)):
            mistake = '"?" counted as label 0: leave the "?" terms out of the sum (np.where(M, L, 0)).'
        elif np.isnan(Y).any() and np.isclose(J, _reference(Z, as_one)):
            mistake = '"?" counted as label 1: leave the "?" terms out of the sum (np.where(M, L, 0)).'
        else:
            mistake = "check L = max(z, 0) − y·z + log(1 + e^{−|z|}) term by term."
    raise Wrong(f"J = {J:.6g} for Z, Y of shape {Y.shape}, expected {expected:.6g}: {mistake}")


def fully_labelled(module) -> None:
    """J on labels without "?" (shapes (4, 7), (1, 5), (3, 1), (1, 1))"""
    rng = np.random.default_rng(1)
    for n_y, m in SHAPES:
        Z, Y = 3 * rng.standard_normal((n_y, m)), random_labels(rng, n_y, m)  # Z, Y: (n_y, m)
        _diagnose(_student_J(module, Z, Y), Z, Y)


def leaves_unknown_out(module) -> None:
    """J leaves the "?" labels out of the sum"""
    rng = np.random.default_rng(2)
    for n_y, m in SHAPES[:3]:
        Z, Y = 3 * rng.standard_normal((n_y, m)), random_labels(rng, n_y, m, unknown=0.4)  # Y with "?"
        _diagnose(_student_J(module, Z, Y), Z, Y)


def no_label_at_all(module) -> None:
    """J = 0 for a batch whose labels are all "?\""""
    Z, Y = np.random.default_rng(3).standard_normal((4, 5)), np.full((4, 5), np.nan)
    J = _student_J(module, Z, Y)
    check_finite(J, "J", "when nothing is labelled, dividing by the number of labelled entries is 0/0; "
                 "the lecture divides by m, and a sum with no term is 0.")  # fmt: skip
    if J != 0:
        raise Wrong(f'J = {J:.6g} for a batch with every label "?", expected 0: no labelled term, nothing to sum.')


def large_logits(module) -> None:
    """J is finite and right for logits up to |z| = 1000"""
    Z = np.array([[1000.0, -1000.0, 1000.0, -1000.0, 40.0, -40.0, 0.0], [-800.0, 800.0, 1e-3, -1e-3, 700.0, 5, -5]])
    Y = np.array([[1.0, 0.0, 0.0, 1.0, 1.0, np.nan, 0.0], [0.0, 1.0, 1.0, 0.0, 0.0, 1.0, np.nan]])
    J, expected = _student_J(module, Z, Y), _reference(Z, Y)
    fix = "compute L from the logit, L = max(z, 0) − y·z + log(1 + e^{−|z|}), which never overflows nor takes log(0)."
    check_finite(J, "J", f"unstable for large logits (e^{{1000}} overflows, or log(σ(−1000)) = log(0)): {fix}")
    if not np.isclose(J, expected, rtol=1e-6):
        raise Wrong(f"J = {J:.6g} for logits up to |z| = 1000, expected {expected:.6g}: inaccurate for large "
                    f"logits (clipping ŷ or adding ε inside the log caps each term near 35): {fix}")  # fmt: skip


def keeps_inputs(module) -> None:
    """Z and Y are left unchanged"""
    rng = np.random.default_rng(4)
    Z, Y = rng.standard_normal((3, 6)), random_labels(rng, 3, 6, unknown=0.4)
    before = {"Z": Z.copy(), "Y": Y.copy()}
    student_function(module, "masked_logistic_loss", SIGNATURE)(Z, Y)
    unchanged(before, {"Z": Z, "Y": Y})


CHECKS = [fully_labelled, leaves_unknown_out, no_label_at_all, large_logits, keeps_inputs]
