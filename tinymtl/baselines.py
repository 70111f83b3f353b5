"""The two baselines the lecture compares multi-task learning with.

One concept: *the same data, learned another way*, so that a table can put
the multi-task network beside

- **separate networks**: one network per task, each trained only on the
  examples labelled for its task (a "?" gives it nothing to learn from), with
  the same hidden layers as the multi-task network. n_y networks cost about
  n_y times the parameters and the training time;
- **softmax**: one network with C = n_y + 1 softmax outputs (the n_y objects
  and "none"), trained on one label per example. An image with several
  objects must be given one of them (chosen at random), so softmax cannot say
  "car AND stop sign": at prediction time it reports exactly one object, or none.

Both return per-task probabilities ``(n_y, m)`` so that :mod:`tinymtl.metrics`
scores all three models the same way. :func:`one_vs_separate` trains the
multi-task network and the separate ones on the same data and scores both;
:func:`labels_per_task_curve` does it from few to many labels per task, each
example labelled for one task only: where one network beats four, and where it
stops (``tinymtl demo``, lesson 08).

What it leaves out: tuning each baseline on its own (all three get the same
hidden layers, optimizer, budget and early stopping), and other multi-task
architectures (task-specific heads on a shared trunk of a different depth,
soft parameter sharing).
"""

from __future__ import annotations

import time
from dataclasses import dataclass

import numpy as np

from .activations import predicted_class
from .backend import array_module, backend_of, to_device, to_numpy
from .datasets import hide_labels
from .metrics import per_task_accuracy
from .network import MLP
from .optimizers import Adam
from .training import fit


@dataclass
class Trained:
    """A trained model (or group of models) with what the comparison table reports."""

    name: str
    n_params: int
    seconds: float  # training time, all its networks together
    predict_proba: object  # X (n_x, m) -> per-task probabilities (n_y, m) on the device
    epoch_seconds: float = 0.0  # one epoch of all its networks: the sum of each network's median epoch time


def _timed_fit(net, X, Y, lr, seed, fit_options):
    """:func:`tinymtl.fit` with Adam(lr); the History and the seconds it took."""
    start = time.perf_counter()
    history = fit(net, X, Y, optimizer=Adam(lr=lr), seed=seed, **fit_options)
    return history, time.perf_counter() - start


def _epoch_seconds(history) -> float:
    """The median wall-clock seconds of one epoch (validation included): the cost of a pass, whatever stopped it."""
    return float(np.median(history.seconds))


def train_multitask(X, Y, hidden_dims, seed=0, lr=1e-3, dtype="float64", **fit_options):
    """One network, n_y sigmoid outputs, the masked loss: the lecture's multi-task network.

    X: (n_x, m); Y: (n_y, m) with NaN for "?". ``fit_options`` go to
    :func:`tinymtl.fit` (epochs, batch_size, validation, progress...). Returns the
    :class:`Trained` summary and the training :class:`~tinymtl.History`.
    """
    net = MLP([X.shape[0], *hidden_dims, Y.shape[0]], seed=seed, dtype=dtype)
    history, seconds = _timed_fit(net, X, Y, lr, seed, fit_options)
    return Trained("multi-task", net.n_params, seconds, net.predict_proba, _epoch_seconds(history)), history


def train_separate(X, Y, hidden_dims, seed=0, lr=1e-3, dtype="float64", validation=None, **fit_options) -> Trained:
    """n_y networks with one sigmoid output each, task j trained on the examples labelled for it.

    validation: ``(X_val, Y_val)``; network j is scored on row j of ``Y_val`` (so with
    ``patience``, each network stops at its own best epoch).
    """
    labelled = ~np.isnan(to_numpy(Y))  # (n_y, m) on the host (sync): which columns each task may use
    nets, seconds, epoch_seconds = [], 0.0, 0.0
    for j in range(Y.shape[0]):
        columns = to_device(np.flatnonzero(labelled[j]), backend=backend_of(X))  # examples labelled for task j
        net = MLP([X.shape[0], *hidden_dims, 1], seed=seed + j, dtype=dtype)
        if columns.size:
            own = {} if validation is None else {"validation": (validation[0], validation[1][j : j + 1])}
            history, spent = _timed_fit(net, X[:, columns], Y[j : j + 1, columns], lr, seed, {**fit_options, **own})
            seconds, epoch_seconds = seconds + spent, epoch_seconds + _epoch_seconds(history)
        nets.append(net)

    def predict_proba(X_new):
        rows = [net.predict_proba(X_new) for net in nets]  # n_y arrays (1, m)
        return array_module(rows[0]).concatenate(rows, axis=0)  # (n_y, m)

    return Trained("separate networks", sum(net.n_params for net in nets), seconds, predict_proba, epoch_seconds)


