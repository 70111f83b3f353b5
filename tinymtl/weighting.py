r"""How much should each task count? Learned task weights and PCGrad, for :func:`tinymtl.fit`.

One concept: *how the tasks' parts of the cost are combined into one step*.
The masked cost is a sum with one part per task::

    J = Σ_j J_j,    J_j = (1/m) Σ_{i labelled for j} L(ŷ_j^(i), y_j^(i))        (normalizer "m")

and :func:`tinymtl.fit` by default steps along ∇J = Σ_j ∇J_j: every task
counts the same (**equal weights**, the lecture's cost, the baseline). This
module offers two published alternatives, each a small object that ``fit``
hands every mini-batch to: ``tm.fit(net, X, Y, weighting=UncertaintyWeighting(n_y))``.

Uncertainty weighting (Kendall, Gal & Cipolla, CVPR 2018)
---------------------------------------------------------
One extra number per task, ``s_j = log σ_j²`` (a log-variance: unconstrained,
and ``e^{−s}`` never divides by 0), learned with the network::

    J(θ, s) = Σ_j e^{−s_j} J_j(θ) + s_j / 2                       # s: (n_y,)

Which variant, and why: this is the paper's term for a classification output,
``(1/σ²) L + log σ`` (with ``1/σ² = e^{−s}`` and ``log σ = s/2``), and our
tasks are yes/no classifications with the logistic loss. The
regression form has ``½ e^{−s_j} J_j`` (the Gaussian's ``1/(2σ²)``), and many
public implementations use ``e^{−s_j} J_j + s_j``; both only rescale every
weight by the same factor (½ or 2). Adam divides a constant common scale out
of the steps, so what matters is the ratio of two weights, the same in all
three. (A *growing* common scale is another matter: see below.)

The two gradients (differentiate term by term)::

    ∂J/∂s_j = −e^{−s_j} J_j + 1/2                                  # (n_y,)
    ∂J/∂θ   = Σ_j w_j ∂J_j/∂θ,    w_j = e^{−s_j}

The second is the masked cost with task weights ``w`` (:mod:`tinymtl.losses`:
``c_j = w_j / d_j``), so the network's backward pass is the one ``fit`` always
runs, from ``dZ[L] = c ⊙ M ⊙ (A[L] − Y)``. Setting the first to 0 gives the
minimiser over s (``∂²J/∂s_j² = e^{−s_j} J_j > 0``, so it is a minimum)::

    e^{−s_j} = 1 / (2 J_j),    i.e.  s_j = log(2 J_j),   w_j / w_k = J_k / J_j

A task whose loss stays high (noisy labels, a hard task) ends up counting
less, a task with a small loss more. Each mini-batch, both gradients are taken
at the same (θ, s); ``fit``'s optimizer steps θ and this object's own
:class:`~tinymtl.optimizers.Adam` steps s. s starts at 0: every weight 1, as
with equal weights. The J_j are the mini-batch's, on training data, so s
follows a noisy target. As the network fits its training data every J_j
falls and every weight grows (on the digits of lesson 09e, to hundreds); with
Adam, whose average of squared gradients lags behind, growing weights act like
a rising learning rate (lesson 09e measures it, and tunes the learning rate first).

PCGrad, "gradient surgery" (Yu et al., NeurIPS 2020)
----------------------------------------------------
Let ``g_j = ∂J_j/∂θ_shared`` be task j's gradient on the shared layers W[1],
b[1], ..., W[L−1], b[L−1] (:func:`tinymtl.diagnostics.gradient_rows`). Two
tasks conflict when ``g_i · g_j < 0`` (cos < 0): a step for one is a step
against the other. PCGrad removes the conflicting component: for each task i,
visiting the other tasks j in a random order (Yu et al.'s Algorithm 1)::

    if g_i^PC · g_j < 0:   g_i^PC ← g_i^PC − (g_i^PC · g_j / ‖g_j‖²) g_j     # (P_shared,)

starting from ``g_i^PC = g_i`` and projecting against the original ``g_j``;
after a projection ``g_i^PC · g_j = 0``. The shared layers step along
``Σ_i g_i^PC``. The output layer is not shared: row j of W[L] and b[L] gets
task j's gradient only, so no two tasks meet there and its gradient is the
plain sum. When no pair conflicts, PCGrad *is* equal weights. With three or
more tasks the order matters; it is drawn from a seeded generator.

A case worked by hand: ``g_1 = (1, 0)``, ``g_2 = (−1, 1)``, ``g_1 · g_2 = −1 < 0``::

    g_1^PC = (1, 0) − (−1 / 2) (−1, 1) = (1/2, 1/2)
    g_2^PC = (−1, 1) − (−1 / 1) (1, 0) = (0, 1)
    Σ_i g_i^PC = (1/2, 3/2)          (equal weights: g_1 + g_2 = (0, 1))

The protocol ``fit`` uses
------------------------
A method has three methods: ``start(net)`` (once, before the first batch:
checks that it suits the network and puts its own numbers on the network's
device and dtype); ``loss_and_grads(net, X, Y, l2, normalizer, out)`` (each
mini-batch: returns ``(J_data, grads)`` like :meth:`tinymtl.MLP.data_loss_and_grads`,
the gradients written into ``out``, and takes the method's own step, if it has
parameters; ``J_data = Σ_j J_j`` is the lecture's cost with equal weights, so
learning curves compare across methods); ``task_weights()`` (after each epoch,
into ``history.task_weights``).

What it leaves out: other methods (GradNorm, dynamic weight averaging, MGDA,
CAGrad, Nash-MTL), fixed ``task_weights`` together with a method, softmax
networks (their classes share one loss: there are no per-task parts), and
the regression form of uncertainty weighting.

>>> import numpy as np, tinymtl as tm
>>> rng = np.random.default_rng(0)
>>> X = rng.standard_normal((3, 64)); Y = (X[:2] > 0).astype(float)       # 2 tasks
>>> net = tm.MLP([3, 8, 2], seed=0)
>>> method = UncertaintyWeighting(n_y=2, lr=0.05)
>>> history = tm.fit(net, X, Y, optimizer=tm.Adam(lr=0.05), epochs=20, batch_size=16, progress=False,
...                  weighting=method)
>>> len(history.task_weights), history.task_weights[-1].shape, history.loss[-1] < history.loss[0]
(20, (2,), True)
"""

