"""Tests for tinymtl.plots: every picture renders to a PNG with content, from host, "?" and device inputs.

A PNG "has content" when the file exists, is larger than a few KB and its
pixels, read back with matplotlib, are not all one colour. Whether a picture
is *readable* is not something a test can see: look at the PNGs (pytest
--basetemp=some/folder keeps them). The missing-matplotlib test needs no
matplotlib; the others are skipped without it.
"""

from __future__ import annotations

import importlib
import importlib.util
import sys
import warnings

import numpy as np
import pytest

import tinymtl as tm
from tinymtl import plots

needs_matplotlib = pytest.mark.skipif(
    importlib.util.find_spec("matplotlib") is None, reason='needs matplotlib: pip install "tinymtl[plots]"'
)

NAMES = ("pedestrian", "car", "stop sign", "traffic light")
IMAGE_SHAPE = (8, 8, 3)  # H, W, RGB: n_x = 192
NAN = float("nan")


# --- data ------------------------------------------------------------------------------


def road_like(m: int, seed: int = 0, unknown: float = 0.3):
    """Random images X (192, m), labels Y (4, m) with co-occurrence and a fraction ``unknown`` of "?", P (4, m)."""
    rng = np.random.default_rng(seed)
    intersection = rng.random(m) < 0.4  # stop signs, traffic lights and pedestrians gather at intersections
    rates = np.stack(
        [
            np.where(intersection, 0.6, 0.2),
            np.full(m, 0.5),
            np.where(intersection, 0.7, 0.05),
            np.where(intersection, 0.8, 0.05),
        ]
    )  # (4, m)
    Y = (rng.random((4, m)) < rates).astype(float)
    X = 0.5 * rng.random((192, m)) + 0.5 * np.repeat(Y[:3], 64, axis=0)  # an object brightens one colour channel
    P = 0.4 * Y + 0.6 * rng.random((4, m))  # in [0, 1]; one in six on the wrong side of 0.5
    Y[rng.random(Y.shape) < unknown] = NAN
    return X, Y, P


@pytest.fixture(scope="module")
def data():
    return road_like(120)


@pytest.fixture(scope="module")
def history(data):
    """A short real training run with validation data."""
    X, Y, _ = data
    net = tm.MLP([X.shape[0], 16, 4], seed=0)
    return tm.fit(
        net,
        X[:, :80],
        Y[:, :80],
        optimizer=tm.Adam(lr=0.01),
        epochs=6,
        batch_size=16,
        validation=(X[:, 80:], Y[:, 80:]),
        progress=False,
    )


def results_of(P_models: dict, Y) -> dict:
    """{model name: per-task accuracy of its probabilities P on Y}, the argument of task_metric_bars."""
    return {name: tm.metrics.per_task_accuracy(Y, P) for name, P in P_models.items()}


def every_picture(data, history) -> dict:
    """name -> a function of ``path`` that draws that picture from the fixtures' data."""
    X, Y, P = data
    results = {
        "multi-task": tm.metrics.per_task_accuracy(Y, P),
        "separate networks": np.array([0.8, 0.7, 0.9, 0.6]),
        "softmax": np.array([0.6, 0.55, NAN, 0.5]),
    }
    return {
        "learning_curves": lambda path: plots.learning_curves(history, NAMES, path=path),
        "task_metric_bars": lambda path: plots.task_metric_bars(results, NAMES, path=path),
        "label_matrix": lambda path: plots.label_matrix(Y, NAMES, path=path),
        "example_grid": lambda path: plots.example_grid(X, IMAGE_SHAPE, Y, P, NAMES, path=path),
        "cooccurrence": lambda path: plots.cooccurrence(Y, NAMES, path=path),
        "accuracy_by_data": lambda path: plots.accuracy_by_data(
            {"per_task": [100, 300, 1000], "multi-task": [0.78, 0.82, 0.86], "separate networks": [0.74, 0.81, 0.87]},
            path=path,
        ),
    }


