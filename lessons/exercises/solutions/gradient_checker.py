"""Solution: a gradient checker with two-sided differences.

    dθ_approx[k] = (J(θ + ε e_k) − J(θ − ε e_k)) / (2ε)          error O(ε²)
    difference   = ‖dθ_approx − dθ‖ / (‖dθ_approx‖ + ‖dθ‖)       0 when both are 0

Grade it: python -m tinymtl.grade gradient_checker lessons/exercises/solutions/gradient_checker.py
"""

import numpy as np

from tinymtl.grade import assert_passes, main


def gradient_check(J, theta, dtheta, epsilon=1e-7):
    """The relative difference ‖dθ_approx − dθ‖ / (‖dθ_approx‖ + ‖dθ‖), one number.

    J: a function of θ that returns the cost, one number; theta: (n,) the point θ; dtheta: (n,) the gradient
    to check there; epsilon: the step ε. θ is probed in place and each θ_k put back exactly.
    """
    dtheta_approx = np.zeros_like(theta)  # dθ_approx: (n,)
    for k in range(theta.size):
        saved = theta[k]
        theta[k] = saved + epsilon
        J_plus = J(theta)  # J(θ + ε e_k)
        theta[k] = saved - epsilon
        J_minus = J(theta)  # J(θ − ε e_k)
        theta[k] = saved  # put θ_k back exactly
        dtheta_approx[k] = (J_plus - J_minus) / (2 * epsilon)
    denominator = np.linalg.norm(dtheta_approx) + np.linalg.norm(dtheta)  # ‖dθ_approx‖ + ‖dθ‖
    if denominator == 0:
        return 0.0  # both gradients are 0: they agree
    return np.linalg.norm(dtheta_approx - dtheta) / denominator


def test_exercise():
    """``python -m pytest lessons/exercises/solutions/gradient_checker.py`` grades this file."""
    assert_passes("gradient_checker", __file__)


if __name__ == "__main__":
    raise SystemExit(main(["gradient_checker", __file__]))
