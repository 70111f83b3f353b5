"""Training speed: seconds per epoch of ``tm.fit`` on R1 and R2, against a GEMM floor, PyTorch and scikit-learn.

What it measures
----------------
Two workloads, both with ReLU hidden layers, sigmoid outputs (4 tasks), 30% of
the labels "?" (NaN), ``Adam(lr=1e-3)``, m = 20,000 examples, float32:

``R1``  ``MLP([3072, 256, 128, 4])``, batch 256 (79 steps an epoch): GEMM-bound.
``R2``  ``MLP([64, 32, 4])``, batch 64 (313 steps an epoch): overhead-bound, the
        time goes to the Python and NumPy calls of each step, not to arithmetic.

X is standard normal, ``(n_x, m)`` in Fortran order (as tinymtl's data sets
return it: a mini-batch of columns is then contiguous); the labels come from a
fixed random linear teacher, ``Y = 1[T X > 0]``, and 30% of them are replaced by
"?" at random. Everything comes from a seed; nothing is downloaded.

The contenders, each timed for one warm-up epoch and then ``--epochs`` epochs,
over the same batches (the shuffles of ``tm.fit(seed=0)``), once per round;
the rounds (``--rounds``) interleave the contenders, so that a burst of load
from another process on a shared machine hits them all alike:

``tinymtl``       one ``tm.fit(..., progress=False)`` call; the seconds of each
                  epoch are ``History.seconds``.
``GEMM floor``    only the matrix products an epoch cannot avoid, in NumPy (same
                  dtype and BLAS): per batch, the forward ``W[l] A[l−1]``, the
                  backward ``dW[l] = dZ[l] A[l−1]ᵀ`` and ``dA[l−1] = W[l]ᵀ dZ[l]`` for
                  l > 1 (dA[0] is never needed). No bias, activation, loss,
                  optimizer or batch gathering; operands reused (warm caches).
``PyTorch``       if importable: the same network (``nn.Sequential`` of Linear/ReLU,
                  from tinymtl's initial weights), ``BCEWithLogitsLoss`` with
                  ``reduction="none"`` masked where Y is NaN and summed / m_batch
                  (tinymtl's ``normalizer="m"``), ``torch.optim.Adam`` default and
                  ``fused=True``, ``torch.set_num_threads(os.cpu_count())``.
``scikit-learn``  if importable: ``MLPClassifier`` with the same hidden layers, ReLU,
                  ``solver="adam"``, the same batch size and learning rate, no L2,
                  one ``partial_fit`` per epoch. It has no "?" labels, so it gets the
                  teacher's labels in full: a reference for time only (its own
                  initial weights and shuffles; its loss is not comparable).

How to read the numbers
-----------------------
``s/epoch`` is the median over all timed epochs of all rounds. ``GFLOP/s`` is
``6·m·P / (s/epoch)`` with P = Σ_l n_l·n_{l−1} the number of weights (the usual
"forward 2mP + backward 4mP" count; it ignores biases and elementwise work and
counts dA[0], which nobody computes). It is a throughput on a common scale, not
the hardware's rate. ``floor/this`` is the GEMM floor's time over the row's
time: near 1, the row runs at the speed of its matrix products; near 0, the
time goes elsewhere. ``peak MB`` is the most memory ``fit`` (or ``partial_fit``)
allocated beyond the data during one extra epoch, traced by :mod:`tracemalloc`
(NumPy reports its allocations there; PyTorch's are invisible to it). The
memory target is ``peak ≤ 10% of the data + the model``, where the model is
θ, dθ and Adam's three arrays (5·P numbers). ``loss (epoch 1)`` is the mean
training cost of the warm-up epoch: tinymtl and PyTorch start from the same
weights and see the same batches, so the two must agree to about 1e-4 in
float32; otherwise the rows do not time the same computation.

Run from the repository root::

    python -m benchmarks                   # R1 and R2 at m = 20,000 (about a minute)
    python -m benchmarks --quick           # m = 2,048, one round: a few seconds (smoke test)
    python -m benchmarks --workload R2 --rounds 5 --dtype float64
    python -m benchmarks --scale           # time per epoch against m and width (see benchmarks/scale.py)
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import time
import tracemalloc
from dataclasses import dataclass

import numpy as np

import tinymtl as tm
from tinymtl.training import minibatch_indices

UNKNOWN_FRACTION = 0.3  # share of labels set to "?" (NaN)
LEARNING_RATE = 1e-3
FULL_M, QUICK_M = 20_000, 2_048
SEED = 0
# Before each contender: a pause, so that the previous library's idle threads stop spinning (OpenBLAS's
# spin about 0.1 s after a GEMM, PyTorch's OpenMP threads too) and each contender starts on idle cores.
SETTLE_SECONDS = 0.3


@dataclass(frozen=True)
class Workload:
    """A network shape and a batch size; the rest (m, dtype, Adam) is common to all workloads."""

    name: str
    layer_dims: tuple  # [n_x, n_1, ..., n_y]
    batch_size: int

    @property
    def n_weights(self) -> int:
        """P = Σ_l n_l·n_{l−1}: the weights of the GEMMs (biases left out)."""
        dims = self.layer_dims
        return sum(n * n_prev for n_prev, n in zip(dims[:-1], dims[1:]))

    @property
    def n_params(self) -> int:
        """Weights and biases: the length of tinymtl's θ."""
        return self.n_weights + sum(self.layer_dims[1:])

    def flops(self, m: int) -> float:
        """6·m·P: the conventional floating-point operations of one epoch."""
        return 6.0 * m * self.n_weights


