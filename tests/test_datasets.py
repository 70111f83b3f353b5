"""tinymtl.datasets: shapes, seeds, labels that match the pictures, co-occurrence, no shortcuts, "?", digits."""

import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from tinymtl.datasets import (
    DIGIT_TASKS,
    LIGHT_TASKS,
    TASKS,
    Dataset,
    digit_tasks,
    drawing,
    hide_labels,
    holdout,
    light_colour_tasks,
    region_tasks,
    road_scenes,
    scenes,
    single_object_scenes,
    split,
)

ROOT = Path(__file__).resolve().parent.parent
GENERATORS = [road_scenes, single_object_scenes, region_tasks, light_colour_tasks]
NOTHING = {"p_stop_sign": (0, 0), "p_traffic_light": (0, 0), "p_pedestrian": (0, 0), "p_car": (0, 0)}  # no objects
CLEAN = {"noise": 0.0, "p_distractor": 0.0, "p_occluder": 0.0, "p_shadow": 0.0}


@pytest.fixture(scope="module")
def scenes_3000():
    """A few thousand default road scenes, shared by the statistical tests."""
    return road_scenes(m=3000, seed=11)


def images_of(data: Dataset) -> np.ndarray:
    """All images as (m, *image_shape) in [0, 1], by the documented rule: column i + 0.5 reshaped in C order."""
    return (data.X.T + 0.5).reshape(-1, *data.image_shape)


def clearly_red(images) -> np.ndarray:
    """Boolean (m, H, W): pixels whose red channel is far above green and blue."""
    r, g, b = images[..., 0], images[..., 1], images[..., 2]
    return (r > 2.5 * g) & (r > 2.5 * b) & (r > 0.3)


def best_threshold_accuracy(F, y) -> np.ndarray:
    """In-sample accuracy of the best rule "feature > t" or "feature <= t", for each row of F (k, m): (k,)."""
    m = y.size
    positives_below = np.cumsum(y[np.argsort(F, axis=1)], axis=1)  # (k, m)
    accuracy_above = ((np.arange(1, m + 1) - positives_below) + (y.sum() - positives_below)) / m
    return np.maximum(accuracy_above, 1 - accuracy_above).max(axis=1)


# --- shapes, dtypes, ranges, layout ------------------------------------------------------
@pytest.mark.parametrize("generator", GENERATORS)
def test_shapes_dtypes_and_ranges(generator):
    data = generator(m=40, seed=0)
    n_y = {road_scenes: 4, single_object_scenes: 4, region_tasks: 100, light_colour_tasks: 3}[generator]
    assert isinstance(data, Dataset)
    assert data.X.shape == (24 * 24 * 3, 40) and data.Y.shape == (n_y, 40) and data.image_shape == (24, 24, 3)
    assert data.X.dtype == np.float64 and data.Y.dtype == np.float64
    assert -0.5 <= data.X.min() and data.X.max() <= 0.5  # centred pixels
    np.testing.assert_array_equal(data.images(), images_of(data))
    assert set(np.unique(data.Y)) <= {0.0, 1.0}
    assert len(data.task_names) == n_y
    small = generator(m=5, image_size=32, seed=0, dtype="float32")
    assert small.X.shape == (32 * 32 * 3, 5) and small.X.dtype == np.float32 and small.Y.dtype == np.float32
    assert small.image_shape == (32, 32, 3)


def test_task_names():
    assert road_scenes(m=2).task_names == TASKS == ("pedestrian", "car", "stop sign", "traffic light")
    assert light_colour_tasks(m=2).task_names == LIGHT_TASKS
    names = region_tasks(m=2, grid=3).task_names
    assert len(names) == 36 and names[0] == "pedestrian@r0c0" and names[9 + 5] == "car@r1c2"
    assert names[-1] == "traffic light@r2c2"


@pytest.mark.parametrize("image_size", [16, 64])
def test_supported_sizes_at_the_ends(image_size):
    data = road_scenes(m=3, image_size=image_size, seed=0)
    assert data.image_shape == (image_size, image_size, 3)


