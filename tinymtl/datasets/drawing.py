"""Drawing many small road images at once: a slot map, shape masks and a palette.

One concept: *vectorized painting*. A batch of m images is drawn as one
``(m, H, W)`` array of small integers, the **slot map**: each pixel holds the
index of the paint it shows (sky, road, car body, ...; see ``SLOTS``). Each
shape is a boolean mask ``(m, H, W)`` computed for all m images at once, by
broadcasting per-image centres and sizes ``(m, 1, 1)`` against the pixel grid
(rows ``(1, H, 1)``, columns ``(1, 1, W)``). Painting writes a slot where the
mask holds, in the painter's order, so a later layer hides what it covers
(occlusion). At the end, each image's own palette ``(m, n_slots, 3)`` turns
slots into colours in one gather, and lighting and sensor noise are applied to
the whole batch. No Python loop runs over the images.

Coordinates are in pixels: pixel (row r, column c) has its centre at
``y = r + 0.5``, ``x = c + 0.5``; shapes are continuous, and a pixel takes a
shape's paint when its centre lies inside the shape. Parts of a shape outside
the frame are simply not drawn.

What it leaves out: anti-aliasing, textures, the shadows of the objects (only
large cast shadows, :func:`cast_shadows`), perspective other than
size; where things go (placement) is :mod:`tinymtl.datasets.road_scenes`.
"""

from __future__ import annotations

import numpy as np

F = np.float32  # geometry and colours are computed in float32; the caller picks the output dtype

# The paints. OWNER says which task's object a paint belongs to (index into TASKS; -1 = scenery).
SLOTS = ("sky", "grass", "road", "marking", "pole", "stop red", "stop white", "housing",
         "lamp red", "lamp yellow", "lamp green", "lamp off", "car body", "glass", "tyre",
         "skin", "shirt", "trousers", "sign", "lamp head", "trunk", "leaves", "bush", "hydrant")  # fmt: skip
SLOT = {name: i for i, name in enumerate(SLOTS)}
OWNER = np.full(len(SLOTS), -1)
OWNER[[SLOT[s] for s in ("skin", "shirt", "trousers")]] = 0  # pedestrian
OWNER[[SLOT[s] for s in ("car body", "glass", "tyre")]] = 1  # car
OWNER[[SLOT[s] for s in ("stop red", "stop white")]] = 2  # stop sign
OWNER[[SLOT[s] for s in ("housing", "lamp red", "lamp yellow", "lamp green", "lamp off")]] = 3  # traffic light
LAMPS = np.array([SLOT["lamp red"], SLOT["lamp yellow"], SLOT["lamp green"]], dtype=np.uint8)  # top to bottom

RED = (0.78, 0.10, 0.10)
SHIRTS = (
    RED,
    (0.95, 0.55, 0.10),
    (0.95, 0.85, 0.15),
    (0.15, 0.35, 0.90),
    (0.55, 0.20, 0.75),
    (0.10, 0.75, 0.80),
    (0.95, 0.95, 0.95),
    (0.95, 0.45, 0.70),
)  # red, orange, yellow, blue, purple, cyan, white, pink
CARS = (
    RED,
    (0.92, 0.92, 0.90),
    (0.10, 0.10, 0.12),
    (0.62, 0.64, 0.66),
    (0.15, 0.30, 0.75),
    (0.95, 0.80, 0.10),
    (0.10, 0.45, 0.25),
    (0.55, 0.15, 0.55),
)  # red, white, black, silver, blue, yellow, green, purple
P_CARS = (0.3, 0.15, 0.1, 0.1, 0.1, 0.1, 0.05, 0.1)
COLOUR_JITTER = 0.06  # every paint of every image moves by up to this much per channel


