"""The training loop: shuffled mini-batches, one optimizer step each, a history per epoch.

One concept: *epochs of mini-batch gradient descent*. Each epoch draws a new
permutation of the m examples from the seed, cuts it into mini-batches of
``batch_size`` columns (the last one may be smaller), and for each batch
computes ``J`` and the gradients (:meth:`tinymtl.MLP.data_loss_and_grads`) and
lets the optimizer update the parameters in place.

Speed choices (each measured in ``python -m benchmarks.choices``), both made
here and nowhere else: the batches are gathered from ``X`` stored in Fortran
order (:func:`columns_of`: only the m_b columns of a batch are copied, never
all of ``X``, and memory stays at the data plus a batch); and the parameters
are packed into one flat θ, so that on a small network each step is one
optimizer call on all of them (:mod:`tinymtl.flat`).

Early stopping (``patience``, with ``validation``): after each epoch the mean
validation accuracy over the tasks is compared with the best so far; after
``patience`` epochs without a better one training stops, and θ is set back to
its value at the best epoch (``history.best_epoch``), kept as one copy of θ.

Device syncs are kept to one per epoch: the batch costs are summed on the
device and read back once, at the end of the epoch, to record the loss, to
draw the progress bar and to catch a loss that became NaN or inf. When it
did, the parameters go back to their values at the start of that epoch and
:class:`FloatingPointError` names the learning rate as the likely cause.

Task weighting (``weighting``): by default every task counts the same (the
lecture's cost). With a method of :mod:`tinymtl.weighting` (learned
uncertainty weights, PCGrad) each mini-batch's gradients come from the method
instead of :meth:`tinymtl.MLP.data_loss_and_grads`; everything else is the same.

What it leaves out: learning-rate schedules, gradient clipping, sampling
weighted by task, and early stopping on anything but mean validation accuracy.

>>> import numpy as np, tinymtl as tm
>>> rng = np.random.default_rng(0)
>>> X = rng.standard_normal((3, 64)); Y = (X[:2] > 0).astype(float)   # 2 tasks
>>> net = tm.MLP([3, 8, 2], seed=0)
>>> history = tm.fit(net, X, Y, optimizer=tm.Adam(lr=0.05), epochs=20, batch_size=16, progress=False)
>>> len(history.loss), history.loss[-1] < history.loss[0]
(20, True)
"""

from __future__ import annotations

import sys
import time
from dataclasses import dataclass, field

import numpy as np

from . import flat, metrics
from .activations import OUTPUT, predicted_class
from .backend import array_module, to_device
from .losses import loss_and_grad_from_logits
from .optimizers import Adam, Optimizer
from .regularization import l2_cost
from .validation import check_nonnegative, check_positive


@dataclass
class History:
    """What :func:`fit` measured, one entry per epoch.

    loss: the training cost of the epoch: the data term of each mini-batch's J,
    averaged with weights m_b / m, plus the L2 term λ/(2m) Σ‖W‖² of the weights
    at the end of the epoch. (With normalizer "m" and no update, it is J on the
    whole training set; "labelled" and "per_task" divide each batch by its own
    counts, so there it is the mean batch cost.)
    val_loss, val_accuracy, val_f1: on the validation data, if given; the last
    two are arrays ``(n_y,)``, one number per task ("?" left out).
    seconds: wall-clock time of each epoch (validation included).
    task_weights: with a ``weighting`` method, its task weights after each epoch, arrays ``(n_y,)``.
    """

    loss: list[float] = field(default_factory=list)
    val_loss: list[float] = field(default_factory=list)
    val_accuracy: list[np.ndarray] = field(default_factory=list)
    val_f1: list[np.ndarray] = field(default_factory=list)
    seconds: list[float] = field(default_factory=list)
    task_weights: list[np.ndarray] = field(default_factory=list)
    best_epoch: int | None = None  # with early stopping: the epoch whose parameters the network kept


def minibatch_indices(m: int, batch_size: int, rng: np.random.Generator):
    """The columns of each mini-batch of one epoch: a fresh permutation of 0..m−1 cut into slices.

    The permutation is drawn on the host (from ``rng``) and moved to the device
    once per epoch; the slices are views of it, so no batch needs a transfer
    (on a GPU each transfer is a synchronising copy; on NumPy it costs 0.5 µs).
    """
    permutation = to_device(rng.permutation(m))  # (m,): one host-to-device copy per epoch
    return [permutation[start : start + batch_size] for start in range(0, m, batch_size)]


def columns_of(A, columns):
    """``A[:, columns]`` for a Fortran-ordered ``A`` (n, m): a new Fortran-ordered (n, m_b) array.

    Speed choice: the columns of a Fortran-ordered ``A`` are the rows of the
    C-ordered ``Aᵀ``, and ``take`` along axis 0 of a C-ordered array copies m_b
    contiguous rows with less bookkeeping than fancy indexing. Measured for the
    X and Y of one batch (benchmarks/choices.py): 4.9 → 2.0 µs for workload R2,
    107 → 94 µs for R1 (there the copy of 3 MB dominates). Never
    ``A.take(columns, axis=1)``: on a Fortran-ordered ``A`` NumPy's ``take`` first
    copies all of ``A`` (0.55 s a batch for R1).
    """
    return A.T.take(columns, axis=0).T  # Aᵀ: (m, n) C-ordered -> (m_b, n) -> transposed back: (n, m_b)


