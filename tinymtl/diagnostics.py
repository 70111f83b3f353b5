"""Do two tasks pull the shared layers the same way? The cosine between their gradients.

One concept: *the gradient cosine between tasks*. In the masked cost each task
j has its own part,

    J = Σ_j J_j,    J_j = (1/m) Σ_{i labelled for j} L(ŷ_j^(i), y_j^(i)),

and each part has a gradient g_j = ∂J_j/∂θ_shared with respect to the shared
parameters (by default W[1], b[1], ..., W[L−1], b[L−1]: every layer but the
output layer, whose row j serves task j alone). One step of gradient descent
moves the shared layers by −α Σ_j g_j, so the angle between g_j and g_k says
how the two tasks get along right now::

    cos(g_j, g_k) = g_j · g_k / (‖g_j‖ ‖g_k‖)     in [−1, 1]

near 1: a step that helps j also helps k; near 0: they ask for unrelated
changes; negative: what helps one hurts the other (they fight over the
shared features).

How it is computed: one forward pass, then one backward pass per task. The
rows of dZ[L] = ∂J/∂Z[L] (n_y, m) are independent (row j comes from J_j
alone), so keeping row j and zeroing the others gives exactly ∂J_j/∂Z[L],
and :meth:`tinymtl.MLP.backward` from it gives ∂J_j/∂θ. Scaling J_j by a
positive number does not change a cosine, so the normaliser ("m", "labelled",
"per_task"; see :mod:`tinymtl.losses`) does not matter here.

What it leaves out: anything done with the cosines (projecting conflicting
gradients away, re-weighting tasks); it only measures. And softmax outputs:
there the classes share one loss, so a row of dZ[L] is not one task's gradient.

The output layer matters: g_j reaches the shared layers through row j of
W[L] (dA[L−1] = W[L]ᵀ dZ[L]), so two tasks with the same labels but different
(random) output rows pull apart at the start, and a task and its negation
(y_k = 1 − y_j) pull the same way once row k of W[L] is minus row j: for a
network, a negated task is the same task.

>>> import numpy as np, tinymtl as tm
>>> rng = np.random.default_rng(0)
>>> X = rng.standard_normal((5, 40))                 # (n_x, m)
>>> y = (X[:1] > 0).astype(float)                    # one task: (1, m)
>>> Y = np.concatenate([y, y, 1 - y])                # (n_y, m): task 1 = task 0, task 2 = its negation
>>> net = tm.MLP([5, 16, 3], seed=0)
>>> np.round(task_gradient_cosines(net, X, Y), 2)    # at the start, random rows of W[2]: (n_y, n_y)
array([[ 1.  ,  0.03, -0.03],
       [ 0.03,  1.  , -0.02],
       [-0.03, -0.02,  1.  ]])
>>> W, b = net.params["W2"], net.params["b2"]        # W[L]: (n_y, n_1), b[L]: (n_y, 1)
>>> W[1], b[1], W[2], b[2] = W[0], b[0], -W[0], -b[0]
>>> np.round(task_gradient_cosines(net, X, Y), 2)
array([[1., 1., 1.],
       [1., 1., 1.],
       [1., 1., 1.]])
"""

from __future__ import annotations

from numbers import Integral

import numpy as np

from .backend import array_module, to_numpy
from .losses import masked_logistic_loss_and_grad
from .network import MLP
from .optimizers import Adam
from .training import History, fit
from .validation import check_positive, check_seed


def _check_layers(net, layers) -> tuple[int, ...]:
    """The layer numbers l (1..L, the lecture's numbering) whose W[l], b[l] are compared; default 1..L−1."""
    L = net.n_layers
    if layers is None:
        if L < 2:
            raise ValueError(
                f"net: got a network with layer_dims {list(net.layer_dims)}, i.e. no hidden layer, so no shared "
                "layer to compare the tasks on; add a hidden layer or pass layers=[1] to compare output rows."
            )
        return tuple(range(1, L))  # the shared layers: every layer but the output layer
    try:
        chosen = tuple(layers)
    except TypeError:
        chosen = None
    if (
        not chosen
        or not all(isinstance(l, Integral) and not isinstance(l, bool) and 1 <= l <= L for l in chosen)
        or len(set(chosen)) != len(chosen)
    ):
        raise ValueError(
            f"layers: got {layers!r}, expected distinct layer numbers from 1 to L = {L} (the lecture's "
            f"numbering: W[1] is the first layer), e.g. layers={list(range(1, L)) or [1]}, or None for "
            "every layer but the output layer."
        )
    return chosen


