"""Baseline R1: seconds per epoch of ``tm.fit``, against a GEMM floor and PyTorch.

What it measures
----------------
Workload R1 trains ``MLP([3072, 256, 128, 4], hidden="relu", output="sigmoid")``
with ``Adam(lr=1e-3)``, mini-batches of 256, on m = 20,000 synthetic examples
(float32 by default). X is standard normal, ``(n_x, m)``; the labels come from a
fixed random linear teacher, ``Y = 1[T X > 0]``, and 30% of them are replaced by
"?" (NaN) at random. Everything is generated from a seed; nothing is downloaded.

Three things are timed, each for one warm-up epoch and then ``--epochs`` timed
epochs, over the same batches (the shuffles of ``tm.fit(seed=0)``):

``tinymtl``     one ``tm.fit(..., progress=False)`` call; the seconds of each epoch
                are ``History.seconds``. The one-off set-up of ``fit`` (checking X
                and Y and copying them into the device layout) is reported apart.
``GEMM floor``  only the matrix products that an epoch cannot avoid, in NumPy
                (same dtype and BLAS): per batch, the forward ``W[l] A[l−1]`` (3),
                the backward ``dW[l] = dZ[l] A[l−1]ᵀ`` (3) and ``dA[l−1] = W[l]ᵀ dZ[l]``
                for l > 1 (2; dA[0] is never needed). No bias, activation, loss,
                optimizer or batch gathering.
``PyTorch``     if importable: the same network (``nn.Sequential`` of Linear/ReLU,
                starting from tinymtl's initial weights), ``BCEWithLogitsLoss``
                with ``reduction="none"`` masked where Y is NaN and summed / m_batch
                (tinymtl's ``normalizer="m"``), ``torch.optim.Adam`` default and
                ``fused=True``, ``torch.set_num_threads(os.cpu_count())``.

How to read the numbers
-----------------------
``s/epoch`` is the median over the timed epochs. ``GFLOP/s`` is
``6·m·P / (s/epoch)`` with P = Σ_l n_l·n_{l−1} the number of weights (the usual
"forward 2mP + backward 4mP" count; it ignores biases and elementwise work, and
counts dA[0] although nobody computes it, so the GEMMs really done are
≈ 4.1·m·P). It is a throughput on a common scale, not the hardware's rate.

``floor / tinymtl`` is the share of tinymtl's epoch that the unavoidable GEMMs
would take: near 1 means tinymtl is as fast as its BLAS allows; near 0 means
the time goes elsewhere. ``tinymtl / PyTorch`` says how many times longer
tinymtl takes per epoch than PyTorch. ``loss (epoch 1)`` is the mean training
cost of the warm-up epoch: tinymtl and PyTorch start from the same weights and
see the same batches, so the two must agree to about 1e-4 in float32; if they
do not, the timings do not compare the same computation.

Run from the repository root::

    python -m benchmarks               # R1 at full size (minutes)
    python -m benchmarks --quick       # a small m, a few seconds (smoke test)
    python -m benchmarks --m 50000 --epochs 5 --dtype float64
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import time

import numpy as np

import tinymtl as tm
from tinymtl.training import minibatch_indices

LAYER_DIMS = [3072, 256, 128, 4]  # [n_x, n_1, n_2, n_y]
UNKNOWN_FRACTION = 0.3  # share of labels set to "?" (NaN)
LEARNING_RATE = 1e-3
BATCH_SIZE = 256
FULL_M, QUICK_M = 20_000, 2_048
SEED = 0


# --- the workload ------------------------------------------------------------------
def make_data(m: int, dtype: str, seed: int = SEED):
    """X: (n_x, m) standard normal; Y: (n_y, m) = 1[T X > 0] for a fixed random teacher T, 30% NaN."""
    n_x, n_y = LAYER_DIMS[0], LAYER_DIMS[-1]
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((n_x, m), dtype=dtype)  # (n_x, m)
    teacher = rng.standard_normal((n_y, n_x), dtype=dtype)  # T: (n_y, n_x)
    Y = (teacher @ X > 0).astype(dtype)  # (n_y, m) of 0 and 1
    Y[rng.random((n_y, m)) < UNKNOWN_FRACTION] = np.nan  # "?"
    return X, Y


def epoch_schedule(m: int, epochs: int, seed: int = SEED):
    """The column indices of every batch of every epoch, exactly as ``tm.fit(seed=seed)`` draws them."""
    rng = np.random.default_rng(seed)
    return [minibatch_indices(m, BATCH_SIZE, rng) for _ in range(epochs)]


def n_weights(layer_dims) -> int:
    """P = Σ_l n_l·n_{l−1}: the weights of the GEMMs (biases left out)."""
    return sum(n * n_prev for n_prev, n in zip(layer_dims[:-1], layer_dims[1:]))


# --- tinymtl -----------------------------------------------------------------------
def time_tinymtl(X, Y, dtype: str, epochs: int):
    """Seconds per epoch (median of ``epochs`` after one warm-up), loss of epoch 1, set-up seconds."""
    net = tm.MLP(LAYER_DIMS, hidden="relu", output="sigmoid", seed=SEED, dtype=dtype)
    initial = {name: tm.to_numpy(p).copy() for name, p in net.params.items()}  # for PyTorch
    start = time.perf_counter()
    history = tm.fit(net, X, Y, tm.Adam(lr=LEARNING_RATE), epochs=1 + epochs, batch_size=BATCH_SIZE,
                     seed=SEED, progress=False)
    setup = time.perf_counter() - start - sum(history.seconds)  # checks and copies, once per call
    return statistics.median(history.seconds[1:]), history.loss[0], setup, initial


# --- the GEMM floor ----------------------------------------------------------------
def gemm_operands(m_b: int, dtype: str, rng):
    """Random W[l], A[l−1] and dZ[l] of the shapes of one batch of m_b examples."""
    W = [rng.standard_normal((n, n_prev), dtype=dtype) for n_prev, n in zip(LAYER_DIMS[:-1], LAYER_DIMS[1:])]
    A = [rng.standard_normal((n, m_b), dtype=dtype) for n in LAYER_DIMS[:-1]]  # A[0..L−1]: (n_{l−1}, m_b)
    dZ = [rng.standard_normal((n, m_b), dtype=dtype) for n in LAYER_DIMS[1:]]  # dZ[1..L]: (n_l, m_b)
    return W, A, dZ


def batch_gemms(W, A, dZ) -> None:
    """The 8 products of one batch: 3 forward, 3 dW, 2 dA (not dA[0]); results written to fresh arrays."""
    for l in range(len(W)):  # 0-based: W[l] is the lecture's W[l+1]
        W[l] @ A[l]  # Z: (n_l, m_b)
        dZ[l] @ A[l].T  # dW: (n_l, n_{l−1})
        if l > 0:
            W[l].T @ dZ[l]  # dA[l−1]: (n_{l−1}, m_b)


def time_gemm_floor(schedule, dtype: str):
    """Seconds per epoch of :func:`batch_gemms` over the batch sizes of each epoch (median, after a warm-up)."""
    rng = np.random.default_rng(SEED)
    operands = {len(c): gemm_operands(len(c), dtype, rng) for c in schedule[0]}  # one set per batch size
    seconds = []
    for batches in schedule:
        start = time.perf_counter()
        for columns in batches:
            batch_gemms(*operands[len(columns)])
        seconds.append(time.perf_counter() - start)
    return statistics.median(seconds[1:])


# --- PyTorch -----------------------------------------------------------------------
def torch_model(torch, initial: dict, dtype):
    """nn.Sequential(Linear, ReLU, ..., Linear) holding tinymtl's initial W[l], b[l]."""
    L = len(LAYER_DIMS) - 1
    layers = []
    for l in range(1, L + 1):
        linear = torch.nn.Linear(LAYER_DIMS[l - 1], LAYER_DIMS[l], dtype=dtype)
        with torch.no_grad():
            linear.weight.copy_(torch.from_numpy(initial[f"W{l}"]))  # (n_l, n_{l−1}), as in tinymtl
            linear.bias.copy_(torch.from_numpy(initial[f"b{l}"].ravel()))  # (n_l, 1) -> (n_l,)
        layers += [linear, torch.nn.ReLU()] if l < L else [linear]
    return torch.nn.Sequential(*layers)