from __future__ import annotations

import numpy as np

from .backend import array_module, to_device, to_numpy
from .diagnostics import check_multitask_network, gradient_rows
from .flat import flat_views
from .losses import masked_logistic_loss_and_grad, masked_task_losses
from .network import MLP
from .optimizers import Adam
from .regularization import l2_gradient
from .validation import check_positive, check_seed


def _check_network(net, method: str, n_y: int | None = None) -> MLP:
    """``net`` if it is an MLP with sigmoid outputs (one loss per task), with ``n_y`` outputs if given."""
    net = check_multitask_network(net, f"{method} (use weighting=None for a softmax network)")
    n_outputs = net.layer_dims[-1]
    if n_y is not None and n_y != n_outputs:
        raise ValueError(
            f"n_y: {method} was made for n_y = {n_y} tasks, but the network has {n_outputs} outputs "
            f"(layer_dims {list(net.layer_dims)}); make it with n_y={n_outputs}."
        )
    return net


# --- uncertainty weighting -------------------------------------------------------------------------


def uncertainty_cost(J_tasks, s):
    """J(s) = Σ_j e^{−s_j} J_j + s_j / 2 (a 0-d array) and ∂J/∂s_j = −e^{−s_j} J_j + 1/2 (n_y,).

    J_tasks: the tasks' losses J_j, (n_y,); s: the log-variances s_j = log σ_j², (n_y,).
    See the module docstring for the derivation; the minimiser is s_j = log(2 J_j).

    >>> J, ds = uncertainty_cost(np.array([0.5, 0.1]), np.zeros(2))      # at s = 0: every weight 1
    >>> round(float(J), 6), ds                                            # (0.5 + 0.1, 1/2 − J_j)
    (0.6, array([0. , 0.4]))
    >>> np.round(uncertainty_cost(np.array([0.5, 0.1]), np.log([1.0, 0.2]))[1], 12)   # at s_j = log(2 J_j)
    array([0., 0.])
    """
    xp = array_module(s)
    w = xp.exp(-s)  # w_j = e^{−s_j} = 1/σ_j²: (n_y,)
    J = (w * J_tasks + s / 2).sum()  # Σ_j e^{−s_j} J_j + s_j/2
    ds = 0.5 - w * J_tasks  # ∂J/∂s_j = −e^{−s_j} J_j + 1/2: (n_y,)
    return J, ds