def check_multitask_network(net, purpose: str = "comparing per-task gradients") -> MLP:
    """``net`` if it is an MLP with sigmoid outputs (one loss per task); ``purpose`` says what needs that."""
    if not isinstance(net, MLP):
        raise TypeError(f"net: got {type(net).__name__}, expected a tinymtl MLP.")
    if net.output != "sigmoid":
        raise ValueError(
            f"net: {purpose} needs a network with output='sigmoid' (one loss per task); got output={net.output!r}, "
            "whose classes share one loss, so there are no per-task parts."
        )
    return net


def task_gradients(net, X, Y, layers=None):
    """G: one row per task, g_j = ∂J_j/∂θ over the parameters of ``layers``; (n_y, P_layers) on the device.

    X: (n_x, m); Y: (n_y, m) of 0, 1 or NaN ("?"). layers: layer numbers l
    (1..L) whose W[l] and b[l] make up θ; None: 1..L−1, the shared layers.
    Row j lays out dW[l], db[l] for each chosen l, in the order given, each
    flattened in C order. A task with no labelled example in X has g_j = 0.

    >>> import numpy as np
    >>> net = MLP([3, 4, 2], seed=0)                  # shared: W[1] (4, 3), b[1] (4, 1)
    >>> task_gradients(net, np.ones((3, 5)), np.ones((2, 5))).shape
    (2, 16)
    """
    net = check_multitask_network(net)
    chosen = _check_layers(net, layers)
    X, Y, _ = net.check_data(X, Y)
    ZL, caches = net.forward(X)  # Z[L]: (n_y, m); the cache is only read by backward, so it serves every task
    _, dZL = masked_logistic_loss_and_grad(ZL, Y)  # dZ[L] = (A[L] − Y) ⊙ M / m: (n_y, m); row j depends on J_j only
    return gradient_rows(net, caches, dZL, chosen)


def gradient_rows(net, caches, dZL, layers) -> object:
    """G from a forward cache and dZ[L] (n_y, m) whose row j depends on J_j only: one backward pass per task.

    Row j is the backward pass of dZ[L] with every row but j set to 0; it lays out
    dW[l], db[l] for each l in ``layers``, flattened in C order; (n_y, P_layers).
    No argument checks (the hot path of :class:`tinymtl.weighting.PCGrad`).
    """
    xp = array_module(dZL)
    dZj = xp.zeros_like(dZL)  # ∂J_j/∂Z[L]: (n_y, m), row j of dZ[L], zeros elsewhere
    rows = []
    for j in range(dZL.shape[0]):
        dZj[j] = dZL[j]
        grads = net.backward(dZj, caches)  # ∂J_j/∂W[l], ∂J_j/∂b[l] for l = 1..L
        dZj[j] = 0
        rows.append(xp.concatenate([grads[f"{d}{l}"].ravel() for l in layers for d in ("dW", "db")]))  # g_j: (P,)
    return xp.stack(rows)  # G: (n_y, P_layers)


def gradient_cosines(G) -> np.ndarray:
    """C[j, k] = cos(g_j, g_k) = g_j · g_k / (‖g_j‖ ‖g_k‖) for the rows of G (n, P); a NumPy array (n, n).

    A zero row (a task with no labelled example, or whose gradient vanished)
    has no direction: its row and column of C, its diagonal entry included,
    are NaN. Every other diagonal entry is 1 (up to rounding).

    >>> np.round(gradient_cosines(np.array([[1.0, 0.0], [1.0, 1.0], [0.0, 0.0]])), 3)
    array([[1.   , 0.707,   nan],
           [0.707, 1.   ,   nan],
           [  nan,   nan,   nan]])
    """
    xp = array_module(G)
    gram = G @ G.T  # g_j · g_k: (n, n)
    norms = xp.sqrt(xp.diagonal(gram))  # ‖g_j‖: (n,)
    scale = norms[:, None] * norms[None, :]  # ‖g_j‖ ‖g_k‖: (n, n)
    has_direction = scale > 0
    C = gram / xp.where(has_direction, scale, 1)  # divided only where both norms are > 0 (no 0/0 warning)
    C = xp.where(has_direction, C, xp.nan)  # (n, n); NaN where a row is 0
    return to_numpy(C)  # sync: the (n, n) cosines, to the host