WORKLOADS = {
    "R1": Workload("R1", (3072, 256, 128, 4), batch_size=256),
    "R2": Workload("R2", (64, 32, 4), batch_size=64),
}


# --- the data ------------------------------------------------------------------------
def make_data(layer_dims, m: int, dtype: str, seed: int = SEED):
    """X: (n_x, m) standard normal; Y: (n_y, m) = 1[T X > 0], 30% NaN; Y_full: the same, no NaN. All Fortran-ordered.

    Each array is made as the C-ordered (m, n) array of its rows of examples and
    transposed: a Fortran-ordered (n, m) view, the layout ``fit`` keeps, so ``fit``
    copies nothing (as with the arrays of :mod:`tinymtl.datasets`).
    """
    n_x, n_y = layer_dims[0], layer_dims[-1]
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((m, n_x), dtype=dtype).T  # (n_x, m)
    teacher = rng.standard_normal((n_y, n_x), dtype=dtype)  # T: (n_y, n_x)
    Y_full = (X.T @ teacher.T > 0).astype(dtype).T  # (n_y, m) of 0 and 1
    Y = Y_full.copy(order="F")
    Y[rng.random((n_y, m)) < UNKNOWN_FRACTION] = np.nan  # "?"
    return X, Y, Y_full


def epoch_schedule(m: int, batch_size: int, epochs: int, seed: int = SEED):
    """The column indices of every batch of every epoch, exactly as ``tm.fit(seed=seed)`` draws them."""
    rng = np.random.default_rng(seed)
    return [minibatch_indices(m, batch_size, rng) for _ in range(epochs)]


# --- tinymtl -----------------------------------------------------------------------
def new_net(workload: Workload, dtype: str):
    return tm.MLP(list(workload.layer_dims), hidden="relu", output="sigmoid", seed=SEED, dtype=dtype)


def time_tinymtl(workload: Workload, X, Y, dtype: str, epochs: int):
    """Seconds of each timed epoch (after one warm-up) and the loss of the warm-up epoch."""
    net = new_net(workload, dtype)
    history = tm.fit(
        net,
        X,
        Y,
        tm.Adam(lr=LEARNING_RATE),
        epochs=1 + epochs,
        batch_size=workload.batch_size,
        seed=SEED,
        progress=False,
    )
    return history.seconds[1:], history.loss[0]


def traced_peak(run) -> int:
    """The most bytes allocated at once while ``run()`` runs, beyond what was allocated before."""
    tracemalloc.start()
    try:
        run()
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def tinymtl_peaks(workload: Workload, X, Y, dtype: str):
    """Peak bytes that one epoch of ``tm.fit`` allocates: in all, and in its training loop alone.

    The loop's peak (θ's snapshot, dθ, Adam's state, batches, caches) is traced from
    the moment ``fit``'s input checks (:meth:`tinymtl.MLP.check_data`) return: the
    checks' own temporaries come and go before the first epoch.
    """
    net = new_net(workload, dtype)
    check_data = net.check_data

    def check_data_then_reset_peak(*args, **kwargs):
        checked = check_data(*args, **kwargs)
        tracemalloc.reset_peak()  # from here on: the training loop
        return checked

    net.check_data = check_data_then_reset_peak  # an instance attribute: this network only
    tracemalloc.start()
    try:
        checks_peak = traced_peak_so_far(lambda: check_data(X, Y))
        tm.fit(
            net, X, Y, tm.Adam(lr=LEARNING_RATE), epochs=1, batch_size=workload.batch_size, seed=SEED, progress=False
        )
        loop_peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    return max(checks_peak, loop_peak), loop_peak


