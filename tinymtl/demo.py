"""``tinymtl demo``: the lecture's driving example, end to end, in about 20 seconds.

One concept: *the main job a newcomer runs first*. It draws road scenes
(pedestrian, car, stop sign, traffic light; several at once) and runs two
experiments on them, every network stopping early on a validation split:

1. **The table**: 30% of the training labels hidden ("?"); the multi-task network
   (one network, 4 sigmoid outputs, the masked loss), four separate single-task
   networks (each on the images labelled for its task) and a softmax network (one
   label per image, as the lecture contrasts), with the same hidden layers; per-task
   accuracy, F1 and labelled count on held-out images, then parameters, training
   time and exact-match per model.
2. **When one network beats four**: each image labelled for one task only (each
   task has its own data), from few to many labels per task; held-out accuracy of
   the one network and of the four, a figure, and one sentence, written from this
   run's numbers, that says where sharing pays and where it stops paying.

Its figures go to ``--out`` (default ``./tinymtl-out``).
"""

from __future__ import annotations

import time
from pathlib import Path

import numpy as np

from . import metrics
from .backend import get_backend
from .baselines import labels_per_task_curve, train_multitask, train_separate, train_softmax
from .datasets import hide_labels, road_scenes, split

# Sizes: measured on 2 CPU cores with nothing else running, the full run took 21 s and --quick 6 s (several
# times longer when other programs share the cores). per_task: labels per task of experiment 2 (one task per
# image); epochs: the most any network trains (each stops early, after `patience` epochs without a better
# validation accuracy).
FULL = dict(m_train=12_000, m_val=1_000, m_test=3_000, hidden=(64, 32), epochs=60, patience=5,
            per_task=(100, 300, 1_000, 3_000))  # fmt: skip
QUICK = dict(m_train=2_000, m_val=500, m_test=1_000, hidden=(32, 16), epochs=20, patience=5,
             per_task=(50, 100, 200, 500))  # fmt: skip
MISSING = 0.3  # fraction of the training labels made "?" in experiment 1
LEVEL = 0.005  # a gap in mean accuracy smaller than this counts as a tie in the sentence


def add_demo_parser(commands, common) -> None:
    demo = commands.add_parser("demo", help="multi-task vs separate networks vs softmax on road scenes (about 20 s)")
    demo.add_argument("--quick", action="store_true", help="a smaller run that takes about 6 s")
    common(demo, out_default="tinymtl-out")
    demo.set_defaults(run=run_demo)


def run_demo(args) -> int:
    size = QUICK if args.quick else FULL
    data = road_scenes(m=size["m_train"] + size["m_val"] + size["m_test"], seed=args.seed, dtype=args.dtype)
    (X_train, Y_train), validation, (X_test, Y_test) = split(data.X, data.Y, size["m_val"], size["m_test"])
    options = dict(hidden_dims=size["hidden"], seed=args.seed, lr=1e-3, dtype=args.dtype, epochs=size["epochs"],
                   batch_size=64, patience=size["patience"])  # fmt: skip
    print(
        f"road scenes: {data.X.shape[1]} images of {data.image_shape}, n_x = {data.X.shape[0]}, tasks: "
        f"{', '.join(data.task_names)}; backend {get_backend()}, {args.dtype}"
    )
    print(f"every network: hidden layers {size['hidden']}, Adam, early stopping on {size['m_val']} validation images")

    Y_seen = hide_labels(Y_train, MISSING, seed=args.seed)  # what the networks may learn from
    print(
        f"\n1. training on {X_train.shape[1]} images with {np.isnan(Y_seen).mean():.0%} of the labels '?'; "
        f"testing on {X_test.shape[1]} fully labelled images"
    )
    multitask, history = train_multitask(X_train, Y_seen, validation=validation, progress=not args.no_progress,
                                         **options)  # fmt: skip
    models = [multitask]
    for train in (train_separate, train_softmax):
        print(f"training {train.__name__.replace('train_', '')} ...", flush=True)
        models.append(train(X_train, Y_seen, validation=validation, progress=False, **options))
    probabilities = {model.name: model.predict_proba(X_test) for model in models}
    reports = {name: metrics.report(Y_test, P, task_names=data.task_names) for name, P in probabilities.items()}
    print()
    print(comparison_table(reports, models))

    print(
        f"\n2. one task per image: each image keeps the label of one task only; "
        f"{', '.join(f'{n:,}' for n in size['per_task'])} labels per task"
    )
    curve = labels_per_task_curve(X_train, Y_train, validation, (X_test, Y_test), size["per_task"], progress=False,
                                  **options)  # fmt: skip
    print_curve(curve, Y_train.shape[0])
    print(curve_sentence(curve))
    draw_figures(Path(args.out), data, history, Y_seen, X_test, Y_test, probabilities, reports, curve)
    return 0


