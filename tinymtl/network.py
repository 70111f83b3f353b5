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

Speed choice: one flat buffer for all parameters. ``net.theta`` is a 1-D
array θ of all P = Σ_l n_l (n_{l−1} + 1) numbers, laid out W1, b1, W2, b2, ...
(each in C order); ``params["W1"]`` etc. are reshaped *views* into it, so
writing into a view writes into θ. The gradients get the same layout
(:meth:`MLP.new_gradients`): the backward pass writes each ``dW[l]``, ``db[l]``
into its view of one flat dθ. An elementwise optimizer then updates every
parameter with one call, ``optimizer.step({"theta": θ}, {"dtheta": dθ})``: a
handful of NumPy calls per step instead of a handful per parameter array.
Measured on workload R2 (``[64, 32, 4]``, 313 steps an epoch; see
benchmarks/README.md): Adam 39 → 13 µs a step, 8 ms of a 48 ms epoch.
Replace a parameter's values with ``net.params["W1"][...] = new``; rebinding
``net.params["W1"] = new`` cuts the link to θ (:meth:`MLP.flat_parameters`,
which :func:`tinymtl.fit` calls, repairs it).

What it leaves out: convolutions, dropout, batch norm; the output layer is
always linear followed by sigmoid (multi-task) or softmax (one label).

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

import math

from . import serialization
from .activations import HIDDEN, OUTPUT
from .backend import array_module, backend_module, check_backend_name, get_backend, to_device, to_numpy
from .initialization import INITS, initial_parameters
from .layers import linear_backward, linear_forward
from .losses import NORMALIZERS, as_task_weights, masked_logistic_loss_and_grad, softmax_cross_entropy_and_grad
from .validation import (
    HIDDEN_ACTIVATIONS,
    OUTPUTS,
    as_inputs,
    as_labels,
    check_choice,
    check_dtype,
    check_layer_dims,
    check_nonnegative,
    check_seed,
    check_threshold,
)