def traced_peak_so_far(run) -> int:
    """The traced peak while ``run()`` runs (tracemalloc already started), then the peak is reset."""
    tracemalloc.reset_peak()
    run()
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.reset_peak()
    return peak


def c_order_setup(workload: Workload, X, Y, dtype: str):
    """Seconds and peak bytes of fit's set-up when the user's X is C-ordered: it copies X to Fortran order once."""
    X_c = np.ascontiguousarray(X)  # (n_x, m), C order: each example's features strided by m
    net = new_net(workload, dtype)
    start = time.perf_counter()
    peak = traced_peak(lambda: net.check_data(X_c, Y))
    return time.perf_counter() - start, peak


# --- the GEMM floor ----------------------------------------------------------------
def gemm_operands(layer_dims, m_b: int, dtype: str, rng):
    """Random W[l], A[l−1] and dZ[l] of the shapes of one batch of m_b examples."""
    W = [rng.standard_normal((n, n_prev), dtype=dtype) for n_prev, n in zip(layer_dims[:-1], layer_dims[1:])]
    A = [rng.standard_normal((n, m_b), dtype=dtype) for n in layer_dims[:-1]]  # A[0..L−1]: (n_{l−1}, m_b)
    dZ = [rng.standard_normal((n, m_b), dtype=dtype) for n in layer_dims[1:]]  # dZ[1..L]: (n_l, m_b)
    return W, A, dZ


def batch_gemms(W, A, dZ) -> None:
    """The products of one batch: L forward, L dW, L − 1 dA (not dA[0]); results written to fresh arrays."""
    for l in range(len(W)):  # 0-based: W[l] is the lecture's W[l+1]
        W[l] @ A[l]  # Z: (n_l, m_b)
        dZ[l] @ A[l].T  # dW: (n_l, n_{l−1})
        if l > 0:
            W[l].T @ dZ[l]  # dA[l−1]: (n_{l−1}, m_b)


def time_gemm_floor(workload: Workload, schedule, dtype: str):
    """Seconds of each timed epoch of :func:`batch_gemms` over the batch sizes of the schedule (after a warm-up)."""
    rng = np.random.default_rng(SEED)
    operands = {len(c): gemm_operands(workload.layer_dims, len(c), dtype, rng) for c in schedule[0]}
    seconds = []
    for batches in schedule:
        start = time.perf_counter()
        for columns in batches:
            batch_gemms(*operands[len(columns)])
        seconds.append(time.perf_counter() - start)
    return seconds[1:], None


# --- PyTorch -----------------------------------------------------------------------
def import_torch():
    """The torch module with one thread per core, or None when it is not installed."""
    try:
        import torch
    except ImportError:
        return None
    torch.set_num_threads(os.cpu_count())
    return torch


def torch_model(torch, layer_dims, initial: dict, dtype):
    """nn.Sequential(Linear, ReLU, ..., Linear) holding tinymtl's initial W[l], b[l]."""
    L = len(layer_dims) - 1
    layers = []
    for l in range(1, L + 1):
        linear = torch.nn.Linear(layer_dims[l - 1], layer_dims[l], dtype=dtype)
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


def time_torch(torch, workload: Workload, X, Y, schedule, dtype: str, fused: bool):
    """Seconds of each timed epoch (after a warm-up) and the loss of the warm-up epoch, for one Adam variant."""
    X_t = torch.from_numpy(np.ascontiguousarray(X.T))  # (m, n_x): PyTorch puts examples in rows (a view here)
    Y_t = torch.from_numpy(np.ascontiguousarray(Y.T))  # (m, n_y)
    initial = {name: tm.to_numpy(p) for name, p in new_net(workload, dtype).params.items()}
    model = torch_model(torch, workload.layer_dims, initial, X_t.dtype)
    optimizer = torch.optim.Adam(model.parameters(), lr=LEARNING_RATE, fused=fused or None)
    seconds, losses = [], []
    for batches in schedule:
        start = time.perf_counter()
        losses.append(torch_epoch(torch, model, optimizer, X_t, Y_t, batches))
        seconds.append(time.perf_counter() - start)
    return seconds[1:], losses[0]


# --- scikit-learn --------------------------------------------------------------------
def import_sklearn_mlp():
    """scikit-learn's MLPClassifier, or None when scikit-learn is not installed."""
    try:
        from sklearn.neural_network import MLPClassifier
    except ImportError:
        return None
    return MLPClassifier


def sklearn_classifier(MLPClassifier, workload: Workload):
    return MLPClassifier(
        hidden_layer_sizes=workload.layer_dims[1:-1],
        activation="relu",
        solver="adam",
        alpha=0.0,
        batch_size=workload.batch_size,
        learning_rate_init=LEARNING_RATE,
        shuffle=True,
        random_state=SEED,
    )


