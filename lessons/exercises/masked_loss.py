"""Exercise: the masked logistic loss J, computed from the logits.

One network answers n_y yes/no questions per image (pedestrian? car? stop
sign? traffic light?). The labels are a matrix Y of shape (n_y, m), one
example per column, and a label nobody wrote down is "?", stored as NaN.
The cost sums the logistic loss over the labelled entries only:

    J = (1/m) Σ_i Σ_{j labelled} L(ŷ_j^(i), y_j^(i))            one number
    L(ŷ, y) = −y log ŷ − (1 − y) log(1 − ŷ),    ŷ = σ(z)

Written with the logit z instead of ŷ, the same L is

    L = max(z, 0) − y·z + log(1 + e^{−|z|})                     never overflows, never log(0)

Your task: write masked_logistic_loss(Z, Y) below.

Grade it (from the repository root):
    python -m tinymtl.grade masked_loss lessons/exercises/masked_loss.py
    python -m pytest lessons/exercises/masked_loss.py

Stuck? Ask for a hint, one more each time (the last one is the key line):
    python -m tinymtl.grade masked_loss lessons/exercises/masked_loss.py --hint
"""

import numpy as np  # noqa: F401  (you will need it)

from tinymtl.grade import assert_passes, main


def masked_logistic_loss(Z, Y):
    """J = (1/m) Σ_i Σ_{j labelled} L(σ(Z[j, i]), Y[j, i]), one number.

    Z: (n_y, m) logits Z[L] of the output layer; Y: (n_y, m) of 0, 1 or NaN ("?").
    Returns J, one number: the "?" entries add nothing, the sum is divided by m (the number of
    examples), and a batch whose labels are all "?" has J = 0.
    """
    raise NotImplementedError("TODO: write masked_logistic_loss(Z, Y); stuck? grade this file with --hint")


def test_exercise():
    """``python -m pytest lessons/exercises/masked_loss.py`` grades this file."""
    assert_passes("masked_loss", __file__)


if __name__ == "__main__":
    raise SystemExit(main(["masked_loss", __file__]))
