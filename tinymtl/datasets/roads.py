"""The lecture's driving example as data: small RGB road scenes with four yes/no tasks.

One concept: *data on which the lecture's claims can be measured*. Each image
is a little road scene (24×24 RGB by default) in which a pedestrian, a car, a
stop sign and a traffic light may appear, any number at once; ``Y`` has one row
per object kind (``TASKS``), so one image can be "car AND stop sign".

What is drawn, and why (see :mod:`~tinymtl.datasets.scenes` for the layers and
:mod:`~tinymtl.datasets.drawing` for the shapes):

* **the objects** have their usual look (a red octagon with a white bar; a dark
  housing with one lit lamp, red, yellow or green; a car body with glass and two
  tyres; a person with a head, a bright shirt and dark trousers), but random
  positions (cars on the road, the others beside it), sizes (nearer is larger) and
  colours, and they may be partly covered (a bush, a car, another object) or cut by
  the frame. A label of 1 means at least half of the object can be seen.
* **the scenery varies**: horizon height, road direction and width, sky, grass and
  asphalt colours, a dashed centre line, sometimes a cross road with a zebra crossing.
* **distractors** share each object's colour or shape: red cars, red hydrants and
  red signs of other shapes beside stop signs; street lamps (a pole without a
  traffic light) and trees; red, yellow and green shirts beside the lamps. So no
  single colour or pixel gives a task away (measured below).
* **lighting, shadows and noise**: per image a brightness, a colour cast and a
  vertical gradient; in 70% of the images (``p_shadow``) the shadow of a building
  darkens everything on one side of a straight edge; then Gaussian sensor noise.
* **the sharing between the tasks**, below.

Layout: ``X`` is ``(n_x, m)`` with n_x = H·W·3, **centred**: pixel − 0.5, in
[−0.5, 0.5], ready to train on (see :mod:`~tinymtl.datasets.dataset`);
``data.images()[i]`` is image i in [0, 1], and ``X[:, i].reshape(image_shape)`` its
centred pixels, ``image_shape = (H, W, 3)``, C order (row, column, then R, G, B). Data
is made on the host in NumPy, vectorized over the m images (a loop runs only over
layers, object kinds and a few redraw rounds) and seeded: the same seed gives the
same arrays.

The sharing: where one network beats four
-----------------------------------------
The lecture expects one network to beat four separate ones when the tasks "could
benefit from having shared lower-level features" and each has little data. Objects
drawn at random places share almost nothing a dense network can reuse: its first
layer learns templates of one object's colours at given places, useful to that
task alone. So the scenes share what real roads share, **context**: a hidden
"intersection" (half of the images) holds each of the four objects with
probability 0.9 (the lights and the stop sign that control it, people crossing,
cars waiting), and the open road each with 0.05; an intersection shows its cross
road in 75% of its images. Seeing any one object, or the cross road, is then
evidence for the other three, so a feature a network learns for one task (the
look of a traffic light, of the cross road) serves all four: one network learns
those features from every task's labels, a separate network from its own.
``road_scenes(..., shared=False)`` draws each object independently at the same rate
(47.5%): then the tasks share nothing but the style of the pictures.

Measured with ``python -m benchmarks.multitask_gain`` (seeds 0, 1, 2, which the
design was not chosen on; 2-core AMD EPYC, float32): each image labelled for one
task only (``hide_labels(Y, pattern="one_task")``), ``MLP([n_x, 128, 64, 4])`` against
four ``MLP([n_x, 128, 64, 1])``, Adam 1e-3, batches of 64, early stopping on 3,000
validation images, mean accuracy on 3,000 test images:

============================================  ============  =============  ========
setting                                       one network   four networks  one − four
============================================  ============  =============  ========
250 labels per task (1,000 images)            0.812         0.783          +0.029
1,000 labels per task (4,000 images)          0.854         0.839          +0.015
250 per task, ``shared=False``                0.609         0.615          −0.006
1,000 per task, ``shared=False``              0.655         0.671          −0.016
every label of 20,000 images                  0.906         0.911          −0.006
============================================  ============  =============  ========

So one network leads while each task has little data of its own, the lead
shrinks as the data grows, and at 20,000 fully labelled images four networks (each
with the full width for one task) are slightly ahead; with the sharing off the
lead is gone. Logistic regression ``MLP([n_x, 4])`` on 4,000 fully labelled
images reaches 0.858 against the MLP's 0.875: depth helps, but less than on scenes
without the context, because the context is partly readable by a linear model
(the cross road, the colours of a busy image).

Ideas measured while designing this (on seeds 10 to 12, 250 labels per task, the
same protocol; one − four): the scenes of version 0.1 (objects nearly independent,
distractors that mislead: red cars and hydrants beside stop signs) +0.002; the same
without distractors, occluders and most noise −0.003; stronger lighting changes
(brightness 0.35 to 1.3, a ±30% colour cast: a global factor every task must undo)
+0.008; cast shadows alone +0.004; objects of the same shape told apart by colour
(a synthetic check of "shared parts") −0.007; all objects placed together at a
street corner: the objects hid each other and every task fell below 0.6. Context
gave +0.003 at probabilities (0.8, 0.15), +0.017 at (0.9, 0.05) without shadows, and
+0.025 with them (the shadows make each object harder to see, so the shared
evidence weighs more). Four identical tasks (an upper bound on sharing) gave +0.043.

Variants from the same drawing code: :func:`single_object_scenes` (exactly one
object, one-hot Y, for softmax), :func:`region_tasks` (kind × image region, up to
4·64 related tasks) and :func:`light_colour_tasks` (which lamp is lit: a small
task B for transfer learning from road_scenes).

Measured (``python -m benchmarks.datasets``; 2-core AMD EPYC, NumPy 2.4, float32
unless said; times vary with other load on the machine):

* generation: ``road_scenes(m=50000)`` takes 5.0 s in float32, 5.7 s in float64
  (about 10,000 images per second).
* difficulty: trained on ``road_scenes(m=20000, seed=0)``, scored on held-out
  ``road_scenes(m=5000, seed=1)``, 20 epochs of ``Adam(lr=1e-3)``, batches of 128,
  input ``X`` as returned (centred). "logistic" is ``MLP([1728, 4])`` (no hidden
  layer); "default" is the default network, ``MLP([1728, 128, 64, 4])`` (ReLU,
  sigmoid outputs). Held-out accuracy per task, and the seconds of ``tm.fit``:

  ===============================  ==========  =====  =========  =======  =====  ======
  model                            pedestrian  car    stop sign  light    mean   train
  ===============================  ==========  =====  =========  =======  =====  ======
  logistic                         0.881       0.857  0.889      0.876    0.876  1.0 s
  default                          0.896       0.890  0.916      0.930    0.908  4.8 s
  default, 30% of labels "?"       0.886       0.882  0.910      0.920    0.899  5.9 s
  default, float64                 0.903       0.888  0.912      0.922    0.906  10.4 s
  default on raw [0, 1] pixels     0.892       0.882  0.903      0.894    0.893  7.2 s
  default, 9,600 images, 30% "?",  0.862       0.863  0.892      0.892    0.877  1.8 s
  15 epochs
  best single-pixel threshold      0.624       0.617  0.636      0.637    0.628
  majority class                   0.525       0.519  0.522      0.523    0.522
  ===============================  ==========  =====  =========  =======  =====  ======

  So a hidden layer helps (logistic regression is 3 points lower on average; it was
  12 on the scenes of version 0.1, whose objects were nearly independent: the shared
  context is partly readable by a linear model), and the default network is good but
  not perfect: between 89% and 93% on every task with 20,000 training images.
  **Centred inputs** (as returned) train better than raw [0, 1] pixels, whose large
  positive mean makes the cost badly conditioned: 0.908 against 0.893 here (0.912
  against 0.806 on the scenes of version 0.1).
* co-occurrence in the training set: P(stop sign and traffic light) = 0.405 against
  P(stop sign)·P(traffic light) = 0.224.

What it leaves out: real photographs, more than one object of a kind per image,
object boxes or masks as labels.
"""