def time_sklearn(MLPClassifier, workload: Workload, X, Y_full, epochs: int):
    """Seconds of each timed ``partial_fit`` epoch (after a warm-up) on the fully labelled Y."""
    X_rows, Y_rows = X.T, Y_full.T.astype(np.int64)  # (m, n_x) C-ordered (a view), (m, n_y): examples in rows
    classifier = sklearn_classifier(MLPClassifier, workload)
    classifier.partial_fit(X_rows, Y_rows, classes=np.arange(Y_rows.shape[1]))  # warm-up; creates the weights
    seconds = []
    for _ in range(epochs):
        start = time.perf_counter()
        classifier.partial_fit(X_rows, Y_rows)
        seconds.append(time.perf_counter() - start)
    return seconds, None


def sklearn_peak(MLPClassifier, workload: Workload, X, Y_full) -> int:
    X_rows, Y_rows = X.T, Y_full.T.astype(np.int64)
    classifier = sklearn_classifier(MLPClassifier, workload)
    return traced_peak(lambda: classifier.partial_fit(X_rows, Y_rows, classes=np.arange(Y_rows.shape[1])))


# --- one workload ------------------------------------------------------------------
@dataclass
class Row:
    """One contender's timings on one workload."""

    name: str
    seconds: list  # every timed epoch of every round
    loss: float | None = None
    peak: int | None = None  # bytes allocated beyond the data, or None where not measured

    @property
    def median(self) -> float:
        return statistics.median(self.seconds)


def run_workload(workload: Workload, args, torch, MLPClassifier) -> dict:
    """Every contender on ``workload``, ``args.rounds`` interleaved rounds; {name: Row}."""
    X, Y, Y_full = make_data(workload.layer_dims, args.m, args.dtype)
    schedule = epoch_schedule(args.m, workload.batch_size, 1 + args.epochs)
    contenders = {  # name -> a function returning (timed epoch seconds, loss of epoch 1)
        "tinymtl fit": lambda: time_tinymtl(workload, X, Y, args.dtype, args.epochs),
        "GEMM floor (NumPy)": lambda: time_gemm_floor(workload, schedule, args.dtype),
    }
    if torch is not None:
        contenders["PyTorch Adam"] = lambda: time_torch(torch, workload, X, Y, schedule, args.dtype, fused=False)
        contenders["PyTorch Adam fused"] = lambda: time_torch(torch, workload, X, Y, schedule, args.dtype, fused=True)
    if MLPClassifier is not None:
        contenders["scikit-learn MLP"] = lambda: time_sklearn(MLPClassifier, workload, X, Y_full, args.epochs)
    rows = {name: Row(name, []) for name in contenders}
    for _ in range(args.rounds):
        for name, run in contenders.items():
            time.sleep(0.0 if args.quick else SETTLE_SECONDS)  # --quick: a smoke test, no need to settle
            seconds, loss = run()
            rows[name].seconds += seconds
            rows[name].loss = loss
    rows["tinymtl fit"].peak, loop_peak = tinymtl_peaks(workload, X, Y, args.dtype)
    if MLPClassifier is not None:
        rows["scikit-learn MLP"].peak = sklearn_peak(MLPClassifier, workload, X, Y_full)
    data_bytes = X.nbytes + Y.nbytes
    setup = c_order_setup(workload, X, Y, args.dtype)
    print_workload(workload, args, rows, data_bytes, loop_peak, setup)
    return rows


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


def print_header(args, torch, MLPClassifier) -> None:
    print(
        f"tinymtl training speed: relu hidden layers, sigmoid outputs, {UNKNOWN_FRACTION:.0%} '?' labels, "
        f"Adam lr={LEARNING_RATE:g}, m = {args.m:,}, {args.dtype}"
    )
    print(
        f"{args.rounds} rounds (interleaved), each: 1 warm-up epoch + {args.epochs} timed; "
        f"s/epoch = median of the timed epochs"
    )
    torch_text = f"torch {torch.__version__} ({torch.get_num_threads()} threads)" if torch else "torch not installed"
    if MLPClassifier is not None:
        import sklearn

        sklearn_text = f"scikit-learn {sklearn.__version__}"
    else:
        sklearn_text = "scikit-learn not installed"
    print(
        f"machine: {cpu_name()}, {os.cpu_count()} cores; numpy {np.__version__} ({blas_name()}); "
        f"{torch_text}; {sklearn_text}; tinymtl backend {tm.get_backend()!r}"
    )


