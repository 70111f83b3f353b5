"""Pictures of a multi-task run: learning curves, per-task bars, the label matrix, examples, co-occurrence.

One concept: *look at every task at once*. Each function draws one picture of
the labels ``Y`` (n_y, m), the predictions ``P`` (n_y, m), the inputs ``X``
(n_x, m) or a training :class:`~tinymtl.History`, with the tasks side by side,
and an unknown label "?" (NaN) drawn as its own thing, never as 0.

* :func:`learning_curves`  - J per epoch (training, validation) and the validation accuracy of each task;
* :func:`task_metric_bars` - one metric per task, the multi-task network beside its baselines;
* :func:`label_matrix`     - ``Y`` as the lecture writes it: a grid of 1, 0 and ?;
* :func:`example_grid`     - images with their true and predicted labels, mistakes in red;
* :func:`cooccurrence`     - how often task j is present when task k is (:func:`cooccurrence_matrix`);
* :func:`accuracy_by_data` - accuracy against the labels per task: one network beside the separate ones.

Every function returns a :class:`matplotlib.figure.Figure`; given ``path`` it
also saves it there as a PNG (120 dpi), creating the folder if needed.
Figures are drawn on matplotlib's Agg canvas, never through ``pyplot``:
nothing opens a window, so the same code runs on a laptop, on a server without
a display and in the tests, whatever backend matplotlib is configured with.
Inputs may live on a device (CuPy or the strict stand-in): a picture is an edge
of the program, so each function first copies its inputs to the host with
:func:`tinymtl.to_numpy`.

matplotlib is optional (``pip install "tinymtl[plots]"``): this module imports
without it, and each plotting function then raises ``ImportError`` saying how
to install it. :func:`cooccurrence_matrix` is plain NumPy and always works.

What it leaves out: interactive display, styling options, and pictures of the
network itself.
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from .backend import to_numpy
from .datasets.dataset import as_images
from .validation import as_2d, as_label_matrix, as_probabilities, check_positive, check_task_names, check_threshold

if TYPE_CHECKING:  # for the annotations only: matplotlib is imported when a figure is made
    from matplotlib.figure import Figure

__all__ = [
    "accuracy_by_data",
    "cooccurrence",
    "cooccurrence_matrix",
    "example_grid",
    "label_matrix",
    "learning_curves",
    "task_metric_bars",
]

INSTALL_HINT = 'tinymtl.plots needs matplotlib, an optional dependency: pip install "tinymtl[plots]"'
DPI = 120
MANY_TASKS = 10  # above this many tasks, per-task legends and numbers in cells would be unreadable: left out
MAX_TICKS = 30  # above this many tasks, only every k-th task is named on an axis
MAX_COLUMNS = 60  # label_matrix: above this many examples the cells get narrower and lose their text
LINE = 10  # example_grid: points from one text line under an image to the next

# One colour per kind of model, the same in every figure of the lessons and the demo: blue is always the one
# multi-task network, orange the separate networks (blue and orange stay apart under colour blindness).
MODEL_COLORS = {"multi-task": "#1f77b4", "separate": "#ff7f0e", "softmax": "#2ca02c", "logistic": "#9467bd"}
MODEL_WORDS = {  # how a model's name in a legend says which kind it is (lower case; the first kind that matches)
    "separate": ("separate", "four networks", "its own", "single-task", "per task"),
    "multi-task": ("multi-task", "multitask", "one network", "shared"),
    "softmax": ("softmax",),
    "logistic": ("logistic",),
}
OTHER_COLORS = ("#8c564b", "#e377c2", "#17becf", "#bcbd22", "#7f7f7f")  # other series: none of the models' colours
REFERENCE_COLOR = "0.45"  # reference lines (majority class, guessing, zero): grey
TRAINING_COLOR, VALIDATION_COLOR = "#17becf", "#8c564b"  # learning curves: cyan and brown, no model's colour
# The label matrix's cells: dark "1", pale "0", yellow "?" (no model's colour: "?" is not a model).
CELL_COLORS = {"0": "#eef1f4", "1": "#3a3a3a", "?": "#ffd84d"}
# example_grid's text: a right answer, a wrong one, and a task whose label is "?" (not scored).
RIGHT, WRONG, UNKNOWN = "#222222", "#c92a2a", "#7a7a7a"


# --- shared helpers ---------------------------------------------------------------------


def model_color(name: str, k: int = 0) -> str:
    """The colour of the model called ``name`` in every figure: blue for one multi-task network, orange for
    separate networks, green for softmax, purple for logistic regression (by the words of :data:`MODEL_WORDS`);
    any other series gets the ``k``-th of :data:`OTHER_COLORS`.

    >>> model_color("multi-task"), model_color("separate networks"), model_color("one network per task")
    ('#1f77b4', '#ff7f0e', '#ff7f0e')
    """
    key = name.lower()
    for kind, words in MODEL_WORDS.items():
        if any(word in key for word in words):
            return MODEL_COLORS[kind]
    return OTHER_COLORS[k % len(OTHER_COLORS)]


def _figure(width: float, height: float, layout: str | None = "constrained") -> Figure:
    """A new ``width`` x ``height`` inch Figure on the Agg canvas; ImportError with the fix if matplotlib is missing."""
    try:
        from matplotlib.backends.backend_agg import FigureCanvasAgg
        from matplotlib.figure import Figure
    except ImportError as err:
        raise ImportError(INSTALL_HINT) from err
    fig = Figure(figsize=(width, height), layout=layout)
    FigureCanvasAgg(fig)  # attaches itself as fig.canvas: PNGs without pyplot and without a display
    return fig


def _save(fig: Figure, path) -> Figure:
    """Save ``fig`` as a PNG at ``path`` (if given, parent folders created); return ``fig``."""
    if path is not None:
        path = Path(path)
        path.parent.mkdir(parents=True, exist_ok=True)
        fig.savefig(path, dpi=DPI)
    return fig


def _labels(Y, m: int | None = None) -> np.ndarray:
    """``Y`` on the host as a float (n_y, m) array of 0, 1 or NaN; if ``m`` is given, it must have m columns."""
    Y = as_label_matrix(to_numpy(Y), "numpy")  # to the host (a sync for device arrays)
    _check_columns("Y", Y, m)
    return Y


def _probabilities(P, shape: tuple[int, int] | None = None) -> np.ndarray:
    """``P`` on the host, of shape ``shape`` (that of ``Y``; any 2-D shape if None), every entry in [0, 1]."""
    P = to_numpy(P)  # to the host (a sync for device arrays)
    return as_probabilities(P, P.shape if shape is None else shape, "numpy")


def _check_columns(name: str, A: np.ndarray, m: int | None) -> None:
    """Raise unless ``A`` has ``m`` columns (examples), when ``m`` is given."""
    if m is not None and A.shape[1] != m:
        raise ValueError(f"{name}: got {A.shape[1]} examples (columns), expected m = {m}, the columns of X.")


def _mean_over_tasks(values: np.ndarray) -> np.ndarray:
    """Mean over axis 0 (the tasks), NaN entries (tasks with no labels) left out; NaN where all are NaN.

    The same rule as :meth:`tinymtl.metrics.Report.mean`, without ``np.nanmean``'s warning on all-NaN columns.
    """
    known = ~np.isnan(values)
    count = known.sum(axis=0)
    total = np.where(known, values, 0.0).sum(axis=0)
    return np.where(count > 0, total / np.maximum(count, 1), np.nan)


def _task_ticks(names) -> tuple[np.ndarray, list[str]]:
    """Positions and names of the task ticks: every task, or every k-th when there are more than MAX_TICKS."""
    positions = np.arange(0, len(names), math.ceil(len(names) / MAX_TICKS))
    return positions, [names[j] for j in positions]


def _value_text(value: float) -> str:
    """A number as printed on a picture: two decimals, "n/a" for NaN."""
    return "n/a" if np.isnan(value) else f"{value:.2f}"


# --- learning curves --------------------------------------------------------------------


def learning_curves(history, task_names=None, path=None) -> Figure:
    """Two panels over the epochs of a :func:`tinymtl.fit` run.

    Left: the cost J per epoch, ``history.loss`` on the training data and,
    when ``fit`` was given validation data, ``history.val_loss``. Right: the
    validation accuracy of each task per epoch (``history.val_accuracy``: the
    fraction of the labelled validation entries of task j predicted right),
    one line per task and their mean as a dashed black line; with more than
    10 tasks, the tasks are thin grey lines without a legend. A task with no
    labelled validation example has NaN accuracy and draws no line. Without
    validation data the right panel says so.

    Example: ``learning_curves(tm.fit(net, X, Y, validation=(X_val, Y_val)), names, path="curves.png")``.
    """
    n_epochs = len(history.loss)
    if n_epochs == 0:
        raise ValueError("history: no epoch recorded; pass the History that tinymtl.fit returned.")
    epochs = np.arange(1, n_epochs + 1)
    style = {"marker": "o", "markersize": 3} if n_epochs <= 30 else {}
    fig = _figure(12, 4.2)
    loss_ax, accuracy_ax = fig.subplots(1, 2)

    loss_ax.plot(epochs, history.loss, label="training", color=TRAINING_COLOR, **style)
    if history.val_loss:
        loss_ax.plot(epochs[: len(history.val_loss)], history.val_loss, label="validation", color=VALIDATION_COLOR,
                     **style)  # fmt: skip
    loss_ax.set(title="cost J per epoch", xlabel="epoch", ylabel="J (masked logistic loss)")
    loss_ax.legend(loc="best")

    accuracy_ax.set(title="validation accuracy per task", xlabel="epoch", ylabel="accuracy (labelled entries)")
    if history.val_accuracy:
        accuracy = np.stack([to_numpy(a) for a in history.val_accuracy], axis=1)  # host values: (n_y, epochs)
        val_epochs = epochs[: accuracy.shape[1]]
        names = check_task_names(task_names, accuracy.shape[0])
        many = len(names) > MANY_TASKS
        for j, (name, row) in enumerate(zip(names, accuracy)):
            if many:
                accuracy_ax.plot(val_epochs, row, color="0.75", linewidth=0.8)
            else:
                label = name if (~np.isnan(row)).any() else f"{name} (no labels)"
                accuracy_ax.plot(val_epochs, row, label=label, color=OTHER_COLORS[j % len(OTHER_COLORS)], **style)
        accuracy_ax.plot(val_epochs, _mean_over_tasks(accuracy), "k--", label=f"mean of {len(names)} tasks")
        accuracy_ax.legend(loc="upper left", bbox_to_anchor=(1.02, 1.0), frameon=False)  # beside: never on a line
    else:
        accuracy_ax.text(
            0.5,
            0.5,
            "no validation data:\npass validation=(X_val, Y_val) to tm.fit",
            ha="center",
            va="center",
            transform=accuracy_ax.transAxes,
            color=UNKNOWN,
        )
        accuracy_ax.set_axis_off()  # an empty frame with ticks 0..1 would suggest numbers
    for ax in (loss_ax, accuracy_ax):
        ax.xaxis.get_major_locator().set_params(integer=True)  # epochs are whole numbers
        ax.grid(alpha=0.3)
    return _save(fig, path)


# --- per-task metric bars ---------------------------------------------------------------


def task_metric_bars(results, task_names, metric="accuracy", path=None) -> Figure:
    """Grouped bars: for each task, and for the mean over tasks, one bar per model.

    ``results`` maps a model's name to its per-task values, an array ``(n_y,)``,
    for example ``{"multi-task": acc_mtl, "separate networks": acc_sep,
    "softmax": acc_softmax}``; ``metric`` names them on the axis. Each bar is
    labelled with its value (two decimals); NaN (a task with no labelled
    example) draws no bar and is labelled "n/a". The "mean" group is the mean
    over the tasks that have a value. Values in [0, 1] get the axis 0..1.

    Example: ``task_metric_bars({"multi-task": report.accuracy, "softmax": acc}, names, path="bars.png")``.
    """
    if not results:
        raise ValueError("results: got an empty dict, expected {model name: per-task values of shape (n_y,)}.")
    table = [np.asarray(to_numpy(v), dtype=float) for v in results.values()]  # to the host (sync)
    names = check_task_names(task_names, table[0].size if task_names is None else len(task_names))
    n_y = len(names)
    for name, row in zip(results, table):
        if row.shape != (n_y,):
            raise ValueError(f"results[{name!r}]: got shape {row.shape}, expected ({n_y},): one value per task.")
    table = np.stack(table)  # (n_models, n_y)
    table = np.column_stack([table, _mean_over_tasks(table.T)])  # (n_models, n_y + 1): the mean last
    n_models, n_groups = table.shape  # n_groups = n_y + 1

    fig = _figure(min(18.0, 2.5 + n_groups * (0.3 * n_models + 0.45)), 4.6)
    ax = fig.add_subplot()
    x = np.arange(n_groups)
    width = 0.8 / n_models
    for k, (model, row) in enumerate(zip(results, table)):
        bars = ax.bar(x + (k - (n_models - 1) / 2) * width, np.where(np.isnan(row), 0.0, row), width, label=model,
                      color=model_color(model, k))  # fmt: skip
        if n_groups * n_models <= 60:  # beyond that the numbers would overlap: the grid lines tell the values
            ax.bar_label(bars, labels=[_value_text(v) for v in row], padding=2, fontsize=8)
    ax.axvline(n_groups - 1.5, color="0.6", linestyle=":")  # the mean is a summary, not a task
    positions, labels = _task_ticks(names)
    few = n_groups <= 8
    ax.set_xticks([*positions, n_y], [*labels, "mean"], rotation=0 if few else 45, ha="center" if few else "right")
    finite = table[~np.isnan(table)]
    if finite.size and finite.min() >= 0 and finite.max() <= 1:
        ax.set_ylim(0, 1.08)  # room for the value labels above a bar at 1
    ax.set_ylabel(metric)
    ax.set_title(f"{metric} per task", loc="left")
    ax.yaxis.grid(True, alpha=0.3)
    ax.set_axisbelow(True)
    ax.legend(loc="lower right", bbox_to_anchor=(1.0, 1.0), ncol=n_models, frameon=False)
    return _save(fig, path)


# --- accuracy against the amount of data -------------------------------------------------


def accuracy_by_data(curve, path=None) -> Figure:
    """Mean held-out accuracy against labelled examples per task, one line per model, and their difference.

    ``curve``: ``{"per_task": sizes, model name: accuracies, ...}``, one accuracy per size
    (as :func:`tinymtl.baselines.labels_per_task_curve` returns it). Left: each model's line on
    a log axis of sizes; right: the first model minus the second at each size (above 0:
    the first is more accurate), each bar labelled with its value.

    Example: ``accuracy_by_data({"per_task": [100, 1000], "multi-task": [0.80, 0.88],
    "separate networks": [0.76, 0.88]}, path="one_vs_four.png")``.
    """
    sizes = np.asarray(curve.get("per_task", ()), dtype=float)
    models = {name: np.asarray(values, dtype=float) for name, values in curve.items() if name != "per_task"}
    if sizes.size == 0 or len(models) < 2 or any(v.shape != sizes.shape for v in models.values()):
        raise ValueError("curve: expected {'per_task': sizes, model: accuracies, other model: accuracies}, two or "
                         f"more models with one value per size; got keys {list(curve)}.")  # fmt: skip
    fig = _figure(10.0, 4.0)
    ax_lines, ax_gap = fig.subplots(1, 2, width_ratios=(3, 2))
    for k, (name, values) in enumerate(models.items()):
        ax_lines.plot(sizes, values, marker="o", label=name, color=model_color(name, k))
    ax_lines.set(xscale="log", xlabel="labelled examples per task (one task per image)",
                 ylabel="mean held-out accuracy")  # fmt: skip
    ax_lines.set_xticks(sizes, [f"{int(n):,}" for n in sizes])
    ax_lines.minorticks_off()
    ax_lines.set_title("accuracy against data per task", loc="left")
    ax_lines.grid(alpha=0.3)
    ax_lines.legend(frameon=False)
    first, second = list(models)[:2]
    gap = models[first] - models[second]  # (n_sizes,)
    positions = np.arange(sizes.size)
    bars = ax_gap.bar(positions, gap, color=[model_color(first, 0) if g >= 0 else model_color(second, 1) for g in gap])
    ax_gap.bar_label(bars, labels=[f"{g:+.3f}" for g in gap], padding=2, fontsize=8)
    ax_gap.axhline(0, color="0.3", linewidth=0.8)
    ax_gap.set_xticks(positions, [f"{int(n):,}" for n in sizes])
    ax_gap.set(xlabel="labelled examples per task", ylabel="difference in mean accuracy")
    ax_gap.set_title(f"{first} − {second}", loc="left")
    ax_gap.margins(y=0.25)
    ax_gap.yaxis.grid(True, alpha=0.3)
    return _save(fig, path)


# --- the label matrix Y -----------------------------------------------------------------


def label_matrix(Y, task_names=None, max_examples=40, path=None) -> Figure:
    """``Y`` as the lecture writes it: one row per task, one column per example, each cell 1, 0 or ?.

    The first ``max_examples`` columns (examples) of ``Y`` (n_y, m) are drawn
    as a grid of coloured cells, each with its text: "1" (object present) dark
    grey, "0" (absent) pale grey, "?" (unknown, NaN: left out of the loss)
    yellow (no model's colour: see :data:`MODEL_COLORS`). Rows are named by ``task_names``; columns are numbered by their
    index i in ``Y[:, i]``. The title gives the share of "?" in all of ``Y``.

    Example: ``label_matrix(Y, ["pedestrian", "car", "stop sign", "traffic light"], path="Y.png")``.
    """
    Y = _labels(Y)
    n_y, m = Y.shape
    names = check_task_names(task_names, n_y)
    shown = Y[:, : check_positive("max_examples", max_examples, integer=True)]  # (n_y, k)
    k = shown.shape[1]
    symbols = np.where(np.isnan(shown), "?", np.where(shown == 1, "1", "0"))  # (n_y, k)
    codes = np.where(symbols == "?", 2, shown)  # 0, 1, 2 = "?": indices into the colour map

    # Inches: 0.3 a cell, the rest for names, title and legend. Beyond MAX_COLUMNS examples or MAX_TICKS tasks
    # the figure stops growing and the cells get thinner (aspect "auto" stretches them to fill the axes).
    fig = _figure(1.8 + 0.3 * min(k, MAX_COLUMNS), 1.3 + 0.3 * min(n_y, MAX_TICKS))
    # Imported after _figure, which checked that matplotlib is there.
    from matplotlib.colors import ListedColormap
    from matplotlib.patches import Patch

    ax = fig.add_subplot()
    ax.imshow(codes, cmap=ListedColormap([CELL_COLORS[s] for s in "01?"]), vmin=0, vmax=2, aspect="auto")
    if n_y <= MAX_TICKS and k <= MAX_COLUMNS:
        for (j, i), symbol in np.ndenumerate(symbols):
            ax.text(i, j, symbol, ha="center", va="center", fontsize=9, color="white" if symbol == "1" else "black")
    ax.set_xticks(np.arange(-0.5, k), minor=True)  # white lines between the cells
    ax.set_yticks(np.arange(-0.5, n_y), minor=True)
    ax.grid(which="minor", color="white", linewidth=1.5)
    ax.tick_params(which="minor", length=0)
    ax.set_xticks(np.arange(0, k, 5 * math.ceil(k / 100) if k > 10 else 1))  # at most about 20 numbers
    ax.set_yticks(*_task_ticks(names))
    ax.set_xlabel("example i (column of Y)")
    unknown = np.isnan(Y).mean()
    shown_text = f", the first {k} shown" if k < m else ""
    ax.set_title(f"Y: {n_y} tasks × {m} examples{shown_text}; {unknown:.0%} of the labels are '?'", loc="left")
    legend = [
        Patch(facecolor=CELL_COLORS["1"], label="1: present"),
        Patch(facecolor=CELL_COLORS["0"], edgecolor="0.7", label="0: absent"),
        Patch(facecolor=CELL_COLORS["?"], label="?: unknown (NaN), left out of the loss"),
    ]
    fig.legend(handles=legend, loc="outside lower center", ncol=3, frameon=False)
    return _save(fig, path)


# --- example images ---------------------------------------------------------------------


def example_grid(
    X, image_shape, Y=None, P=None, task_names=None, n=16, threshold=0.5, captions=None, path=None
) -> Figure:
    """A grid of the first ``n`` images of ``X`` with, under each, the objects it has or is said to have.

    ``X`` is ``(n_x, m)``, centred as the data sets give it (pixel − 0.5); column i
    is drawn as ``X[:, i] + 0.5`` reshaped to ``image_shape``, ``(H, W, 3)`` (RGB) or
    ``(H, W)`` (grey), values clipped to [0, 1].
    Under each image, one line per task that is present, predicted or "?":

    * with ``Y`` and ``P``: a task predicted right (``P >= threshold`` and
      present) in black; "missed: car" (present, not predicted) and "false:
      car" (predicted, absent) in red, and the image framed in red; a "?" task
      in grey with what was predicted. Each line ends with ``P`` of that task.
    * with ``Y`` only: the present tasks in black, the "?" ones in grey;
    * with ``P`` only: the predicted tasks and their ``P``.

    Tasks absent and not predicted are not listed ("nothing" if none is).
    With many tasks, the first 6 lines are shown and "+r more". The title
    explains grey ("label '?'") only when a shown image has a "?".
    ``captions``: a text above each image (e.g. ``["digit 7", ...]``, one per
    column of ``X`` or at least one per image shown); default ``#i``, the column.

    Example: ``example_grid(X_val, (24, 24, 3), Y_val, net.predict_proba(X_val), names, path="examples.png")``.
    """
    X = as_2d("X", to_numpy(X), None, "of shape (n_x, m): one image per column", backend="numpy")  # host (sync)
    image_shape = tuple(image_shape)
    if len(image_shape) not in (2, 3) or (len(image_shape) == 3 and image_shape[2] != 3):
        raise ValueError(f"image_shape: got {image_shape}, expected (H, W, 3) for RGB or (H, W) for grey images.")
    if math.prod(image_shape) != X.shape[0]:
        raise ValueError(
            f"image_shape: got {image_shape} ({math.prod(image_shape)} values), but X has "
            f"n_x = {X.shape[0]} rows; one column of X must reshape to one image."
        )
    threshold = check_threshold(threshold)
    m = X.shape[1]
    Y = None if Y is None else _labels(Y, m)
    P = None if P is None else _probabilities(P, None if Y is None else Y.shape)
    if P is not None:
        _check_columns("P", P, m)
    n_y = next((A.shape[0] for A in (Y, P) if A is not None), 0)
    names = check_task_names(task_names, n_y) if n_y else ()

    shown = min(check_positive("n", n, integer=True), m)
    captions = [f"#{i}" for i in range(shown)] if captions is None else [str(c) for c in captions]
    if len(captions) < shown:
        raise ValueError(f"captions: got {len(captions)} texts, expected one per image shown ({shown}).")
    cols = min(shown, max(4, math.ceil(math.sqrt(shown))))
    rows = math.ceil(shown / cols)
    max_lines = min(n_y, 7)  # text lines under an image; with more tasks, the 7th says "+r more"
    fig, axes = _image_grid(rows, cols, image_shape[0] / image_shape[1], max_lines)
    pictures = np.clip(as_images(X[:, :shown], image_shape), 0.0, 1.0)  # (shown, H, W, 3) or (shown, H, W)
    for i, ax in enumerate(axes):
        ax.set_xticks([])
        ax.set_yticks([])
        if i >= shown:
            ax.set_visible(False)
            continue
        image = pictures[i]  # (H, W, 3) or (H, W)
        ax.imshow(image, cmap="gray" if image.ndim == 2 else None, vmin=0.0, vmax=1.0)
        ax.set_title(captions[i], fontsize=8, pad=2)
        y = None if Y is None else Y[:, i]
        p = None if P is None else P[:, i]
        lines = _verdicts(names, y, p, threshold) if n_y else []
        if any(color == WRONG for _, color in lines):
            for spine in ax.spines.values():
                spine.set(color=WRONG, linewidth=2.5)
        if len(lines) > max_lines:
            lines = lines[: max_lines - 1] + [(f"+{len(lines) - max_lines + 1} more", UNKNOWN)]
        for row, (text, color) in enumerate(lines):
            ax.annotate(
                text,
                xy=(0, 0),
                xycoords="axes fraction",
                xytext=(0, -3 - LINE * row),
                textcoords="offset points",
                va="top",
                fontsize=8,
                color=color,
            )
    fig.suptitle(
        _grid_title(Y is not None, P is not None, threshold, Y is not None and bool(np.isnan(Y[:, :shown]).any())),
        fontsize=10,
        y=1 - 0.08 / fig.get_figheight(),
        va="top",
    )
    return _save(fig, path)


def _image_grid(rows: int, cols: int, aspect: float, lines: int):
    """A Figure with ``rows`` x ``cols`` image axes (height/width ``aspect``), room for ``lines`` text lines under each.

    The room is computed in inches (constrained layout does not see text placed below an axes).
    """
    width, title, header, gap = 1.7, 0.22, 0.55, 0.25  # inches: an image, the "#i" above it, the suptitle, between
    height = width * aspect
    text = (LINE * lines + 8) / 72  # inches (72 points to the inch)
    fig_width = cols * width + (cols + 1) * gap
    fig_height = header + rows * (title + height + text)
    fig = _figure(fig_width, fig_height, layout=None)
    grid = {
        "left": gap / fig_width,
        "right": 1 - gap / fig_width,
        "wspace": gap / width,  # fractions of the figure
        "top": 1 - (header + title) / fig_height,
        "bottom": text / fig_height,
        "hspace": (text + title) / height,
    }  # wspace, hspace: fractions of an image's width, height
    axes = fig.subplots(rows, cols, squeeze=False, gridspec_kw=grid)
    return fig, axes.ravel()


def _verdicts(names, y, p, threshold: float) -> list[tuple[str, str]]:
    """The lines under one image, ``(text, colour)``: each task present, predicted or "?" (see example_grid)."""
    lines = []
    for j, name in enumerate(names):
        unknown = y is not None and np.isnan(y[j])
        present = y is not None and y[j] == 1
        predicted = p is not None and p[j] >= threshold
        score = "" if p is None else f" {p[j]:.2f}"
        if unknown:
            said = "" if p is None else (": yes" if predicted else ": no")
            lines.append((f"? {name}{said}{score}", UNKNOWN))
        elif y is not None and p is not None and present != predicted:
            lines.append((f"{'missed' if present else 'false'}: {name}{score}", WRONG))
        elif present or predicted:
            lines.append((f"{name}{score}", RIGHT))
    return lines or [("nothing", RIGHT)]  # no object present or predicted: a statement, not an unknown


def _grid_title(has_y: bool, has_p: bool, threshold: float, has_unknown: bool) -> str:
    """The grid's title: what the lines under the images mean (grey only where some label is '?')."""
    if has_y and has_p:
        unknown = "   grey: label '?', not scored" if has_unknown else ""
        return (
            f"true labels and predictions (predicted: P >= {threshold:g}; the number is P)\n"
            f"black: right   red: wrong (missed / false alarm){unknown}"
        )
    if has_y:
        return "true labels: the objects present" + (" (grey: label '?', unknown)" if has_unknown else "")
    if has_p:
        return f"predictions: P >= {threshold:g} (the number is P)"
    return "examples"


# --- task co-occurrence -----------------------------------------------------------------


def cooccurrence_matrix(Y) -> tuple[np.ndarray, np.ndarray]:
    """``C[j, k] = P(task j = 1 | task k = 1)``, estimated from ``Y`` (n_y, m); and its counts ``N``.

    Only the examples where both tasks are labelled count ("?" is left out)::

        C[j, k] = #{i : Y[j, i] = 1 and Y[k, i] = 1} / N[j, k]
        N[j, k] = #{i : Y[k, i] = 1 and Y[j, i] is labelled}

    Both are ``(n_y, n_y)`` host arrays; ``C[j, k]`` is NaN where ``N[j, k] = 0``.
    The diagonal ``C[k, k]`` is 1 wherever task k has a positive example. With
    ``pos = (Y == 1)`` and ``lab = ~isnan(Y)`` as 0/1 matrices, the counts are
    two matrix products: ``pos @ pos.T`` and ``lab @ pos.T``.

    >>> nan = float("nan")
    >>> C, N = cooccurrence_matrix([[1, 1, 0, 0],      # stop sign
    ...                             [1, nan, 0, 1]])   # traffic light
    >>> C    # P(stop sign | traffic light) = 1/2; P(traffic light | stop sign) = 1/1 (one stop sign has '?')
    array([[1. , 0.5],
           [1. , 1. ]])
    >>> N
    array([[2, 2],
           [1, 2]])
    """
    Y = _labels(Y)
    positive = (Y == 1).astype(np.float64)  # (n_y, m), 0 under "?"
    labelled = (~np.isnan(Y)).astype(np.float64)  # (n_y, m)
    both = positive @ positive.T  # [j, k]: examples with task j = 1 and task k = 1: (n_y, n_y)
    given = labelled @ positive.T  # [j, k]: examples with task k = 1 and task j labelled: (n_y, n_y)
    C = np.where(given > 0, both / np.maximum(given, 1), np.nan)
    return C, given.astype(np.int64)


def cooccurrence(Y, task_names=None, path=None) -> Figure:
    """The co-occurrence matrix ``C[j, k] = P(task j = 1 | task k = 1)`` as a heat map, row j, column k.

    ``C`` and the counts ``N`` come from :func:`cooccurrence_matrix` (only
    examples where both tasks are labelled count). Each cell shows ``C[j, k]``
    and, below it, ``N[j, k]`` (how many examples the ratio rests on); "n/a"
    where ``N = 0``. The diagonal, 1 by definition, shows instead the base rate
    ``P(task j = 1)`` over the labelled examples of task j, in grey: a cell
    well above the diagonal cell of its row is a pair of tasks that appear
    together (in the road scenes, every pair: all four objects gather at intersections), which a shared
    network can exploit.

    Example: ``cooccurrence(Y, ["pedestrian", "car", "stop sign", "traffic light"], path="cooccurrence.png")``.
    """
    Y = _labels(Y)
    C, N = cooccurrence_matrix(Y)
    n_y = C.shape[0]
    names = check_task_names(task_names, n_y)
    labelled = (~np.isnan(Y)).sum(axis=1)  # (n_y,)
    base = np.where(labelled > 0, (Y == 1).sum(axis=1) / np.maximum(labelled, 1), np.nan)  # P(task j = 1): (n_y,)
    off_diagonal = np.where(np.eye(n_y, dtype=bool), np.nan, C)  # the diagonal is drawn grey, as "bad" values

    side = 2.5 + (1.1 * n_y if n_y <= MANY_TASKS else min(0.3 * n_y, 11.0))  # inches; numbers in cells up to 10
    fig = _figure(side + 1.2, side)
    import matplotlib  # after _figure, which checked that matplotlib is there

    ax = fig.add_subplot()
    cmap = matplotlib.colormaps["Blues"].with_extremes(bad="#e4e4e4")
    image = ax.imshow(np.ma.masked_invalid(off_diagonal), cmap=cmap, vmin=0, vmax=1)
    if n_y <= MANY_TASKS:
        for (j, k), value in np.ndenumerate(off_diagonal):
            if j == k:
                text, color = f"base rate\n{_value_text(base[j])}\nn={labelled[j]}", "#444444"
            else:
                text, color = f"{_value_text(value)}\nn={N[j, k]}", _text_color(cmap(value))
            ax.text(k, j, text, ha="center", va="center", fontsize=9, color=color)
    rotation, align = (30, "right") if n_y <= MANY_TASKS else (90, "center")
    ax.set_xticks(*_task_ticks(names), rotation=rotation, ha=align)
    ax.set_yticks(*_task_ticks(names))
    ax.set_xlabel("given: task k = 1 (column)")
    ax.set_ylabel("task j (row)")
    ax.set_title(
        "P(task j = 1 | task k = 1), over examples where both are labelled;\ndiagonal: the base rate P(task j = 1)",
        loc="left",
        fontsize=10,
    )
    fig.colorbar(image, ax=ax, shrink=0.8, label="P(task j = 1 | task k = 1)")
    return _save(fig, path)


def _text_color(rgba) -> str:
    """Black or white, whichever reads better on the cell colour ``rgba`` (by its luminance)."""
    red, green, blue = rgba[:3]
    return "black" if 0.299 * red + 0.587 * green + 0.114 * blue > 0.5 else "white"
