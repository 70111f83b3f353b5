"""The road-scene data set, measured: how hard it is, and how fast it is made.

Run from the repository root (about a minute on 2 CPU cores)::

    python -m benchmarks.datasets            # the figures quoted in tinymtl/datasets/roads.py
    python -m benchmarks.datasets --quick    # small sizes, a few seconds (a smoke test, not the figures)

What it prints
--------------
1. **Generation speed**: seconds to make ``road_scenes(m=50000)`` in float32 and
   float64 (the best of ``--repeats`` calls) and images per second.
2. **Difficulty**: networks trained on ``road_scenes(m=M_TRAIN, seed=0)`` and scored on
   held-out ``road_scenes(m=M_TEST, seed=1)``, per-task accuracy and training seconds:

   * ``logistic``: one layer, ``MLP([n_x, 4])``: logistic regression on raw pixels;
   * ``default``: ``MLP([n_x, 128, 64, 4])``, ReLU, sigmoid outputs: the default network;
   * ``default, raw X``: the same network fed the raw [0, 1] pixels ``X + 0.5`` instead of
     ``X`` as ``road_scenes`` returns it (centred: pixel − 0.5);
   * ``default, 30% '?' labels``: the same network, with 30% of the training labels
     hidden at random (``hide_labels(Y, 0.3)``), as ``tinymtl demo`` does;
   * ``default, float64``: the same network in float64 (tinymtl's default dtype);
   * ``default, 9,600 images, 30% '?'``: less data (the first 48% of the training set,
     an 80/20 split of 12,000 images) with 30% "?" labels, and 15 epochs (3/4 of ``EPOCHS``).

   All use ``Adam(lr=1e-3)``, mini-batches of 128, ``EPOCHS`` epochs, float32 (but the
   last row) and the same shuffles (``seed=0``); the input is ``X`` as the data set
   returns it (pixels centred on 0) except in the "raw X" row. Accuracy is on the held-out set (all
   labels known), after the last epoch; "train s" is the wall-clock time of ``tm.fit``.
3. **Shortcuts**: the held-out accuracy of the best single-pixel threshold per task
   (a rule "pixel p above/below t"), beside the share of the majority class, and the
   co-occurrence P(stop sign and traffic light) against P(stop sign)·P(traffic light).
"""

from __future__ import annotations

import argparse
import time

import numpy as np

import tinymtl as tm
from tinymtl.datasets import hide_labels, road_scenes

M_TRAIN, M_TEST, M_SPEED = 20_000, 5_000, 50_000
QUICK_M_TRAIN, QUICK_M_TEST, QUICK_M_SPEED = 2_000, 1_000, 5_000
EPOCHS, QUICK_EPOCHS = 20, 2
HIDDEN = (128, 64)  # the default network's hidden layers
LR, BATCH_SIZE = 1e-3, 128


def time_generation(m: int, repeats: int) -> dict:
    """Best seconds of ``road_scenes(m)`` per dtype."""
    best = {}
    for dtype in ("float32", "float64"):
        times = []
        for _ in range(repeats):
            start = time.perf_counter()
            road_scenes(m=m, seed=0, dtype=dtype)
            times.append(time.perf_counter() - start)
        best[dtype] = min(times)
    return best


def train(X, Y, X_test, Y_test, hidden, epochs: int):
    """Per-task held-out accuracy (n_y,), and seconds of ``tm.fit`` (total, median epoch × epochs)."""
    net = tm.MLP([X.shape[0], *hidden, Y.shape[0]], seed=0, dtype=X.dtype.name)
    start = time.perf_counter()
    history = tm.fit(net, X, Y, optimizer=tm.Adam(lr=LR), epochs=epochs, batch_size=BATCH_SIZE, seed=0,
                     progress=False)  # fmt: skip
    seconds = (time.perf_counter() - start, float(np.median(history.seconds)) * epochs)
    return tm.metrics.per_task_accuracy(Y_test, net.predict_proba(X_test)), seconds


def best_single_pixel(X, Y, X_test, Y_test) -> np.ndarray:
    """Held-out accuracy, per task, of the best rule "pixel p > t" or "pixel p <= t" chosen on the training set."""
    m = X.shape[1]
    order = np.argsort(X, axis=1)  # (n_x, m): the examples sorted by each pixel
    result = []
    for y, y_test in zip(Y, Y_test):  # one task at a time
        positives_below = np.cumsum(y[order], axis=1)  # (n_x, m): positives among the k+1 smallest values
        below = np.arange(1, m + 1)
        accuracy_above = ((below - positives_below) + (y.sum() - positives_below)) / m  # rule "pixel > threshold"
        flip = accuracy_above < 0.5  # the rule "pixel <= threshold" is better
        score = np.where(flip, 1 - accuracy_above, accuracy_above)
        p, k = np.unravel_index(np.argmax(score), score.shape)
        threshold = X[p, order[p, k]]
        predicted = (X_test[p] > threshold) != flip[p, k]
        result.append(np.mean(predicted == y_test))
    return np.array(result)


