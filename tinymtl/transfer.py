"""Transfer learning A → B: keep what a network learned on task A, give it a new output layer for task B.

One concept: *reusing the hidden layers*. A network trained on A (much data)
has hidden layers W[1], b[1], ..., W[L−1], b[L−1] that compute features
A[L−1] of the input x. For a task B with the same kind of x (and little data):

1. :func:`new_output_layer`: a new network with copies of those hidden layers
   and a fresh, randomly initialised output layer W[L] (n_y^B, n_{L−1}),
   b[L] (n_y^B, 1) for B's outputs;
2. then either

   a. **freeze** the hidden layers and train only the output layer
      (:func:`fit_output_layer`), or
   b. **fine-tune** every layer: :func:`tinymtl.fit` on the new network.

Freezing, done honestly and cheaply: with W[1..L−1] fixed, the features
A[L−1] = g(W[L−1] ... g(W[1] X + b[1]) ... + b[L−1]) (n_{L−1}, m) never change,
and Ŷ = σ(W[L] A[L−1] + b[L]) is a network with *no hidden layer* (logistic
regression, or softmax regression) on those features. So
:func:`fit_output_layer` computes A[L−1] once (:func:`hidden_features`),
trains ``MLP([n_{L−1}, n_y])`` on it, and writes its W[1], b[1] into the big
network's W[L], b[L]. Its gradient is exactly ∂J/∂W[L], ∂J/∂b[L] of the big
network (the backward pass stops at W[L]: dW[L] = dZ[L] A[L−1]ᵀ), and each step
costs one small matrix product instead of a full forward and backward pass.

What it leaves out: freezing only some of the hidden layers, and a smaller
learning rate for the lower layers while fine-tuning.

>>> import numpy as np, tinymtl as tm
>>> net_a = tm.MLP([6, 8, 4], seed=0)                    # trained on A: 4 tasks
>>> net_b = new_output_layer(net_a, 3, output="softmax")  # for B: 3 classes
>>> net_b.layer_dims, bool((net_b.params["W1"] == net_a.params["W1"]).all())
((6, 8, 3), True)
>>> hidden_features(net_b, np.ones((6, 5))).shape         # A[1]: (n_1, m)
(8, 5)
"""

from __future__ import annotations

from .activations import OUTPUTS
from .network import MLP
from .training import fit
from .validation import as_inputs, check_choice, check_positive


def _check_network(net) -> MLP:
    """``net`` if it is an MLP with at least one hidden layer (else there is nothing to transfer)."""
    if not isinstance(net, MLP):
        raise TypeError(f"net: got {type(net).__name__}, expected a tinymtl MLP (the network trained on task A).")
    if net.n_layers < 2:
        raise ValueError(
            f"net: got a network with layer_dims {list(net.layer_dims)}, i.e. no hidden layer; expected at least "
            "one (e.g. [n_x, 64, n_y]): transfer keeps the hidden layers and replaces only the output layer."
        )
    return net


def new_output_layer(net, n_out: int, output: str = "sigmoid", seed: int = 0) -> MLP:
    """A new network for task B: copies of ``net``'s hidden layers, a fresh output layer for ``n_out`` outputs.

    layer_dims ``[n_x, n_1, ..., n_{L−1}, n_out]``; W[l], b[l] for l < L are
    copies of ``net``'s (training the new network leaves ``net`` unchanged);
    W[L] (n_out, n_{L−1}) is drawn with ``net``'s initialisation ("he" or
    "xavier") from ``seed``, b[L] (n_out, 1) is 0. ``output``: "sigmoid"
    (B has yes/no tasks) or "softmax" (B has one class per example). The new
    network has ``net``'s hidden activation, dtype and backend.

    >>> net_a = MLP([4, 5, 2], seed=0)
    >>> net_b = new_output_layer(net_a, 3, seed=1)
    >>> net_b.params["W2"].shape, net_b.params["b2"].shape   # W[L]: (n_out, n_{L-1}), b[L]: (n_out, 1)
    ((3, 5), (3, 1))
    """
    net = _check_network(net)
    net._check_backend()
    check_positive("n_out", n_out, integer=True)
    output = check_choice("output", output, OUTPUTS)
    dims = [*net.layer_dims[:-1], n_out]  # [n_x, n_1, ..., n_{L-1}, n_out]
    new = MLP(dims, hidden=net.hidden, output=output, init=net.init, seed=seed, dtype=net.dtype.name)
    for l in range(1, net.n_layers):  # the hidden layers W[1..L-1], b[1..L-1]
        new.params[f"W{l}"][...] = net.params[f"W{l}"]  # a copy into new's θ, not a shared array
        new.params[f"b{l}"][...] = net.params[f"b{l}"]
    return new


