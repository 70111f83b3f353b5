"""The ``Dataset`` every generator returns, and the argument checks they share.

One concept: *a data set is a matrix pair in the lecture's layout*. ``X`` is
``(n_x, m)`` with one example per column and ``Y`` is ``(n_y, m)`` with one task
per row; ``task_names[j]`` names row ``j`` of ``Y``; ``image_shape`` says how a
column of ``X`` folds back into a picture: ``X[:, i].reshape(image_shape)`` is
image ``i`` (C order: rows, then columns, then colour channels). ``image_shape``
is ``(H, W, 3)`` for the colour road scenes and ``(8, 8)`` for the grayscale digits.

The pixels come **centred**, ready to train on: ``X`` holds ``pixel − 0.5``, in
[−0.5, 0.5], not the [0, 1] of the picture. With every input positive, all the
gradients of one first-layer unit's weights share a sign and gradient descent
zig-zags; measured on road scenes (benchmarks/datasets.py), the default network
reaches 0.893 mean accuracy from [0, 1] pixels and 0.908 from centred ones in the
same 20 epochs.
To look at an example, :meth:`Dataset.images` adds the 0.5 back.

What it leaves out: per-pixel standardisation (dividing by each pixel's
standard deviation) and data augmentation.
"""

from __future__ import annotations

from numbers import Integral, Real
from typing import NamedTuple

import numpy as np

from ..backend import to_numpy
from ..validation import check_positive

IMAGE_SIZES = (16, 64)  # the smallest and largest supported image side, in pixels
PIXEL_OFFSET = 0.5  # X = pixel − PIXEL_OFFSET: inputs centred on 0


class Dataset(NamedTuple):
    """``(X, Y, task_names, image_shape)``: inputs ``(n_x, m)``, labels ``(n_y, m)``, row names, image shape."""

    X: np.ndarray  # (n_x, m), centred pixels: pixel − 0.5, in [−0.5, 0.5]
    Y: np.ndarray  # (n_y, m) of 0/1 (NaN = "?" after hide_labels)
    task_names: tuple[str, ...]  # (n_y,)
    image_shape: tuple[int, ...]  # (H, W, 3) for colour images, (H, W) for grayscale

    def images(self, X=None) -> np.ndarray:
        """Columns of ``X`` (default: this data set's) as pictures ``(m, *image_shape)`` in [0, 1].

        ``X`` is centred like ``self.X`` (any subset of its columns, on the host);
        the picture of column i is ``X[:, i] + 0.5`` folded into ``image_shape``.

        >>> data = Dataset(np.full((12, 2), -0.5), np.zeros((1, 2)), ("t",), (2, 2, 3))
        >>> data.images().shape, float(data.images().max())
        ((2, 2, 2, 3), 0.0)
        """
        return as_images(self.X if X is None else X, self.image_shape)


def as_images(X, image_shape) -> np.ndarray:
    """The columns of a centred ``X`` (n_x, m) as pictures ``(m, *image_shape)`` in [0, 1], on the host.

    Picture i is ``X[:, i] + 0.5`` reshaped in C order (rows, columns, channels).
    """
    X = to_numpy(X)  # to the host (sync)
    return (X.T + PIXEL_OFFSET).reshape(X.shape[1], *image_shape)  # Xᵀ + 0.5: (m, n_x) -> (m, *image_shape)


def split(X, Y, m_validation: int, m_test: int):
    """Training, validation and test pairs ``(X, Y)``: the last ``m_test`` columns test, the ``m_validation`` before validate.

    The generators draw every column independently, so taking the last columns is a
    random split. The pairs are views of ``X`` and ``Y``, not copies.

    >>> X, Y = np.arange(20.0).reshape(2, 10), np.zeros((1, 10))
    >>> [part[0].shape[1] for part in split(X, Y, m_validation=3, m_test=2)]
    [5, 3, 2]
    """
    m = X.shape[1]
    m_validation, m_test = (int(check_positive(name, value, integer=True)) for name, value in
                            (("m_validation", m_validation), ("m_test", m_test)))  # fmt: skip
    if m_validation + m_test >= m:
        raise ValueError(f"split: m_validation + m_test = {m_validation + m_test} leaves no training example out of "
                         f"m = {m} columns; draw more examples or hold out fewer.")  # fmt: skip
    return _consecutive_columns(X, Y, m - m_validation - m_test, m - m_test)


