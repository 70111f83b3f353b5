"""Exercise: a gradient checker, to trust a hand-written backward pass.

Backprop computes dθ = ∂J/∂θ for every parameter θ (the entries of W[1], b[1],
..., W[L], b[L], flattened into one vector). Finite differences compute the
same thing from J alone, one coordinate k at a time:

    dθ_approx[k] = (J(θ + ε e_k) − J(θ − ε e_k)) / (2ε)          e_k: 1 at k, 0 elsewhere
    difference   = ‖dθ_approx − dθ‖ / (‖dθ_approx‖ + ‖dθ‖)       a number between 0 and 1 (0 when both are 0)

The two-sided difference has an error O(ε²); the one-sided (J(θ + ε e_k) − J(θ)) / ε
only O(ε). In float64 with ε = 1e-7, a correct gradient gives a difference
around 1e-9 or less; near 1 the gradient has nothing to do with J.

The grader checks your function on the lecture's masked logistic loss
J = (1/m) Σ_i Σ_{j labelled} L(ŷ_j^(i), y_j^(i)) of a one-layer network, with "?" labels.

Your task: write gradient_check(J, theta, dtheta, epsilon) below.

Grade it (from the repository root):
    python -m tinymtl.grade gradient_checker lessons/exercises/gradient_checker.py
    python -m pytest lessons/exercises/gradient_checker.py

Stuck? Ask for a hint, one more each time (the last one is the key line):
    python -m tinymtl.grade gradient_checker lessons/exercises/gradient_checker.py --hint
"""

import numpy as np  # noqa: F401  (you will need it)

from tinymtl.grade import assert_passes, main


def gradient_check(J, theta, dtheta, epsilon=1e-7):
    """The relative difference ‖dθ_approx − dθ‖ / (‖dθ_approx‖ + ‖dθ‖), one number.

    J: a function of θ that returns the cost, one number; theta: (n,) the point θ; dtheta: (n,) the gradient
    to check there; epsilon: the step ε. θ must be as it was when the function returns (bit for bit).
    Returns the difference, one number between 0 and 1 (0 when both gradients are 0).
    """
    raise NotImplementedError(
        "TODO: write gradient_check(J, theta, dtheta, epsilon); stuck? grade this file with --hint"
    )


def test_exercise():
    """``python -m pytest lessons/exercises/gradient_checker.py`` grades this file."""
    assert_passes("gradient_checker", __file__)


if __name__ == "__main__":
    raise SystemExit(main(["gradient_checker", __file__]))
