"""Metrics for multi-task (multi-label) predictions that leave "?" labels out.

One concept: *score only what is known*. Every metric here counts, per task,
the labelled entries only: an unknown label ("?", stored as NaN in ``Y``)
is neither right nor wrong, so it is left out of every numerator and every
denominator (as the masked loss leaves it out of the gradient).

Notation (the lecture's): ``Y`` is ``(n_y, m)`` of 0, 1 or NaN, one example
per column; ``P`` is ``(n_y, m)`` of probabilities, the network's output
``A[L]``; the predictions are ``Yhat = (P >= threshold)``. We use ``>=``: a
probability exactly at the threshold (0.5 by default) predicts 1. (With
logits, ``P >= 0.5`` is ``Z >= 0``, the side on which sigmoid(0) = 0.5 falls.)

On fully labelled data every function equals scikit-learn's, number for
number: ``accuracy_score``, ``precision_score``/``recall_score``/``f1_score``
with ``zero_division=0`` per task, ``hamming_loss`` and ``accuracy_score`` on
the multilabel matrix (subset accuracy; sklearn wants ``(m, n_y)``, so pass
``Y.T``). The mean of a per-task column is sklearn's ``average="macro"``.

Edge cases, decided once here:

* a task with **no labelled example** gets NaN for accuracy, precision,
  recall and F1 (there is nothing to score), and count 0;
* ``zero_division=0`` applies only to tasks that have labelled examples:
  precision is 0 when nothing is predicted positive, recall is 0 when no
  labelled example is positive, F1 is 0 when both are;
* an example with no labelled entry is left out of :func:`exact_match`;
* when **no entry at all** is labelled, :func:`hamming_loss` and
  :func:`exact_match` return NaN (not an error: an all-"?" mini-batch must
  not stop an evaluation loop).

One metric needs no threshold: :func:`per_task_auc`, the area under each
task's ROC curve, for tasks whose positives are rare (accuracy rewards always
answering 0 there; AUC gives that 0.5). It ranks the scores on the host.

What it leaves out: sample weights, the ROC/PR curves themselves, softmax
(one-label) outputs, and thresholds per task.

The counting runs on the arrays' device (NumPy, CuPy or the strict stand-in)
with one device-to-host copy of the counts per call (besides the one boolean
that each argument check reads back); the few divisions then run on the host
on ``(n_y,)`` vectors of counts, and the results are host NumPy arrays and
Python floats.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .backend import array_module, backend_of, to_numpy
from .validation import as_label_matrix, as_probabilities, check_task_names, check_threshold

__all__ = [
    "Report",
    "exact_match",
    "hamming_loss",
    "labelled_count",
    "per_task_accuracy",
    "per_task_auc",
    "per_task_f1",
    "per_task_precision",
    "per_task_recall",
    "report",
]


# --- argument checks --------------------------------------------------------------------


def _backend_of_inputs(*arrays) -> str | None:
    """The backend of the first device array among ``arrays``; None (the active one) if all are host data."""
    on_device = [a for a in arrays if array_module(a) is not np]
    return backend_of(on_device[0]) if on_device else None


# --- the one counting step --------------------------------------------------------------


@dataclass(frozen=True)
class _Counts:
    """Host counts over labelled entries: the confusion counts of each task, and the exact-match tally."""

    TP: np.ndarray  # (n_y,)  labelled, Y = 1, Yhat = 1
    FP: np.ndarray  # (n_y,)  labelled, Y = 0, Yhat = 1
    FN: np.ndarray  # (n_y,)  labelled, Y = 1, Yhat = 0
    TN: np.ndarray  # (n_y,)  labelled, Y = 0, Yhat = 0
    examples_labelled: int  # examples (columns) with at least one labelled entry
    examples_right: int  # of those, the ones whose labelled entries are all right

    @property
    def n(self) -> np.ndarray:
        return self.TP + self.FP + self.FN + self.TN  # labelled examples per task: (n_y,)


def _counts(Y, P, threshold) -> _Counts:
    """Check the arguments, count on the device, copy the counts to the host once."""
    threshold = check_threshold(threshold)
    backend = _backend_of_inputs(Y, P)
    Y = as_label_matrix(Y, backend)
    P = as_probabilities(P, Y.shape, backend)
    xp = array_module(Y)
    n_y, m = Y.shape

    labelled = ~xp.isnan(Y)  # (n_y, m)
    truth = Y == 1  # (n_y, m), False under "?" (NaN == 1 is False)
    guess = P >= threshold  # Yhat: (n_y, m)
    # Masking with & (never multiplying by a 0/1 mask: NaN * 0 is NaN).
    TP = (labelled & truth & guess).sum(axis=1)  # (n_y,)
    FP = (labelled & ~truth & guess).sum(axis=1)  # (n_y,)
    FN = (labelled & truth & ~guess).sum(axis=1)  # (n_y,)
    TN = (labelled & ~truth & ~guess).sum(axis=1)  # (n_y,)

    wrong = labelled & (truth != guess)  # (n_y, m)
    has_label = labelled.any(axis=0)  # (m,)
    right = has_label & ~wrong.any(axis=0)  # (m,)
    tally = xp.stack([has_label.sum(), right.sum()])  # (2,)

    counts = to_numpy(
        xp.concatenate([xp.stack([TP, FP, FN, TN]).ravel(), tally])
    )  # the one copy to the host (sync): (4 n_y + 2,)
    TP, FP, FN, TN = counts[: 4 * n_y].reshape(4, n_y)
    return _Counts(TP, FP, FN, TN, int(counts[-2]), int(counts[-1]))


def _ratio(numerator: np.ndarray, denominator: np.ndarray, n: np.ndarray) -> np.ndarray:
    """``numerator / denominator`` per task; 0 where the denominator is 0 (sklearn's zero_division=0)
    and NaN where the task has no labelled example (``n == 0``)."""
    safe = np.where(denominator > 0, denominator, 1)  # avoids 0/0 warnings; those entries are replaced
    result = np.where(denominator > 0, numerator / safe, 0.0)  # (n_y,)
    return np.where(n > 0, result, np.nan)


# --- the formulas, from the counts (shared by the public functions and the report) ----


def _accuracy(c: _Counts) -> np.ndarray:
    return _ratio(c.TP + c.TN, c.n, c.n)  # (n_y,)


def _precision(c: _Counts) -> np.ndarray:
    return _ratio(c.TP, c.TP + c.FP, c.n)  # (n_y,)


def _recall(c: _Counts) -> np.ndarray:
    return _ratio(c.TP, c.TP + c.FN, c.n)  # (n_y,)


def _f1(c: _Counts) -> np.ndarray:
    return _ratio(2 * c.TP, 2 * c.TP + c.FP + c.FN, c.n)  # (n_y,), sklearn's form: no 0/0 from P + R = 0


def _fraction(numerator: int, denominator: int) -> float:
    """``numerator / denominator`` as a Python float; NaN when nothing was counted."""
    return numerator / denominator if denominator > 0 else float("nan")


def _hamming(c: _Counts) -> float:
    return _fraction(int((c.FP + c.FN).sum()), int(c.n.sum()))


def _exact(c: _Counts) -> float:
    return _fraction(c.examples_right, c.examples_labelled)


# --- per-task metrics -------------------------------------------------------------------


def labelled_count(Y) -> np.ndarray:
    """Number of labelled (not "?") examples of each task: ``n_j = #{i : Y[j, i] is not NaN}``.

    Parameters: ``Y`` of shape ``(n_y, m)`` with entries 0, 1 or NaN.
    Returns a host int array of shape ``(n_y,)``.

    >>> labelled_count([[1, 0, float("nan")], [0, 0, 1]])
    array([2, 3])
    """
    Y = as_label_matrix(Y, _backend_of_inputs(Y))
    xp = array_module(Y)
    return to_numpy((~xp.isnan(Y)).sum(axis=1)).astype(np.int64)  # to the host (sync): (n_y,)


def per_task_accuracy(Y, P, threshold=0.5) -> np.ndarray:
    """Fraction of the labelled examples of each task that are predicted right.

    ``accuracy_j = (TP_j + TN_j) / n_j`` over the ``n_j`` labelled examples of
    task ``j``, with ``Yhat = (P >= threshold)``; NaN when ``n_j = 0``.
    Returns a host array of shape ``(n_y,)``.

    >>> per_task_accuracy([[1, 0, 1], [0, float("nan"), 1]], [[0.9, 0.2, 0.4], [0.1, 0.7, 0.5]])
    array([0.66666667, 1.        ])
    """
    return _accuracy(_counts(Y, P, threshold))


def per_task_precision(Y, P, threshold=0.5) -> np.ndarray:
    """Of the labelled examples predicted positive, the fraction that are positive.

    ``precision_j = TP_j / (TP_j + FP_j)`` over the labelled examples of task
    ``j``; 0 when nothing is predicted positive (sklearn's ``zero_division=0``);
    NaN when the task has no labelled example. Returns shape ``(n_y,)``.

    >>> per_task_precision([[1, 0, 1], [0, 0, 0]], [[0.9, 0.8, 0.4], [0.1, 0.2, 0.3]])
    array([0.5, 0. ])
    """
    return _precision(_counts(Y, P, threshold))


def per_task_recall(Y, P, threshold=0.5) -> np.ndarray:
    """Of the labelled positive examples, the fraction predicted positive.

    ``recall_j = TP_j / (TP_j + FN_j)`` over the labelled examples of task
    ``j``; 0 when no labelled example is positive (``zero_division=0``); NaN
    when the task has no labelled example. Returns shape ``(n_y,)``.

    >>> per_task_recall([[1, 0, 1], [0, 0, 0]], [[0.9, 0.8, 0.4], [0.1, 0.2, 0.3]])
    array([0.5, 0. ])
    """
    return _recall(_counts(Y, P, threshold))


def per_task_f1(Y, P, threshold=0.5) -> np.ndarray:
    """The harmonic mean of precision and recall, per task.

    ``f1_j = 2 TP_j / (2 TP_j + FP_j + FN_j)`` over the labelled examples of
    task ``j`` (equal to ``2 precision_j recall_j / (precision_j + recall_j)``
    and computed from the counts, as sklearn does); 0 when ``TP_j + FP_j + FN_j
    = 0`` (``zero_division=0``); NaN when the task has no labelled example.
    Returns shape ``(n_y,)``.

    >>> per_task_f1([[1, 0, 1], [0, 0, 0]], [[0.9, 0.8, 0.4], [0.1, 0.2, 0.3]])
    array([0.5, 0. ])
    """
    return _f1(_counts(Y, P, threshold))


def per_task_auc(Y, P) -> np.ndarray:
    """The area under each task's ROC curve: the chance that a positive outscores a negative.

    Over the labelled examples of task j, with n₊ positives and n₋ negatives
    (Mann–Whitney; a tie counts ½)::

        AUC_j = (1 / (n₊ n₋)) Σ_{i: y=1} ( #{k: y=0, p_k < p_i} + ½ #{k: y=0, p_k = p_i} )

    0.5 is guessing, 1 ranks every positive above every negative; no threshold.
    NaN for a task without both a labelled positive and a labelled negative.
    Equals sklearn's ``roc_auc_score`` on each fully labelled row. Returns shape
    ``(n_y,)``. Computed on the host (one sort of each row of P).

    >>> per_task_auc([[1, 0, 1, 0], [1, 0, float("nan"), 0]], [[0.9, 0.1, 0.4, 0.4], [0.3, 0.6, 0.9, 0.1]])
    array([0.875, 0.5  ])
    """
    backend = _backend_of_inputs(Y, P)
    Y = as_label_matrix(Y, backend)
    P = to_numpy(as_probabilities(P, Y.shape, backend))  # to the host (sync): (n_y, m)
    Y = to_numpy(Y)  # to the host (sync): (n_y, m)
    order = np.argsort(P, axis=1, kind="stable")  # (n_y, m): each task's examples, lowest score first
    P, Y = np.take_along_axis(P, order, axis=1), np.take_along_axis(Y, order, axis=1)  # sorted: (n_y, m)
    negative, positive = Y == 0, Y == 1  # (n_y, m), both False at "?"
    negatives_up_to = np.cumsum(negative, axis=1)  # (n_y, m): labelled negatives at positions 0..i
    first, last = _tie_bounds(P)  # (n_y, m): first and last position of each score's tie group
    below = np.take_along_axis(negatives_up_to - negative, first, axis=1)  # negatives scored lower than p_i
    tied = np.take_along_axis(negatives_up_to, last, axis=1) - below  # negatives scored exactly p_i
    n_pos, n_neg = positive.sum(axis=1), negative.sum(axis=1)  # (n_y,)
    wins = np.where(positive, below + tied / 2, 0).sum(axis=1)  # (n_y,)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where((n_pos > 0) & (n_neg > 0), wins / (n_pos * n_neg), np.nan)


def _tie_bounds(P_sorted) -> tuple[np.ndarray, np.ndarray]:
    """For each position i of the sorted rows (n_y, m): the first and the last position holding P_sorted[:, i]."""
    n_y, m = P_sorted.shape
    position = np.broadcast_to(np.arange(m), (n_y, m))  # (n_y, m): 0..m−1
    change = P_sorted[:, 1:] != P_sorted[:, :-1]  # (n_y, m − 1): a new score starts at i + 1
    edge = np.ones((n_y, 1), dtype=bool)
    starts = np.hstack([edge, change])  # (n_y, m): True where a tie group starts
    ends = np.hstack([change, edge])  # (n_y, m): True where a tie group ends
    first = np.maximum.accumulate(np.where(starts, position, 0), axis=1)
    last = np.minimum.accumulate(np.where(ends, position, m - 1)[:, ::-1], axis=1)[:, ::-1]
    return first, last


# --- whole-matrix metrics ---------------------------------------------------------------


def hamming_loss(Y, P, threshold=0.5) -> float:
    """Fraction of the labelled entries of ``Y`` that are predicted wrong.

    ``hamming = sum_j (FP_j + FN_j) / sum_j n_j``: a sum of mistakes over all
    tasks and examples, divided by the number of labelled entries (not by
    ``n_y * m``). NaN when no entry is labelled. Equals sklearn's
    ``hamming_loss(Y.T, Yhat.T)`` on fully labelled data.

    >>> hamming_loss([[1, 0, 1], [0, float("nan"), 1]], [[0.9, 0.2, 0.4], [0.1, 0.7, 0.5]])
    0.2
    """
    return _hamming(_counts(Y, P, threshold))


def exact_match(Y, P, threshold=0.5) -> float:
    """Fraction of the examples whose labelled entries are all predicted right.

    ``exact = #{i : Yhat[j, i] = Y[j, i] for every labelled j} / #{i : some Y[j, i] is labelled}``.
    Examples with no labelled entry are left out of both counts; NaN when no
    entry is labelled at all. Equals sklearn's subset accuracy
    ``accuracy_score(Y.T, Yhat.T)`` on fully labelled data.

    >>> exact_match([[1, 0, 1], [0, float("nan"), 1]], [[0.9, 0.2, 0.4], [0.1, 0.7, 0.5]])
    0.6666666666666666
    """
    return _exact(_counts(Y, P, threshold))


# --- the report -------------------------------------------------------------------------


@dataclass(frozen=True)
class Report:
    """Per-task metrics (host arrays of shape ``(n_y,)``) and the whole-matrix ones; print it for a table."""

    names: tuple[str, ...]
    count: np.ndarray  # labelled examples per task: (n_y,)
    accuracy: np.ndarray  # (n_y,)
    precision: np.ndarray  # (n_y,)
    recall: np.ndarray  # (n_y,)
    f1: np.ndarray  # (n_y,)
    hamming_loss: float
    exact_match: float
    threshold: float

    def mean(self, column: str) -> float:
        """Mean of a per-task column over the tasks with labelled examples (sklearn's "macro"); NaN if none."""
        values = getattr(self, column)[self.count > 0]
        return float(values.mean()) if values.size else float("nan")

    def __str__(self) -> str:
        width = max([4, *map(len, self.names)])
        columns = ("accuracy", "precision", "recall", "f1")
        header = f"{'task':<{width}} {'labelled':>8} " + " ".join(f"{c:>9}" for c in columns)
        rows = [header, "-" * len(header)]
        for j, name in enumerate(self.names):
            values = " ".join(f"{getattr(self, c)[j]:>9.3f}" for c in columns)
            rows.append(f"{name:<{width}} {self.count[j]:>8d} {values}")
        means = " ".join(f"{self.mean(c):>9.3f}" for c in columns)
        rows += ["-" * len(header), f"{'mean':<{width}} {int(self.count.sum()):>8d} {means}", ""]
        rows.append(f"hamming loss: {self.hamming_loss:.3f}  (fraction of labelled entries wrong)")
        rows.append(f"exact match:  {self.exact_match:.3f}  (examples with every labelled entry right)")
        rows.append(f"threshold:    {self.threshold:g}  (Yhat = P >= threshold); nan: task with no labels")
        return "\n".join(rows)


def report(Y, P, threshold=0.5, task_names=None) -> Report:
    """All metrics at once, from one counting pass: a :class:`Report` whose ``str`` is an aligned table.

    Rows are the tasks (row ``j`` of ``Y``, named ``task_names[j]``), then the
    mean over the tasks that have labelled examples; below, the Hamming loss
    and the exact-match ratio. A task with no labelled example shows count 0
    and ``nan``.

    >>> print(report([[1, 0, 1], [0, float("nan"), 1]], [[0.9, 0.2, 0.4], [0.1, 0.7, 0.5]], task_names=["cat", "dog"]))
    task labelled  accuracy precision    recall        f1
    -----------------------------------------------------
    cat         3     0.667     1.000     0.500     0.667
    dog         2     1.000     1.000     1.000     1.000
    -----------------------------------------------------
    mean        5     0.833     1.000     0.750     0.833
    <BLANKLINE>
    hamming loss: 0.200  (fraction of labelled entries wrong)
    exact match:  0.667  (examples with every labelled entry right)
    threshold:    0.5  (Yhat = P >= threshold); nan: task with no labels
    """
    c = _counts(Y, P, threshold)
    return Report(
        names=check_task_names(task_names, len(c.n)),
        count=c.n,
        accuracy=_accuracy(c),
        precision=_precision(c),
        recall=_recall(c),
        f1=_f1(c),
        hamming_loss=_hamming(c),
        exact_match=_exact(c),
        threshold=float(threshold),
    )