def test_a_column_is_an_image_in_c_order():
    # No objects, no noise: every row above the horizon is plain sky, so each of its pixels has the same colour
    # (lighting varies by row and channel only). A wrong reshape would mix rows and channels.
    data = road_scenes(m=20, seed=1, **NOTHING, **CLEAN)
    top_rows = images_of(data)[:, :5]  # (m, 5, W, 3): the horizon is never above row 6 of 24
    assert np.ptp(top_rows, axis=2).max() == 0
    assert np.ptp(images_of(data)[:, -1], axis=1).max() > 0.05  # the bottom row shows grass and road


# --- seeds ------------------------------------------------------------------------------
@pytest.mark.parametrize("generator", GENERATORS)
def test_the_same_seed_gives_the_same_arrays(generator):
    a, b, c = generator(m=30, seed=3), generator(m=30, seed=3), generator(m=30, seed=4)
    np.testing.assert_array_equal(a.X, b.X)
    np.testing.assert_array_equal(a.Y, b.Y)
    assert not np.array_equal(a.X, c.X)


def test_float32_and_float64_hold_the_same_images():
    np.testing.assert_allclose(road_scenes(m=10, dtype="float32").X, road_scenes(m=10).X, rtol=0, atol=1e-7)


# --- labels agree with what was drawn -----------------------------------------------------
def test_present_objects_are_visible_and_absent_ones_leave_no_pixel():
    rng = np.random.default_rng(0)
    m = 400
    present = rng.random((4, m)) < 0.5
    light_colour = rng.integers(0, 3, m)
    _, counts, _ = scenes.draw_scenes(rng, present, light_colour, rng.random(m) < 0.3, size=24, free=False,
                                      p_distractor=0.5, p_occluder=0.5, p_shadow=0.7, noise=0.05)  # fmt: skip
    visible = scenes.visible_pixels(counts)  # (4, m)
    assert (visible[~present] == 0).all()
    assert (visible[present] >= 3).all()
    lit = counts[np.arange(m), drawing.LAMPS[light_colour]]  # pixels of the lit lamp in each image
    assert (lit[present[scenes.TRAFFIC_LIGHT]] > 0).all()
    other_lamps = drawing.LAMPS[(light_colour[:, None] + [1, 2]) % 3]  # (m, 2): the two unlit colours
    assert (np.take_along_axis(counts, other_lamps, axis=1) == 0).all()


def test_red_pixels_appear_exactly_with_a_stop_sign_when_nothing_else_is_red():
    # No distractors (red hydrants, red signs), no cars, pedestrians or traffic lights: only a stop sign is red.
    data = road_scenes(m=300, seed=2, p_stop_sign=(0.5, 0.5), p_traffic_light=(0, 0), p_pedestrian=(0, 0),
                       p_car=(0, 0), **CLEAN)  # fmt: skip
    red_pixels = clearly_red(images_of(data)).sum(axis=(1, 2))  # (m,)
    stop = data.Y[TASKS.index("stop sign")] == 1
    assert 100 < stop.sum() < 200
    assert (red_pixels[stop] >= 4).all() and (red_pixels[~stop] == 0).all()


def test_single_object_scenes_hold_exactly_one_object():
    data = single_object_scenes(m=400, seed=0)
    np.testing.assert_array_equal(data.Y.sum(axis=0), 1)
    assert (data.Y.mean(axis=1) > 0.18).all()  # each kind about a quarter of the time
    assert single_object_scenes(m=50, p_kinds=(0, 0, 1, 0)).Y[2].all()


def test_light_colour_tasks_are_one_hot_with_the_requested_colours():
    data = light_colour_tasks(m=1500, seed=0, p_colours=(0.5, 0.2, 0.3))
    np.testing.assert_array_equal(data.Y.sum(axis=0), 1)
    np.testing.assert_allclose(data.Y.mean(axis=1), [0.5, 0.2, 0.3], atol=0.04)