class UncertaintyWeighting:
    """Kendall et al.'s learned weights ``w_j = e^{−s_j}``: J = Σ_j e^{−s_j} J_j + s_j / 2 (module docstring).

    n_y: the number of tasks (rows of Y). lr: the learning rate of the Adam that
    steps s, one step per mini-batch: each step moves s_j by about lr at most.
    (Lesson 09e's design runs tried 0.003 to 0.1: the validation accuracy moved
    by less than 0.005, and 0.003 and 0.01 tied.) ``s`` starts at 0 (every
    weight 1). Like an optimizer, a method belongs to one network: make a new
    one for another.

    >>> method = UncertaintyWeighting(n_y=2, lr=0.1)
    >>> for _ in range(300):                          # on fixed losses J_j, s goes to log(2 J_j)
    ...     method.step(np.array([0.5, 0.1]))
    >>> np.round(method.task_weights(), 2)           # w_j = 1 / (2 J_j)
    array([1., 5.])
    """

    def __init__(self, n_y: int, lr: float = 0.01):
        self.n_y = int(check_positive("n_y", n_y, integer=True))
        self.optimizer = Adam(lr=lr)  # its own Adam, on s only
        self.s = to_device(np.zeros(self.n_y))  # s_j = log σ_j²: (n_y,), on the active backend

    def __repr__(self) -> str:
        return f"UncertaintyWeighting(n_y={self.n_y}, lr={self.optimizer.lr:g})"

    def start(self, net) -> None:
        """Check that ``net`` has n_y sigmoid outputs; put s on its device and in its dtype (no copy if there)."""
        _check_network(net, repr(self), self.n_y)
        self.s = to_device(self.s, dtype=net.dtype, backend=net.backend)

    def step(self, J_tasks) -> None:
        """One Adam step on s for the tasks' losses J_j (n_y,): s ← s − Adam(∂J/∂s), in place."""
        _, ds = uncertainty_cost(J_tasks, self.s)  # ∂J/∂s: (n_y,)
        self.optimizer.step({"s": self.s}, {"ds": ds})

    def loss_and_grads(self, net, X, Y, l2=0.0, normalizer="m", out=None):
        """Σ_j J_j (a 0-d array: no sync) and ∂J/∂θ = Σ_j w_j ∂J_j/∂θ (+ L2) into ``out``; then one step on s.

        X: (n_x, m), Y: (n_y, m), already checked (:meth:`tinymtl.MLP.check_data`);
        ``out``: as in :meth:`tinymtl.MLP.backward`. Both gradients are taken at
        the current (θ, s); the network's step is the caller's.
        """
        ZL, caches = net.forward(X)  # Z[L]: (n_y, m)
        J_tasks = masked_task_losses(ZL, Y, normalizer)  # J_j: (n_y,)
        w = array_module(self.s).exp(-self.s)[:, None]  # w_j = e^{−s_j}: (n_y, 1)
        _, dZL = masked_logistic_loss_and_grad(ZL, Y, normalizer, w)  # dZ[L] of Σ_j w_j J_j: (n_y, m)
        grads = net.backward(dZL, caches, l2, out)  # ∂J/∂θ: the masked cost with task weights w
        self.step(J_tasks)  # s, from the same J_j
        return J_tasks.sum(), grads

    def task_weights(self) -> np.ndarray:
        """The current weights w_j = e^{−s_j}: a NumPy array (n_y,) (a sync)."""
        return to_numpy(array_module(self.s).exp(-self.s)).astype(np.float64)


# --- PCGrad ------------------------------------------------------------------------------------------


def project_conflicting(G, orders=None):
    """G^PC: each row g_i of G (n, P) with its conflicts with the other rows projected away; (n, P).

    For each i, over the other rows j in ``orders[i]`` (default: 0..n−1 without i):
    ``g_i^PC ← g_i^PC − (g_i^PC · g_j / ‖g_j‖²) g_j`` where ``g_i^PC · g_j < 0``
    (module docstring). No branch on the sign: the coefficient is
    ``min(g_i^PC · g_j, 0) / ‖g_j‖²``, 0 when they do not conflict, so no value
    is read back from the device. A zero row g_j (a task with no label in the
    batch) projects nothing.

    >>> G = np.array([[1.0, 0.0], [-1.0, 1.0]])         # the case worked by hand: (n, P) = (2, 2)
    >>> project_conflicting(G)
    array([[0.5, 0.5],
           [0. , 1. ]])
    >>> project_conflicting(np.array([[1.0, 0.0], [1.0, 1.0]]))   # no conflict: unchanged
    array([[1., 0.],
           [1., 1.]])
    """
    xp = array_module(G)
    n = G.shape[0]
    squared_norms = (G * G).sum(axis=1)  # ‖g_j‖²: (n,)
    squared_norms = xp.where(squared_norms > 0, squared_norms, 1)  # a zero g_j: 0 / 1 = 0, no 0/0
    projected = G.copy()  # g_i^PC: (n, P)
    for i in range(n):
        others = [j for j in range(n) if j != i] if orders is None else orders[i]
        g = projected[i]  # a view: the projections write into row i
        for j in others:
            coefficient = xp.minimum(g @ G[j], 0) / squared_norms[j]  # (g_i^PC · g_j)/‖g_j‖² if < 0, else 0
            g -= coefficient * G[j]
    return projected