def holdout(X, Y, test_fraction: float):
    """Training and test pairs ``(X, Y)``: the last ``round(test_fraction · m)`` columns are held out for testing.

    The generators draw every column independently, so taking the last columns is a
    random split; the pairs are views, not copies.

    >>> X, Y = np.arange(20.0).reshape(2, 10), np.zeros((1, 10))
    >>> [part[0].shape[1] for part in holdout(X, Y, 0.2)]
    [8, 2]
    """
    m = X.shape[1]
    if isinstance(test_fraction, bool) or not isinstance(test_fraction, Real) or not 0 < test_fraction < 1:
        raise ValueError(f"test_fraction: got {test_fraction!r}, expected a number between 0 and 1, e.g. 0.2.")
    m_test = max(1, round(m * test_fraction))
    if m_test >= m:
        raise ValueError(f"test_fraction: {test_fraction} of m = {m} columns leaves no training example; draw more "
                         "examples or hold out a smaller share.")  # fmt: skip
    return _consecutive_columns(X, Y, m - m_test)


def _consecutive_columns(X, Y, *cuts) -> tuple:
    """``(X, Y)`` pairs of the columns between consecutive ``cuts`` (0 and m implied): views, not copies."""
    starts, ends = (0, *cuts), (*cuts, X.shape[1])
    return tuple((X[:, a:b], Y[:, a:b]) for a, b in zip(starts, ends))


def check_m(m) -> int:
    """``m`` if it is a positive int (the number of examples)."""
    return int(check_positive("m", m, integer=True))


def check_image_size(image_size) -> int:
    """``image_size`` if it is an int in the supported range (the side of a square image, in pixels)."""
    low, high = IMAGE_SIZES
    if isinstance(image_size, bool) or not isinstance(image_size, Integral) or not low <= image_size <= high:
        raise ValueError(
            f"image_size: got {image_size!r}, expected an integer from {low} to {high} "
            "(the side of the square image in pixels; 24 is the default)."
        )
    return int(image_size)


def check_probability(name: str, p) -> float:
    """``p`` if it is a number in [0, 1]."""
    if isinstance(p, bool) or not isinstance(p, Real) or not 0 <= p <= 1:
        raise ValueError(f"{name}: got {p!r}, expected a probability, a number from 0 to 1.")
    return float(p)


def check_probabilities(name: str, ps, n: int, what: str) -> np.ndarray:
    """``ps`` as an array of ``n`` probabilities; ``what`` says what each entry means (for the error)."""
    try:
        values = tuple(ps)
    except TypeError:
        values = None
    if values is None or len(values) != n:
        raise ValueError(f"{name}: got {ps!r}, expected {n} probabilities: {what}.")
    return np.array([check_probability(f"{name}[{i}]", p) for i, p in enumerate(values)])


def check_distribution(name: str, ps, n: int, what: str) -> np.ndarray:
    """``ps`` as ``n`` probabilities that sum to 1 (one per outcome; ``what`` names the outcomes)."""
    ps = check_probabilities(name, ps, n, f"{what}, summing to 1")
    if not np.isclose(ps.sum(), 1):
        raise ValueError(f"{name}: got {tuple(ps.tolist())}, which sums to {ps.sum():g}; expected a sum of 1.")
    return ps / ps.sum()


def check_noise(noise) -> float:
    """``noise`` if it is a number from 0 to 1 (the standard deviation of the sensor noise)."""
    if isinstance(noise, bool) or not isinstance(noise, Real) or not 0 <= noise <= 1:
        raise ValueError(
            f"noise: got {noise!r}, expected a number from 0 to 1 "
            "(the standard deviation of the Gaussian sensor noise on [0, 1] pixel values; 0 turns it off)."
        )
    return float(noise)
