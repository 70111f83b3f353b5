"""Composing a road scene: the ground, the scenery, where each object goes, and the redraw rule.

One concept: *a scene is a list of per-image parameters, drawn layer by layer*.
For a batch of m images this module draws the parameters (horizon, road,
positions, sizes: arrays ``(m,)``) and hands them to the painters of
:mod:`tinymtl.datasets.drawing`, in the painter's order::

    sky, grass, road, centre line, cross road      (_draw_background)
    street lamp, other sign, tree, red hydrant     (_draw_distractors: each with p_distractor)
    stop sign, traffic light (with their poles), car, pedestrian   (the four tasks)
    bush                                           (the occluder: p_occluder)

so a car hides the foot of a pole, a pedestrian can stand in front of a car,
and a bush hides the legs of a pedestrian. After drawing, every image in
which a present object kept less than ``MIN_VISIBLE`` of its pixels inside the
frame (or a traffic light whose lit lamp is covered) is drawn again with new
positions (:func:`draw_scenes`), so a label of 1 always means "this object can
be seen": at least half of it, and none of an absent object.

Sizes are in units of ``image_size / 24`` pixels, so a 32×32 image shows the
same scene with more detail.

What it leaves out: more than one object of a kind per image, a true
perspective projection (cars and pedestrians only grow towards the bottom),
weather and night.
"""

from __future__ import annotations

import numpy as np

from . import drawing as D

PEDESTRIAN, CAR, STOP_SIGN, TRAFFIC_LIGHT = range(4)  # the rows of Y (TASKS)
MIN_VISIBLE = 0.5  # an image is redrawn until every object keeps at least this share of its pixels
MAX_ROUNDS = 50  # redraw rounds before giving up (each round redraws only the few failing images)


class _Road:
    """The scene's ground plane: horizon row and a road that narrows toward a vanishing point."""

    def __init__(self, rng, m, size):
        self.size = size
        self.horizon = size * rng.uniform(0.28, 0.45, m)  # (m,) row of the horizon
        self.centre_top, self.centre_bottom = size * rng.uniform(0.3, 0.7, (2, m))  # road centre at horizon, bottom
        self.half_top, self.half_bottom = size * rng.uniform(0.02, 0.06, m), size * rng.uniform(0.3, 0.5, m)

    def row(self, depth):
        """The row at ``depth`` (0 at the horizon, 1 at the bottom edge); depth (m,) or (m, H, 1)."""
        return self.horizon + depth * (self.size - self.horizon)

    def centre(self, depth):
        return self.centre_top + depth * (self.centre_bottom - self.centre_top)

    def half_width(self, depth):
        return self.half_top + depth * (self.half_bottom - self.half_top)