class PCGrad:
    """Yu et al.'s projecting conflicting gradients on the shared layers (module docstring).

    seed: of the random order in which each task visits the others, drawn anew
    every mini-batch (the same seed gives the same training). PCGrad changes
    directions, not weights: :meth:`task_weights` is 1 for every task.
    :attr:`conflicts` counts, for each pair of tasks, the mini-batches in which
    their gradients on the shared layers conflicted (cos < 0, before any
    projection); :meth:`conflict_share` divides by :attr:`batches`.

    Cost: one forward pass and one backward pass per task
    (:func:`tinymtl.diagnostics.gradient_rows`). Measured on 8,000 road scenes,
    ``[1728, 64, 32, 4]``, float32, batches of 128: 0.28 s an epoch against 0.07 s with
    equal weights (3.9×; 4.3× when it also re-checked X, Y and ran a second forward pass);
    uncertainty weighting costs as much as equal weights.
    """

    def __init__(self, seed: int | None = 0):
        self.seed = check_seed(seed)
        self.rng = np.random.default_rng(seed)
        self.n_y = None  # set by start
        self.conflicts, self.batches = None, 0

    def __repr__(self) -> str:
        return f"PCGrad(seed={self.seed})"

    def start(self, net) -> None:
        """Check that ``net`` has sigmoid outputs; the counts of conflicts start at 0."""
        _check_network(net, repr(self))
        self.n_y = net.layer_dims[-1]
        self.conflicts = array_module(net.params["W1"]).zeros((self.n_y, self.n_y), dtype=np.int64)
        self.batches = 0

    def orders(self) -> list:
        """For each task i, the other tasks in a new random order: n_y arrays of n_y − 1 indices (host)."""
        return [self.rng.permutation([j for j in range(self.n_y) if j != i]) for i in range(self.n_y)]

    def loss_and_grads(self, net, X, Y, l2=0.0, normalizer="m", out=None):
        """Σ_j J_j (a 0-d array) and the PCGrad gradient (+ L2) into ``out``, laid out as ``net.params``.

        One backward pass per task (:func:`tinymtl.diagnostics.gradient_rows`, over
        every layer, rows laid out W[1], b[1], ..., W[L], b[L] like θ), then the shared
        part of each row projected (:func:`project_conflicting`) and the rows summed.
        """
        L, m = net.n_layers, X.shape[1]
        ZL, caches = net.forward(X)  # Z[L]: (n_y, m), once: for the cost and every task's backward pass
        _, dZL = masked_logistic_loss_and_grad(ZL, Y, normalizer)  # row j = ∂J_j/∂Z[L] (J_j ÷ d_j): (n_y, m)
        G = gradient_rows(net, caches, dZL, range(1, L + 1))  # g_j = ∂J_j/∂θ: (n_y, P)
        n_shared = sum(int(net.params[f"{p}{l}"].size) for l in range(1, L) for p in ("W", "b"))  # P_shared
        shared = G[:, :n_shared]  # g_j on W[1], b[1], ..., W[L−1], b[L−1]: (n_y, P_shared)
        self.conflicts += shared @ shared.T < 0  # g_i · g_j < 0, before any projection: (n_y, n_y)
        self.batches += 1
        g = G.sum(axis=0)  # the plain sum Σ_j g_j: (P,); its output-layer part stays
        g[:n_shared] = project_conflicting(shared, self.orders()).sum(axis=0)  # Σ_i g_i^PC: (P_shared,)
        grads = flat_views(g, {f"d{name}": p.shape for name, p in net.params.items()})  # dW1, db1, ...: views of g
        if out is not None:
            for name, piece in grads.items():
                out[name][...] = piece
            grads = out
        if l2:
            for l in range(1, L + 1):
                grads[f"dW{l}"] += l2_gradient(net.params[f"W{l}"], l2, m)  # + (λ/m) W[l]: L2 is no task's
        return masked_task_losses(ZL, Y, normalizer).sum(), grads

    def task_weights(self) -> np.ndarray:
        """Every task's weight: 1 (PCGrad changes directions, not weights); a NumPy array (n_y,)."""
        return np.ones(self.n_y)

    def conflict_share(self) -> np.ndarray:
        """For each pair of tasks, the share of the mini-batches since :meth:`start` in which they conflicted: (n_y, n_y)."""
        return to_numpy(self.conflicts) / max(self.batches, 1)