def test_region_tasks_put_each_object_in_one_region_of_about_equal_share():
    grid = 5
    data = region_tasks(m=3000, grid=grid, seed=0, p_object=0.5)
    per_kind = data.Y.reshape(4, grid * grid, -1)  # (kind, region, m)
    assert per_kind.sum(axis=1).max() == 1  # an object lies in one region
    np.testing.assert_allclose(per_kind.sum(axis=1).mean(axis=1), 0.5, atol=0.04)  # P(kind) = p_object
    counts = per_kind.sum(axis=2)  # (kind, region): positives of each task, about 3000·0.5/25 = 60
    assert counts.min() > 20 and counts.max() < 120


def test_a_region_label_names_the_region_of_the_object_centre():
    # Images whose only object is a stop sign (no distractors): the centroid of its red pixels is near its centre.
    grid, size = 3, 24
    data = region_tasks(m=1500, grid=grid, seed=5, **CLEAN)
    per_kind = data.Y.reshape(4, grid * grid, -1)
    only_stop = (per_kind.sum(axis=1) == [[0], [0], [1], [0]]).all(axis=0)  # (m,)
    assert only_stop.sum() > 40
    region = per_kind[2].argmax(axis=0)[only_stop]  # (k,) labelled region of the sign
    images = images_of(data)[only_stop]
    weights = clearly_red(images).astype(float)  # (k, H, W): the octagon, symmetric about the centre
    centre_row = (weights.sum(axis=2) * (np.arange(size) + 0.5)).sum(axis=1) / weights.sum(axis=(1, 2))
    centre_col = (weights.sum(axis=1) * (np.arange(size) + 0.5)).sum(axis=1) / weights.sum(axis=(1, 2))
    cell = size / grid
    row_low, col_low = (region // grid) * cell, (region % grid) * cell
    assert ((centre_row > row_low - 2) & (centre_row < row_low + cell + 2)).mean() > 0.95
    assert ((centre_col > col_low - 2) & (centre_col < col_low + cell + 2)).mean() > 0.95


def test_grid_one_is_the_four_tasks():
    data = region_tasks(m=200, grid=1, seed=0)
    assert data.task_names == ("pedestrian@r0c0", "car@r0c0", "stop sign@r0c0", "traffic light@r0c0")
    assert 0.4 < data.Y.mean() < 0.6


# --- co-occurrence and shortcuts ----------------------------------------------------------------
def test_objects_gather_at_intersections(scenes_3000):
    # The sharing of the default scenes: each object is much likelier where another one is.
    Y = scenes_3000.Y == 1  # (4, m)
    np.testing.assert_allclose(Y.mean(axis=1), 0.475, atol=0.03)  # documented rate of every object
    for j in range(4):
        for k in range(4):
            if j != k:
                assert Y[j][Y[k]].mean() > Y[j][~Y[k]].mean() + 0.5, (TASKS[j], TASKS[k])


def test_shared_false_draws_the_objects_independently_at_the_same_rates():
    Y = road_scenes(m=3000, seed=11, shared=False).Y == 1
    np.testing.assert_allclose(Y.mean(axis=1), 0.475, atol=0.03)
    together = (Y[:, None, :] & Y[None, :, :]).mean(axis=2)  # (4, 4): P(j and k)
    expected = np.outer(Y.mean(axis=1), Y.mean(axis=1))  # P(j) P(k) if independent
    off_diagonal = ~np.eye(4, dtype=bool)
    assert np.abs(together - expected)[off_diagonal].max() < 0.03


def test_the_probabilities_are_arguments():
    data = road_scenes(m=2000, seed=0, p_intersection=0.0, p_stop_sign=(1.0, 0.0), p_traffic_light=(0.0, 0.2),
                       p_pedestrian=(0.0, 1.0), p_car=(0.0, 0.0))  # fmt: skip
    pedestrian, car, stop, light = data.Y == 1
    assert not stop.any() and not car.any() and pedestrian.all()
    assert 0.16 < light.mean() < 0.24
    everywhere = road_scenes(m=500, seed=0, p_intersection=1.0, p_stop_sign=(1.0, 0.0), p_car=(0.0, 1.0)).Y
    assert everywhere[2].all() and not everywhere[1].any()


def test_no_single_pixel_gives_a_task_away(scenes_3000):
    X, Y = scenes_3000.X, scenes_3000.Y
    majority = np.maximum(Y.mean(axis=1), 1 - Y.mean(axis=1))  # (4,)
    for j in range(4):
        best = best_threshold_accuracy(X, Y[j]).max()  # over all n_x pixel values, chosen in-sample
        # + 0.15: a pixel of the cross road says "intersection", and so "probably a pedestrian": the shared context
        # every task may use, not the object itself.
        assert best < 0.8 and best < majority[j] + 0.15, (TASKS[j], best, majority[j])


def test_no_colour_channel_gives_a_task_away(scenes_3000):
    images = images_of(scenes_3000)
    F = np.concatenate([images.mean(axis=(1, 2)).T, images.max(axis=(1, 2)).T])  # (6, m): mean and max per channel
    majority = np.maximum(scenes_3000.Y.mean(axis=1), 1 - scenes_3000.Y.mean(axis=1))
    for j in range(4):
        # + 0.1: an intersection holds most of the four objects, so a busier image is likelier to hold any one of them
        assert best_threshold_accuracy(F, scenes_3000.Y[j]).max() < majority[j] + 0.1, TASKS[j]


# --- hide_labels --------------------------------------------------------------------------------
@pytest.fixture
def Y():
    return (np.random.default_rng(0).random((4, 5000)) < 0.4).astype(float)


def test_random_hides_the_requested_fraction_and_keeps_known_labels(Y):
    hidden = hide_labels(Y, fraction=0.3, seed=1)
    unknown = np.isnan(hidden)
    assert abs(unknown.mean() - 0.3) < 0.015
    np.testing.assert_array_equal(hidden[~unknown], Y[~unknown])
    assert not np.isnan(Y).any()  # the input is not changed
    np.testing.assert_array_equal(np.isnan(hide_labels(Y, 0.3, seed=1)), unknown)  # seeded
    assert not np.array_equal(np.isnan(hide_labels(Y, 0.3, seed=2)), unknown)
    assert not np.isnan(hide_labels(Y, 0.0)).any() and np.isnan(hide_labels(Y, 1.0)).all()


def test_per_task_rates(Y):
    hidden = hide_labels(Y, pattern="per_task", rates=(0.0, 0.2, 0.5, 0.9), seed=0)
    np.testing.assert_allclose(np.isnan(hidden).mean(axis=1), [0.0, 0.2, 0.5, 0.9], atol=0.025)
    known = ~np.isnan(hidden)
    np.testing.assert_array_equal(hidden[known], Y[known])


def test_annotator_labels_whole_examples_for_pedestrian_and_car_only(Y):
    hidden = hide_labels(Y, fraction=0.4, pattern="annotator", seed=0)
    unknown = np.isnan(hidden)
    partial = unknown.any(axis=0)  # (m,) examples that went to a partial annotator
    assert abs(partial.mean() - 0.4) < 0.03
    assert not unknown[:2].any() and unknown[2:, partial].all() and not unknown[:, ~partial].any()
    np.testing.assert_array_equal(hidden[~unknown], Y[~unknown])


def test_annotator_with_given_and_random_subsets(Y):
    hidden = hide_labels(Y, fraction=0.5, pattern="annotator", annotator_tasks=[3], seed=0)
    partial = np.isnan(hidden).any(axis=0)
    assert not np.isnan(hidden[3]).any() and np.isnan(hidden[:3, partial]).all()
    hidden = hide_labels(Y, fraction=0.5, pattern="annotator", annotator_tasks="random", seed=0)
    labelled = (~np.isnan(hidden)).sum(axis=0)  # (m,) how many tasks each example keeps
    assert labelled.min() >= 1 and abs((labelled < 4).mean() - 0.5) < 0.03
    np.testing.assert_allclose(np.bincount(labelled[labelled < 4])[1:] / (labelled < 4).sum(), 1 / 3, atol=0.04)
    assert np.isnan(hidden).mean(axis=1).std() < 0.02  # no task is favoured


@pytest.mark.parametrize("m", [8, 4003])
def test_one_task_keeps_exactly_one_label_per_example_and_balances_the_tasks(m):
    Y = (np.random.default_rng(0).random((4, m)) < 0.5).astype(float)
    hidden = hide_labels(Y, pattern="one_task", seed=3)
    known = ~np.isnan(hidden)
    np.testing.assert_array_equal(known.sum(axis=0), 1)  # one label per example
    assert known.sum(axis=1).max() - known.sum(axis=1).min() <= 1  # m/4 per task, give or take one
    np.testing.assert_array_equal(hidden[known], Y[known])
    assert not np.array_equal(np.isnan(hide_labels(Y, pattern="one_task", seed=4)), ~known)  # seeded
    if m > 1000:  # which task an example keeps does not depend on its labels
        assert abs(Y[known].mean() - Y.mean()) < 0.03


def test_split_gives_views_in_order_and_refuses_to_leave_nothing():
    X, Y = np.arange(30.0).reshape(3, 10), np.arange(10.0).reshape(1, 10)
    (X_a, Y_a), (X_b, Y_b), (X_c, Y_c) = split(X, Y, m_validation=3, m_test=2)
    np.testing.assert_array_equal(np.concatenate([Y_a, Y_b, Y_c], axis=1), Y)
    assert X_a.shape == (3, 5) and X_b.shape == (3, 3) and X_c.shape == (3, 2) and np.shares_memory(X_a, X)
    with pytest.raises(ValueError, match="split: m_validation \\+ m_test = 10 leaves no training example"):
        split(X, Y, 5, 5)
    with pytest.raises(ValueError, match="m_test"):
        split(X, Y, 3, 0)


def test_holdout_keeps_the_last_share_for_testing():
    X, Y = np.arange(30.0).reshape(3, 10), np.arange(10.0).reshape(1, 10)
    (X_train, Y_train), (X_test, Y_test) = holdout(X, Y, 0.2)
    np.testing.assert_array_equal(Y_test, [[8.0, 9.0]])
    assert X_train.shape == (3, 8) and np.shares_memory(X_train, X)
    assert holdout(X, Y, 0.01)[1][0].shape[1] == 1  # at least one test column
    for bad in (0, 1, 1.5, True, "0.2"):
        with pytest.raises(ValueError, match="test_fraction: got"):
            holdout(X, Y, bad)
    with pytest.raises(ValueError, match="leaves no training example"):
        holdout(X[:, :1], Y[:, :1], 0.5)


@pytest.mark.parametrize(("m_drawn", "m_kept"), [(6_000, 4_000), (20_000, 20_000)])
def test_one_seed_for_data_and_hiding_leaves_the_labelled_positive_rate_unchanged(m_drawn, m_kept):
    # With one generator for both, the "?" replayed the numbers that drew the scenes: labelled traffic lights
    # were 0.126 less often positive than all of them (m 6,000 → 4,000), labelled pedestrians 0.044 less.
    Y = road_scenes(m=m_drawn, seed=0).Y[:, :m_kept]  # (4, m_kept)
    known = ~np.isnan(hide_labels(Y, 0.3, seed=0))  # (4, m_kept)
    shift = [Y[j, known[j]].mean() - Y[j].mean() for j in range(4)]  # labelled minus all, per task
    assert np.abs(shift).max() < 0.02, shift


def test_hide_labels_keeps_float32_existing_question_marks_and_takes_ints():
    Y = np.array([[1, 0, np.nan], [0, 1, 1]], dtype=np.float32)
    hidden = hide_labels(Y, fraction=0.5, seed=0)
    assert hidden.dtype == np.float32 and np.isnan(hidden[0, 2])
    assert hide_labels(np.array([[1, 0], [0, 1]]), 0.5).dtype == np.float64


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"fraction": 1.5}, "fraction: got 1.5"),
        ({"fraction": -0.1}, "fraction"),
        ({"fraction": "a lot"}, "fraction"),
        ({"pattern": "rows"}, "pattern: got 'rows', expected one of 'random', 'per_task', 'annotator', 'one_task'"),
        ({"pattern": "per_task"}, "rates: pattern='per_task' needs rates"),
        ({"pattern": "per_task", "rates": (0.1, 0.2, 0.3)}, r"rates: got \(0.1, 0.2, 0.3\), expected 4 probabilities"),
        ({"pattern": "per_task", "rates": (0.1, 0.2, 0.3, 2)}, r"rates\[3\]: got 2"),
        ({"rates": (0.1, 0.1, 0.1, 0.1)}, "rates: only used with pattern='per_task'"),
        ({"annotator_tasks": (0,)}, "annotator_tasks: only used with pattern='annotator'"),
        ({"pattern": "annotator", "annotator_tasks": (0, 1, 2, 3)}, "annotator_tasks: got"),
        ({"pattern": "annotator", "annotator_tasks": (0, 0)}, "distinct"),
        ({"pattern": "annotator", "annotator_tasks": (4,)}, "0 to 3"),
        ({"pattern": "annotator", "annotator_tasks": 3}, "annotator_tasks"),
        ({"seed": -1}, "seed"),
    ],
)
def test_hide_labels_bad_arguments(kwargs, message):
    with pytest.raises(ValueError, match=message):
        hide_labels(np.ones((4, 10)), **kwargs)


