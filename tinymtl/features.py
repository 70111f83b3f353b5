"""Hand-designed image features: the numbers an engineer chooses to measure in a road scene.

One concept: *a pipeline's first stage*. Before end-to-end learning, a vision
system was built from parts designed by hand: a person looks at the images,
decides what matters ("stop signs are red", "traffic lights are dark boxes
with a bright lamp", "cars stand on the road, low in the picture") and writes
code that measures it. A small classifier (here logistic regression) then
learns from these few numbers instead of from the n_x raw pixels.

The features of :func:`hand_features`, for images ``(m, H, W, 3)`` in [0, 1]:

1. **colour masks** (:func:`colour_masks`): for every pixel, is it red, yellow,
   lamp green, white, dark, skin-coloured, vivid? Each mask is a rule on the
   pixel's (R, G, B), chosen by eye; it is boolean ``(m, H, W)``. A rule does
   not know what object the pixel belongs to: "red" fires on stop signs, red
   lamps, red cars, red hydrants and red shirts alike.
2. **edges**: a vertical edge between columns c and c+1 where the brightness
   I = (R + G + B)/3 jumps, ``|I[r, c+1] − I[r, c]| > EDGE``; a horizontal edge
   likewise between rows. Poles, housings and car bodies make edges; sky, grass
   and asphalt make few.
3. **where**: the image is cut into ``bands`` horizontal bands (top to
   bottom: sky, horizon, road, for 3 bands), and each feature is the share of
   a band's pixels in the mask (:func:`band_fractions`)::

       f_{k,b}^(i) = (1 / |band b|) Σ_{(r, c) in band b} mask_k^(i)[r, c]      in [0, 1]

So ``F`` is ``(n_f, m)`` with n_f = (7 masks + 2 edge kinds) · bands: 27
numbers per image for 3 bands, against n_x = 1,728 pixels. One column per
image, as ``X``; row ``k·bands + b`` is feature k in band b, named
``"red@top"`` and so on: the colour masks first, then the two edge kinds.

What it leaves out, on purpose: shape and arrangement. Edges are counted, not
joined into outlines; no feature says "red *octagon* with a white bar" or
"skin *above* a shirt *above* trousers". Nor does it correct for the lighting
(a dim image's red may fall below the threshold). That is where an engineer's
pipeline has its ceiling, and where a network that learns its own features
from many examples can go further. Features are computed on the host (NumPy),
once, before training; the thresholds are fixed, nothing is learned.

>>> import numpy as np
>>> image = np.zeros((1, 3, 2, 3))            # one 3×2 image, all black (dark)
>>> image[0, 0, 0] = (0.8, 0.1, 0.1)          # one red pixel in the top row
>>> X = image.reshape(1, -1).T - 0.5          # (n_x, 1), centred as the data sets give it
>>> F, names = hand_features(X, (3, 2, 3), bands=3)
>>> F.shape, names[:3]
((27, 1), ('red@top', 'red@middle', 'red@bottom'))
>>> F[:3, 0]                                   # half of the top band's pixels are red
array([0.5, 0. , 0. ])
"""

from __future__ import annotations

import numpy as np

from .datasets.dataset import as_images  # centred columns -> pictures in [0, 1]

BAND_NAMES = {1: ("all",), 2: ("top", "bottom"), 3: ("top", "middle", "bottom")}
EDGE = 0.15  # a brightness jump between neighbouring pixels larger than this is an edge


def brightness(images) -> np.ndarray:
    """I = (R + G + B) / 3 of every pixel of ``images`` (m, H, W, 3): ``(m, H, W)``."""
    return images.mean(axis=-1)


