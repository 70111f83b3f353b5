"""L2 regularisation: the cost λ/(2m) Σ_l ‖W[l]‖² and its gradient, side by side.

One concept: *a penalty on large weights*, added to the data loss::

    J = (data loss) + λ/(2m) Σ_l ‖W[l]‖²_F        ‖W‖²_F = Σ_{i,k} W_ik²
    ∂J/∂W[l] = (data term) + (λ/m) W[l]         (n_l, n_{l−1})

λ is ``l2`` everywhere in tinymtl; m is the number of examples the data loss
divides by (a mini-batch's m_b inside :func:`tinymtl.fit`, whose history adds
the cost once an epoch, with the whole training set's m).

What it leaves out: the biases (as in the lecture, b[l] is not penalised), L1,
and decoupled weight decay (AdamW's θ −= α λ θ, which is not this gradient).

>>> import numpy as np
>>> params = {"W1": np.array([[3.0, 4.0]]), "b1": np.array([[10.0]])}
>>> float(l2_cost(params, l2=2.0, m=5))        # 2/(2·5) · (9 + 16); b1 is left out
5.0
>>> l2_gradient(params["W1"], l2=2.0, m=5)
array([[1.2, 1.6]])
"""

from __future__ import annotations


def l2_cost(params: dict, l2: float, m: int):
    """λ/(2m) Σ_l ‖W[l]‖²_F over the weight matrices of ``params`` (a 0-d array), or 0.0 when λ = 0."""
    if not l2:
        return 0.0
    return (l2 / (2 * m)) * sum((W * W).sum() for name, W in params.items() if name.startswith("W"))


def l2_gradient(W, l2: float, m: int):
    """(λ/m) W[l]: the L2 cost's part of dW[l].  W: (n_l, n_{l−1})."""
    return (l2 / m) * W
