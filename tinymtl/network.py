"""The multi-task network: a dense network of any depth with a hand-written backward pass.

One concept: *the loop over layers*. The math of one step lives elsewhere
(:mod:`~tinymtl.layers`, :mod:`~tinymtl.activations`, :mod:`~tinymtl.losses`);
here it is chained forward (keeping a cache) and backward (consuming it).

For l = 1..L (the lecture's numbering; Python lists are 0-based, so
``caches[l]`` holds ``A[l]`` and ``caches[0]`` is ``X = A[0]``)::

    Z[l] = W[l] A[l−1] + b[l]        (n_l, m)
    A[l] = g(Z[l])                   hidden layers: relu, leaky_relu, tanh, sigmoid
    Ŷ    = σ(Z[L])  or softmax(Z[L]) (n_y, m)

The cache keeps exactly what backward needs: ``A[0..L−1]`` (each is both the
input of the next linear step and enough to compute ``g'``; see
:mod:`tinymtl.activations`). The network holds no state between calls but its
parameters.

Training speed lives outside this class: :func:`tinymtl.fit` gathers the
batches fast and steps on all parameters at once, as one flat θ
(:mod:`tinymtl.flat`). Here every parameter is an array in ``params`` by name,
and backward returns new gradient arrays in ``grads`` with the same names.

What it leaves out: convolutions, dropout, batch norm, skip connections; the
output layer is always linear followed by sigmoid (multi-task) or softmax (one
label); argument checks happen once, in :meth:`MLP.loss_and_grads` and
:meth:`MLP.check_data`, never inside the loop.

>>> import numpy as np
>>> net = MLP([3, 5, 4], seed=0)                  # n_x = 3, one hidden layer, n_y = 4 tasks
>>> X = np.ones((3, 2))                            # m = 2 examples
>>> Y = np.array([[1, 0], [0, np.nan], [1, 1], [np.nan, 0]])
>>> J, grads = net.loss_and_grads(X, Y)
>>> sorted(grads), grads["dW1"].shape
(['dW1', 'dW2', 'db1', 'db2'], (5, 3))
>>> net.predict_proba(X).shape
(4, 2)
"""

from __future__ import annotations

from . import serialization, torch_bridge
from ._deprecated import DeprecatedMLPMethods, moved_names
from .activations import HIDDEN, HIDDEN_ACTIVATIONS, OUTPUT, OUTPUTS
from .backend import array_module, check_backend_name, get_backend, to_device, to_numpy
from .initialization import INITS, initial_parameters
from .layers import linear_backward, linear_forward
from .losses import NORMALIZERS, loss_and_grad_from_logits
from .regularization import l2_cost, l2_gradient
from .validation import (
    as_inputs,
    as_labels,
    as_task_weights,
    check_choice,
    check_dtype,
    check_layer_dims,
    check_nonnegative,
    check_seed,
    check_threshold,
)


