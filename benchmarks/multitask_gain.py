"""When does one network beat four? The road scenes' sharing, measured against issue 10's targets.

Run from the repository root (about 15 minutes on 2 CPU cores; ``--quick``, a smoke
test of a few seconds)::

    python -m benchmarks.multitask_gain                  # seeds 0, 1, 2: the figures in tinymtl/datasets/roads.py
    python -m benchmarks.multitask_gain --seeds 10 11 12 # the seeds the design was chosen on
    python -m benchmarks.multitask_gain --only small     # just part 1

Every contender is trained the same way: ``Adam(lr=1e-3)``, mini-batches of 64, at most
``EPOCHS`` epochs with early stopping (``patience=PATIENCE``) on ``M_VAL`` validation
images whose every label is known (the multi-task network on its mean accuracy over the
four tasks, separate network j on task j), float32, inputs as ``road_scenes`` returns them
(centred). Accuracy is on ``M_TEST`` other images, every label known. Per seed, one draw of
``road_scenes(m=M_TRAIN + M_VAL + M_TEST, seed)``: the first images train, the next
validate, the last test.

1. **small**: one task per image (``hide_labels(Y, pattern="one_task")``: each image keeps
   one label, the tasks taking turns), 250 and 1,000 labels per task (1,000 and 4,000
   images). ``MLP([n_x, 128, 64, 4])`` against four ``MLP([n_x, 128, 64, 1])``, network j on
   the images labelled for task j. With ``shared=True`` (the default scenes) and
   ``shared=False`` (every object independent of the others).
2. **full**: every label known, 20,000 images: the same two models (shared=True).
3. **depth**: every label known, 4,000 images: logistic regression ``MLP([n_x, 4])``
   against ``MLP([n_x, 128, 64, 4])``.

It prints per seed and the mean over the seeds; "gain" is one network's mean accuracy
minus the four networks'.
"""

from __future__ import annotations

import argparse
import time

import numpy as np

from tinymtl.baselines import labels_per_task_curve, one_vs_separate, train_multitask
from tinymtl.datasets import road_scenes
from tinymtl.metrics import per_task_accuracy

M_TRAIN, M_VAL, M_TEST = 20_000, 3_000, 3_000
PER_TASK = (250, 1_000)  # labels per task in part 1
M_DEPTH = 4_000  # images in part 3
HIDDEN = (128, 64)
EPOCHS, PATIENCE, BATCH_SIZE, LR = 200, 10, 64, 1e-3
QUICK = dict(m_train=400, m_val=300, m_test=300, per_task=(50,), m_depth=400, epochs=3)
FIT = dict(lr=LR, batch_size=BATCH_SIZE, dtype="float32", progress=False)


def draw(seed: int, m_train: int, m_val: int, m_test: int, shared: bool = True):
    """(X_train, Y_train), (X_val, Y_val), (X_test, Y_test) from one draw of road scenes."""
    data = road_scenes(m=m_train + m_val + m_test, seed=seed, shared=shared, dtype="float32")
    X, Y = data.X, data.Y
    cut = (slice(0, m_train), slice(m_train, m_train + m_val), slice(m_train + m_val, None))
    return [(X[:, part], Y[:, part]) for part in cut]


def one_vs_four(train, validation, test, seed: int, epochs: int) -> tuple[float, float]:
    """Mean test accuracy of one network and of four separate ones, trained on ``train``."""
    scores = one_vs_separate(*train, validation, test, HIDDEN, seed=seed, epochs=epochs, patience=PATIENCE, **FIT)
    return tuple(float(np.mean(scores[name][1])) for name in ("multi-task", "separate networks"))