def print_workload(workload: Workload, args, rows: dict, data_bytes: int, loop_peak: int, setup) -> None:
    m, flops = args.m, workload.flops(args.m)
    n_batches = -(-m // workload.batch_size)
    itemsize = np.dtype(args.dtype).itemsize
    model_bytes = 5 * workload.n_params * itemsize  # θ, dθ, Adam's v, s and scratch
    print()
    print(
        f"{workload.name}: MLP({list(workload.layer_dims)}), batch {workload.batch_size}, {n_batches} steps/epoch, "
        f"P = {workload.n_weights:,} weights, 6·m·P = {flops / 1e9:.2f} GFLOP/epoch"
    )
    print(f"{'':<22}{'s/epoch':>9}{'GFLOP/s':>9}{'floor/this':>11}{'peak MB':>9}{'loss (epoch 1)':>16}")
    floor = rows["GEMM floor (NumPy)"].median
    for row in rows.values():
        peak = f"{row.peak / 1e6:9.1f}" if row.peak is not None else f"{'-':>9}"
        loss = f"{row.loss:16.6f}" if row.loss is not None else ""
        print(f"{row.name:<22}{row.median:9.4f}{flops / row.median / 1e9:9.2f}{floor / row.median:11.3f}{peak}{loss}")
    ours = rows["tinymtl fit"]
    ratios = [f"floor / tinymtl = {floor / ours.median:.3f}"]
    ratios += [
        f"tinymtl / {name} = {ours.median / row.median:.3f}"
        for name, row in rows.items()
        if name not in ("tinymtl fit", "GEMM floor (NumPy)")
    ]
    print("ratios (time): " + "; ".join(ratios))
    allowance = 0.1 * data_bytes + model_bytes
    print(
        f"memory: data (X, Y) {data_bytes / 1e6:.1f} MB; the model (θ, dθ, Adam's v, s, scratch) "
        f"{model_bytes / 1e6:.2f} MB; target: fit allocates ≤ 10% of the data + the model "
        f"= {allowance / 1e6:.2f} MB"
    )
    print(
        f"        tinymtl fit allocates {ours.peak / 1e6:.2f} MB at peak (input checks included; "
        f"{'met' if ours.peak <= allowance else 'NOT met'}), {loop_peak / 1e6:.2f} MB in its training loop "
        f"({'met' if loop_peak <= allowance else 'NOT met'})"
    )
    print(
        f"        a C-ordered X instead: fit's set-up copies it to Fortran order once, {setup[0]:.3f} s and "
        f"{setup[1] / 1e6:.1f} MB at peak (the X here is Fortran-ordered: no copy)"
    )


def parse_args(argv=None):
    parser = argparse.ArgumentParser(prog="python -m benchmarks", description=__doc__.split("\n")[0])
    parser.add_argument("--m", type=int, default=None, help=f"number of examples (default {FULL_M:,})")
    parser.add_argument(
        "--epochs", type=int, default=None, help="timed epochs per round, after 1 warm-up (default 2; 1 with --quick)"
    )
    parser.add_argument("--rounds", type=int, default=None, help="interleaved rounds (default 3; 1 with --quick)")
    parser.add_argument("--quick", action="store_true", help=f"m = {QUICK_M:,} unless --m is given: a few seconds")
    parser.add_argument("--dtype", choices=["float32", "float64"], default="float32")
    parser.add_argument("--workload", nargs="+", choices=sorted(WORKLOADS), default=sorted(WORKLOADS))
    parser.add_argument("--no-torch", action="store_true", help="leave PyTorch out even if installed")
    parser.add_argument("--no-sklearn", action="store_true", help="leave scikit-learn out even if installed")
    parser.add_argument(
        "--scale", action="store_true", help="instead: time per epoch against m and against width (benchmarks/scale.py)"
    )
    args = parser.parse_args(argv)
    if args.m is None:
        args.m = QUICK_M if args.quick else FULL_M
    if args.epochs is None:
        args.epochs = 1 if args.quick else 2
    if args.rounds is None:
        args.rounds = 1 if args.quick else 3
    if min(args.m, args.epochs, args.rounds) < 1:
        parser.error("--m, --epochs and --rounds must be at least 1")
    return args


def main(argv=None) -> int:
    args = parse_args(argv)
    if args.scale:
        from . import scale

        return scale.main(args)
    torch = None if args.no_torch else import_torch()
    MLPClassifier = None if args.no_sklearn else import_sklearn_mlp()
    print_header(args, torch, MLPClassifier)
    for name in args.workload:
        run_workload(WORKLOADS[name], args, torch, MLPClassifier)
    return 0
