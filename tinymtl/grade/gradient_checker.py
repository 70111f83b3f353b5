r"""Checks of the exercise ``gradient_checker``: finite differences against a gradient.

The student writes ``gradient_check(J, theta, dtheta, epsilon=1e-7)``: J is a
function of θ (n,) that returns one number, dθ (n,) the gradient to check; it
returns the relative difference::

    dθ_approx[k] = (J(θ + ε e_k) − J(θ − ε e_k)) / (2ε)            two-sided, error O(ε²)
    difference   = ‖dθ_approx − dθ‖ / (‖dθ_approx‖ + ‖dθ‖)          (0 when both are 0)

and leaves θ as it found it. The cost checked here is the lecture's masked
logistic loss of a one-layer network, J(θ) with θ = W[1] flattened and
Z[1] = W[1] X; its gradient dW[1] = dZ[1] Xᵀ comes from
:func:`tinymtl.losses.masked_logistic_loss_and_grad`. (tinymtl's own
:func:`tinymtl.gradient_check` checks whole networks with the same formula.)

>>> from types import SimpleNamespace
>>> from tinymtl.grade.checks import run_check
>>> all(run_check(check, SimpleNamespace(gradient_check=relative_difference)).passed for check in CHECKS)
True
"""

from __future__ import annotations

import numpy as np

from ..losses import masked_logistic_loss_and_grad
from .checks import Wrong, as_number, check_finite, random_labels, student_function, unchanged

SIGNATURE = "gradient_check(J, theta, dtheta, epsilon=1e-7)"


def relative_difference(J, theta, dtheta, epsilon=1e-7) -> float:
    """The reference: two-sided differences, then ‖dθ_approx − dθ‖ / (‖dθ_approx‖ + ‖dθ‖)."""
    approx = np.zeros_like(theta)  # dθ_approx: (n,)
    for k in range(theta.size):
        step = np.zeros_like(theta)
        step[k] = epsilon  # ε e_k
        approx[k] = (J(theta + step) - J(theta - step)) / (2 * epsilon)
    denominator = np.linalg.norm(approx) + np.linalg.norm(dtheta)
    return float(np.linalg.norm(approx - dtheta) / denominator) if denominator > 0 else 0.0


def masked_loss_problem(seed: int = 0):
    """J(θ), θ (n,) and the right dθ (n,) for the masked logistic loss of Z[1] = W[1] X, θ = W[1] flattened."""
    rng = np.random.default_rng(seed)
    n_x, n_y, m = 3, 2, 6
    X, Y = rng.standard_normal((n_x, m)), random_labels(rng, n_y, m, unknown=0.3)  # X: (n_x, m), Y: (n_y, m)

    def J(theta):
        """The cost at θ: J = (1/m) Σ_i Σ_{j labelled} L, a Python float."""
        return float(masked_logistic_loss_and_grad(theta.reshape(n_y, n_x) @ X, Y)[0])

    theta = rng.standard_normal(n_y * n_x)  # θ = W[1] flattened: (n_y·n_x,)
    dZ = masked_logistic_loss_and_grad(theta.reshape(n_y, n_x) @ X, Y)[1]  # dZ[1]: (n_y, m)
    return J, theta, (dZ @ X.T).ravel()  # dθ = dW[1] = dZ[1] Xᵀ flattened: (n_y·n_x,)


def _student(module, J, theta, dtheta, **epsilon) -> float:
    """The student's difference, as one finite number, on copies of θ and dθ."""
    check = student_function(module, "gradient_check", SIGNATURE)
    difference = as_number(check(J, theta.copy(), dtheta.copy(), **epsilon), "the difference")
    check_finite(difference, "the difference", "when ‖dθ_approx‖ + ‖dθ‖ is 0 (both gradients 0), return 0.")
    return difference


def correct_gradient(module) -> None:
    """a correct gradient gives a difference below 1e-7"""
    J, theta, dtheta = masked_loss_problem()
    difference = _student(module, J, theta, dtheta)
    if difference > 1e-7:
        raise Wrong(f"a correct gradient gave {difference:.3g}: check dθ_approx[k] = (J(θ + ε e_k) − J(θ − ε e_k)) "
                    "/ 2ε, moving one coordinate k at a time and putting it back before the next.")  # fmt: skip