def part_small(seeds, sizes: dict) -> None:
    print(f"1. one task per image; {sizes['m_val']:,} validation, {sizes['m_test']:,} test images")
    print(f"{'shared':>7} {'per task':>9} {'seed':>5} {'one net':>8} {'four nets':>10} {'gain':>7} {'s':>5}")
    for shared in (True, False):
        curves = []
        for seed in seeds:
            start = time.perf_counter()
            train, validation, test = draw(seed, sizes["m_train"], sizes["m_val"], sizes["m_test"], shared)
            curve = labels_per_task_curve(*train, validation, test, sizes["per_task"], hidden_dims=HIDDEN, seed=seed,
                                          epochs=sizes["epochs"], patience=PATIENCE, **FIT)  # fmt: skip
            curves.append(curve)
            seconds = time.perf_counter() - start
            for n, one, four in zip(curve["per_task"], curve["multi-task"], curve["separate networks"]):
                print(f"{shared!s:>7} {n:>9,} {seed:>5} {one:>8.3f} {four:>10.3f} {one - four:>+7.3f} {seconds:>5.0f}")
        for k, n in enumerate(sizes["per_task"]):
            one, four = (np.mean([c[name][k] for c in curves]) for name in ("multi-task", "separate networks"))
            print(f"{shared!s:>7} {n:>9,} {'mean':>5} {one:>8.3f} {four:>10.3f} {one - four:>+7.3f}", flush=True)


def part_full(seeds, sizes: dict) -> None:
    print(f"\n2. every label known, {sizes['m_train']:,} images")
    print(f"{'seed':>5} {'one net':>8} {'four nets':>10} {'gain':>7} {'s':>5}")
    results = []
    for seed in seeds:
        start = time.perf_counter()
        train, validation, test = draw(seed, sizes["m_train"], sizes["m_val"], sizes["m_test"])
        one, four = one_vs_four(train, validation, test, seed, sizes["epochs"])
        results.append((one, four))
        print(
            f"{seed:>5} {one:>8.3f} {four:>10.3f} {one - four:>+7.3f} {time.perf_counter() - start:>5.0f}", flush=True
        )
    one, four = np.mean(results, axis=0)
    print(f"{'mean':>5} {one:>8.3f} {four:>10.3f} {one - four:>+7.3f}")


def part_depth(seeds, sizes: dict) -> None:
    print(f"\n3. every label known, {sizes['m_depth']:,} images: logistic regression vs the MLP")
    print(f"{'seed':>5} {'logistic':>9} {'MLP':>6} {'per task (MLP)':>28}")
    results = []
    for seed in seeds:
        train, validation, (X_test, Y_test) = draw(seed, sizes["m_depth"], sizes["m_val"], sizes["m_test"])
        scores = []
        for hidden in ((), HIDDEN):
            model, _ = train_multitask(*train, hidden_dims=hidden, seed=seed, validation=validation,
                                       epochs=sizes["epochs"], patience=PATIENCE, **FIT)  # fmt: skip
            scores.append(per_task_accuracy(Y_test, model.predict_proba(X_test)))
        results.append([s.mean() for s in scores])
        print(f"{seed:>5} {scores[0].mean():>9.3f} {scores[1].mean():>6.3f} {np.round(scores[1], 3)!s:>28}", flush=True)
    logistic, mlp = np.mean(results, axis=0)
    print(f"{'mean':>5} {logistic:>9.3f} {mlp:>6.3f}")


PARTS = {"small": part_small, "full": part_full, "depth": part_depth}


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, nargs="+", default=[0, 1, 2])
    parser.add_argument("--only", choices=sorted(PARTS), nargs="+", help="run only these parts")
    parser.add_argument("--quick", action="store_true", help="tiny sizes and 3 epochs: a smoke test, not the figures")
    args = parser.parse_args(argv)
    full = dict(m_train=M_TRAIN, m_val=M_VAL, m_test=M_TEST, per_task=PER_TASK, m_depth=M_DEPTH, epochs=EPOCHS)
    sizes = QUICK if args.quick else full
    start = time.perf_counter()
    for name in args.only or PARTS:
        PARTS[name](args.seeds, sizes)
    print(f"\ndone in {time.perf_counter() - start:.0f} s")


if __name__ == "__main__":
    main()