from __future__ import annotations

from numbers import Integral

import numpy as np

from ..validation import check_dtype, check_seed
from .dataset import (
    PIXEL_OFFSET,
    Dataset,
    check_distribution,
    check_image_size,
    check_m,
    check_noise,
    check_probabilities,
    check_probability,
)
from .scenes import draw_scenes

TASKS = ("pedestrian", "car", "stop sign", "traffic light")  # the rows of Y, in the lecture's order
LIGHT_COLOURS = ("red", "yellow", "green")  # the lamps of a traffic light, top to bottom
LIGHT_TASKS = ("red light", "yellow light", "green light")  # the rows of Y in light_colour_tasks
P_LIGHT_COLOURS = (0.45, 0.15, 0.40)  # how often a traffic light shows each colour (road_scenes)
P_CROSS_ROAD = 0.75  # how often an intersection shows its cross road (a visible hint of signs and lights)
GRIDS = (1, 8)  # the smallest and largest grid of region_tasks


# --- shared steps -------------------------------------------------------------------------
def _check_common(m, image_size, seed, p_distractor, p_occluder, p_shadow, noise, dtype):
    """The arguments every generator takes, checked: (m, drawing options, seed, dtype)."""
    options = {"size": check_image_size(image_size), "noise": check_noise(noise),
               "p_distractor": check_probability("p_distractor", p_distractor),
               "p_occluder": check_probability("p_occluder", p_occluder),
               "p_shadow": check_probability("p_shadow", p_shadow)}  # fmt: skip
    return check_m(m), options, check_seed(seed), check_dtype(dtype)


