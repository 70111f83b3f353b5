"""Pairs of independent road scenes, and four questions about a scene: related and unrelated tasks.

One concept: *helper tasks that share features with a target, and helper tasks
that share none* (lessons 09c and 09d). Each example is two road scenes drawn
independently, image A above image B in one column of ``X`` ``(2·n_x, m)``. The
targets are questions about A, answered from A's object labels:

=======================  ==============================================
question                 answer, from Y_A's rows (pedestrian, car, stop sign, light)
=======================  ==============================================
"2+ objects"             at least two of the four objects
"stop sign or light"     y_stop OR y_light
"pedestrian or light"    y_pedestrian OR y_light
"pedestrian or sign"     y_pedestrian OR y_stop
=======================  ==============================================

A's own object labels share features with these questions (the same detectors
answer both); B's object labels share none, since B is another picture.

What it leaves out: pairs whose images depend on each other, and questions
about B.
"""

from __future__ import annotations

import numpy as np

from .roads import road_scenes

QUESTIONS = ("2+ objects", "stop sign or light", "pedestrian or light", "pedestrian or sign")
PAIR_SEED = 1_000  # image B of seed s is road_scenes(seed=s + PAIR_SEED): independent of image A


def questions(Y):
    """The four questions about an image, (4, m) of 0/1 in ``Y``'s dtype, from its object labels Y (4, m) of 0/1.

    >>> questions(np.array([[1.0, 0.0], [1.0, 0.0], [0.0, 0.0], [0.0, 1.0]])).tolist()
    [[1.0, 0.0], [0.0, 1.0], [1.0, 1.0], [1.0, 0.0]]
    """
    pedestrian, car, stop_sign, light = Y  # (m,) each, in the order of TASKS
    count = Y.sum(axis=0)  # objects in each image: (m,)
    either = np.maximum  # y_1 OR y_2
    answers = [count >= 2, either(stop_sign, light), either(pedestrian, light), either(pedestrian, stop_sign)]
    return np.stack(answers).astype(Y.dtype)  # (4, m)


def scene_pairs(m: int, seed: int = 0, **options):
    """m pairs of independent road scenes: ``(X, scenes_a, scenes_b)``, X = [X_A; X_B] ``(2·n_x, m)``.

    ``scenes_a`` and ``scenes_b`` are the two :class:`Dataset` objects (their Y are the
    objects of A and of B); ``options`` go to :func:`road_scenes` for both.

    >>> X, a, b = scene_pairs(3, seed=0)
    >>> X.shape, a.Y.shape, b.Y.shape
    ((3456, 3), (4, 3), (4, 3))
    """
    scenes_a = road_scenes(m=m, seed=seed, **options)
    scenes_b = road_scenes(m=m, seed=seed + PAIR_SEED, **options)  # independent of A
    return np.concatenate([scenes_a.X, scenes_b.X]), scenes_a, scenes_b  # [X_A; X_B]: (2·n_x, m)
