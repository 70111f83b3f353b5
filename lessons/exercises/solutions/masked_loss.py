"""Solution: the masked logistic loss J, computed from the logits.

    J = (1/m) Σ_i Σ_{j labelled} L(ŷ_j^(i), y_j^(i)),   L = max(z, 0) − y·z + log(1 + e^{−|z|})

Grade it: python -m tinymtl.grade masked_loss lessons/exercises/solutions/masked_loss.py
"""

import numpy as np

from tinymtl.grade import assert_passes, main


def masked_logistic_loss(Z, Y):
    """J = (1/m) Σ_i Σ_{j labelled} L(σ(Z[j, i]), Y[j, i]), one number.

    Z: (n_y, m) logits Z[L] of the output layer; Y: (n_y, m) of 0, 1 or NaN ("?").
    """
    m = Z.shape[1]  # m: the number of examples
    M = ~np.isnan(Y)  # M: (n_y, m), True where the label is known
    Y0 = np.where(M, Y, 0)  # Y with "?" set to 0, so that no NaN enters the arithmetic: (n_y, m)
    L = np.maximum(Z, 0) - Y0 * Z + np.log1p(np.exp(-np.abs(Z)))  # L: (n_y, m), the logistic loss from the logits
    return np.where(M, L, 0).sum() / m  # J: one number; the "?" terms add 0


def test_exercise():
    """``python -m pytest lessons/exercises/solutions/masked_loss.py`` grades this file."""
    assert_passes("masked_loss", __file__)


if __name__ == "__main__":
    raise SystemExit(main(["masked_loss", __file__]))