def torch_epoch(torch, model, optimizer, X_t, Y_t, batches) -> float:
    """One epoch over ``batches``; returns the mean cost (one sync, like tinymtl's fit)."""
    bce = torch.nn.BCEWithLogitsLoss(reduction="none")
    total = torch.zeros((), dtype=X_t.dtype)
    for columns in batches:
        rows = torch.from_numpy(columns)
        xb, yb = X_t.index_select(0, rows), Y_t.index_select(0, rows)  # (m_b, n_x), (m_b, n_y)
        known = ~torch.isnan(yb)  # M
        losses = bce(model(xb), torch.where(known, yb, 0.0))  # (m_b, n_y)
        J = torch.where(known, losses, 0.0).sum() / xb.shape[0]  # normalizer "m"
        optimizer.zero_grad(set_to_none=True)
        J.backward()
        optimizer.step()
        total += J.detach() * xb.shape[0]
    return float(total) / X_t.shape[0]


def time_torch(torch, X, Y, initial: dict, schedule, fused: bool):
    """Seconds per epoch (median after a warm-up) and the loss of epoch 1, for one Adam variant."""
    X_t = torch.from_numpy(np.ascontiguousarray(X.T))  # (m, n_x): PyTorch puts examples in rows
    Y_t = torch.from_numpy(np.ascontiguousarray(Y.T))  # (m, n_y)
    model = torch_model(torch, initial, X_t.dtype)
    optimizer = torch.optim.Adam(model.parameters(), lr=LEARNING_RATE, fused=fused or None)
    seconds, losses = [], []
    for batches in schedule:
        start = time.perf_counter()
        losses.append(torch_epoch(torch, model, optimizer, X_t, Y_t, batches))
        seconds.append(time.perf_counter() - start)
    return statistics.median(seconds[1:]), losses[0]