def colour_masks(images) -> dict:
    """Which pixels have each colour an engineer would look for: name -> boolean ``(m, H, W)``.

    Rules on one pixel's R, G, B in [0, 1] (brightness I = (R + G + B)/3, vividness
    V = max − min of the three), chosen by looking at the images:

    ==========  ===================================  =============================================
    mask        rule                                 fires on
    ==========  ===================================  =============================================
    red         R > 0.45, G < 0.4 R, B < 0.4 R       stop signs, red lamps; red cars, hydrants, shirts
    yellow      R > 0.55, G > 0.6 R, B < 0.45 G      yellow lamps; yellow cars, shirts, signs, lines
    green       G > 0.6, R < 0.5 G, B < G − 0.25     green lamps; bright grass
    white       min > 0.65, V < 0.15                 a stop sign's bar; white cars, lines, grey skies
    dark        I < 0.17                             housings, tyres, trousers, black cars
    skin        R > G + 0.05 > B + 0.1, V < 0.35     faces; trunks, dry grass, noisy asphalt
    vivid       V > 0.4                              lamps, signs, shirts, car bodies; blue skies
    ==========  ===================================  =============================================
    """
    R, G, B = images[..., 0], images[..., 1], images[..., 2]  # (m, H, W) each
    I = brightness(images)  # (m, H, W)
    low = np.minimum(np.minimum(R, G), B)  # the smallest channel: (m, H, W)
    V = np.maximum(np.maximum(R, G), B) - low  # vividness (saturation): (m, H, W)
    return {
        "red": (R > 0.45) & (G < 0.4 * R) & (B < 0.4 * R),
        "yellow": (R > 0.55) & (G > 0.6 * R) & (B < 0.45 * G),
        "green": (G > 0.6) & (R < 0.5 * G) & (B < G - 0.25),
        "white": (low > 0.65) & (V < 0.15),
        "dark": I < 0.17,
        "skin": (R > G + 0.05) & (G > B + 0.05) & (V < 0.35),
        "vivid": V > 0.4,
    }


def edge_masks(images) -> dict:
    """Where the brightness jumps to the next pixel: ``"vertical edge"``, ``"horizontal edge"``, each (m, H, W).

    vertical edge[r, c] = |I[r, c+1] − I[r, c]| > EDGE (a left-right jump, as at a pole's side);
    horizontal edge[r, c] = |I[r+1, c] − I[r, c]| > EDGE (a top-bottom jump, as at a car's roof).
    The last column (vertical) and the last row (horizontal) have no neighbour: False.
    """
    I = brightness(images)  # (m, H, W)
    vertical = np.zeros(I.shape, dtype=bool)  # (m, H, W)
    vertical[:, :, :-1] = np.abs(np.diff(I, axis=2)) > EDGE  # |I[:, :, c+1] − I[:, :, c]|: (m, H, W − 1)
    horizontal = np.zeros(I.shape, dtype=bool)  # (m, H, W)
    horizontal[:, :-1] = np.abs(np.diff(I, axis=1)) > EDGE  # |I[:, r+1] − I[:, r]|: (m, H − 1, W)
    return {"vertical edge": vertical, "horizontal edge": horizontal}


def band_fractions(mask, bands: int) -> np.ndarray:
    """The share of each horizontal band's pixels in ``mask`` (m, H, W): ``(m, bands)``, in [0, 1].

    Row r belongs to band ⌊r · bands / H⌋ (bands as equal as H allows, top first).

    >>> mask = np.zeros((1, 4, 2), dtype=bool); mask[0, 0] = True    # the top row, of 4
    >>> band_fractions(mask, 2)                                       # half of the top band
    array([[0.5, 0. ]])
    """
    m, H, W = mask.shape
    if not 1 <= bands <= H:
        raise ValueError(f"bands: got {bands!r}, expected 1 to {H} (the image has {H} rows).")
    band = np.arange(H) * bands // H  # (H,): the band of each row
    in_band = band[:, None] == np.arange(bands)  # (H, bands) one-hot
    row_share = mask.mean(axis=2)  # share of each row's pixels in the mask: (m, H)
    return row_share @ in_band / in_band.sum(axis=0)  # mean over a band's rows: (m, bands)


def hand_features(X, image_shape, bands: int = 3):
    """The features of every image: ``F`` (n_f, m) and the names of its rows (a tuple of n_f strings).

    X: ``(n_x, m)`` pixels in [0, 1], one image per column; image_shape: ``(H, W, 3)``;
    bands: 1, 2 or 3 horizontal bands. n_f = 9 · bands (7 colour masks, 2 edge kinds).
    ``F`` has the dtype of ``X``; it is on the host.
    """
    if bands not in BAND_NAMES:
        raise ValueError(f"bands: got {bands!r}, expected one of {sorted(BAND_NAMES)}.")
    images = as_images(X, image_shape)  # (m, H, W, 3)
    masks = colour_masks(images) | edge_masks(images)  # name -> (m, H, W) boolean
    rows = [band_fractions(mask, bands) for mask in masks.values()]  # each (m, bands)
    F = np.concatenate(rows, axis=1).T  # (n_f, m): feature k, band b in row k·bands + b
    names = tuple(f"{name}@{where}" for name in masks for where in BAND_NAMES[bands])
    return F.astype(images.dtype), names
