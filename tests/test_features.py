"""tinymtl.features: shapes and names, each colour rule on hand-made pixels, edges, band shares, relevance."""

import numpy as np
import pytest

import tinymtl as tm
from tinymtl.datasets import road_scenes
from tinymtl.features import (
    BAND_NAMES,
    as_images,
    band_fractions,
    colour_masks,
    edge_masks,
    hand_features,
)

# One pixel of each colour an engineer looks for, and of the scenery that must not pass for them.
PIXELS = {
    "stop red": (0.78, 0.10, 0.10),
    "lit yellow": (1.00, 0.82, 0.10),
    "lit green": (0.20, 0.95, 0.40),
    "white": (0.95, 0.95, 0.95),
    "black": (0.05, 0.05, 0.05),
    "light skin": (0.95, 0.80, 0.66),
    "grass": (0.22, 0.50, 0.16),
    "asphalt": (0.40, 0.40, 0.40),
    "sky": (0.45, 0.65, 0.92),
}
EXPECTED = {  # pixel -> the masks that must fire (all others must not)
    "stop red": {"red", "vivid"},
    "lit yellow": {"yellow", "vivid"},
    "lit green": {"green", "vivid"},
    "white": {"white"},
    "black": {"dark"},
    "light skin": {"skin"},
    "grass": set(),
    "asphalt": set(),
    "sky": {"vivid"},
}


@pytest.fixture(scope="module")
def scenes():
    # Without cast shadows: a shadow is dark too, and with the default shadows "dark@bottom" is only 1.3 times
    # higher with a car than without (4.7 times without shadows): a hand-written rule is fooled by the light.
    return road_scenes(m=1500, seed=3, p_shadow=0.0)


def test_each_colour_rule_fires_on_its_pixel_and_not_on_scenery():
    images = np.array(list(PIXELS.values())).reshape(1, 1, len(PIXELS), 3)  # one image, one row of pixels
    masks = colour_masks(images)
    assert set(masks) == {"red", "yellow", "green", "white", "dark", "skin", "vivid"}
    for c, pixel in enumerate(PIXELS):
        fired = {name for name, mask in masks.items() if mask[0, 0, c]}
        assert fired == EXPECTED[pixel], f"{pixel}: expected {sorted(EXPECTED[pixel])}, got {sorted(fired)}"


def test_edges_are_where_the_brightness_jumps():
    images = np.zeros((1, 4, 6, 3))  # (m, H, W, 3)
    images[0, :, 3:] = 1.0  # dark left half, bright right half: a vertical edge between columns 2 and 3
    edges = edge_masks(images)
    vertical, horizontal = edges["vertical edge"], edges["horizontal edge"]
    assert vertical.shape == horizontal.shape == (1, 4, 6)
    expected = np.zeros((1, 4, 6), dtype=bool)
    expected[0, :, 2] = True
    np.testing.assert_array_equal(vertical, expected)
    assert not horizontal.any()
    images[0, 2:] = 0.0  # now the bottom half is dark too: a horizontal jump between rows 1 and 2
    horizontal = edge_masks(images)["horizontal edge"]
    np.testing.assert_array_equal(np.flatnonzero(horizontal[0].any(axis=1)), [1])


@pytest.mark.parametrize("H, bands", [(24, 3), (7, 3), (5, 2), (3, 1), (4, 4)])
def test_band_fractions_match_a_loop_over_bands(H, bands):
    rng = np.random.default_rng(H + bands)
    mask = rng.random((5, H, 6)) < 0.3  # (m, H, W)
    shares = band_fractions(mask, bands)
    assert shares.shape == (5, bands)
    edges = [b * H / bands for b in range(bands + 1)]  # band b holds the rows r with edges[b] <= r < edges[b + 1]
    for b in range(bands):
        rows = [r for r in range(H) if edges[b] <= r < edges[b + 1]]
        np.testing.assert_allclose(shares[:, b], mask[:, rows].mean(axis=(1, 2)))


def test_band_fractions_refuse_more_bands_than_rows():
    with pytest.raises(ValueError, match="bands"):
        band_fractions(np.zeros((1, 2, 3), dtype=bool), 3)


@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize("bands", sorted(BAND_NAMES))
def test_hand_features_shape_names_dtype_and_range(dtype, bands):
    data = road_scenes(m=30, seed=0, dtype=dtype)
    F, names = hand_features(data.X, data.image_shape, bands=bands)
    assert F.shape == (9 * bands, 30)
    assert F.dtype == np.dtype(dtype)
    assert len(names) == len(set(names)) == F.shape[0]
    assert names[0] == f"red@{BAND_NAMES[bands][0]}"
    assert np.all((F >= 0) & (F <= 1))


def test_one_band_is_the_mean_of_three_equal_bands(scenes):
    F1, _ = hand_features(scenes.X[:, :50], scenes.image_shape, bands=1)  # (9, 50)
    F3, _ = hand_features(scenes.X[:, :50], scenes.image_shape, bands=3)  # (27, 50): 24 rows, 8 per band
    np.testing.assert_allclose(F1, F3.reshape(9, 3, 50).mean(axis=1), atol=1e-12)


def test_hand_features_refuse_an_unknown_band_count(scenes):
    with pytest.raises(ValueError, match="bands"):
        hand_features(scenes.X[:, :2], scenes.image_shape, bands=4)


def test_as_images_is_column_i_reshaped_and_takes_device_arrays(scenes):
    X = scenes.X[:, :3]
    images = as_images(X, scenes.image_shape)
    assert images.shape == (3, *scenes.image_shape)
    np.testing.assert_array_equal(images[1], X[:, 1].reshape(scenes.image_shape) + 0.5)  # X is centred
    with tm.use_backend("strict"):
        F, _ = hand_features(tm.to_device(X), scenes.image_shape)  # copied to the host once
    np.testing.assert_array_equal(F, hand_features(X, scenes.image_shape)[0])


@pytest.mark.parametrize("task, feature", [("stop sign", "red@top"), ("traffic light", "dark@top"),
                                           ("car", "dark@bottom"), ("pedestrian", "skin@top")])  # fmt: skip
def test_features_carry_information_about_the_objects(scenes, task, feature):
    """Each object at least doubles the mean of a feature an engineer would expect it to raise."""
    F, names = hand_features(scenes.X, scenes.image_shape)
    f = F[names.index(feature)]  # (m,)
    y = scenes.Y[scenes.task_names.index(task)] == 1  # (m,)
    assert f[y].mean() > 2 * f[~y].mean(), f"{feature} for {task}: {f[y].mean()} vs {f[~y].mean()}"