# --- the palette: one set of colours per image ---------------------------------------
def palette(rng: np.random.Generator, m: int) -> np.ndarray:
    """Colours of every slot for each image, ``(m, n_slots, 3)`` in [0, 1], jittered per image."""
    P = np.empty((m, len(SLOTS), 3), dtype=F)  # (m, n_slots, 3)

    def mix(a, b):  # a random blend of two colours per image: (m, 3)
        t = rng.random((m, 1), dtype=F)
        return (1 - t) * np.array(a, F) + t * np.array(b, F)

    def choose(colours, p):  # one colour of a table per image: (m, 3)
        return np.array(colours, F)[rng.choice(len(colours), size=m, p=p)]

    P[:, SLOT["sky"]] = mix((0.45, 0.65, 0.92), (0.75, 0.76, 0.78))  # blue to overcast
    P[:, SLOT["grass"]] = mix((0.22, 0.50, 0.16), (0.58, 0.54, 0.30))  # green to dry
    P[:, SLOT["road"]] = rng.uniform(0.28, 0.55, (m, 1)).astype(F)  # asphalt grey
    P[:, SLOT["marking"]] = choose([(0.92, 0.92, 0.90), (0.92, 0.80, 0.20)], p=[0.7, 0.3])  # white or yellow
    P[:, SLOT["pole"]] = rng.uniform(0.40, 0.70, (m, 1)).astype(F)
    P[:, SLOT["stop red"]] = RED
    P[:, SLOT["stop white"]] = (0.95, 0.95, 0.95)
    P[:, SLOT["housing"]] = mix((0.08, 0.08, 0.08), (0.25, 0.24, 0.12))
    P[:, LAMPS] = np.array([(1.0, 0.18, 0.12), (1.0, 0.82, 0.10), (0.20, 0.95, 0.40)], F)  # lit red, yellow, green
    P[:, SLOT["lamp off"]] = (0.28, 0.26, 0.24)
    P[:, SLOT["car body"]] = choose(CARS, p=P_CARS)  # a third are red: the stop sign's distractor
    P[:, SLOT["glass"]] = (0.20, 0.26, 0.32)
    P[:, SLOT["tyre"]] = (0.05, 0.05, 0.05)
    P[:, SLOT["skin"]] = mix((0.95, 0.80, 0.66), (0.40, 0.26, 0.18))
    P[:, SLOT["shirt"]] = choose(SHIRTS, p=None)  # bright: red and yellow shirts too
    P[:, SLOT["trousers"]] = choose([(0.15, 0.20, 0.40), (0.12, 0.12, 0.12), (0.55, 0.48, 0.35)], p=None)
    P[:, SLOT["sign"]] = choose([RED, (0.10, 0.30, 0.80), (0.95, 0.80, 0.10), (0.92, 0.92, 0.92)],
                                p=[0.2, 0.35, 0.25, 0.2])  # fmt: skip
    P[:, SLOT["lamp head"]] = (0.90, 0.88, 0.70)
    P[:, SLOT["trunk"]] = (0.40, 0.27, 0.14)
    P[:, SLOT["leaves"]] = mix((0.12, 0.42, 0.12), (0.30, 0.55, 0.15))
    P[:, SLOT["bush"]] = mix((0.08, 0.30, 0.08), (0.20, 0.38, 0.12))
    P[:, SLOT["hydrant"]] = RED
    P += rng.uniform(-COLOUR_JITTER, COLOUR_JITTER, P.shape).astype(F)
    return np.clip(P, 0, 1, out=P)


# --- shapes: boolean masks (m, H, W) from per-image parameters (m, 1, 1) ----------------
def grid(size: int):
    """Pixel centres: rows ``y`` (1, H, 1) and columns ``x`` (1, 1, W), H = W = size."""
    centres = np.arange(size, dtype=F) + F(0.5)
    return centres[None, :, None], centres[None, None, :]


def col(a) -> np.ndarray:
    """A per-image vector ``(m,)`` as ``(m, 1, 1)`` (a number as ``(1, 1, 1)``), to broadcast against the grid."""
    return np.asarray(a, dtype=F).reshape(-1, 1, 1)


def box(y, x, top, bottom, left, right):
    """Axis-aligned rectangle: ``top <= y < bottom`` and ``left <= x < right``."""
    return ((y >= col(top)) & (y < col(bottom))) & ((x >= col(left)) & (x < col(right)))  # (m, H, W)


def ellipse(y, x, cy, cx, ry, rx):
    """Filled ellipse with centre (cy, cx) and radii ry, rx (a disc when ry = rx)."""
    return ((y - col(cy)) / col(ry)) ** 2 + ((x - col(cx)) / col(rx)) ** 2 <= 1  # (m, H, W)


def octagon(y, x, cy, cx, r):
    """Regular octagon with inradius r: inside the square |dx|, |dy| <= r and the diamond |dx| + |dy| <= √2·r."""
    dy, dx = np.abs(y - col(cy)), np.abs(x - col(cx))  # (m, H, 1), (m, 1, W)
    return (dy <= col(r)) & (dx <= col(r)) & (dy + dx <= col(np.sqrt(2) * r))  # (m, H, W)


def diamond(y, x, cy, cx, r):
    """Square standing on a corner: |dx| + |dy| <= r."""
    return np.abs(y - col(cy)) + np.abs(x - col(cx)) <= col(r)  # (m, H, W)