def _co_occurring(rng, m, p_intersection, p_stop_sign, p_traffic_light, p_pedestrian, p_car, shared=True):
    """Which objects each image holds, ``(4, m)`` bool, and the latent intersection ``(m,)``.

    intersection ~ B(p_intersection); object k ~ B(p_k[0] at an intersection, else p_k[1]).
    ``shared=False``: object k ~ B(its marginal rate p_int·p_k[0] + (1 − p_int)·p_k[1]),
    independent of the intersection and of the other objects.
    """
    p_intersection = check_probability("p_intersection", p_intersection)
    what = "(at an intersection, elsewhere)"
    p = np.stack([check_probabilities(name, value, 2, what) for name, value in  # (4, 2), rows in TASKS order
                  (("p_pedestrian", p_pedestrian), ("p_car", p_car), ("p_stop_sign", p_stop_sign),
                   ("p_traffic_light", p_traffic_light))])  # fmt: skip
    intersection = rng.random(m) < p_intersection  # (m,) the latent variable
    if shared:
        rate = np.where(intersection, p[:, :1], p[:, 1:])  # (4, m)
    else:
        rate = np.broadcast_to(p_intersection * p[:, :1] + (1 - p_intersection) * p[:, 1:], (4, m))
    return rng.random((4, m)) < rate, intersection


def _as_dataset(images, Y, task_names, dtype) -> Dataset:
    """Images (m, H, W, 3) and labels (n_y, m) → Dataset; column i of X is image i flattened in C order, centred."""
    m = images.shape[0]
    X = images.reshape(m, -1).T.astype(dtype)  # (n_x, m), Fortran order: each column contiguous
    X -= PIXEL_OFFSET  # centred: pixel − 0.5
    return Dataset(X, Y.astype(dtype), tuple(task_names), images.shape[1:])