def print_curve(curve: dict, n_y: int) -> None:
    """The curve as a table: labels per task, images, each model's mean accuracy, the difference."""
    print(f"{'labels per task':>16} {'images':>7} {'one network':>12} {'four networks':>14} {'difference':>11}")
    for n, one, four in zip(curve["per_task"], curve["multi-task"], curve["separate networks"]):
        print(f"{n:>16,} {n_y * n:>7,} {one:>12.3f} {four:>14.3f} {one - four:>+11.3f}")


def curve_sentence(curve: dict) -> str:
    """What the curve shows, in words, from its numbers: where one network is ahead, level or behind, and by how much."""
    gaps = np.subtract(curve["multi-task"], curve["separate networks"])  # one − four, per size
    sizes = curve["per_task"]

    def at(mask):
        return ", ".join(f"{n:,} ({gap:+.3f})" for n, gap, keep in zip(sizes, gaps, mask) if keep)

    parts = [f"{what} at {at(mask)}" for what, mask in (("one network is ahead", gaps >= LEVEL),
             (f"level (within {LEVEL})", np.abs(gaps) < LEVEL), ("four networks are ahead", gaps <= -LEVEL))
             if mask.any()]  # fmt: skip
    best = int(np.argmax(gaps))
    if gaps[best] < LEVEL:
        lesson = "one network never gets ahead in this run."
    elif gaps[-1] < gaps[best] - LEVEL:
        lesson = (f"its lead is largest at {sizes[best]:,} labels per task and down to {gaps[-1]:+.3f} at "
                  f"{sizes[-1]:,}: sharing pays while each task has little data of its own.")  # fmt: skip
    else:
        lesson = "its lead does not shrink over these sizes."
    return f"\nLabels per task (difference in mean accuracy, one network − four): {'; '.join(parts)}. So {lesson}"


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
        lines.append(
            f"{model.name:<20}{model.n_params:>12,}{model.seconds:>11.1f}s{report.exact_match:>13.3f}"
            f"   {np.nanmean(report.accuracy):.3f}"
        )
    lines.append(
        "\nexact match: the share of images whose four answers are all right; softmax can name one "
        "object per image, so it fails every image with two or more."
    )
    return "\n".join(lines)


def draw_figures(out: Path, data, history, Y_seen, X_test, Y_test, probabilities, reports, curve) -> None:
    """The six pictures of the demo, as PNG files in ``out`` (skipped, with a note, without matplotlib)."""
    from . import plots

    names = data.task_names
    figures = {
        "one_vs_four.png": lambda path: plots.accuracy_by_data(curve, path=path),
        "learning_curves.png": lambda path: plots.learning_curves(history, names, path=path),
        "accuracy_by_task.png": lambda path: plots.task_metric_bars(
            {n: r.accuracy for n, r in reports.items()}, names, "accuracy", path=path
        ),
        "label_matrix.png": lambda path: plots.label_matrix(Y_seen, names, path=path),
        "examples.png": lambda path: plots.example_grid(
            X_test, data.image_shape, Y_test, probabilities["multi-task"], names, path=path
        ),
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