def paint(canvas, mask, slot, on):
    """Write ``slot`` (an int, or one per image ``(m,)``) where ``mask`` holds, in the images where ``on``."""
    mask &= on[:, None, None]  # (m, H, W); mask is always a fresh array here
    np.copyto(canvas, np.asarray(slot, dtype=np.uint8).reshape(-1, 1, 1), where=mask)
    return mask


# --- the objects (the four tasks) ---------------------------------------------------
# Each draws into the slot map where ``on`` and returns the union of its masks (m, H, W): the object's own pixels.
def pole(canvas, y, x, on, cx, top, bottom, width):
    """A grey vertical pole from ``top`` down to ``bottom``."""
    return paint(canvas, box(y, x, top, bottom, cx - width / 2, cx + width / 2), SLOT["pole"], on)


def stop_sign(canvas, y, x, on, cx, cy, r):
    """A red octagon with inradius r and a white bar across its middle (the word STOP)."""
    sign = paint(canvas, octagon(y, x, cy, cx, r), SLOT["stop red"], on)
    bar_half = np.maximum(0.5, 0.2 * r)  # at least one pixel row
    return sign | paint(canvas, box(y, x, cy - bar_half, cy + bar_half, cx - 0.65 * r, cx + 0.65 * r),
                        SLOT["stop white"], on)  # fmt: skip


def traffic_light(canvas, y, x, on, cx, cy, width, colour):
    """A dark housing ``width`` × 2.6·width with three lamps; lamp ``colour`` (0 red, 1 yellow, 2 green) is lit."""
    height = 2.6 * width
    drawn = paint(canvas, box(y, x, cy - height / 2, cy + height / 2, cx - width / 2, cx + width / 2),
                  SLOT["housing"], on)  # fmt: skip
    for k in range(3):  # top (red), middle (yellow), bottom (green)
        slot = np.where(colour == k, LAMPS[k], SLOT["lamp off"])  # (m,): lit or off
        drawn |= paint(canvas, ellipse(y, x, cy + (k - 1) * height / 3.1, cx, 0.36 * width, 0.36 * width), slot, on)
    return drawn


def car(canvas, y, x, on, cx, cy, width):
    """A car seen from the side, ``width`` × 0.72·width: body, cabin glass, two tyres."""
    bottom = cy + 0.36 * width
    drawn = paint(canvas, box(y, x, bottom - 0.46 * width, bottom - 0.1 * width, cx - width / 2, cx + width / 2),
                  SLOT["car body"], on)  # fmt: skip
    drawn |= paint(canvas, box(y, x, bottom - 0.72 * width, bottom - 0.46 * width, cx - 0.28 * width,
                               cx + 0.28 * width), SLOT["glass"], on)  # fmt: skip
    for side in (-1, 1):
        drawn |= paint(canvas, ellipse(y, x, bottom - 0.13 * width, cx + side * 0.3 * width, 0.14 * width,
                                       0.14 * width), SLOT["tyre"], on)  # fmt: skip
    return drawn


def pedestrian(canvas, y, x, on, cx, cy, height):
    """A standing person ``height`` tall: head, shirt, trousers."""
    top = cy - height / 2
    drawn = paint(canvas, box(y, x, top + 0.58 * height, top + height, cx - 0.12 * height, cx + 0.12 * height),
                  SLOT["trousers"], on)  # fmt: skip
    drawn |= paint(canvas, box(y, x, top + 0.24 * height, top + 0.6 * height, cx - 0.17 * height,
                               cx + 0.17 * height), SLOT["shirt"], on)  # fmt: skip
    return drawn | paint(canvas, ellipse(y, x, top + 0.12 * height, cx, 0.13 * height, 0.13 * height),
                         SLOT["skin"], on)  # fmt: skip


# --- the scenery and distractors (no task) ------------------------------------------
def street_lamp(canvas, y, x, on, cx, top, bottom, unit, side):
    """A pole with an arm toward ``side`` (±1) and a pale lamp head: a pole that is not a traffic light."""
    pole(canvas, y, x, on, cx, top, bottom, unit)
    arm_end = cx + side * 2.2 * unit
    paint(canvas, box(y, x, top, top + unit, np.minimum(cx, arm_end), np.maximum(cx, arm_end)), SLOT["pole"], on)
    paint(canvas, ellipse(y, x, top + unit, arm_end, 0.7 * unit, 0.9 * unit), SLOT["lamp head"], on)


def other_sign(canvas, y, x, on, cx, cy, r, shape):
    """A sign that is not a stop sign: ``shape`` 0 disc, 1 diamond, 2 square, in the "sign" colour (often red)."""
    masks = (ellipse(y, x, cy, cx, r, r), diamond(y, x, cy, cx, 1.3 * r), box(y, x, cy - r, cy + r, cx - r, cx + r))
    for k, mask in enumerate(masks):
        paint(canvas, mask, SLOT["sign"], on & (shape == k))


