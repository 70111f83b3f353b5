"""How ``tm.fit``'s time per epoch grows with the number of examples m and with the width of the network.

Run from the repository root (a few minutes; it needs about 5 GB of memory for m = 200,000)::

    python -m benchmarks --scale                # float32
    python -m benchmarks --scale --quick        # small sizes: a smoke test, not the figures

Two tables, both with R1's set-up (ReLU, sigmoid outputs, 30% "?" labels,
``Adam(lr=1e-3)``, batch 256), tinymtl and the GEMM floor of
:mod:`benchmarks.baseline` timed in the same run, alternately for ``--rounds``
rounds (each: 1 warm-up epoch, then ``--epochs`` timed epochs; the medians of
the timed epochs):

1. **against m** (10k, 50k, 100k, 200k) for ``MLP([3072, 256, 128, 4])``: an epoch
   is m / 256 steps of the same cost, so the time should grow linearly in m
   (the µs per example column stays flat);
2. **against width** w (64 ... 1024) for ``MLP([3072, w, w/2, 4])`` at m = 20,000:
   the GEMMs cost 6·m·P with P ≈ 3072·w + w²/2, so the time should follow the
   GEMM floor (``floor/this`` stays roughly level), apart from the small widths
   where the per-step overhead (Adam over P numbers, the loss, Python) is not
   negligible next to GEMMs that small.
"""

from __future__ import annotations

import statistics

from .baseline import SEED, Workload, epoch_schedule, make_data, time_gemm_floor, time_tinymtl

M_VALUES, QUICK_M_VALUES = (10_000, 50_000, 100_000, 200_000), (2_048, 4_096)
WIDTHS, QUICK_WIDTHS = (64, 128, 256, 512, 1024), (64, 256)
WIDTH_M, QUICK_WIDTH_M = 20_000, 2_048
BATCH_SIZE = 256


def measure(workload: Workload, m: int, dtype: str, epochs: int, rounds: int):
    """(tinymtl s/epoch, floor s/epoch): medians of all timed epochs of ``rounds`` interleaved rounds."""
    X, Y, _ = make_data(workload.layer_dims, m, dtype, SEED)
    schedule = epoch_schedule(m, workload.batch_size, 1 + epochs)
    ours, floor = [], []
    for _ in range(rounds):
        ours += time_tinymtl(workload, X, Y, dtype, epochs)[0]
        floor += time_gemm_floor(workload, schedule, dtype)[0]
    return statistics.median(ours), statistics.median(floor)


def print_row(label: str, workload: Workload, m: int, ours: float, floor: float) -> None:
    flops = workload.flops(m)
    print(f"{label:<24}{ours:10.3f}{1e6 * ours / m:11.2f}{flops / ours / 1e9:10.1f}{floor:10.3f}{floor / ours:11.3f}")


def main(args) -> int:
    quick = args.quick
    print(
        f"tinymtl fit: time per epoch against m and width; {args.dtype}, batch {BATCH_SIZE}, Adam lr=1e-3; "
        f"{args.rounds} rounds (tinymtl, then the floor), each 1 warm-up + {args.epochs} timed epochs; medians"
    )
    header = f"{'':<24}{'s/epoch':>10}{'µs/example':>11}{'GFLOP/s':>10}{'floor s':>10}{'floor/this':>11}"
    r1 = Workload("R1", (3072, 256, 128, 4), BATCH_SIZE)
    print(f"\nagainst m: MLP({list(r1.layer_dims)})")
    print(header)
    for m in QUICK_M_VALUES if quick else M_VALUES:
        print_row(f"m = {m:,}", r1, m, *measure(r1, m, args.dtype, args.epochs, args.rounds))
    m = QUICK_WIDTH_M if quick else WIDTH_M
    print(f"\nagainst width w: MLP([3072, w, w/2, 4]), m = {m:,}")
    print(header)
    for w in QUICK_WIDTHS if quick else WIDTHS:
        workload = Workload(f"w{w}", (3072, w, w // 2, 4), BATCH_SIZE)
        times = measure(workload, m, args.dtype, args.epochs, args.rounds)
        print_row(f"w = {w} (P = {workload.n_weights:,})", workload, m, *times)
    return 0