@pytest.mark.parametrize(
    ("Y", "message"),
    [(np.ones(5), r"shape \(5,\)"), (np.full((2, 2), 2.0), "0, 1 or NaN"), (np.array([["a"]]), "dtype"),
     (np.ones((1, 5)), "at least 2 tasks")],
)  # fmt: skip
def test_hide_labels_bad_labels(Y, message):
    with pytest.raises(ValueError, match=message):
        hide_labels(Y, pattern="annotator")


# --- bad arguments to the generators -----------------------------------------------------------
@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"m": 0}, "m: got 0, expected a positive integer"),
        ({"m": 2.5}, "m: got 2.5"),
        ({"m": True}, "m: got True"),
        ({"image_size": 8}, "image_size: got 8, expected an integer from 16 to 64"),
        ({"image_size": 65}, "image_size"),
        ({"image_size": 24.0}, "image_size"),
        ({"seed": -3}, "seed"),
        ({"dtype": "int8"}, "dtype"),
        ({"noise": -0.1}, "noise: got -0.1"),
        ({"noise": np.nan}, "noise"),
        ({"p_distractor": 1.2}, "p_distractor: got 1.2, expected a probability"),
        ({"p_occluder": None}, "p_occluder"),
        ({"p_intersection": -1}, "p_intersection"),
        ({"p_stop_sign": 0.5}, r"p_stop_sign: got 0.5, expected 2 probabilities: \(at an intersection, elsewhere\)"),
        ({"p_traffic_light": (0.5, 0.1, 0.2)}, "p_traffic_light"),
        ({"p_pedestrian": (0.5, 3)}, r"p_pedestrian\[1\]: got 3"),
        ({"p_car": True}, "p_car"),
        ({"p_car": 0.5}, r"p_car: got 0.5, expected 2 probabilities"),
        ({"p_shadow": 1.5}, "p_shadow: got 1.5"),
        ({"shared": 1}, r"shared: got 1, expected True .* or False"),
    ],
)
def test_road_scenes_bad_arguments(kwargs, message):
    with pytest.raises(ValueError, match=message):
        road_scenes(**{"m": 4, **kwargs})