def print_accuracy_table(rows: dict, task_names) -> None:
    """One row per model: per-task accuracy, their mean and (if timed) the training seconds."""
    print(f"{'held-out accuracy':<32}" + "".join(f"{name:>14}" for name in task_names)
          + f"{'mean':>7}{'train s':>9}{'(median)':>9}")  # fmt: skip
    for label, (accuracy, seconds) in rows.items():
        timing = f"{seconds[0]:>9.1f}{seconds[1]:>9.1f}" if seconds else ""
        print(f"{label:<32}" + "".join(f"{a:>14.3f}" for a in accuracy) + f"{np.mean(accuracy):>7.3f}{timing}")


def parse_args(argv=None):
    parser = argparse.ArgumentParser(prog="python -m benchmarks.datasets", description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="small sizes and 2 epochs: a smoke test in seconds")
    parser.add_argument("--repeats", type=int, default=3, help="calls per dtype when timing generation (best kept)")
    return parser.parse_args(argv)


def main(argv=None) -> int:
    args = parse_args(argv)
    sizes = (QUICK_M_TRAIN, QUICK_M_TEST, QUICK_M_SPEED) if args.quick else (M_TRAIN, M_TEST, M_SPEED)
    m_train, m_test, m_speed = sizes
    epochs = QUICK_EPOCHS if args.quick else EPOCHS

    best = time_generation(m_speed, args.repeats)
    print(f"generation: road_scenes(m={m_speed:,}), 24x24 RGB, best of {args.repeats}")
    for dtype, seconds in best.items():
        print(f"  {dtype}: {seconds:.2f} s  ({m_speed / seconds:,.0f} images/s)")

    train_set = road_scenes(m=m_train, seed=0, dtype="float32")
    test_set = road_scenes(m=m_test, seed=1, dtype="float32")
    X, X_test, Y, Y_test = train_set.X, test_set.X, train_set.Y, test_set.Y  # centred pixels: (n_x, m)
    n_x = X.shape[0]
    print(f"\ndifficulty: train road_scenes(m={m_train:,}, seed=0), held out road_scenes(m={m_test:,}, seed=1); "
          f"Adam lr={LR:g}, batch {BATCH_SIZE}, {epochs} epochs, float32, input X (centred)")  # fmt: skip
    X64, X64_test = X.astype(np.float64), X_test.astype(np.float64)
    m_small = m_train * 12 // 25  # 9,600 of 20,000: the training part of an 80/20 split of 12,000 images
    rows = {
        f"logistic [{n_x}, 4]": train(X, Y, X_test, Y_test, (), epochs),
        f"default [{n_x}, {HIDDEN[0]}, {HIDDEN[1]}, 4]": train(X, Y, X_test, Y_test, HIDDEN, epochs),
        "default, raw X": train(X + 0.5, Y, X_test + 0.5, Y_test, HIDDEN, epochs),  # pixels in [0, 1]
        "default, 30% '?' labels": train(X, hide_labels(Y, 0.3, seed=0), X_test, Y_test, HIDDEN, epochs),
        "default, float64": train(X64, Y, X64_test, Y_test, HIDDEN, epochs),
        f"default, {m_small:,} images, 30% '?'": train(
            X[:, :m_small], hide_labels(Y[:, :m_small], 0.3, seed=0), X_test, Y_test, HIDDEN, max(1, epochs * 3 // 4)
        ),
    }
    print_accuracy_table(rows, train_set.task_names)
    print("(train s: wall-clock seconds of tm.fit; (median): the median epoch times the epochs, which a burst of "
          "other work on the machine disturbs less)")  # fmt: skip
    single_pixel = best_single_pixel(train_set.X, Y, test_set.X, Y_test)
    majority = np.maximum(Y_test.mean(axis=1), 1 - Y_test.mean(axis=1))
    print()
    print_accuracy_table({"best single pixel": (single_pixel, None), "majority class": (majority, None)},
                         train_set.task_names)  # fmt: skip

    stop, light = train_set.Y[2] == 1, train_set.Y[3] == 1
    print(f"\nco-occurrence (training set): P(stop sign and traffic light) = {np.mean(stop & light):.3f}, "
          f"P(stop sign) P(traffic light) = {np.mean(stop) * np.mean(light):.3f}")  # fmt: skip
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
