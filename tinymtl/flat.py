"""One flat parameter vector θ: the speed choice that makes :func:`tinymtl.fit` step fast on small networks.

One concept: *all parameters in one 1-D array*. θ holds every parameter of a
network, laid out W1, b1, W2, b2, ... (each in C order): P = Σ_l n_l (n_{l−1} + 1)
numbers. :func:`pack` copies the parameters into a new θ and makes each
``params["W1"]`` etc. a reshaped *view* of it, so writing into θ writes into the
parameters and the other way round. The network itself never sees θ: it holds
``params`` by name, and backprop returns ``grads`` by name.

Why: the optimizers' rules are elementwise, so one call on θ and a flat dθ does
what one call per parameter array does. On a small network each NumPy call's
fixed cost (about a microsecond) is most of the work: :class:`FlatStep` keeps dθ,
lets backprop write each gradient into its view of dθ, and makes one optimizer
step, a handful of NumPy calls instead of a handful per array. Measured
(``python -m benchmarks.choices``, float32): R2 (``[64, 32, 4]``) 45 → 12 µs an
Adam step; and gathering freshly made gradients into dθ instead
(``concatenate``) made a whole R2 epoch 7–9% slower (fit against fit, one
process). θ also serves :func:`tinymtl.fit` for its snapshots (the start of
each epoch, the best epoch): one copy of θ each. :func:`packed` lends θ for
the length of a ``with`` block and gives the values back to the parameters'
own arrays at its end.

What it leaves out: parameters of mixed dtypes or devices (one network has
one of each), and keeping θ between calls: each :func:`tinymtl.fit` packs anew, so a
parameter rebound in between (``net.params["W1"] = new``) is simply used.

>>> import numpy as np
>>> params = {"W1": np.ones((2, 3)), "b1": np.zeros((2, 1))}
>>> theta = pack(params)
>>> theta.shape, params["W1"].base is theta
((8,), True)
>>> theta[:] = 7.0                     # writing into θ writes into the parameters
>>> params["b1"].ravel()
array([7., 7.])
"""

from __future__ import annotations

import math
from contextlib import contextmanager

from .backend import array_module


def flat_views(flat, shapes: dict) -> dict:
    """``{name: view}``: consecutive pieces of the 1-D array ``flat``, each reshaped to ``shapes[name]``.

    Laid out in the order of ``shapes`` (W1, b1, W2, ...), each in C order;
    writing into a view writes into ``flat``.
    """
    views, start = {}, 0
    for name, shape in shapes.items():
        size = math.prod(shape)
        views[name] = flat[start : start + size].reshape(shape)
        start += size
    return views


def pack(params: dict):
    """θ: a new flat array (P,) holding the values of ``params``, which become its views (in place)."""
    first = next(iter(params.values()))
    xp = array_module(first)
    theta = xp.empty(sum(int(p.size) for p in params.values()), dtype=first.dtype)  # θ: (P,)
    views = flat_views(theta, {name: p.shape for name, p in params.items()})
    for name, view in views.items():
        view[...] = params[name]  # the values, into θ
    params.update(views)  # params["W1"] etc. are now views of θ
    return theta


@contextmanager
def packed(params: dict):
    """θ for the length of a ``with`` block: inside, ``params`` are views of θ (:func:`pack`).

    At the end, even after an error, the values are written back into the arrays
    ``params`` held before, and ``params`` holds those arrays again: to the
    caller, the parameters were updated in place.
    """
    originals = dict(params)
    theta = pack(params)
    try:
        yield theta
    finally:
        for name, p in originals.items():
            p[...] = params[name]  # the values of θ's view, into the original array
        params.update(originals)


class FlatStep:
    """One optimizer step on all of a network's parameters at once: θ and a flat dθ.

    ``params`` must be views of ``theta`` (:func:`pack`). :attr:`grads` are views of
    dθ with the keys of the gradients (``"dW1"``, ``"db1"``, ...): backprop writes
    into them (``net.backward(..., out=step.grads)``), and a call then lets the
    optimizer update θ from dθ in one go: the same update as a step per array
    (the rules are elementwise), in fewer NumPy calls, with no copy of the gradients.
    """

    def __init__(self, optimizer, params: dict, theta):
        self.optimizer, self.theta = optimizer, theta
        dtheta = array_module(theta).zeros_like(theta)  # dθ: (P,), rewritten by every backward pass
        self.grads = flat_views(dtheta, {"d" + name: p.shape for name, p in params.items()})
        self.flat_params, self.flat_grads = {"theta": theta}, {"dtheta": dtheta}  # what the optimizer sees

    def __call__(self) -> None:
        """θ ← θ − α · (the optimizer's direction from dθ), in place."""
        self.optimizer.step(self.flat_params, self.flat_grads)
