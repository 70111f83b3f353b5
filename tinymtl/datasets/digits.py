"""A second, real data set: scikit-learn's 8×8 handwritten digits as four related yes/no tasks.

One concept: *one input, several questions about it*. Each image of a digit
0–9 gets four labels, all functions of the same digit, so the tasks share
what a network must learn first (which digit it is):

=================  ===============  ============================================
task (row of Y)    positive digits  note
=================  ===============  ============================================
``even``           0, 2, 4, 6, 8
``>= 5``           5, 6, 7, 8, 9
``closed loop``    0, 4, 6, 8, 9    a closed region in the printed shape; 4 counts
                                    as closed (as printed) although many
                                    handwritten 4s are open: the label follows
                                    the digit, not the stroke
``prime``          2, 3, 5, 7
=================  ===============  ============================================

The data (1,797 images, 8×8 grayscale, values 0–16) ships with scikit-learn:
no download. scikit-learn is an optional extra of tinymtl.

What it leaves out: larger digit sets (MNIST needs a download) and labels
that are not functions of the digit.
"""

from __future__ import annotations

import numpy as np

from ..validation import check_dtype, check_seed
from .dataset import PIXEL_OFFSET, Dataset

DIGIT_TASKS = ("even", ">= 5", "closed loop", "prime")
CLOSED_LOOP = (0, 4, 6, 8, 9)
PRIMES = (2, 3, 5, 7)
INSTALL_HINT = 'pip install scikit-learn (or pip install "tinymtl[datasets]")'


def digit_labels(digits) -> np.ndarray:
    """The four tasks' labels ``(4, m)`` of 0/1 for digit values ``(m,)``, rows in the order of ``DIGIT_TASKS``.

    >>> digit_labels(np.array([0, 5, 7])).astype(int)
    array([[1, 0, 0],
           [0, 1, 1],
           [1, 0, 0],
           [0, 1, 1]])
    """
    digits = np.asarray(digits)
    return np.stack([digits % 2 == 0, digits >= 5, np.isin(digits, CLOSED_LOOP), np.isin(digits, PRIMES)]).astype(float)


def digit_tasks(seed=0, *, dtype="float64") -> Dataset:
    """scikit-learn's digits as ``Dataset(X, Y, DIGIT_TASKS, (8, 8))``.

    X: ``(64, 1797)``, pixel values / 16 − 0.5 (centred), in [−0.5, 0.5]; ``data.images()[i]`` is image i
    (grayscale, so ``image_shape`` is 2-D here). Y: ``(4, 1797)`` of 0/1. The columns are
    shuffled with ``seed`` (the file lists the digits in writing order); ``None`` shuffles
    differently each call.

    Raises ImportError, saying how to install it, when scikit-learn is missing.

    >>> data = digit_tasks(seed=0)
    >>> data.X.shape, data.Y.shape, data.task_names, data.image_shape
    ((64, 1797), (4, 1797), ('even', '>= 5', 'closed loop', 'prime'), (8, 8))
    """
    seed, dtype = check_seed(seed), check_dtype(dtype)
    try:
        from sklearn.datasets import load_digits
    except ImportError as err:
        raise ImportError(f"digit_tasks needs scikit-learn, an optional dependency that is not installed: "
                          f"{INSTALL_HINT}.") from err  # fmt: skip
    digits = load_digits()
    order = np.random.default_rng(seed).permutation(len(digits.target))  # (m,)
    images = digits.images[order] / 16.0  # (m, 8, 8) in [0, 1]
    X = (images.reshape(len(order), -1).T - PIXEL_OFFSET).astype(dtype)  # (64, m), centred
    return Dataset(X, digit_labels(digits.target[order]).astype(dtype), DIGIT_TASKS, images.shape[1:])