def assert_png_has_content(path, min_kb: float = 5.0):
    """The file exists, is larger than ``min_kb`` KB, and its pixels are not all one colour."""
    from matplotlib.image import imread

    assert path.exists(), f"{path.name}: no file written"
    size_kb = path.stat().st_size / 1024
    assert size_kb > min_kb, f"{path.name}: {size_kb:.1f} KB, expected more than {min_kb} KB"
    pixels = imread(path)  # (height, width, 4) floats in [0, 1]
    assert pixels.ndim == 3 and min(pixels.shape[:2]) > 100, f"{path.name}: image of shape {pixels.shape}"
    assert pixels[..., :3].std() > 0.05, f"{path.name}: the pixels are (nearly) all one colour"


# --- each picture renders ----------------------------------------------------------------


@needs_matplotlib
@pytest.mark.parametrize(
    "name", ["learning_curves", "task_metric_bars", "label_matrix", "example_grid", "cooccurrence", "accuracy_by_data"]
)
def test_each_picture_renders_to_a_png_with_content(name, data, history, tmp_path):
    from matplotlib.figure import Figure

    path = tmp_path / "pictures" / f"{name}.png"  # the folder is created
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # a missing glyph, a bad layout or an all-NaN mean would warn
        fig = every_picture(data, history)[name](path)
    assert isinstance(fig, Figure)
    assert_png_has_content(path)


