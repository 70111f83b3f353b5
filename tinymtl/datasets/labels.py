"""Hiding labels: turning entries of Y into "?" (NaN), as real annotators leave them.

One concept: *which labels are missing*. The lecture's Y has "?" where the
annotator did not say, and the masked loss leaves those entries out. How the
"?" fall matters, so :func:`hide_labels` offers four patterns:

``"random"``     each entry independently, with probability ``fraction``.
``"per_task"``   each entry of task j (row j) independently, with probability
                 ``rates[j]``: some tasks are labelled less often than others.
``"annotator"``  whole examples: each example independently (probability
                 ``fraction``) goes to an annotator who labels only some tasks,
                 and every other entry of that column becomes "?". The others
                 keep all their labels. As in the lecture: "they only labelled
                 whether there is a pedestrian or a car".

Entries that are already "?" stay "?"; known labels are never changed.

The seed: the data sets draw their images from ``default_rng(seed)``, so
hiding with the same generator would reuse the very numbers that drew the
data (with one seed for both, the hidden pedestrian labels fell almost only
at intersections). :func:`hide_labels` therefore draws from its own stream,
``default_rng([HIDING_STREAM, seed])``: one seed for data and "?" is safe.

What it leaves out: wrong labels (a "?" is missing, never flipped) and "?"
that depend on the image itself (hard images left unlabelled more often).
"""

from __future__ import annotations

from numbers import Integral

import numpy as np

from ..backend import to_numpy
from ..validation import check_choice, check_seed
from .dataset import check_probabilities, check_probability

PATTERNS = ("random", "per_task", "annotator", "one_task")
LECTURE_ANNOTATOR = (0, 1)  # the rows an annotator labels by default: pedestrian and car
HIDING_STREAM = 0x3F  # "?": mixed into the seed so that hiding never replays the data set's random numbers


def hide_labels(Y, fraction=0.3, pattern="random", seed=0, *, rates=None, annotator_tasks=None) -> np.ndarray:
    """A float copy of ``Y`` ``(n_y, m)`` with some labels replaced by "?" (NaN); ``Y`` is not changed.

    fraction: for "random", the probability that an entry is hidden; for "annotator",
    the probability that an example goes to a partial annotator (not used by "per_task"
    and "one_task").
    pattern: "random", "per_task", "annotator" or "one_task" (see the module docstring).
    rates: for "per_task" only, one probability per task (row of Y).
    annotator_tasks: for "annotator" only, the rows such an annotator labels:
    ``None`` means ``(0, 1)``, pedestrian and car (the lecture's example); a sequence
    of row indices is used for every annotated example; ``"random"`` gives each
    annotated example its own random subset: a size k uniform in 1..n_y−1, then k rows
    uniformly. The expected share of "?" is ``fraction`` ("random"), ``mean(rates)``
    ("per_task"), ``fraction · (n_y − k)/n_y`` ("annotator" with k labelled rows), or
    ``(n_y − 1)/n_y`` ("one_task": task j labelled in ⌊m/n_y⌋ or ⌈m/n_y⌉ examples).

    The result is a host NumPy array in Y's float dtype (float64 for integer or bool Y).

    >>> Y = np.ones((4, 3))
    >>> hide_labels(Y, fraction=1.0, pattern="annotator")     # every example: pedestrian and car only
    array([[ 1.,  1.,  1.],
           [ 1.,  1.,  1.],
           [nan, nan, nan],
           [nan, nan, nan]])
    >>> (~np.isnan(hide_labels(np.ones((4, 8)), pattern="one_task"))).sum(axis=1)   # 2 labels per task
    array([2, 2, 2, 2])
    """
    Y = _label_copy(Y)  # (n_y, m)
    n_y, m = Y.shape
    fraction = check_probability("fraction", fraction)
    pattern = check_choice("pattern", pattern, PATTERNS)
    if rates is not None and pattern != "per_task":
        raise ValueError(f"rates: only used with pattern='per_task' (got pattern={pattern!r}); leave it out.")
    if annotator_tasks is not None and pattern != "annotator":
        raise ValueError(f"annotator_tasks: only used with pattern='annotator' (got pattern={pattern!r}); "
                         "leave it out.")  # fmt: skip
    rng = _hiding_rng(check_seed(seed))
    if pattern == "random":
        hide = rng.random((n_y, m)) < fraction  # (n_y, m)
    elif pattern == "per_task":
        if rates is None:
            raise ValueError(f"rates: pattern='per_task' needs rates, one probability per task ({n_y} for this Y).")
        rates = check_probabilities("rates", rates, n_y, "one per task (row of Y)")
        hide = rng.random((n_y, m)) < rates[:, None]  # (n_y, m)
    elif pattern == "annotator":
        annotated = rng.random(m) < fraction  # (m,) examples that go to a partial annotator
        hide = annotated & ~_labelled_rows(rng, n_y, m, annotator_tasks)  # (n_y, m)
    else:
        task = rng.permutation(np.arange(m) % n_y)  # (m,) the one task each example is labelled for
        hide = task != np.arange(n_y)[:, None]  # (n_y, m)
    Y[hide] = np.nan
    return Y