class MLP:
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
        self.params = {}
        self._pack(initial_parameters(self.layer_dims, self.init, seed), self.backend)

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

    # --- one flat buffer for all parameters (see the module docstring) --------------
    def _pack(self, values: dict, backend: str) -> None:
        """Copy ``values`` (arrays by name, host or device) into a new flat θ on ``backend``; params: its views."""
        xp = backend_module(backend)
        self.theta = xp.empty(sum(math.prod(p.shape) for p in values.values()), dtype=self.dtype)  # θ: (P,)
        self.params.update(flat_views(self.theta, {name: p.shape for name, p in values.items()}))
        for name, p in values.items():
            self.params[name][...] = to_device(p, dtype=self.dtype, backend=backend)  # into θ
        self._views = dict(self.params)  # which arrays are θ's views, to notice a rebound parameter

    def flat_parameters(self):
        """θ: every parameter in one flat array (P,), of which ``params[name]`` are views.

        If a parameter was rebound (``net.params["W1"] = new``) instead of written
        into, θ is rebuilt from the current values first, so the views hold again.
        """
        if any(self.params[name] is not view for name, view in self._views.items()):
            self._pack(dict(self.params), self.backend)
        return self.theta

    def new_gradients(self):
        """dθ: a flat array (P,) of zeros like θ, and ``{"dW1": view, "db1": view, ...}`` into it."""
        dtheta = array_module(self.theta).zeros_like(self.theta)  # dθ: (P,)
        return dtheta, flat_views(dtheta, {f"d{name}": p.shape for name, p in self.params.items()})

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

    def backward(self, dZL, caches, l2: float = 0.0, grads: dict | None = None) -> dict:
        """Gradients {"dW1", "db1", ..., "dWL", "dbL"} from dZ[L] = ∂J/∂Z[L] and the forward cache.

        For l = L..1: ``dW[l] = dZ[l] A[l−1]ᵀ + (λ/m) W[l]`` (the second term from the
        L2 cost ``λ/(2m) Σ_l ‖W[l]‖²``), ``db[l] = Σ_i dZ[l]``, and for l > 1
        ``dZ[l−1] = (W[l]ᵀ dZ[l]) ⊙ g'(Z[l−1])``. dA[0] is never computed.

        The gradients are written into ``grads`` (views into a flat dθ, from
        :meth:`new_gradients`; a new one when None), which is returned.
        """
        backward_activation = HIDDEN[self.hidden][1]
        m = dZL.shape[1]
        grads = self.new_gradients()[1] if grads is None else grads
        dZ = dZL  # dZ[L]: (n_y, m)
        for l in range(self.n_layers, 0, -1):
            W, A_prev, dW = self.params[f"W{l}"], caches[l - 1], grads[f"dW{l}"]
            _, _, dA_prev = linear_backward(dZ, A_prev, W, need_dA_prev=l > 1, dW=dW, db=grads[f"db{l}"])
            if l2:
                dW += (l2 / m) * W  # ∂/∂W of λ/(2m) ‖W‖²: (n_l, n_{l-1})
            if l > 1:
                dZ = backward_activation(dA_prev, A_prev)  # dZ[l-1]: (n_{l-1}, m)
        return grads

    def l2_cost(self, l2: float, m: int):
        """λ/(2m) Σ_l ‖W[l]‖²_F (0 when λ = 0); a 0-d array or 0.0."""
        if not l2:
            return 0.0
        return (l2 / (2 * m)) * sum((W * W).sum() for name, W in self.params.items() if name[0] == "W")

    def cost_from_logits(self, ZL, Y, l2=0.0, normalizer="m", task_weights=None):
        """J (a 0-d device array, no sync) and dZ[L] = ∂J/∂Z[L], from the logits Z[L]: (n_y, m).

        The output's loss (masked logistic for sigmoid, cross-entropy for softmax)
        plus the L2 cost; ``Y`` may hold NaN ("?").
        """
        if self.output == "sigmoid":
            J, dZL = masked_logistic_loss_and_grad(ZL, Y, normalizer, task_weights)
        else:
            J, dZL = softmax_cross_entropy_and_grad(ZL, Y, normalizer)
        return J + self.l2_cost(l2, ZL.shape[1]), dZL

    def data_cost_and_grads(self, X, Y, l2=0.0, normalizer="m", task_weights=None, grads=None):
        """The data term of J (the loss, without λ/(2m) Σ‖W‖²) and the full gradients (with it).

        For device X, Y already checked: forward, cost, backward. This is the
        training hot path (no argument checks, no sync); :func:`tinymtl.fit`
        adds the L2 cost once per epoch instead of once per batch, and passes
        the same ``grads`` (see :meth:`backward`) at every step.
        """
        ZL, caches = self.forward(X)
        J_data, dZL = self.cost_from_logits(ZL, Y, 0.0, normalizer, task_weights)
        return J_data, self.backward(dZL, caches, l2, grads)

    def cost_and_grads(self, X, Y, l2=0.0, normalizer="m", task_weights=None):
        """J (with the L2 cost; a 0-d device array) and the gradients, for device X, Y already checked."""
        J_data, grads = self.data_cost_and_grads(X, Y, l2, normalizer, task_weights)
        return J_data + self.l2_cost(l2, X.shape[1]), grads

    # --- the public, checked API -----------------------------------------------------
    def loss_and_grads(self, X, Y, l2=0.0, normalizer="m", task_weights=None):
        """The cost J (a Python float: one device sync) and the gradients, for user data.

        ``X``: (n_x, m); ``Y``: (n_y, m) of 0, 1 or NaN ("?"). ``l2``: λ of the
        cost ``λ/(2m) Σ‖W‖²``. ``normalizer`` and ``task_weights``: see
        :mod:`tinymtl.losses`.
        """
        X, Y, weights = self.check_data(X, Y, normalizer, task_weights)
        J, grads = self.cost_and_grads(X, Y, check_nonnegative("l2", l2), normalizer, weights)
        return float(J), grads

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
        host = {name: to_numpy(p) for name, p in self.params.items()}
        self.params = {}
        self._pack(host, backend)
        self.backend = backend
        return self

    def save(self, path) -> None:
        """Write architecture, parameters and format version to one ``.npz`` file."""
        serialization.save(self, path)

    @classmethod
    def load(cls, path) -> MLP:
        """Read a network written by :meth:`save` onto the active backend."""
        net = serialization.load(cls, path)  # it rebinds net.params[name] to the stored arrays
        net.flat_parameters()  # back into one flat θ
        return net


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