def hidden_features(net, X):
    """A[L−1] (n_{L−1}, m): the last hidden layer's activations for inputs ``X`` (n_x, m), on the device.

    The features the output layer sees: A[0] = X, A[l] = g(W[l] A[l−1] + b[l])
    for l = 1..L−1 (the forward pass's cache, :meth:`MLP.forward`).

    >>> import numpy as np
    >>> net = MLP([3, 4, 2, 1], seed=0)
    >>> A2 = hidden_features(net, np.ones((3, 7)))           # A[2]: (n_2, m)
    >>> A2.shape, bool((A2 >= 0).all())                        # ReLU features are ≥ 0
    ((2, 7), True)
    """
    net = _check_network(net)
    net._check_backend()
    X = as_inputs(X, net.layer_dims[0], net.dtype)  # (n_x, m) on the device
    _, caches = net.forward(X)  # caches: [A[0], ..., A[L-1]]
    return caches[-1]  # A[L-1]: (n_{L-1}, m)


def fit_output_layer(net, X, Y, validation=None, **fit_options):
    """Train only W[L], b[L] of ``net`` on (X, Y); the hidden layers stay frozen. Returns the History.

    Computes A[L−1] = :func:`hidden_features` (n_{L−1}, m) once, trains the
    one-layer network ``MLP([n_{L−1}, n_y])`` (same output and dtype, starting
    from ``net``'s W[L], b[L]) on it with :func:`tinymtl.fit`, and writes its
    W[1] (n_y, n_{L−1}), b[1] (n_y, 1) into ``net``'s W[L], b[L], in place.
    ``validation``: (X_val, Y_val) on the inputs, turned into features too;
    ``fit_options`` go to :func:`tinymtl.fit` (optimizer, epochs, batch_size, seed, l2, ...).
    With ``l2`` the penalty is λ/(2m) ‖W[L]‖² only (the frozen layers cannot change).

    >>> import numpy as np, tinymtl as tm
    >>> rng = np.random.default_rng(0)
    >>> X = rng.standard_normal((4, 200)); Y = (X[:1] > 0).astype(float)   # (1, m)
    >>> net = new_output_layer(MLP([4, 16, 2], seed=0), 1)
    >>> W1 = net.params["W1"].copy()
    >>> history = fit_output_layer(net, X, Y, optimizer=tm.Adam(lr=0.05), epochs=20, progress=False)
    >>> bool((net.params["W1"] == W1).all()), history.loss[-1] < history.loss[0]
    (True, True)
    """
    net = _check_network(net)
    L = net.n_layers
    head = MLP([net.layer_dims[-2], net.layer_dims[-1]], output=net.output, dtype=net.dtype.name)  # no hidden layer
    head.params["W1"][...] = net.params[f"W{L}"]  # start from net's output layer: W[L] (n_y, n_{L-1})
    head.params["b1"][...] = net.params[f"b{L}"]  # b[L]: (n_y, 1)
    features = hidden_features(net, X)  # A[L-1]: (n_{L-1}, m), computed once
    if validation is not None:
        if not isinstance(validation, (tuple, list)) or len(validation) != 2:
            raise TypeError(f"validation: got {type(validation).__name__}, expected a pair (X_val, Y_val).")
        validation = (hidden_features(net, validation[0]), validation[1])
    history = fit(head, features, Y, validation=validation, **fit_options)
    net.params[f"W{L}"][...] = head.params["W1"]  # the trained output layer, back into net's θ
    net.params[f"b{L}"][...] = head.params["b1"]
    return history