def softmax_targets(Y, seed=0) -> np.ndarray:
    """One-hot targets (n_y + 1, m) for a softmax over the n_y objects and "none".

    Each column keeps one object labelled 1, chosen at random when there are
    several (softmax has room for one); "none" when every label is 0; a column
    of NaN (unknown class) when no label is 1 and some are "?".
    """
    Y = to_numpy(Y)  # to the host (sync)
    n_y, m = Y.shape
    rng = np.random.default_rng(seed)
    present = Y == 1  # (n_y, m); NaN == 1 is False
    scores = np.where(present, rng.random((n_y, m)), -1.0)  # a random present object wins
    chosen = np.where(present.any(axis=0), scores.argmax(axis=0), n_y)  # class index, n_y = "none": (m,)
    targets = np.eye(n_y + 1)[:, chosen]  # (n_y + 1, m)
    unknown = ~present.any(axis=0) & np.isnan(Y).any(axis=0)  # no 1 seen, some "?": class unknown
    targets[:, unknown] = np.nan
    return targets


def train_softmax(X, Y, hidden_dims, seed=0, lr=1e-3, dtype="float64", validation=None, **fit_options) -> Trained:
    """A softmax network over the objects and "none", trained on :func:`softmax_targets` of Y.

    validation: ``(X_val, Y_val)``, scored on :func:`softmax_targets` of ``Y_val``.
    """
    n_y = Y.shape[0]
    net = MLP([X.shape[0], *hidden_dims, n_y + 1], output="softmax", seed=seed, dtype=dtype)
    if validation is not None:
        fit_options["validation"] = (validation[0], softmax_targets(validation[1], seed))
    history, seconds = _timed_fit(net, X, softmax_targets(Y, seed), lr, seed, fit_options)

    def predict_proba(X_new):
        """The predicted class as 0/1 per object: at most one 1 per column."""
        return predicted_class(net.predict_proba(X_new))[:n_y]  # (n_y + 1, m) -> drop "none": (n_y, m)

    return Trained("softmax", net.n_params, seconds, predict_proba, _epoch_seconds(history))


def one_vs_separate(X, Y, validation, test, hidden_dims, seed=0, **fit_options) -> dict:
    """Train the multi-task network and the separate networks on the same data; score both on ``test``.

    X: (n_x, m); Y: (n_y, m), NaN = "?"; validation, test: ``(X, Y)`` pairs. With
    ``patience`` in ``fit_options`` every network stops early on ``validation`` (the
    multi-task network on its mean accuracy over the tasks, separate network j on task j).
    Returns ``{name: (Trained, accuracy (n_y,))}`` for "multi-task" and "separate networks",
    the accuracy on ``test`` with every "?" there left out.
    """
    options = dict(hidden_dims=hidden_dims, seed=seed, validation=validation, **fit_options)
    multitask, _ = train_multitask(X, Y, **options)
    separate = train_separate(X, Y, **options)
    X_test, Y_test = test
    return {model.name: (model, per_task_accuracy(Y_test, model.predict_proba(X_test)))
            for model in (multitask, separate)}  # fmt: skip


def labels_per_task_curve(X, Y, validation, test, per_task, **options) -> dict:
    """One network against the separate ones as each task's own data grows: mean test accuracy per size.

    For each n in ``per_task``, the training set is the first n·n_y columns of ``X``
    ``(n_x, m)`` and ``Y`` ``(n_y, m)``, each keeping the label of one task only
    (``hide_labels(..., pattern="one_task")``: n labels per task, each task its own
    images). Both models are trained as in :func:`one_vs_separate` (``options``: hidden_dims,
    seed, epochs, patience...). Returns ``{"per_task": [n, ...], "multi-task": [accuracy,
    ...], "separate networks": [accuracy, ...]}``, accuracies averaged over the tasks.
    """
    n_y = Y.shape[0]
    curve = {"per_task": [int(n) for n in per_task], "multi-task": [], "separate networks": []}
    for n in curve["per_task"]:
        if n_y * n > X.shape[1]:
            raise ValueError(f"per_task: {n} labels per task need {n_y * n} training columns, X has {X.shape[1]}.")
        Y_one = hide_labels(Y[:, : n_y * n], pattern="one_task", seed=options.get("seed", 0))  # (n_y, n_y·n)
        scores = one_vs_separate(X[:, : n_y * n], Y_one, validation, test, **options)
        for name in ("multi-task", "separate networks"):
            curve[name].append(float(np.mean(scores[name][1])))
    return curve
