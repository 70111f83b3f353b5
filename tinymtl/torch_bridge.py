"""The same network in PyTorch: ``MLP`` to ``torch.nn.Sequential`` and back, exactly.

One concept: *a tinymtl network is a stack of linear layers and activations,
which is what* ``torch.nn.Sequential`` *is*. Layer l of the lecture,
``Z[l] = W[l] A[l−1] + b[l]``, is ``torch.nn.Linear(n_{l−1}, n_l)``:

=================  ==================  ===================================================
tinymtl            PyTorch             note
=================  ==================  ===================================================
``W[l]``           ``Linear.weight``   (n_l, n_{l−1}) in both: PyTorch stores a layer's
                                       weights out × in, the lecture's layout, as it is
``b[l]``           ``Linear.bias``     (n_l, 1) here, (n_l,) there
``X`` (n_x, m)     rows ``X.T``        PyTorch puts one example per *row*: (m, n_x)
hidden ``g``       ``ReLU()``, ``LeakyReLU(0.01)``, ``Tanh()``, ``Sigmoid()``
output             nothing             the module returns the logits Z[L]ᵀ (m, n_y): the
                                       losses (``BCEWithLogitsLoss``, ``CrossEntropyLoss``)
                                       take logits, as tinymtl's do
=================  ==================  ===================================================

So ``torch.sigmoid(net.to_torch()(torch.from_numpy(X.T)))`` is ``net.predict_proba(X).T``,
and :meth:`MLP.from_torch` reads such a module back. The parameters are copied
(never shared), in the network's dtype; a round trip gives the same numbers
bit for bit.

What it leaves out: any other module (convolutions, dropout, normalisation),
GPU tensors (the module is built on the CPU; move it with ``.to("cuda")``), and
the optimizer's state.

PyTorch is optional: ``pip install "tinymtl[torch]"``.
"""

from __future__ import annotations

import numpy as np

from .activations import LEAKY_SLOPE
from .backend import to_device, to_numpy
from .validation import DTYPES

INSTALL_HINT = 'PyTorch is an optional dependency of tinymtl; install it with: pip install "tinymtl[torch]"'
TORCH_MODULES = {"relu": "ReLU", "leaky_relu": "LeakyReLU", "tanh": "Tanh", "sigmoid": "Sigmoid"}  # torch.nn names


def import_torch():
    """The ``torch`` module, or an ImportError that says how to install it."""
    try:
        import torch
    except ImportError as err:
        raise ImportError(INSTALL_HINT) from err
    return torch


def _activation_module(nn, hidden: str):
    """The torch.nn module of a hidden activation name (leaky ReLU with tinymtl's slope α)."""
    module = getattr(nn, TORCH_MODULES[hidden])
    return module(LEAKY_SLOPE) if hidden == "leaky_relu" else module()


def to_torch(net):
    """``torch.nn.Sequential(Linear, g, Linear, g, ..., Linear)`` with ``net``'s parameters, in its dtype."""
    torch = import_torch()
    dtype = getattr(torch, net.dtype.name)  # torch.float32 or torch.float64
    layers = []
    for l in range(1, net.n_layers + 1):
        W, b = to_numpy(net.params[f"W{l}"]), to_numpy(net.params[f"b{l}"])  # (n_l, n_{l-1}), (n_l, 1): host
        linear = torch.nn.Linear(W.shape[1], W.shape[0], dtype=dtype)
        with torch.no_grad():
            linear.weight.copy_(torch.from_numpy(np.ascontiguousarray(W)))  # weight: (n_l, n_{l-1}), as W[l]
            linear.bias.copy_(torch.from_numpy(b.reshape(-1)))  # bias: (n_l,)
        layers.append(linear)
        if l < net.n_layers:
            layers.append(_activation_module(torch.nn, net.hidden))
    return torch.nn.Sequential(*layers)


def from_torch(cls, module, output: str = "sigmoid"):
    """A ``cls`` network (an MLP) with the architecture, activation, dtype and parameters of ``module``.

    ``module``: a ``torch.nn.Sequential`` of ``Linear`` layers with one kind of
    hidden activation between them (as :func:`to_torch` builds). ``output``: the
    network's output, "sigmoid" (multi-task) or "softmax"; the module, which
    ends with logits, cannot say.
    """
    torch = import_torch()
    linears, hidden = _read_layers(torch, module)
    dtype = str(linears[0].weight.dtype).removeprefix("torch.")
    if dtype not in DTYPES or any(str(layer.weight.dtype).removeprefix("torch.") != dtype for layer in linears):
        raise ValueError(f"module: its Linear layers must all be float32 or all float64; the first is {dtype}.")
    dims = [linears[0].in_features, *(layer.out_features for layer in linears)]
    net = cls(dims, hidden=hidden, output=output, dtype=dtype, seed=0)
    for l, layer in enumerate(linears, 1):
        W = layer.weight.detach().cpu().numpy().copy()  # (n_l, n_{l-1}), a copy: never shared with torch
        b = layer.bias.detach().cpu().numpy().reshape(-1, 1).copy()  # (n_l, 1)
        net.params[f"W{l}"], net.params[f"b{l}"] = to_device(W, dtype=net.dtype), to_device(b, dtype=net.dtype)
    net.seed = None  # the parameters did not come from a seed
    return net


def _read_layers(torch, module) -> tuple[list, str]:
    """The Linear layers of ``module`` and the name of its hidden activation; a ValueError if it is not an MLP."""
    nn = torch.nn
    kinds = {getattr(nn, module): hidden for hidden, module in TORCH_MODULES.items()}  # nn.ReLU: "relu", ...
    parts = list(module) if isinstance(module, nn.Sequential) else None
    expected = (
        "expected a torch.nn.Sequential of Linear layers (with bias) and one kind of activation between them "
        "(ReLU, LeakyReLU(0.01), Tanh or Sigmoid), ending with a Linear layer, as MLP.to_torch() builds"
    )
    if not parts or len(parts) % 2 == 0:
        raise ValueError(f"module: got {type(module).__name__} with {len(parts or [])} parts; {expected}.")
    linears, activations = parts[0::2], parts[1::2]
    if not all(isinstance(layer, nn.Linear) and layer.bias is not None for layer in linears):
        raise ValueError(f"module: its parts 0, 2, 4, ... must be Linear layers with a bias; {expected}.")
    names = {kinds.get(type(a)) for a in activations}
    if None in names or len(names) > 1:
        raise ValueError(f"module: got activations {[type(a).__name__ for a in activations]}; {expected}.")
    if any(isinstance(a, nn.LeakyReLU) and a.negative_slope != LEAKY_SLOPE for a in activations):
        raise ValueError(f"module: LeakyReLU must have negative_slope={LEAKY_SLOPE}, tinymtl's α.")
    for previous, layer in zip(linears, linears[1:]):
        if layer.in_features != previous.out_features:
            raise ValueError(f"module: a Linear layer takes {layer.in_features} inputs after one of {previous.out_features} outputs.")  # fmt: skip
    return linears, names.pop() if names else "relu"