# --- the data sets ------------------------------------------------------------------------
def road_scenes(m=20000, image_size=24, seed=0, *, shared=True, p_intersection=0.5, p_stop_sign=(0.9, 0.05),
                p_traffic_light=(0.9, 0.05), p_pedestrian=(0.9, 0.05), p_car=(0.9, 0.05), p_distractor=0.3,
                p_occluder=0.25, p_shadow=0.7, noise=0.04, dtype="float64") -> Dataset:  # fmt: skip
    """m road scenes with any number of the four objects: ``Dataset(X, Y, TASKS, (H, W, 3))``.

    X: ``(n_x, m)``, n_x = H·W·3, centred pixels (pixel − 0.5, in [−0.5, 0.5]: ready to
    train on); ``data.images()[i]`` is image i in [0, 1], ``X[:, i].reshape(image_shape)``
    its centred pixels (C order: row, column, then the channels R, G, B). Y: ``(4, m)`` of
    0/1, rows in the order of ``TASKS``: pedestrian, car, stop sign, traffic light. 1 means
    the object is in the image and at least half of it can be seen.

    Co-occurrence, the sharing between the tasks (see the module docstring): each image
    first draws a hidden "intersection"; then each object k, independently::

        intersection  ~ Bernoulli(p_intersection)
        object k      ~ Bernoulli(p_k[0] at an intersection, else p_k[1])

    for k in pedestrian, car, stop sign, traffic light. With the defaults every object is in
    47.5% of the images, and 90% of an intersection's images hold it against 5% elsewhere, so
    what a network learns to see of any one object (and the cross road, shown in 75% of the
    intersections) is evidence for the other three. ``shared=False`` draws each object
    independently with the same 47.5% (its marginal rate), so the tasks share nothing but
    the pictures' style. A traffic light shows red, yellow or green with probabilities 0.45,
    0.15, 0.40.

    Difficulty: p_distractor is the probability of each of four distractors (street lamp,
    other sign, tree, red hydrant); p_occluder of a bush in front; p_shadow of a cast shadow
    (a building's, darkening one side of a straight edge); noise the standard deviation of
    the Gaussian sensor noise. image_size:
    the side in pixels, 16 to 64. seed: the same seed gives the same arrays (None: fresh
    randomness). dtype: of X and Y ("float64" or "float32").

    >>> data = road_scenes(m=10, seed=0)
    >>> data.X.shape, data.Y.shape, data.task_names[2], data.image_shape
    ((1728, 10), (4, 10), 'stop sign', (24, 24, 3))
    >>> image = data.images()[0]                          # (H, W, 3) in [0, 1], ready for plt.imshow
    """
    m, options, seed, dtype = _check_common(m, image_size, seed, p_distractor, p_occluder, p_shadow, noise, dtype)
    if not isinstance(shared, bool):
        raise ValueError(f"shared: got {shared!r}, expected True (objects gather at intersections, the default) "
                         "or False (each object independent of the others).")  # fmt: skip
    rng = np.random.default_rng(seed)
    present, intersection = _co_occurring(rng, m, p_intersection, p_stop_sign, p_traffic_light, p_pedestrian, p_car,
                                          shared=shared)  # fmt: skip
    light_colour = rng.choice(3, size=m, p=P_LIGHT_COLOURS)  # (m,)
    cross_road = intersection & (rng.random(m) < P_CROSS_ROAD)  # (m,)
    images, _, _ = draw_scenes(rng, present, light_colour, cross_road, free=False, **options)
    return _as_dataset(images, present, TASKS, dtype)


def single_object_scenes(m=20000, image_size=24, seed=0, *, p_kinds=(0.25, 0.25, 0.25, 0.25), p_distractor=0.3,
                         p_occluder=0.25, p_shadow=0.7, noise=0.04, dtype="float64") -> Dataset:  # fmt: skip
    """Road scenes with exactly one of the four objects each: Y ``(4, m)`` is one-hot (for softmax).

    The object's kind is drawn with probabilities ``p_kinds`` (in the order of
    ``TASKS``; they must sum to 1); everything else (placement, distractors, bush,
    lighting, noise) is as in :func:`road_scenes`.

    >>> data = single_object_scenes(m=6, seed=0)
    >>> data.Y.sum(axis=0)                               # exactly one 1 per column
    array([1., 1., 1., 1., 1., 1.])
    """
    m, options, seed, dtype = _check_common(m, image_size, seed, p_distractor, p_occluder, p_shadow, noise, dtype)
    p_kinds = check_distribution("p_kinds", p_kinds, 4, "one per object kind, in the order of TASKS")
    rng = np.random.default_rng(seed)
    kind = rng.choice(4, size=m, p=p_kinds)  # (m,)
    present = kind == np.arange(4)[:, None]  # (4, m) one-hot
    light_colour = rng.choice(3, size=m, p=P_LIGHT_COLOURS)
    cross_road = rng.random(m) < 0.3
    images, _, _ = draw_scenes(rng, present, light_colour, cross_road, free=False, **options)
    return _as_dataset(images, present, TASKS, dtype)


