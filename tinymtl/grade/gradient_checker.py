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

The student's function returns one number, so the checks tell its two parts
apart by the usual mistakes: the first check judges dθ_approx (a correct
gradient must give a tiny difference); the check of the formula, and the one
of a constant J, say they follow from that failure when dθ_approx is wrong;
the check of the step matches the number it gets against every scheme
(two-sided, one-sided, a fixed step) combined with every usual formula, so a
wrong denominator is not taken for a wrong step.

>>> from types import SimpleNamespace
>>> from tinymtl.grade.checks import run_check
>>> all(run_check(check, SimpleNamespace(gradient_check=relative_difference)).passed for check in CHECKS)
True
"""

from __future__ import annotations

import numpy as np

from ..losses import masked_logistic_loss_and_grad
from .checks import Wrong, as_number, check_finite, first_finding, random_labels, student_function, unchanged

SIGNATURE = "gradient_check(J, theta, dtheta, epsilon=1e-7)"
FUNCTIONS = ("gradient_check",)  # what the student writes (and may not take from tinymtl)
ONE_NUMBER = "‖v‖ is one number, the norm of the whole vector v (np.linalg.norm(v))."
ONE_SIDED = ("one-sided differences (J(θ + ε e_k) − J(θ)) / ε have an error O(ε); use "
             "(J(θ + ε e_k) − J(θ − ε e_k)) / 2ε, whose error is O(ε²).")  # fmt: skip
HINTS = {
    "gradient_check": [
        "dθ_approx has the shape of θ: start from np.zeros_like(theta) and fill one coordinate k per turn of "
        "a loop, for k in range(theta.size).",
        "To probe coordinate k, change θ_k only: on a copy (plus = theta.copy(); plus[k] += epsilon), or in "
        "place, saving θ_k first and putting the saved value back afterwards (θ_k + ε − ε is not always θ_k in "
        "floating point).",
        "Two-sided: J(θ + ε e_k) − J(θ − ε e_k), divided by 2ε, with the epsilon you are given.",
        "‖v‖ is np.linalg.norm(v). When ‖dθ_approx‖ + ‖dθ‖ is 0, both gradients are 0 and agree: return 0 "
        "instead of dividing.",
        "The key lines: approx[k] = (J(plus) - J(minus)) / (2 * epsilon) for each k, then "
        "return np.linalg.norm(approx - dtheta) / (np.linalg.norm(approx) + np.linalg.norm(dtheta)).",
    ],
}


def relative_difference(J, theta, dtheta, epsilon=1e-7) -> float:
    """The reference: two-sided differences, then ‖dθ_approx − dθ‖ / (‖dθ_approx‖ + ‖dθ‖)."""
    return _formulas(_approximations(J, theta, epsilon)["two-sided"], dtheta)["right"]


def _approximations(J, theta, epsilon) -> dict:
    """dθ_approx (n,) by the scheme asked for and by the usual wrong ones, keyed by scheme."""
    schemes = {"two-sided": [], "one-sided": [], "half one-sided": [], "fixed step": []}
    here = J(theta)  # J(θ): the same for every coordinate
    for k in range(theta.size):
        step = np.zeros_like(theta)
        step[k] = epsilon  # ε e_k
        fixed = np.zeros_like(theta)
        fixed[k] = 1e-7  # the default ε, whatever ε was given
        plus, minus = J(theta + step), J(theta - step)
        schemes["two-sided"].append((plus - minus) / (2 * epsilon))
        schemes["one-sided"].append((plus - here) / epsilon)
        schemes["half one-sided"].append((plus - here) / (2 * epsilon))  # θ_k never moved to θ_k − ε
        schemes["fixed step"].append((J(theta + fixed) - J(theta - fixed)) / 2e-7)
    return {scheme: np.array(values) for scheme, values in schemes.items()}


def _formulas(approx, dtheta) -> dict:
    """The difference of ``approx`` and ``dtheta`` by the right formula and by the usual wrong ones."""
    error, a, d = np.linalg.norm(approx - dtheta), np.linalg.norm(approx), np.linalg.norm(dtheta)
    right = error / (a + d) if a + d > 0 else 0.0
    return {"right": right, "no denominator": error, "over ‖dθ‖": error / d if d else np.inf,
            "over ‖dθ_approx‖": error / a if a else np.inf, "squared denominator": right / (a + d) if a + d else 0.0,
            "zero": 0.0}  # fmt: skip


def _schemes_giving(difference: float, J, theta, dtheta, epsilon) -> set:
    """The schemes that, with some usual formula, give ``difference`` (relative tolerance 1e-3)."""
    found = set()
    for scheme, approx in _approximations(J, theta, epsilon).items():
        for value in _formulas(approx, dtheta).values():
            if np.isclose(difference, value, rtol=1e-3, atol=1e-15):
                found.add(scheme)
    return found


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
    difference = as_number(check(J, theta.copy(), dtheta.copy(), **epsilon), "the difference", fix=ONE_NUMBER)
    check_finite(difference, "the difference", "when ‖dθ_approx‖ + ‖dθ‖ is 0 (both gradients 0), return 0.")
    return difference


def correct_gradient(module) -> None:
    """a correct gradient gives a difference below 1e-7"""
    J, theta, dtheta = masked_loss_problem()
    difference = _student(module, J, theta, dtheta)
    if difference <= 1e-7:
        return
    approximations = _approximations(J, theta, 1e-7)
    if np.isclose(difference, _formulas(approximations["half one-sided"], dtheta)["right"], rtol=1e-3):
        raise Wrong(f"a correct gradient gave {difference:.3g}: dθ_approx is half the gradient, (J(θ + ε e_k) − "
                    f"J(θ)) / 2ε: θ_k is never moved to θ_k − ε; {ONE_SIDED}", about="dθ_approx",
                    mistake="one-sided")  # fmt: skip
    raise Wrong(f"a correct gradient gave {difference:.3g}, expected below 1e-7: check dθ_approx[k] = (J(θ + ε e_k) "
                "− J(θ − ε e_k)) / 2ε, moving one coordinate k at a time and putting it back before the next, and "
                "the difference ‖dθ_approx − dθ‖ / (‖dθ_approx‖ + ‖dθ‖).", about="correct-gradient",
                mistake="other")  # fmt: skip


def wrong_gradient(module) -> None:
    """a wrong gradient gives the right large difference ‖dθ_approx − dθ‖ / (‖dθ_approx‖ + ‖dθ‖)"""
    J, theta, dtheta = masked_loss_problem(1)
    buggy = dtheta.copy()
    buggy[::2] *= -3  # a sign and a factor wrong in half of the coordinates
    difference, expected = _student(module, J, theta, buggy), relative_difference(J, theta, buggy)
    if np.isclose(difference, expected, rtol=1e-4):
        return
    upstream = first_finding(lambda: correct_gradient(module))
    if upstream is not None:  # a correct gradient already fails: the formula cannot be judged apart
        raise Wrong(f"a wrong gradient gave {difference:.6g}, expected {expected:.6g}, and a correct gradient "
                    "fails too: fix that first.", about=upstream.about)  # fmt: skip
    error = np.linalg.norm(dtheta - buggy)  # ‖dθ_approx − dθ‖, with dθ_approx ≈ the right gradient
    norms = np.linalg.norm(dtheta) + np.linalg.norm(buggy)  # ‖dθ_approx‖ + ‖dθ‖
    for formula, value in (("‖dθ_approx − dθ‖ with no denominator", error),
                           ("‖dθ_approx − dθ‖ / ‖dθ‖", error / np.linalg.norm(buggy)),
                           ("‖dθ_approx − dθ‖ / ‖dθ_approx‖", error / np.linalg.norm(dtheta)),
                           ("‖dθ_approx − dθ‖ / (‖dθ_approx‖ + ‖dθ‖)²", error / norms**2)):  # fmt: skip
        if np.isclose(difference, value, rtol=1e-4):
            raise Wrong(f"the denominator: you computed {formula}; divide by ‖dθ_approx‖ + ‖dθ‖, so that the "
                        "difference is between 0 and 1 whatever the size of the gradient.", about="the formula",
                        mistake="denominator")  # fmt: skip
    notice = " (it does not notice a wrong gradient)" if difference < 1e-3 else ""
    raise Wrong(f"a wrong gradient gave {difference:.6g}, expected {expected:.6g}{notice}: compare dθ_approx "
                "with the dθ you were given, ‖dθ_approx − dθ‖ / (‖dθ_approx‖ + ‖dθ‖).", about="the formula",
                mistake="other")  # fmt: skip


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
    if np.isclose(difference, expected, rtol=0.01):
        return
    schemes = _schemes_giving(difference, _sum_of_exp, theta, dtheta, epsilon)
    if "two-sided" in schemes:
        return  # two-sided with this ε, and a formula the formula check judges
    if schemes & {"one-sided", "half one-sided"}:
        raise Wrong(f"with ε = 1e-3 an exact gradient gave {difference:.3g} (two-sided differences give "
                    f"{expected:.3g}): {ONE_SIDED}", about="dθ_approx", mistake="one-sided")  # fmt: skip
    if "fixed step" in schemes:
        raise Wrong(f"with ε = 1e-3 an exact gradient gave {difference:.3g}, expected {expected:.3g}: use the "
                    "epsilon argument you were given, not a fixed step.", about="dθ_approx",
                    mistake="fixed step")  # fmt: skip
    upstream = first_finding(lambda: correct_gradient(module)) or first_finding(lambda: wrong_gradient(module))
    if upstream is not None:  # the check of dθ_approx or of the formula fails already: the step cannot be judged
        raise Wrong(f"with ε = 1e-3 an exact gradient gave {difference:.3g}, expected {expected:.3g}.",
                    about=upstream.about)  # fmt: skip
    raise Wrong(f"with ε = 1e-3 an exact gradient gave {difference:.3g}, expected {expected:.3g}: use "
                "(J(θ + ε e_k) − J(θ − ε e_k)) / 2ε with the epsilon argument you were given.", about="dθ_approx",
                mistake="step")  # fmt: skip


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
    if difference == 0:
        return
    upstream = first_finding(lambda: correct_gradient(module))
    if upstream is not None:  # dθ_approx is wrong already: it need not be 0 for a constant J
        raise Wrong(f"a constant J with dθ = 0 gave {difference:.3g}, expected 0, and a correct gradient fails "
                    "too: fix that first.", about=upstream.about)  # fmt: skip
    raise Wrong(f"a constant J with dθ = 0 gave {difference:.3g}, expected 0: when ‖dθ_approx‖ + ‖dθ‖ "
                "is 0 both gradients agree, so return 0.")  # fmt: skip


CHECKS = [correct_gradient, wrong_gradient, two_sided, restores_theta, zero_gradients]