def tree(canvas, y, x, on, cx, cy, r, unit):
    """A trunk under a round crown of radius r."""
    paint(canvas, box(y, x, cy, cy + 2.2 * r, cx - unit / 2, cx + unit / 2), SLOT["trunk"], on)
    paint(canvas, ellipse(y, x, cy, cx, 0.9 * r, r), SLOT["leaves"], on)


def hydrant(canvas, y, x, on, cx, bottom, height):
    """A small red post: red like a stop sign, upright like a pedestrian."""
    paint(canvas, box(y, x, bottom - height, bottom, cx - 0.28 * height, cx + 0.28 * height), SLOT["hydrant"], on)


def bush(canvas, y, x, on, cy, cx, ry, rx):
    """A dark green ellipse in front of everything: it partly hides what stands behind it."""
    paint(canvas, ellipse(y, x, cy, cx, ry, rx), SLOT["bush"], on)


# --- from slots to pixels -------------------------------------------------------------
def slot_counts(canvas) -> np.ndarray:
    """How many pixels of each image show each slot: ``(m, n_slots)`` (one bincount for the whole batch)."""
    m = canvas.shape[0]
    offsets = np.arange(m, dtype=np.int64)[:, None] * len(SLOTS)  # (m, 1)
    flat = (canvas.reshape(m, -1) + offsets).ravel()  # (m·H·W,) slot index of each pixel, image by image
    return np.bincount(flat, minlength=m * len(SLOTS)).reshape(m, len(SLOTS))


def render(rng, canvas, colours, noise: float, p_shadow: float) -> np.ndarray:
    """Colour the slot map, then light, shade and noise: images ``(m, H, W, 3)`` float32 in [0, 1].

    Lighting multiplies each image by a brightness (0.7 to 1.15), a colour
    cast (±8% per channel) and a vertical gradient (up to ±17% from top to
    bottom); in a share ``p_shadow`` of the images a cast shadow darkens one side
    of a straight edge (:func:`cast_shadows`);
    sensor noise adds N(0, noise²) to every value; the result is clipped.
    """
    m, H = canvas.shape[:2]
    offsets = np.arange(m, dtype=np.int32)[:, None, None] * len(SLOTS)  # (m, 1, 1)
    images = colours.reshape(-1, 3)[canvas + offsets]  # (m, H, W, 3): one gather for the batch
    brightness = rng.uniform(0.7, 1.15, (m, 1, 1, 1)).astype(F)
    cast = rng.uniform(0.92, 1.08, (m, 1, 1, 3)).astype(F)
    slope = rng.uniform(-0.35, 0.35, (m, 1, 1, 1)).astype(F)
    rows = (np.arange(H, dtype=F) / (H - 1) - F(0.5))[None, :, None, None]  # (1, H, 1, 1): −0.5 at top, 0.5 at bottom
    images *= brightness * cast * (1 + slope * rows)  # (m, H, 1, 3) factor
    images *= cast_shadows(rng, m, H, p_shadow)[..., None]  # (m, H, W, 1) factor
    if noise > 0:
        sensor = rng.standard_normal(images.shape, dtype=F)  # (m, H, W, 3)
        sensor *= F(noise)
        images += sensor
    return np.clip(images, 0, 1, out=images)


SHADOW_DEPTH = (0.35, 0.65)  # what a shadow multiplies the light by


def cast_shadows(rng, m: int, size: int, p_shadow: float) -> np.ndarray:
    """The shadow of a building or a tree line: a factor ``(m, H, W)``, below 1 on one side of a straight edge.

    In a share ``p_shadow`` of the images, every pixel on one side of a line (any
    direction, passing within a quarter of the frame of its centre) gets its light
    multiplied by a depth drawn from ``SHADOW_DEPTH``, whatever it shows: sky,
    road and objects alike. A global factor that every task must see through.
    """
    y, x = grid(size)  # (1, H, 1), (1, 1, W)
    angle = col(rng.uniform(0, 2 * np.pi, m))  # (m, 1, 1): direction of the edge's normal
    offset = col(rng.uniform(-0.25, 0.25, m) * size)  # (m, 1, 1): the edge's distance from the centre
    side = np.cos(angle) * (x - size / 2) + np.sin(angle) * (y - size / 2) < offset  # (m, H, W)
    depth = col(rng.uniform(*SHADOW_DEPTH, m))  # (m, 1, 1)
    shaded = side & (rng.random(m) < p_shadow)[:, None, None]  # (m, H, W)
    return np.where(shaded, depth, F(1))  # (m, H, W)
