"""Exercise: the backward step of the output layer L, where backprop starts.

The output layer has n_y sigmoid units, A[L] = σ(Z[L]) of shape (n_y, m), and
its input is A[L−1] of shape (n_{L−1}, m), through W[L] (n_y, n_{L−1}) and
b[L] (n_y, 1). For the masked logistic loss
J = (1/m) Σ_i Σ_{j labelled} L(ŷ_j^(i), y_j^(i)) the gradients are

    dZ[L] = (A[L] − Y) ⊙ M / m       (n_y, m)          M = 1 where labelled, 0 at "?"
    dW[L] = dZ[L] A[L−1]ᵀ            (n_y, n_{L−1})    the shape of W[L]
    db[L] = Σ_i dZ[L][:, i]           (n_y, 1)          the shape of b[L]

Why dZ[L] is so simple: with sigmoid outputs and the logistic loss,
∂L/∂z = σ(z) − y (σ' = σ(1 − σ) cancels the denominators of ∂L/∂ŷ). The 1/m of
J is inside dZ[L], so dW[L] and db[L] need no further 1/m.

Your task: write output_backward(A_L, Y, A_prev) below.

Grade it (from the repository root):
    python -m tinymtl.grade output_backward lessons/exercises/output_backward.py
    python -m pytest lessons/exercises/output_backward.py

Stuck? Ask for a hint, one more each time (the last one is the key line):
    python -m tinymtl.grade output_backward lessons/exercises/output_backward.py --hint
"""

import numpy as np  # noqa: F401  (you will need it)

from tinymtl.grade import assert_passes, main


def output_backward(A_L, Y, A_prev):
    """dZ[L], dW[L], db[L] of the masked logistic loss, in this order.

    A_L: (n_y, m) sigmoid outputs A[L]; Y: (n_y, m) of 0, 1 or NaN ("?"); A_prev: (n_{L−1}, m) the layer's input.
    Returns dZ (n_y, m), exactly 0 at every "?"; dW (n_y, n_{L−1}); db (n_y, 1).
    """
    raise NotImplementedError("TODO: write output_backward(A_L, Y, A_prev); stuck? grade this file with --hint")


def test_exercise():
    """``python -m pytest lessons/exercises/output_backward.py`` grades this file."""
    assert_passes("output_backward", __file__)


if __name__ == "__main__":
    raise SystemExit(main(["output_backward", __file__]))