class MLP(DeprecatedMLPMethods):
    """A dense network ``layer_dims = [n_x, n_1, ..., n_L]`` for n_y = n_L tasks (or classes).

    Parameters
    ----------
    layer_dims : sizes of the layers, input first: ``[n_x, n_1, ..., n_L]``.
    hidden : activation of the hidden layers: "relu", "leaky_relu", "tanh", "sigmoid".
    output : "sigmoid" (multi-task: one independent yes/no per row of Y) or
        "softmax" (exactly one class per example).
    init : "he" or "xavier" (see :mod:`tinymtl.initialization`).
    seed : seed of the initial weights.
    dtype : "float64" (default; gradient checks need it) or "float32" (faster; kept end to end).

    The parameters live on the backend active at construction
    (:func:`tinymtl.get_backend`); :meth:`to` moves them.
    """

    def __init__(self, layer_dims, hidden="relu", output="sigmoid", init="he", seed=0, dtype="float64"):
        self.layer_dims = check_layer_dims(layer_dims)
        self.hidden = check_choice("hidden", hidden, HIDDEN_ACTIVATIONS)
        self.output = check_choice("output", output, OUTPUTS)
        self.init = check_choice("init", init, INITS)
        self.seed = check_seed(seed)
        self.dtype = check_dtype(dtype)
        self.backend = get_backend()
        host = initial_parameters(self.layer_dims, self.init, seed)  # {"W1": (n_1, n_0), "b1": (n_1, 1), ...}
        self.params = {name: to_device(p, dtype=self.dtype) for name, p in host.items()}

    @property
    def n_layers(self) -> int:
        """L: the number of layers with parameters (hidden layers + the output layer)."""
        return len(self.layer_dims) - 1

    @property
    def n_params(self) -> int:
        """P = Σ_l n_l (n_{l−1} + 1): the number of trainable numbers."""
        return sum(int(p.size) for p in self.params.values())

    def __repr__(self) -> str:
        return (
            f"MLP({list(self.layer_dims)}, hidden={self.hidden!r}, output={self.output!r}, "
            f"dtype={self.dtype.name!r}, backend={self.backend!r}, params={self.n_params:,})"
        )

    # --- forward and backward ------------------------------------------------------
    def forward(self, X):
        """Z[L] (the logits, (n_y, m)) and the cache [A[0], ..., A[L−1]] for :meth:`backward`.

        ``X`` must already be a device array of the right shape and dtype; use
        :meth:`predict_proba` for user input.
        """
        activation = HIDDEN[self.hidden][0]
        A, caches = X, [X]  # A[0] = X: (n_x, m)
        for l in range(1, self.n_layers):
            Z = linear_forward(A, self.params[f"W{l}"], self.params[f"b{l}"])  # Z[l]: (n_l, m)
            A = activation(Z)  # A[l] = g(Z[l]): (n_l, m); backward needs only A[l]
            caches.append(A)
        L = self.n_layers
        return linear_forward(A, self.params[f"W{L}"], self.params[f"b{L}"]), caches  # Z[L]: (n_y, m)

    def backward(self, dZL, caches, l2: float = 0.0, out: dict | None = None) -> dict:
        """Gradients {"dW1", "db1", ..., "dWL", "dbL"} from dZ[L] = ∂J/∂Z[L] and the forward cache.

        For l = L..1: ``dW[l] = dZ[l] A[l−1]ᵀ + (λ/m) W[l]`` (the second term from the
        L2 cost, :mod:`tinymtl.regularization`), ``db[l] = Σ_i dZ[l]``, and for l > 1
        ``dZ[l−1] = (W[l]ᵀ dZ[l]) ⊙ g'(Z[l−1])``. dA[0] is never computed.

        ``out``: None (new arrays), or arrays with the same keys to write the
        gradients into (:func:`tinymtl.fit` passes views of one flat dθ, :mod:`tinymtl.flat`).
        """
        backward_activation = HIDDEN[self.hidden][1]
        m = dZL.shape[1]
        grads = {f"d{name}": None for name in self.params} if out is None else out  # keys in params' order
        dZ = dZL  # dZ[L]: (n_y, m)
        for l in range(self.n_layers, 0, -1):
            W, A_prev = self.params[f"W{l}"], caches[l - 1]  # W[l]: (n_l, n_{l-1}); A[l-1]: (n_{l-1}, m)
            buffers = None if out is None else (out[f"dW{l}"], out[f"db{l}"])
            dW, db, dA_prev = linear_backward(dZ, A_prev, W, need_dA_prev=l > 1, out=buffers)
            if l2:
                dW += l2_gradient(W, l2, m)  # + (λ/m) W[l]: (n_l, n_{l-1})
            grads[f"dW{l}"], grads[f"db{l}"] = dW, db
            if l > 1:
                dZ = backward_activation(dA_prev, A_prev)  # dZ[l-1]: (n_{l-1}, m)
        return grads

    def data_loss_and_grads(self, X, Y, l2=0.0, normalizer="m", task_weights=None, out=None):
        """The data loss (a 0-d device array: no sync) and the gradients of the whole cost J (L2 included).

        The fast path for device ``X``, ``Y`` already checked (:meth:`check_data`):
        forward, the loss from the logits (:func:`tinymtl.losses.loss_and_grad_from_logits`),
        backward. The L2 cost is left out of the returned number because
        :func:`tinymtl.fit` adds it once an epoch instead of once a batch; its
        gradient is in ``grads``. :meth:`loss_and_grads` returns the whole J.
        ``out``: see :meth:`backward`.
        """
        ZL, caches = self.forward(X)  # Z[L]: (n_y, m)
        J_data, dZL = loss_and_grad_from_logits(self.output, ZL, Y, normalizer, task_weights)
        return J_data, self.backward(dZL, caches, l2, out)

    # --- the public, checked API -----------------------------------------------------
    def loss_and_grads(self, X, Y, l2=0.0, normalizer="m", task_weights=None):
        """The cost J (a Python float: one device sync) and the gradients, for user data.

        ``X``: (n_x, m); ``Y``: (n_y, m) of 0, 1 or NaN ("?"). ``l2``: λ of the
        cost ``λ/(2m) Σ‖W‖²``. ``normalizer`` and ``task_weights``: see
        :mod:`tinymtl.losses`.
        """
        X, Y, weights = self.check_data(X, Y, normalizer, task_weights)
        l2 = check_nonnegative("l2", l2)
        J_data, grads = self.data_loss_and_grads(X, Y, l2, normalizer, weights)
        return float(J_data + l2_cost(self.params, l2, X.shape[1])), grads  # J: sync

    def check_data(self, X, Y, normalizer="m", task_weights=None, names=("X", "Y")):
        """X, Y and the task weights checked and moved to this network's device and dtype.

        ``names``: what to call X and Y in error messages (e.g. the validation data).
        """
        self._check_backend()
        check_choice("normalizer", normalizer, NORMALIZERS if self.output == "sigmoid" else NORMALIZERS[:2])
        if task_weights is not None and self.output == "softmax":
            raise ValueError("task_weights: per-task weights apply to sigmoid outputs; got them for a softmax net.")
        X = as_inputs(X, self.layer_dims[0], self.dtype, name=names[0])
        Y = as_labels(Y, self.layer_dims[-1], X.shape[1], self.dtype, self.output, name=names[1])
        weights = None if task_weights is None else as_task_weights(task_weights, Y.shape[0], self.dtype)
        return X, Y, weights

    def predict_proba(self, X):
        """Ŷ = σ(Z[L]) (each entry a task's probability) or softmax(Z[L]); (n_y, m) on the device."""
        self._check_backend()
        ZL, _ = self.forward(as_inputs(X, self.layer_dims[0], self.dtype))
        return OUTPUT[self.output](ZL)

    def predict(self, X, threshold: float = 0.5):
        """Sigmoid: 0/1 per task, ``Ŷ >= threshold``, (n_y, m). Softmax: the class index, (m,)."""
        P = self.predict_proba(X)
        if self.output == "softmax":
            return P.argmax(axis=0)
        return (P >= check_threshold(threshold)).astype(array_module(P).int8)

    # --- devices and files -----------------------------------------------------------
    def _check_backend(self):
        if get_backend() != self.backend:
            raise RuntimeError(
                f"this network's parameters live on the {self.backend!r} backend but the active backend is "
                f"{get_backend()!r}. Call net.to({get_backend()!r}) to move them, or switch back."
            )

    def to(self, backend: str) -> MLP:
        """Move the parameters to ``backend`` ("numpy", "cupy", "strict"), in place; returns self."""
        backend = check_backend_name(backend)
        self.params = {
            name: to_device(to_numpy(p), dtype=self.dtype, backend=backend)  # via the host (sync)
            for name, p in self.params.items()
        }
        self.backend = backend
        return self

    def to_torch(self):
        """This network as a ``torch.nn.Sequential`` mapping rows ``X.T`` (m, n_x) to the logits (m, n_y).

        ``W[l]`` is ``Linear.weight`` as it is, ``b[l]`` ``Linear.bias`` (n_l,); the
        hidden activations as here; no output activation. Needs PyTorch
        (``pip install "tinymtl[torch]"``); see :mod:`tinymtl.torch_bridge`.
        """
        return torch_bridge.to_torch(self)

    @classmethod
    def from_torch(cls, module, output: str = "sigmoid") -> MLP:
        """The network of a ``torch.nn.Sequential`` built like :meth:`to_torch`'s, on the active backend.

        Architecture, activation, dtype and parameters come from ``module``; ``output``
        ("sigmoid" or "softmax") from the caller, since the module ends with logits.
        """
        return torch_bridge.from_torch(cls, module, output)

    def save(self, path) -> None:
        """Write architecture, parameters and format version to one ``.npz`` file."""
        serialization.save(self, path)

    @classmethod
    def load(cls, path) -> MLP:
        """Read a network written by :meth:`save` onto the active backend."""
        return serialization.load(cls, path)


__getattr__ = moved_names(__name__, {"flat_views": ("tinymtl.flat", "flat_views")})
