"""Initial parameters W[l], b[l]: He and Xavier, drawn from a seed.

One concept: *the scale of the random starting weights*, chosen so that the
variance of the activations neither explodes nor vanishes from layer to layer:

=======  ============================  ==========================================
init     W[l] ~ N(0, σ²) with σ² =     suited to
=======  ============================  ==========================================
he       2 / n_{l−1}                   ReLU and leaky ReLU (He et al., 2015)
xavier   2 / (n_{l−1} + n_l)           tanh and sigmoid (Glorot & Bengio, 2010)
=======  ============================  ==========================================

``b[l]`` starts at 0. The numbers are drawn on the host by NumPy's
``default_rng(seed)`` in float64 and only then cast and moved to the device,
so one seed gives the same network on every backend and in every dtype (the
float32 weights are the float64 ones rounded).

Layers are numbered as in the lecture, 1..L, in the keys ``"W1"``, ``"b1"``,
..., ``"WL"``, ``"bL"``; ``layer_dims[0]`` is ``n_x`` (layer 0, the input).

What it leaves out: uniform and orthogonal variants, LSUV, and non-zero biases.

>>> params = initial_parameters([3, 2, 4], init="he", seed=0)
>>> {k: v.shape for k, v in params.items()}
{'W1': (2, 3), 'b1': (2, 1), 'W2': (4, 2), 'b2': (4, 1)}
"""

from __future__ import annotations

import numpy as np

INITS = ("he", "xavier")


def weight_std(n_prev: int, n_l: int, init: str) -> float:
    """σ of the normal distribution of W[l]: (n_l, n_prev)."""
    variance = 2.0 / n_prev if init == "he" else 2.0 / (n_prev + n_l)
    return float(np.sqrt(variance))


def initial_parameters(layer_dims, init: str = "he", seed: int = 0) -> dict[str, np.ndarray]:
    """Host float64 arrays {"W1": (n_1, n_0), "b1": (n_1, 1), ...} for ``layer_dims`` [n_0, ..., n_L]."""
    rng = np.random.default_rng(seed)
    params = {}
    for l in range(1, len(layer_dims)):
        n_prev, n_l = layer_dims[l - 1], layer_dims[l]
        params[f"W{l}"] = rng.standard_normal((n_l, n_prev)) * weight_std(n_prev, n_l, init)
        params[f"b{l}"] = np.zeros((n_l, 1))
    return params
