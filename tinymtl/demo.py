"""``tinymtl demo``: the lecture's driving example, end to end, in about a minute.

One concept: *the main job a newcomer runs first*. It generates road scenes
(pedestrian, car, stop sign, traffic light; several at once), hides 30% of the
training labels ("?"), trains

1. the multi-task network (one network, 4 sigmoid outputs, the masked loss),
2. four separate single-task networks (each on the images labelled for its task),
3. a softmax network (one label per image, as the lecture contrasts),

all with the same hidden layers, and prints per-task accuracy, F1 and the
labelled count on held-out images, then parameters, training time and
exact-match per model. Its figures go to ``--out`` (default ``./tinymtl-out``).
"""

from __future__ import annotations

import time
from pathlib import Path

import numpy as np

from . import metrics
from .backend import get_backend
from .baselines import train_multitask, train_separate, train_softmax
from .cli import centred, split
from .datasets import hide_labels, road_scenes

# (m images, epochs, hidden sizes): the full run fits in about a minute on 2 CPU cores.
# 20,000 training images are what the default network needs to pass 85% on every task (datasets.roads).
FULL = dict(m=25_000, epochs=15, hidden=(128, 64))
QUICK = dict(m=3_000, epochs=5, hidden=(64, 32))
MISSING = 0.3  # fraction of the training labels made "?"


def add_demo_parser(commands, common) -> None:
    demo = commands.add_parser("demo", help="multi-task vs separate networks vs softmax on road scenes (~1 min)")
    demo.add_argument("--quick", action="store_true", help="a smaller run that takes a few seconds")
    common(demo, out_default="tinymtl-out")
    demo.set_defaults(run=run_demo)


def run_demo(args) -> int:
    size = QUICK if args.quick else FULL
    data = road_scenes(m=size["m"], seed=args.seed, dtype=args.dtype)
    X_train, Y_train, X_test, Y_test = split(centred(data.X), data.Y, 0.2)
    Y_seen = hide_labels(Y_train, MISSING, seed=args.seed)  # what the networks may learn from
    print(f"road scenes: {data.X.shape[1]} images of {data.image_shape}, n_x = {data.X.shape[0]}, tasks: "
          f"{', '.join(data.task_names)}")
    print(f"training on {X_train.shape[1]} images with {np.isnan(Y_seen).mean():.0%} of the labels '?'; "
          f"testing on {X_test.shape[1]} fully labelled images; backend {get_backend()}, {args.dtype}\n")
    options = dict(hidden_dims=size["hidden"], seed=args.seed, lr=1e-3, dtype=args.dtype, epochs=size["epochs"],
                   batch_size=128)
    multitask, history = train_multitask(X_train, Y_seen, validation=(X_test, Y_test),
                                         progress=not args.no_progress, **options)
    models = [multitask]
    for train in (train_separate, train_softmax):
        print(f"training {train.__name__.replace('train_', '')} ...", flush=True)
        models.append(train(X_train, Y_seen, progress=False, **options))
    probabilities = {model.name: model.predict_proba(X_test) for model in models}
    reports = {name: metrics.report(Y_test, P, task_names=data.task_names) for name, P in probabilities.items()}
    print()
    print(comparison_table(reports, models))
    draw_figures(Path(args.out), data, history, Y_seen, X_test, Y_test, probabilities, reports)
    return 0


def comparison_table(reports: dict, models: list) -> str:
    """Per task: labelled count, then accuracy and F1 of each model; then one row per model."""
    names = list(reports)
    first = reports[names[0]]
    header = f"{'task':<15}{'labelled':>9}" + "".join(f" | {name:>17} acc   F1" for name in names)
    lines = ["held-out images (every label known):", header, "-" * len(header)]
    for j, task in enumerate(first.names):
        cells = "".join(f" | {reports[n].accuracy[j]:>21.3f} {reports[n].f1[j]:.2f}" for n in names)
        lines.append(f"{task:<15}{int(first.count[j]):>9}{cells}")
    lines += ["", f"{'model':<20}{'parameters':>12}{'train time':>12}{'exact match':>13}   mean accuracy"]
    for model in models:
        report = reports[model.name]
        lines.append(f"{model.name:<20}{model.n_params:>12,}{model.seconds:>11.1f}s{report.exact_match:>13.3f}"
                     f"   {np.nanmean(report.accuracy):.3f}")
    lines.append("\nexact match: the share of images whose four answers are all right; softmax can name one "
                 "object per image, so it fails every image with two or more.")
    return "\n".join(lines)


def draw_figures(out: Path, data, history, Y_seen, X_test, Y_test, probabilities, reports) -> None:
    """The five pictures of the demo, as PNG files in ``out`` (skipped, with a note, without matplotlib)."""
    from . import plots

    names = data.task_names
    figures = {
        "learning_curves.png": lambda path: plots.learning_curves(history, names, path=path),
        "accuracy_by_task.png": lambda path: plots.task_metric_bars(
            {n: r.accuracy for n, r in reports.items()}, names, "accuracy", path=path),
        "label_matrix.png": lambda path: plots.label_matrix(Y_seen, names, path=path),
        "examples.png": lambda path: plots.example_grid(
            X_test + 0.5, data.image_shape, Y_test, probabilities["multi-task"], names, path=path),
        "cooccurrence.png": lambda path: plots.cooccurrence(data.Y, names, path=path),
    }
    start = time.perf_counter()
    try:
        for filename, draw in figures.items():
            draw(out / filename)
    except ImportError as err:  # matplotlib missing (it is a dependency, but may have been left out)
        print(f"\nfigures skipped: {err}")
        return
    print(f"\nfigures ({time.perf_counter() - start:.1f}s) in {out.resolve()}:")
    for filename in figures:
        print(f"  {filename}")
