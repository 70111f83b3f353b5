"""Solution: the backward step of the output layer L.

    dZ[L] = (A[L] − Y) ⊙ M / m       (n_y, m)          M = 1 where labelled, 0 at "?"
    dW[L] = dZ[L] A[L−1]ᵀ            (n_y, n_{L−1})
    db[L] = Σ_i dZ[L][:, i]           (n_y, 1)

Assumption of the first line: sigmoid outputs with the logistic loss (∂L/∂z = σ(z) − y).

Grade it: python -m tinymtl.grade output_backward lessons/exercises/solutions/output_backward.py
"""

import numpy as np

from tinymtl.grade import assert_passes, main


def output_backward(A_L, Y, A_prev):
    """dZ[L], dW[L], db[L] of the masked logistic loss, in this order.

    A_L: (n_y, m) sigmoid outputs A[L]; Y: (n_y, m) of 0, 1 or NaN ("?"); A_prev: (n_{L−1}, m) the layer's input.
    """
    m = A_L.shape[1]  # m: the number of examples
    M = ~np.isnan(Y)  # M: (n_y, m), True where the label is known
    dZ = np.where(M, A_L - Y, 0) / m  # dZ[L] = (A[L] − Y) ⊙ M / m: (n_y, m), exactly 0 at "?"
    dW = dZ @ A_prev.T  # dW[L] = dZ[L] A[L−1]ᵀ: (n_y, m) @ (m, n_{L−1}) -> (n_y, n_{L−1})
    db = dZ.sum(axis=1, keepdims=True)  # db[L] = Σ_i dZ[L][:, i]: (n_y, 1)
    return dZ, dW, db


def test_exercise():
    """``python -m pytest lessons/exercises/solutions/output_backward.py`` grades this file."""
    assert_passes("output_backward", __file__)


if __name__ == "__main__":
    raise SystemExit(main(["output_backward", __file__]))