@needs_matplotlib
def test_without_path_nothing_is_written_and_the_figure_is_returned(data, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    fig = plots.label_matrix(data[1])
    assert list(tmp_path.iterdir()) == []
    fig.savefig(tmp_path / "later.png")  # the caller may still save it: it has a canvas
    assert_png_has_content(tmp_path / "later.png")


# --- "?" and other awkward inputs --------------------------------------------------------


@needs_matplotlib
def test_nan_inputs_draw_without_warnings(tmp_path):
    X, Y, P = road_like(30, seed=1, unknown=0.5)
    Y[2] = NAN  # a task with no label at all
    Y[:, 0] = NAN  # an example with no label at all
    Y[3] = np.where(np.isnan(Y[3]), NAN, 0.0)  # a task never present: its column of C is n/a
    no_labels = tm.History(
        loss=[1.0, 0.8, 0.7],
        val_loss=[1.1, 0.9, 0.8],
        val_accuracy=[np.array([0.5, NAN, 0.7, 0.6])] * 3,
        val_f1=[np.zeros(4)] * 3,
        seconds=[0.1] * 3,
    )
    all_nan = {"multi-task": np.full(4, NAN), "softmax": np.array([0.5, NAN, NAN, NAN])}
    drawings = {
        "curves": lambda path: plots.learning_curves(no_labels, NAMES, path=path),
        "bars": lambda path: plots.task_metric_bars(all_nan, NAMES, path=path),
        "matrix": lambda path: plots.label_matrix(Y, NAMES, path=path),
        "grid": lambda path: plots.example_grid(X, IMAGE_SHAPE, Y, P, NAMES, n=8, path=path),
        "cooccurrence": lambda path: plots.cooccurrence(Y, NAMES, path=path),
        "accuracy_by_data": lambda path: plots.accuracy_by_data(
            {"per_task": [100, 300, 1000], "multi-task": [0.78, 0.82, 0.86], "separate networks": [0.74, 0.81, 0.87]},
            path=path,
        ),
    }
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        for name, draw in drawings.items():
            draw(tmp_path / f"{name}.png")
    for name in drawings:
        assert_png_has_content(tmp_path / f"{name}.png")


def test_cooccurrence_matrix_counts_only_examples_where_both_tasks_are_labelled():
    Y = np.array(
        [
            [1, 1, 0, 0, NAN],  # stop sign
            [1, NAN, 0, 1, 1],  # traffic light
            [0, 0, 0, 0, 0],
        ]
    )  # never present
    C, N = plots.cooccurrence_matrix(Y)
    # P(stop sign | traffic light): of the 3 traffic lights, 2 have a stop-sign label, 1 of them a stop sign.
    # P(traffic light | stop sign): of the 2 stop signs, 1 has a traffic-light label, and it is one.
    expected_C = np.array([[1.0, 0.5, NAN], [1.0, 1.0, NAN], [0.0, 0.0, NAN]])
    expected_N = np.array([[2, 2, 0], [1, 3, 0], [2, 3, 0]])
    assert C.shape == N.shape == (3, 3)
    assert N.dtype == np.int64
    np.testing.assert_array_equal(C, expected_C)
    np.testing.assert_array_equal(N, expected_N)


@needs_matplotlib
def test_grey_images_predictions_only_and_many_tasks(tmp_path):
    rng = np.random.default_rng(2)
    n_y, m = 36, 80  # more tasks than MANY_TASKS and MAX_TICKS: no legends or cell texts, every 2nd task named
    Y = (rng.random((n_y, m)) < 0.3).astype(float)
    Y[rng.random(Y.shape) < 0.2] = NAN
    P = rng.random((n_y, m))
    history = tm.History(
        loss=list(np.linspace(1, 0.5, 40)),
        val_loss=list(np.linspace(1.1, 0.6, 40)),
        val_accuracy=[rng.random(n_y) for _ in range(40)],
        val_f1=[],
        seconds=[],
    )
    drawings = {
        "grey_P_only": lambda path: plots.example_grid(rng.random((12 * 10, m)), (12, 10), P=P[:4], n=6, path=path),
        "Y_only": lambda path: plots.example_grid(
            rng.random((192, m)), IMAGE_SHAPE, Y=Y[:4], task_names=NAMES, n=5, path=path
        ),
        "images_only": lambda path: plots.example_grid(rng.random((192, m)), IMAGE_SHAPE, n=3, path=path),
        "many_curves": lambda path: plots.learning_curves(history, path=path),
        "many_bars": lambda path: plots.task_metric_bars(results_of({"a": P, "b": 1 - P}, Y), None, path=path),
        "many_matrix": lambda path: plots.label_matrix(Y, max_examples=70, path=path),
        "many_grid": lambda path: plots.example_grid(rng.random((192, m)), IMAGE_SHAPE, Y, P, n=4, path=path),
        "many_cooccurrence": lambda path: plots.cooccurrence(Y, path=path),
        "no_validation": lambda path: plots.learning_curves(tm.History(loss=[0.9, 0.5]), path=path),
    }
    for name, draw in drawings.items():
        draw(tmp_path / f"{name}.png")
        assert_png_has_content(tmp_path / f"{name}.png", min_kb=2.0)


# --- device inputs -----------------------------------------------------------------------


@needs_matplotlib
def test_device_arrays_are_copied_to_the_host(data, tmp_path):
    X, Y, P = data
    with tm.use_backend("strict"):  # refuses implicit device-to-host copies, as CuPy does
        X, Y, P = tm.to_device(X), tm.to_device(Y), tm.to_device(P)
        accuracy = tm.to_device(np.array([0.9, 0.8, 0.7, NAN]))
        history = tm.History(loss=[1.0, 0.5], val_loss=[1.0, 0.6], val_accuracy=[accuracy, accuracy])
        plots.learning_curves(history, NAMES, path=tmp_path / "curves.png")
        plots.task_metric_bars({"multi-task": accuracy}, NAMES, path=tmp_path / "bars.png")
        plots.label_matrix(Y, NAMES, path=tmp_path / "matrix.png")
        plots.example_grid(X, IMAGE_SHAPE, Y, P, NAMES, n=4, path=tmp_path / "grid.png")
        plots.cooccurrence(Y, NAMES, path=tmp_path / "cooccurrence.png")
    for name in ("curves", "bars", "matrix", "grid", "cooccurrence"):
        assert_png_has_content(tmp_path / f"{name}.png", min_kb=2.0)


# --- bad input ---------------------------------------------------------------------------


@needs_matplotlib
@pytest.mark.parametrize(
    "draw, message",
    [
        (lambda X, Y, P: plots.label_matrix(Y, NAMES[:3]), "task_names"),
        (lambda X, Y, P: plots.label_matrix(Y[0]), "reshape"),
        (lambda X, Y, P: plots.label_matrix(2 * Y), "labels must be 0, 1 or NaN"),
        (lambda X, Y, P: plots.label_matrix(Y, max_examples=0), "max_examples"),
        (lambda X, Y, P: plots.task_metric_bars({}, NAMES), "empty"),
        (lambda X, Y, P: plots.task_metric_bars({"mtl": np.ones(3)}, NAMES), r"results\['mtl'\]"),
        (lambda X, Y, P: plots.example_grid(X, (8, 8), Y, P), "image_shape"),
        (lambda X, Y, P: plots.example_grid(X, (8, 8, 4), Y, P), "image_shape"),
        (lambda X, Y, P: plots.example_grid(X, IMAGE_SHAPE, Y[:, :5]), "expected m = 120"),
        (lambda X, Y, P: plots.example_grid(X, IMAGE_SHAPE, Y, P[:3]), "P: got shape"),
        (lambda X, Y, P: plots.example_grid(X, IMAGE_SHAPE, P=P[:, :5]), "expected m = 120"),
        (lambda X, Y, P: plots.example_grid(X, IMAGE_SHAPE, Y, P, threshold=1.5), "threshold"),
        (lambda X, Y, P: plots.example_grid(X, IMAGE_SHAPE, n=0), "n: got 0"),
        (lambda X, Y, P: plots.learning_curves(tm.History()), "no epoch"),
        (lambda X, Y, P: plots.accuracy_by_data({"per_task": [1, 2], "one": [0.5, 0.6]}), "two or more models"),
        (
            lambda X, Y, P: plots.accuracy_by_data({"per_task": [1, 2], "a": [0.5], "b": [0.5, 0.6]}),
            "one value per size",
        ),
    ],
)
def test_bad_input_names_the_argument(draw, message, data):
    with pytest.raises(ValueError, match=message):
        draw(*data)


# --- without matplotlib ------------------------------------------------------------------


def test_without_matplotlib_the_module_imports_and_each_picture_says_how_to_install(monkeypatch, data):
    """Hide matplotlib (and any of its submodules already imported), then import tinymtl.plots afresh."""
    for module in [name for name in sys.modules if name == "matplotlib" or name.startswith("matplotlib.")]:
        monkeypatch.setitem(sys.modules, module, None)  # "import matplotlib..." now raises ImportError
    monkeypatch.setitem(sys.modules, "matplotlib", None)
    monkeypatch.delitem(sys.modules, "tinymtl.plots")  # both restored by monkeypatch after the test
    monkeypatch.setattr(tm, "plots", plots)  # the import below rebinds the package's attribute
    fresh = importlib.import_module("tinymtl.plots")
    assert fresh is not plots
    X, Y, P = data
    for draw in (
        lambda: fresh.label_matrix(Y),
        lambda: fresh.cooccurrence(Y),
        lambda: fresh.example_grid(X, IMAGE_SHAPE),
        lambda: fresh.task_metric_bars({"a": P[:, 0]}, None),
        lambda: fresh.learning_curves(tm.History(loss=[1.0])),
    ):
        with pytest.raises(ImportError, match=r'pip install "tinymtl\[plots\]"'):
            draw()
    C, _ = fresh.cooccurrence_matrix(Y)  # plain NumPy: works without matplotlib
    assert C.shape == (4, 4)


def test_example_grid_explains_grey_only_when_a_label_is_unknown_and_takes_captions():
    rng = np.random.default_rng(0)
    X = rng.random((12 * 10, 4)) - 0.5  # centred grey images (12, 10)
    Y = np.array([[1.0, 0.0, 1.0, 0.0], [0.0, 0.0, 1.0, 1.0]])
    title = plots.example_grid(X, (12, 10), Y, task_names=["a", "b"], n=4)._suptitle.get_text()
    assert "?" not in title, "no label is '?', so the title must not explain grey as '?'"
    Y[1, 2] = np.nan
    fig = plots.example_grid(X, (12, 10), Y, task_names=["a", "b"], n=4, captions=["d0", "d1", "d2", "d3"])
    assert "grey: label '?'" in fig._suptitle.get_text()
    assert [ax.get_title() for ax in fig.axes[:4]] == ["d0", "d1", "d2", "d3"]
    with pytest.raises(ValueError, match="captions: got 2 texts"):
        plots.example_grid(X, (12, 10), Y, n=4, captions=["a", "b"])