def fit(
    net,
    X,
    Y,
    optimizer: Optimizer | None = None,
    epochs: int = 10,
    batch_size: int = 64,
    seed: int | None = 0,
    validation=None,
    l2: float = 0.0,
    progress: bool = True,
    normalizer: str = "m",
    task_weights=None,
    patience: int | None = None,
    weighting=None,
) -> History:
    """Train ``net`` on ``X`` (n_x, m) and ``Y`` (n_y, m, NaN = "?"); return the :class:`History`.

    optimizer: default ``Adam(lr=1e-3)``. seed: the shuffling seed (the same seed
    gives the same numbers on NumPy). validation: ``(X_val, Y_val)`` to score after
    each epoch. l2: λ of ``λ/(2m) Σ‖W‖²``. progress: a progress bar on stderr.
    normalizer, task_weights: see :mod:`tinymtl.losses`.
    patience: early stopping (needs ``validation``): after each epoch the mean validation
    accuracy over the tasks is compared with the best so far; training stops once
    ``patience`` epochs in a row did not beat it, and the network keeps the parameters of
    its best epoch (``history.best_epoch``). ``None``: train all ``epochs``, keep the last.
    weighting: None (equal weights) or a method of :mod:`tinymtl.weighting`, e.g.
    ``UncertaintyWeighting(n_y)`` or ``PCGrad()``, which computes each mini-batch's
    gradients (not with ``task_weights``); its weights go to ``history.task_weights``.
    """
    optimizer = Adam(lr=1e-3) if optimizer is None else optimizer
    if not isinstance(optimizer, Optimizer):
        raise TypeError(f"optimizer: got {optimizer!r}, expected a tinymtl optimizer such as tm.Adam(lr=1e-3).")
    check_positive("epochs", epochs, integer=True)
    check_positive("batch_size", batch_size, integer=True)
    l2 = check_nonnegative("l2", l2)
    X, Y, weights = net.check_data(X, Y, normalizer, task_weights)
    if weighting is not None:
        _check_weighting(weighting, net, task_weights)
    if validation is not None:
        validation = _check_validation(net, validation)
    if patience is not None:
        check_positive("patience", patience, integer=True)
        if validation is None:
            raise ValueError("patience: early stopping needs validation=(X_val, Y_val) to choose the best epoch.")
    m = X.shape[1]
    rng = np.random.default_rng(seed)
    bar = ProgressBar(epochs, enabled=progress)
    history = History()
    with flat.packed(net.params) as theta:  # θ: (P,); until the end of fit, net.params["W1"] etc. are its views
        step = flat.FlatStep(optimizer, net.params, theta)  # dθ, its views step.grads, one step on θ
        best = _BestEpoch(theta) if patience is not None else None
        for epoch in range(1, epochs + 1):
            start = time.perf_counter()
            batches = minibatch_indices(m, batch_size, rng)  # the columns of each mini-batch of this epoch
            history.loss.append(_epoch(net, X, Y, batches, step, l2, normalizer, weights, bar, epoch, weighting))
            if weighting is not None:
                history.task_weights.append(weighting.task_weights())  # (n_y,), on the host
            if validation is not None:
                _score(net, *validation, l2, normalizer, weights, history)
            history.seconds.append(time.perf_counter() - start)
            bar.epoch_end(epoch, history)
            if best is not None and best.stop(epoch, history, patience):
                break
        if best is not None:
            history.best_epoch = best.restore()
    return history


def _epoch(net, X, Y, batches, step, l2, normalizer, weights, bar, epoch: int, weighting=None) -> float:
    """One pass over the mini-batches, each followed by an optimizer ``step``; the epoch's training loss.

    The loss: Σ_batches J_data · m_b / m + λ/(2m) Σ‖W‖² (one sync). If it, or a
    parameter, is inf or NaN, θ goes back to its start-of-epoch value and a
    FloatingPointError names the learning rate.
    """
    theta = step.theta  # θ: (P,)
    snapshot = theta.copy()  # finite (checked at the end of the last epoch): restored on failure
    total = 0.0  # Σ_batches J_data · m_b, a device scalar: no sync inside the epoch
    for b, columns in enumerate(batches, 1):
        X_batch, Y_batch = columns_of(X, columns), columns_of(Y, columns)  # (n_x, m_b), (n_y, m_b)
        if weighting is None:
            J_data, _ = net.data_loss_and_grads(X_batch, Y_batch, l2, normalizer, weights, out=step.grads)  # into dθ
        else:  # the method's gradients into dθ (and its own step, if it learns something)
            J_data, _ = weighting.loss_and_grads(net, X_batch, Y_batch, l2, normalizer, out=step.grads)
        step()  # θ ← θ − α · (the optimizer's direction), in place
        total = total + J_data * X_batch.shape[1]
        bar.batch(epoch, b, len(batches))
    m = X.shape[1]
    loss = float(total / m + l2_cost(net.params, l2, m))  # sync: once per epoch
    if not (np.isfinite(loss) and _all_finite(theta)):
        theta[...] = snapshot
        raise FloatingPointError(
            f"fit: the training loss or the parameters became inf or NaN in epoch {epoch} (loss {loss}); the "
            f"learning rate lr={step.optimizer.lr:g} is the likely cause: try one 10 times smaller. The "
            f"parameters were restored to their values at the start of epoch {epoch}."
        )
    return loss


