"""Data for the lessons: road scenes drawn in code, scikit-learn's digits, and hiding labels.

Every generator returns a :class:`Dataset` ``(X, Y, task_names, image_shape)`` in
the lecture's layout: ``X`` ``(n_x, m)`` with one example per column, ``Y``
``(n_y, m)`` with one task per row, and ``X[:, i].reshape(image_shape)`` is
image i. Data is made on the host (NumPy); the trainer moves it to the device.

=========================  ==================================================================
function                   what
=========================  ==================================================================
``road_scenes``            RGB road scenes, 4 tasks: pedestrian, car, stop sign, traffic light
``single_object_scenes``   one object per image, one-hot Y (for softmax)
``region_tasks``           kind × image region: up to 4·8² related tasks (grid=5: 100)
``light_colour_tasks``     which lamp of the traffic light is lit (transfer learning)
``scene_pairs``            two independent scenes per example; ``questions`` about scene A (09c, 09d)
``digit_tasks``            scikit-learn's 8×8 digits as 4 tasks (needs scikit-learn)
``hide_labels``            turn labels into "?" (NaN): random, per task, per annotator, one task per example
``split``, ``holdout``      training, validation and test columns; training and test by a fraction
=========================  ==================================================================

>>> import numpy as np
>>> from tinymtl.datasets import road_scenes, hide_labels
>>> data = road_scenes(m=100, seed=0)
>>> Y = hide_labels(data.Y, fraction=0.3, seed=0)    # 30% of the labels become "?"
>>> Y.shape, bool(np.isnan(Y).any()), bool(np.isnan(data.Y).any())
((4, 100), True, False)
"""

from .dataset import Dataset, holdout, split
from .digits import DIGIT_TASKS, digit_tasks
from .labels import PATTERNS, hide_labels
from .pairs import QUESTIONS, questions, scene_pairs
from .roads import (
    LIGHT_COLOURS,
    LIGHT_TASKS,
    TASKS,
    light_colour_tasks,
    region_tasks,
    road_scenes,
    single_object_scenes,
)

__all__ = [
    "DIGIT_TASKS",
    "LIGHT_COLOURS",
    "LIGHT_TASKS",
    "PATTERNS",
    "QUESTIONS",
    "TASKS",
    "Dataset",
    "digit_tasks",
    "hide_labels",
    "holdout",
    "light_colour_tasks",
    "questions",
    "region_tasks",
    "road_scenes",
    "scene_pairs",
    "single_object_scenes",
    "split",
]