def wrong_gradient(module) -> None:
    """a wrong gradient gives the right large difference ‖dθ_approx − dθ‖ / (‖dθ_approx‖ + ‖dθ‖)"""
    J, theta, dtheta = masked_loss_problem(1)
    buggy = dtheta.copy()
    buggy[::2] *= -3  # a sign and a factor wrong in half of the coordinates
    difference, expected = _student(module, J, theta, buggy), relative_difference(J, theta, buggy)
    if np.isclose(difference, expected, rtol=1e-4):
        return
    error = np.linalg.norm(dtheta - buggy)  # ‖dθ_approx − dθ‖, with dθ_approx ≈ the right gradient
    for formula, value in (("‖dθ_approx − dθ‖ with no denominator", error),
                           ("‖dθ_approx − dθ‖ / ‖dθ‖", error / np.linalg.norm(buggy)),
                           ("‖dθ_approx − dθ‖ / ‖dθ_approx‖", error / np.linalg.norm(dtheta))):  # fmt: skip
        if np.isclose(difference, value, rtol=1e-4):
            raise Wrong(f"the denominator: you computed {formula}; divide by ‖dθ_approx‖ + ‖dθ‖, so that the "
                        "difference is between 0 and 1 whatever the size of the gradient.")  # fmt: skip
    notice = " (it does not notice a wrong gradient)" if difference < 1e-3 else ""
    raise Wrong(f"a wrong gradient gave {difference:.6g}, expected {expected:.6g}{notice}: compare dθ_approx "
                "with the dθ you were given, ‖dθ_approx − dθ‖ / (‖dθ_approx‖ + ‖dθ‖).")  # fmt: skip


def _sum_of_exp(theta) -> float:
    """J(θ) = Σ_k e^{θ_k}, whose gradient e^θ is known exactly."""
    return float(np.exp(theta).sum())


def two_sided(module) -> None:
    """two-sided differences, with the epsilon it is given"""
    theta = np.linspace(-1.0, 2.0, 5)  # (5,)
    dtheta = np.exp(theta)  # the exact gradient of J(θ) = Σ_k e^{θ_k}: (5,)
    epsilon = 1e-3  # large, so that the error of the difference itself shows
    difference = _student(module, _sum_of_exp, theta, dtheta, epsilon=epsilon)
    expected = relative_difference(_sum_of_exp, theta, dtheta, epsilon)  # two-sided ≈ ε²/12; one-sided ≈ ε/4
    if difference > 100 * expected:
        raise Wrong(f"with ε = 1e-3 an exact gradient gave {difference:.3g} (two-sided differences give "
                    f"{expected:.3g}): one-sided differences (J(θ + ε e_k) − J(θ)) / ε have an error O(ε); "
                    "use (J(θ + ε e_k) − J(θ − ε e_k)) / 2ε, whose error is O(ε²).")  # fmt: skip
    if not np.isclose(difference, expected, rtol=0.01):
        raise Wrong(f"with ε = 1e-3 an exact gradient gave {difference:.3g}, expected {expected:.3g}: use the "
                    "epsilon argument you were given, not a fixed step.")  # fmt: skip


def restores_theta(module) -> None:
    """θ and dθ are left as they were (bit for bit)"""
    J, theta, dtheta = masked_loss_problem(2)
    before = {"theta": theta.copy(), "dtheta": dtheta.copy()}
    student_function(module, "gradient_check", SIGNATURE)(J, theta, dtheta)
    try:
        unchanged(before, {"theta": theta, "dtheta": dtheta})
    except Wrong:
        raise Wrong(
            "θ (or dθ) is not what it was after the check: save θ_k before probing and put the saved "
            "value back (θ_k + ε − ε is not always θ_k in floating point), or probe a copy."
        ) from None


def zero_gradients(module) -> None:
    """0 when both gradients are 0 (a constant J)"""
    theta = np.ones(3)
    difference = _student(module, lambda theta: 1.0, theta, np.zeros(3))
    if difference != 0:
        raise Wrong(f"a constant J with dθ = 0 gave {difference:.3g}, expected 0: when ‖dθ_approx‖ + ‖dθ‖ "
                    "is 0 both gradients agree, so return 0.")  # fmt: skip


CHECKS = [correct_gradient, wrong_gradient, two_sided, restores_theta, zero_gradients]