@pytest.mark.parametrize(
    ("generator", "kwargs", "message"),
    [
        (single_object_scenes, {"p_kinds": (0.5, 0.5)}, "p_kinds: got"),
        (single_object_scenes, {"p_kinds": (0.3, 0.3, 0.3, 0.3)}, "sums to 1.2; expected a sum of 1"),
        (region_tasks, {"grid": 0}, "grid: got 0, expected an integer from 1 to 8"),
        (region_tasks, {"grid": 9}, "grid"),
        (region_tasks, {"grid": 2.0}, "grid"),
        (region_tasks, {"p_object": 2}, "p_object"),
        (light_colour_tasks, {"p_colours": (1, 0)}, "p_colours"),
        (light_colour_tasks, {"p_colours": (0.5, 0.5, 0.5)}, "expected a sum of 1"),
        (light_colour_tasks, {"m": -1}, "m: got -1"),
    ],
)
def test_variant_bad_arguments(generator, kwargs, message):
    with pytest.raises(ValueError, match=message):
        generator(**{"m": 4, **kwargs})


def test_a_scene_that_cannot_be_drawn_says_so(monkeypatch):
    monkeypatch.setattr(scenes, "MIN_VISIBLE", 1.5)  # more than all of an object: never satisfied
    with pytest.raises(RuntimeError, match="could not draw 2 images"):
        single_object_scenes(m=2, seed=0)