def region_tasks(m=20000, grid=5, image_size=24, seed=0, *, p_object=0.5, p_distractor=0.3, p_occluder=0.25,
                 p_shadow=0.7, noise=0.04, dtype="float64") -> Dataset:  # fmt: skip
    """Many related tasks: "is there a <kind> in region (row, col)?" for 4 kinds × grid² regions.

    The image is cut into a ``grid`` × ``grid`` array of equal squares. An object
    belongs to the region in which the centre of its bounding box lies (the pole of a
    sign or light is not part of its box): row = ⌊cy·grid/H⌋, col = ⌊cx·grid/W⌋.
    Task ``k·grid² + row·grid + col`` asks for kind k (``TASKS[k]``) in that region; its
    name is like ``"car@r2c3"`` (row 2, column 3, counted from 0 at the top left).
    grid = 5 gives 100 tasks. Each kind appears independently with probability
    ``p_object`` (at most one object of a kind per image), its centre uniform over the
    image, so all tasks of a kind have about the same number of positive examples,
    p_object/grid² of m. Scenery and difficulty are as in :func:`road_scenes`.

    >>> data = region_tasks(m=8, grid=5, seed=0)
    >>> data.Y.shape, data.task_names[0], data.task_names[99]
    ((100, 8), 'pedestrian@r0c0', 'traffic light@r4c4')
    """
    m, options, seed, dtype = _check_common(m, image_size, seed, p_distractor, p_occluder, p_shadow, noise, dtype)
    low, high = GRIDS
    if isinstance(grid, bool) or not isinstance(grid, Integral) or not low <= grid <= high:
        raise ValueError(f"grid: got {grid!r}, expected an integer from {low} to {high} (grid × grid regions).")
    p_object = check_probability("p_object", p_object)
    rng = np.random.default_rng(seed)
    present = rng.random((4, m)) < p_object  # (4, m)
    light_colour = rng.choice(3, size=m, p=P_LIGHT_COLOURS)
    images, _, where = draw_scenes(rng, present, light_colour, rng.random(m) < 0.3, free=True, **options)
    size = options["size"]
    row, col = (np.clip(where[:, axis] * grid // size, 0, grid - 1).astype(int) for axis in (1, 0))  # (4, m) each
    region = row * grid + col  # (4, m): the region of each kind's centre
    Y = (region[:, None, :] == np.arange(grid * grid)[None, :, None]) & present[:, None, :]  # (4, grid², m)
    names = [f"{kind}@r{r}c{c}" for kind in TASKS for r in range(grid) for c in range(grid)]
    return _as_dataset(images, Y.reshape(4 * grid * grid, m), names, dtype)


def light_colour_tasks(m=1000, image_size=24, seed=0, *, p_colours=(1 / 3, 1 / 3, 1 / 3), p_distractor=0.3,
                       p_occluder=0.25, p_shadow=0.7, noise=0.04, dtype="float64") -> Dataset:  # fmt: skip
    """Attribute tasks for transfer learning: which lamp of the traffic light is lit (red, yellow, green).

    Every image holds a traffic light; Y ``(3, m)`` is one-hot, rows ``LIGHT_TASKS``
    ("red light", "yellow light", "green light"); the colour is drawn with
    probabilities ``p_colours``. The other objects appear as in :func:`road_scenes`
    (so red stop signs and red cars compete with the red lamp). The inputs are the same kind of images as
    road_scenes (the same x), and m is small by default: the setting of transfer
    learning A → B, with A = road_scenes (much data) and B = this task.

    >>> data = light_colour_tasks(m=5, seed=0)
    >>> data.task_names, data.Y.sum(axis=0).tolist()
    (('red light', 'yellow light', 'green light'), [1.0, 1.0, 1.0, 1.0, 1.0])
    """
    m, options, seed, dtype = _check_common(m, image_size, seed, p_distractor, p_occluder, p_shadow, noise, dtype)
    p_colours = check_distribution("p_colours", p_colours, 3, "one per lamp colour (red, yellow, green)")
    rng = np.random.default_rng(seed)
    present, intersection = _co_occurring(
        rng, m, 0.5, (0.9, 0.05), (1.0, 1.0), (0.9, 0.05), (0.9, 0.05)
    )  # a light in each
    light_colour = rng.choice(3, size=m, p=p_colours)  # (m,)
    cross_road = intersection & (rng.random(m) < P_CROSS_ROAD)
    images, _, _ = draw_scenes(rng, present, light_colour, cross_road, free=False, **options)
    return _as_dataset(images, light_colour == np.arange(3)[:, None], LIGHT_TASKS, dtype)