def import_torch():
    """The torch module with one thread per core, or None when it is not installed."""
    try:
        import torch
    except ImportError:
        return None
    torch.set_num_threads(os.cpu_count())
    return torch


# --- report ------------------------------------------------------------------------
def cpu_name() -> str:
    """The CPU's model name from /proc/cpuinfo (Linux), else what :mod:`platform` knows."""
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def blas_name() -> str:
    try:
        return np.__config__.CONFIG["Build Dependencies"]["blas"]["name"]
    except (AttributeError, KeyError, TypeError):
        return "unknown BLAS"


def print_header(args, m: int, n_batches: int, P: int, torch) -> None:
    print(f"tinymtl benchmark R1: MLP({LAYER_DIMS}), relu hidden, sigmoid outputs, "
          f"{UNKNOWN_FRACTION:.0%} '?' labels, Adam lr={LEARNING_RATE:g}, batch {BATCH_SIZE}")
    print(f"m = {m:,}, {args.dtype}, {n_batches} batches/epoch, P = {P:,} weights; "
          f"1 warm-up epoch, then the median of {args.epochs} timed")
    torch_text = f"torch {torch.__version__} ({torch.get_num_threads()} threads)" if torch else "torch not installed"
    print(f"machine: {cpu_name()}, {os.cpu_count()} cores; numpy {np.__version__} ({blas_name()}); "
          f"{torch_text}; tinymtl backend {tm.get_backend()!r}")
    print(f"GFLOP/s = 6·m·P / (s/epoch), with 6·m·P = {6 * m * P / 1e9:.1f} GFLOP per epoch")
    print()


def print_row(name: str, seconds: float, flops: float, loss: float | None = None) -> None:
    loss_text = f"{loss:16.6f}" if loss is not None else ""
    print(f"{name:<24}{seconds:10.3f}{flops / seconds / 1e9:10.2f}{loss_text}")


def parse_args(argv=None):
    parser = argparse.ArgumentParser(prog="python -m benchmarks", description=__doc__.split("\n")[0])
    parser.add_argument("--m", type=int, default=None, help=f"number of examples (default {FULL_M:,})")
    parser.add_argument("--epochs", "--rounds", type=int, default=None,
                        help="timed epochs, after 1 warm-up (default 3; 2 with --quick)")
    parser.add_argument("--quick", action="store_true", help=f"m = {QUICK_M:,} unless --m is given: a few seconds")
    parser.add_argument("--dtype", choices=["float32", "float64"], default="float32")
    args = parser.parse_args(argv)
    if args.m is None:
        args.m = QUICK_M if args.quick else FULL_M
    if args.epochs is None:
        args.epochs = 2 if args.quick else 3
    if args.m < 1 or args.epochs < 1:
        parser.error("--m and --epochs must be at least 1")
    return args


def main(argv=None) -> int:
    args = parse_args(argv)
    torch = import_torch()
    X, Y = make_data(args.m, args.dtype)
    schedule = epoch_schedule(args.m, 1 + args.epochs)
    P = n_weights(LAYER_DIMS)
    flops = 6 * args.m * P  # per epoch
    print_header(args, args.m, len(schedule[0]), P, torch)

    # NumPy first: PyTorch's idle OpenMP threads could otherwise compete with OpenBLAS's.
    ours, ours_loss, setup, initial = time_tinymtl(X, Y, args.dtype, args.epochs)
    floor = time_gemm_floor(schedule, args.dtype)
    print(f"{'':<24}{'s/epoch':>10}{'GFLOP/s':>10}{'loss (epoch 1)':>16}")
    print_row("tinymtl fit", ours, flops, ours_loss)
    print_row("GEMM floor (NumPy)", floor, flops)
    ratios = [f"floor / tinymtl = {floor / ours:.3f}"]
    if torch is None:
        print("PyTorch is not installed: no comparison (pip install torch to get one).")
    for fused in ((False, True) if torch else ()):
        name = "PyTorch Adam fused" if fused else "PyTorch Adam"
        seconds, loss = time_torch(torch, X, Y, initial, schedule, fused)
        print_row(name, seconds, flops, loss)
        ratios.append(f"tinymtl / {name} = {ours / seconds:.2f}")
    print()
    print("ratios (time): " + "; ".join(ratios))
    print(f"tinymtl fit() one-off set-up (input checks, copy to device layout): {setup:.3f} s, not in s/epoch")
    return 0