# --- digits -------------------------------------------------------------------------------------
def test_digit_tasks_shapes_and_labels_follow_the_definitions():
    datasets = pytest.importorskip("sklearn.datasets")
    data = digit_tasks(seed=0)
    assert data.X.shape == (64, 1797) and data.Y.shape == (4, 1797) and data.image_shape == (8, 8)
    assert data.task_names == DIGIT_TASKS and data.X.min() == -0.5 and data.X.max() == 0.5  # centred
    digits = datasets.load_digits()
    target_of = {}  # each image (as bytes) -> its digit; identical images never carry different digits
    for image, target in zip(digits.images / 16.0 - 0.5, digits.target):  # centred, as digit_tasks gives them
        assert target_of.setdefault(image.tobytes(), target) == target
    t = np.array([target_of[data.X[:, i].reshape(8, 8).tobytes()] for i in range(data.X.shape[1])])
    expected = [t % 2 == 0, t >= 5, np.isin(t, [0, 4, 6, 8, 9]), np.isin(t, [2, 3, 5, 7])]
    np.testing.assert_array_equal(data.Y, np.array(expected, dtype=float))
    np.testing.assert_array_equal(np.sort(t), np.sort(digits.target))  # every image once


def test_digit_tasks_seed_shuffles_and_dtype():
    pytest.importorskip("sklearn")
    a, b = digit_tasks(seed=1), digit_tasks(seed=2, dtype="float32")
    np.testing.assert_array_equal(a.X, digit_tasks(seed=1).X)
    assert b.X.dtype == np.float32 and not np.array_equal(a.X, b.X)


def test_digit_tasks_without_scikit_learn_says_how_to_install(monkeypatch):
    monkeypatch.setitem(sys.modules, "sklearn", None)  # "import sklearn" now raises ImportError
    monkeypatch.setitem(sys.modules, "sklearn.datasets", None)
    with pytest.raises(ImportError, match=r'pip install scikit-learn \(or pip install "tinymtl\[datasets\]"\)'):
        digit_tasks()


# --- the measuring script runs ------------------------------------------------------------------
def test_the_dataset_benchmark_runs_quickly():
    command = [sys.executable, "-m", "benchmarks.datasets", "--quick", "--repeats", "1"]
    result = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=120, check=False)
    assert result.returncode == 0, result.stderr
    for row in ("images/s", "logistic [1728, 4]", "default [1728, 128, 64, 4]", "best single pixel"):
        assert row in result.stdout