def _draw_background(rng, canvas, y, x, road: _Road, cross_road, unit):
    """Sky above the horizon, grass below, the road, its dashed centre line and (where ``cross_road``) a cross road."""
    m = canvas.shape[0]
    everywhere = np.ones(m, dtype=bool)
    horizon = D.col(road.horizon)  # (m, 1, 1)
    canvas[...] = np.where(y < horizon, D.SLOT["sky"], D.SLOT["grass"])  # (m, H, 1) broadcast to (m, H, W)
    depth = np.clip((y - horizon) / (road.size - horizon), 0, None)  # (m, H, 1): 0 at the horizon, 1 at the bottom
    offset = np.abs(x - D.col(road.centre_top) - depth * D.col(road.centre_bottom - road.centre_top))  # (m, H, W)
    half = D.col(road.half_top) + depth * D.col(road.half_bottom - road.half_top)  # (m, H, 1)
    D.paint(canvas, (y >= horizon) & (offset <= half), D.SLOT["road"], everywhere)
    phase = D.col(rng.uniform(0, 4 * unit, m))
    dashes = (offset < 0.5 * unit * (0.4 + depth)) & ((y - phase) % (4 * unit) < 2 * unit) & (y > horizon + unit)
    D.paint(canvas, dashes, D.SLOT["marking"], rng.random(m) < 0.7)
    band_depth = rng.uniform(0.3, 0.7, m)
    middle = road.row(band_depth)  # (m,) the cross road's middle row
    band_half = unit * rng.uniform(1.0, 2.0, m)
    band = D.box(y, x, middle - band_half, middle + band_half, np.full(m, -1.0), np.full(m, road.size + 1.0))
    D.paint(canvas, band.copy(), D.SLOT["road"], cross_road)
    zebra = band & ((x // (1.5 * unit)) % 2 == 0) & (np.abs(x - D.col(road.centre(band_depth))) < 3 * unit)
    D.paint(canvas, zebra, D.SLOT["marking"], cross_road & (rng.random(m) < 0.6))


def _draw_distractors(rng, canvas, y, x, road: _Road, p_distractor, unit):
    """Scenery that looks like parts of the objects: street lamps, other signs, trees, red hydrants."""
    m, size, h = canvas.shape[0], road.size, road.horizon
    on = rng.random((4, m)) < p_distractor  # (4, m): which distractors each image shows
    top, bottom = rng.uniform(0.5, 0.8, m) * h, road.row(rng.uniform(0.1, 1.2, m))
    D.street_lamp(canvas, y, x, on[0], rng.uniform(0, size, m), top, bottom, unit, rng.choice([-1.0, 1.0], m))
    r = unit * rng.uniform(1.8, 3.2, m)  # another sign, on a pole: about a stop sign's size and place
    cx, cy = rng.uniform(0.6 * r, size - 0.6 * r), rng.uniform(0.6 * r, h + 1.5 * unit)
    D.pole(canvas, y, x, on[1], cx, cy, cy + unit * rng.uniform(6, 14, m), unit)
    D.other_sign(canvas, y, x, on[1], cx, cy, r, rng.integers(0, 3, m))
    cx, cy, r = rng.uniform(0, size, m), h + unit * rng.uniform(-2, 1, m), unit * rng.uniform(2.0, 4.0, m)
    D.tree(canvas, y, x, on[2], cx, cy, r, unit)
    cx, bottom, height = rng.uniform(unit, size - unit, m), road.row(rng.uniform(0.2, 1.0, m)), rng.uniform(2, 3.5, m)
    D.hydrant(canvas, y, x, on[3], cx, bottom, unit * height)


def _roadside(rng, road: _Road, depth, margin, unit):
    """Columns beside the road at ``depth``: a random side, ``margin`` (low, high) units beyond its edge."""
    side = rng.choice([-1.0, 1.0], depth.shape[0])
    return road.centre(depth) + side * (road.half_width(depth) + unit * rng.uniform(*margin, depth.shape[0]))


def _place(rng, road: _Road, unit, free: bool):
    """Centre (cx, cy) and size of each object kind: ``(4, 3, m)``, rows = TASKS, then (cx, cy, size).

    Scenes (``free=False``): cars on the road; pedestrians beside it; stop signs and
    traffic lights on poles beside it, around the horizon; cars and pedestrians are
    larger nearer the bottom (perspective). ``free=True`` (for region tasks): every
    centre uniform over the whole frame, so up to half an object (three quarters in a
    corner) may lie outside it; sizes as in scenes.
    """
    size, h, m = road.size, road.horizon, road.horizon.shape[0]
    where = np.empty((4, 3, m))
    r = unit * rng.uniform(2.2, 3.2, m)  # stop sign: inradius; at most 40% may leave the frame
    if free:
        cx, cy = rng.uniform(0, size, (2, m))
    else:
        cx = np.clip(_roadside(rng, road, rng.uniform(0.05, 0.4, m), (0.5, 3), unit), 0.6 * r, size - 0.6 * r)
        cy = rng.uniform(0.6 * r, h + 1.5 * unit)
    where[STOP_SIGN] = cx, cy, r
    w = unit * rng.uniform(3.0, 3.8, m)  # traffic light: housing width (height 2.6 w); always whole
    if free:
        cx, cy = rng.uniform(0, size, (2, m))
    else:
        cx = np.clip(_roadside(rng, road, rng.uniform(0.05, 0.4, m), (0.5, 3), unit), w / 2, size - w / 2)
        cy = rng.uniform(1.3 * w, np.maximum(1.3 * w, h + unit))
    where[TRAFFIC_LIGHT] = cx, cy, w
    depth = rng.uniform((0.15, 0.4), 1.0, (m, 2)).T  # cars and pedestrians: nearer is larger
    w = unit * (5 + 6 * depth[0]) * rng.uniform(0.85, 1.15, m)  # car: width (height 0.72 w)
    if free:
        cx, cy = rng.uniform(0, size, (2, m))
    else:
        cx = road.centre(depth[0]) + road.half_width(depth[0]) * rng.uniform(-0.9, 0.9, m)
        cx, cy = np.clip(cx, 0.25 * w, size - 0.25 * w), road.row(depth[0]) + unit - 0.36 * w
    where[CAR] = cx, cy, w
    height = unit * (8 + 5 * depth[1]) * rng.uniform(0.85, 1.15, m)  # pedestrian
    if free:
        cx, cy = rng.uniform(0, size, (2, m))
    else:
        cx = np.clip(_roadside(rng, road, depth[1], (-1, 2.5), unit), 0.17 * height, size - 0.17 * height)
        cy = road.row(depth[1]) - 0.3 * unit - height / 2
    where[PEDESTRIAN] = cx, cy, height
    return where


def _draw(rng, present, light_colour, cross_road, size, free, p_distractor, p_occluder, p_shadow, noise):
    """Draw m images: ``present`` (4, m) bool says which objects each one holds.

    light_colour (m,): the lit lamp of a traffic light (0 red, 1 yellow, 2 green);
    cross_road (m,) bool: draw a cross road; size: the image side; free: placement
    (see :func:`_place`). Returns images (m, H, W, 3) float32, slot counts (m, n_slots), each object's own
    pixel count (4, m) and the objects' centres and sizes (4, 3, m).
    """
    m, unit = present.shape[1], size / 24
    y, x = D.grid(size)  # (1, H, 1), (1, 1, W)
    canvas = np.empty((m, size, size), dtype=np.uint8)  # the slot map
    colours = D.palette(rng, m)  # (m, n_slots, 3)
    road = _Road(rng, m, size)
    _draw_background(rng, canvas, y, x, road, cross_road, unit)
    _draw_distractors(rng, canvas, y, x, road, p_distractor, unit)
    where = _place(rng, road, unit, free)
    own = np.zeros((4, m))
    cx, cy, s = where[STOP_SIGN]
    D.pole(canvas, y, x, present[STOP_SIGN], cx, cy, cy + unit * rng.uniform(6, 14, m), unit)
    own[STOP_SIGN] = D.stop_sign(canvas, y, x, present[STOP_SIGN], cx, cy, s).sum(axis=(1, 2))
    cx, cy, s = where[TRAFFIC_LIGHT]
    D.pole(canvas, y, x, present[TRAFFIC_LIGHT], cx, cy, cy + 1.3 * s + unit * rng.uniform(5, 12, m), unit)
    own[TRAFFIC_LIGHT] = D.traffic_light(canvas, y, x, present[TRAFFIC_LIGHT], cx, cy, s, light_colour).sum(axis=(1, 2))
    own[CAR] = D.car(canvas, y, x, present[CAR], *where[CAR]).sum(axis=(1, 2))
    own[PEDESTRIAN] = D.pedestrian(canvas, y, x, present[PEDESTRIAN], *where[PEDESTRIAN]).sum(axis=(1, 2))
    D.bush(canvas, y, x, rng.random(m) < p_occluder, size + unit * rng.uniform(-1, 2, m), rng.uniform(0, size, m),
           unit * rng.uniform(2, 4, m), unit * rng.uniform(2.5, 5.5, m))  # fmt: skip
    images = D.render(rng, canvas, colours, noise, p_shadow)  # (m, H, W, 3)
    return images, D.slot_counts(canvas), own, where


def visible_pixels(counts) -> np.ndarray:
    """Pixels of each object kind still visible in each image: ``(4, m)`` from slot counts ``(m, n_slots)``."""
    return np.stack([counts[:, D.OWNER == k].sum(axis=1) for k in range(4)])


def draw_scenes(rng, present, light_colour, cross_road, **options):
    """:func:`_draw`, then redraw (new positions, same objects) every image in which an object is mostly hidden.

    An object counts as shown when at least ``MIN_VISIBLE`` of its own pixels stay
    visible (not covered by a later layer) and, for a traffic light, its lit lamp shows.
    Returns images (m, H, W, 3) float32, slot counts (m, n_slots) and centres and sizes (4, 3, m).
    """
    images, counts, own, where = _draw(rng, present, light_colour, cross_road, **options)
    redo = np.arange(present.shape[1])
    for _ in range(MAX_ROUNDS):
        seen = visible_pixels(counts[redo])  # (4, m_redo)
        lit = counts[redo, D.LAMPS[light_colour[redo]]] > 0  # (m_redo,)
        shown = (seen > 0) & (seen >= MIN_VISIBLE * own[:, redo])
        failed = ((present[:, redo] & ~shown).any(axis=0)) | (present[TRAFFIC_LIGHT, redo] & ~lit)
        redo = redo[failed]
        if redo.size == 0:
            return images, counts, where
        new = _draw(rng, present[:, redo], light_colour[redo], cross_road[redo], **options)
        images[redo], counts[redo], own[:, redo], where[:, :, redo] = new
    raise RuntimeError(f"could not draw {redo.size} images with every object visible in {MAX_ROUNDS} rounds; "
                       "lower p_occluder or raise image_size.")  # fmt: skip