def _hiding_rng(seed) -> np.random.Generator:
    """The generator of the "?": a stream of its own for an integer seed, fresh randomness for None.

    >>> data_rng, hiding_rng = np.random.default_rng(0), _hiding_rng(0)
    >>> bool(data_rng.random() == hiding_rng.random())       # not the numbers that drew the data
    False
    """
    return np.random.default_rng(None if seed is None else [HIDING_STREAM, seed])


def _label_copy(Y) -> np.ndarray:
    """``Y`` as a new float host array ``(n_y, m)`` of 0, 1 and NaN, or a ValueError."""
    Y = np.array(to_numpy(Y))  # a copy, on the host (sync)
    if Y.dtype.kind not in "biuf" or Y.ndim != 2:
        raise ValueError(f"Y: got an array of shape {Y.shape} and dtype {Y.dtype}, expected a 2-D array (n_y, m) "
                         "of 0/1 labels (NaN = '?').")  # fmt: skip
    Y = Y if Y.dtype.kind == "f" else Y.astype(np.float64)
    if not ((Y == 0) | (Y == 1) | np.isnan(Y)).all():
        raise ValueError("Y: labels must be 0, 1 or NaN ('?').")
    return Y


def _labelled_rows(rng, n_y: int, m: int, annotator_tasks) -> np.ndarray:
    """Which rows a partial annotator labels in each example: ``(n_y, m)`` bool."""
    if n_y < 2:
        raise ValueError(f"Y: pattern='annotator' needs at least 2 tasks (rows), got {n_y}.")
    if isinstance(annotator_tasks, str) and annotator_tasks == "random":
        k = rng.integers(1, n_y, size=m)  # (m,) how many rows each annotator labels: 1..n_y−1
        rank = rng.random((n_y, m)).argsort(axis=0).argsort(axis=0)  # (n_y, m): a random order of rows per example
        return rank < k  # the k rows first in that order
    labelled = np.zeros((n_y, 1), dtype=bool)
    labelled[list(_check_rows(annotator_tasks, n_y))] = True
    return np.broadcast_to(labelled, (n_y, m))


def _check_rows(annotator_tasks, n_y: int) -> tuple[int, ...]:
    """``annotator_tasks`` (None: the lecture's rows) as distinct row indices, at least one and not all."""
    rows = LECTURE_ANNOTATOR if annotator_tasks is None else annotator_tasks
    try:
        rows = tuple(rows)
    except TypeError:
        rows = ()
    is_row = [isinstance(j, Integral) and not isinstance(j, bool) and 0 <= j < n_y for j in rows]
    if not rows or not all(is_row) or len(set(rows)) != len(rows) or len(rows) == n_y:
        raise ValueError(f"annotator_tasks: got {annotator_tasks!r}, expected 'random' or distinct row indices of Y "
                         f"(0 to {n_y - 1}), at least one and fewer than all {n_y}, e.g. (0, 1) for pedestrian and "
                         "car.")  # fmt: skip
    return rows