def task_gradient_cosines(net, X, Y, layers=None) -> np.ndarray:
    """cos(g_j, g_k) for every pair of tasks on the data X (n_x, m), Y (n_y, m): a NumPy array (n_y, n_y).

    g_j = ∂J_j/∂θ_shared with J_j = (1/m) Σ_{i labelled for j} L(ŷ_j^(i), y_j^(i));
    see the module docstring. Symmetric, 1 on the diagonal. A task with no
    labelled example in the batch (its row all "?") has a zero gradient and
    no direction: its row and column are NaN. ``layers``: as in
    :func:`task_gradients`; including the output layer L adds to the norms but
    not to the dot products (row j of W[L] gets only task j's gradient), so it
    pulls every cosine toward 0.

    >>> net = MLP([3, 4, 2], seed=0)
    >>> C = task_gradient_cosines(net, np.ones((3, 5)), np.array([[1.0] * 5, [np.nan] * 5]))
    >>> round(float(C[0, 0]), 12), bool(np.isnan(C[1]).all())   # task 1 has no label here
    (1.0, True)
    """
    return gradient_cosines(task_gradients(net, X, Y, layers))


def record_gradient_cosines(net, X, Y, probe, epochs: int, optimizer=None, seed: int = 0, layers=None,
                            **fit_options):  # fmt: skip
    """Train ``net`` epoch by epoch and measure the task gradient cosines on ``probe`` before and after each.

    probe: ``(X_probe, Y_probe)``, a fixed batch on which the cosines are
    measured every time (e.g. a few hundred training examples). Each epoch is
    :func:`tinymtl.fit` with ``epochs=1``, ``seed=seed + epoch`` (a new
    shuffle; None: fresh randomness) and the same ``optimizer`` (default ``Adam(lr=1e-3)``), whose
    state carries over. ``fit_options`` go to fit (batch_size, l2, ...).

    Returns ``(cosines, history)``: cosines ``(epochs + 1, n_y, n_y)``, entry 0
    at the start and entry e after epoch e; the :class:`~tinymtl.History` of
    all epochs.

    >>> rng = np.random.default_rng(0)
    >>> X = rng.standard_normal((4, 64)); Y = (X[:2] > 0).astype(float)
    >>> net = MLP([4, 8, 2], seed=0)
    >>> cosines, history = record_gradient_cosines(net, X, Y, (X, Y), epochs=3, progress=False)
    >>> cosines.shape, len(history.loss)
    ((4, 2, 2), 3)
    """
    check_positive("epochs", epochs, integer=True)
    seed = check_seed(seed)
    optimizer = Adam(lr=1e-3) if optimizer is None else optimizer
    if not isinstance(probe, (tuple, list)) or len(probe) != 2:
        raise TypeError(f"probe: got {type(probe).__name__}, expected a pair (X_probe, Y_probe).")
    cosines = [task_gradient_cosines(net, *probe, layers=layers)]  # before training
    history = History()
    for epoch in range(1, epochs + 1):
        shuffle = None if seed is None else seed + epoch  # a new order of the examples each epoch
        one = fit(net, X, Y, optimizer=optimizer, epochs=1, seed=shuffle, **fit_options)
        for name, values in vars(one).items():
            if isinstance(values, list):  # the per-epoch records (best_epoch is not one)
                getattr(history, name).extend(values)
        cosines.append(task_gradient_cosines(net, *probe, layers=layers))
    return np.stack(cosines), history  # (epochs + 1, n_y, n_y)