class _BestEpoch:
    """Early stopping: a copy of θ at the epoch of the best mean validation accuracy so far."""

    def __init__(self, theta):
        self.theta, self.saved, self.epoch, self.score = theta, theta.copy(), 0, -np.inf

    def stop(self, epoch: int, history: History, patience: int) -> bool:
        """Record this epoch if it beats the best; whether ``patience`` epochs passed without a better one."""
        score = float(np.nanmean(history.val_accuracy[-1]))  # mean over the tasks (host values)
        if score > self.score:
            self.saved[...] = self.theta
            self.epoch, self.score = epoch, score
        return epoch - self.epoch >= patience

    def restore(self) -> int:
        """Put the best epoch's parameters back into θ; return that epoch."""
        self.theta[...] = self.saved
        return self.epoch


def _all_finite(theta) -> bool:
    """Whether every parameter in θ is finite (one sync)."""
    return bool(array_module(theta).isfinite(theta).all())  # sync


def _check_weighting(weighting, net, task_weights) -> None:
    """``weighting`` must follow :mod:`tinymtl.weighting`'s protocol and come without fixed task weights."""
    if not all(callable(getattr(weighting, name, None)) for name in ("start", "loss_and_grads", "task_weights")):
        raise TypeError(
            f"weighting: got {weighting!r}, expected None (equal weights) or a method of tinymtl.weighting, "
            "e.g. UncertaintyWeighting(n_y) or PCGrad()."
        )
    if task_weights is not None:
        raise ValueError(
            f"task_weights: got {task_weights!r} together with weighting={weighting!r}; the method sets how much "
            "each task counts. Pass one of them."
        )
    weighting.start(net)


def _check_validation(net, validation):
    """(X_val, Y_val) checked like the training data."""
    if not isinstance(validation, (tuple, list)) or len(validation) != 2:
        raise TypeError(f"validation: got {type(validation).__name__}, expected a pair (X_val, Y_val).")
    X_val, Y_val, _ = net.check_data(*validation, names=("validation X_val", "validation Y_val"))
    return X_val, Y_val


def _score(net, X_val, Y_val, l2, normalizer, weights, history: History) -> None:
    """Append the validation loss and per-task accuracy and F1 to ``history``."""
    ZL, _ = net.forward(X_val)  # (n_y, m_val)
    J, _ = loss_and_grad_from_logits(net.output, ZL, Y_val, normalizer, weights)
    J = J + l2_cost(net.params, l2, ZL.shape[1])
    P = OUTPUT[net.output](ZL)  # Ŷ: (n_y, m_val)
    if net.output == "softmax":  # score the predicted class as a one-hot column, per class
        P = predicted_class(P)
    result = metrics.report(Y_val, P)
    history.val_loss.append(float(J))  # sync
    history.val_accuracy.append(result.accuracy)
    history.val_f1.append(result.f1)


class ProgressBar:
    """One line on stderr per epoch: ``epoch 3/10 [####################] loss 0.41 ...``.

    On a terminal the bar is redrawn in place during the epoch; into a file or
    a pipe only the finished line of each epoch is written.
    """

    WIDTH = 20

    def __init__(self, epochs: int, enabled: bool = True, stream=None):
        self.epochs, self.enabled = epochs, enabled
        self.stream = sys.stderr if stream is None else stream
        self.live = enabled and getattr(self.stream, "isatty", lambda: False)()

    def _draw(self, epoch: int, fraction: float, end: str = "") -> None:
        filled = int(self.WIDTH * fraction)
        self.stream.write(f"\repoch {epoch}/{self.epochs} [{'#' * filled}{'.' * (self.WIDTH - filled)}]{end}")
        self.stream.flush()

    def batch(self, epoch: int, b: int, n_batches: int) -> None:
        """Redraw the bar after batch ``b`` of ``n_batches`` (about 20 times an epoch, terminals only)."""
        if self.live and b % max(1, n_batches // self.WIDTH) == 0:
            self._draw(epoch, b / n_batches)

    def epoch_end(self, epoch: int, history: History) -> None:
        if not self.enabled:
            return
        line = f" loss {history.loss[-1]:.4f}"
        if history.val_loss:
            line += f"  val_loss {history.val_loss[-1]:.4f}  val_acc {np.nanmean(history.val_accuracy[-1]):.3f}"
        self._draw(epoch, 1.0, end=line + f"  {history.seconds[-1]:.2f}s\n")
