"""Each speed choice of the training hot path, timed against the plain version it replaced.

Run from the repository root (about half a minute)::

    python -m benchmarks.choices            # R1 and R2 shapes, float32
    python -m benchmarks.choices --quick    # fewer repetitions (a smoke test)

For each choice, the plain version (what a first NumPy implementation writes,
and what tinymtl did before) and the chosen one run on the arrays of one
training step of workload R1 (``[3072, 256, 128, 4]``, batch 256) and R2
(``[64, 32, 4]``, batch 64), interleaved, many times; the table gives the
median µs per step of each and what the choice saves per epoch (79 steps for
R1, 313 for R2). The choices themselves are documented where they live:

=====================  ==============================================================
choice                 where
=====================  ==============================================================
flat θ, one step       tinymtl/flat.py (FlatStep), tinymtl/training.py
backward into dθ       tinymtl/layers.py (linear_backward's out), tinymtl/network.py (backward)
loss masked after      tinymtl/losses.py (masked_logistic_loss_and_grad)
gather columns_of      tinymtl/training.py (columns_of)
one transfer/epoch     tinymtl/training.py (minibatch_indices)
=====================  ==============================================================
"""

from __future__ import annotations

import argparse
import statistics
import time

import numpy as np

import tinymtl as tm
from tinymtl import flat
from tinymtl.activations import sigmoid
from tinymtl.losses import masked_logistic_loss_and_grad
from tinymtl.training import columns_of

from .baseline import WORKLOADS, make_data

M = 20_000


# --- the plain versions --------------------------------------------------------------------
def plain_loss_and_grad(Z, Y):
    """The masked logistic loss with Y's "?" first set to 0 (a new Y0) and new arrays at every step."""
    known = ~np.isnan(Y)  # M
    Y0 = np.where(known, Y, 0)
    c = 1 / Z.shape[1]
    L = np.maximum(Z, 0) - Y0 * Z + np.log1p(np.exp(-np.abs(Z)))
    J = (np.where(known, L, 0) * c).sum()
    dZ = sigmoid(Z)
    dZ -= Y0
    dZ = np.where(known, dZ, 0)
    dZ *= c
    return J, dZ


# --- the cases --------------------------------------------------------------------------------
def cases(workload, dtype: str):
    """{choice: (plain, chosen)}: two functions doing one step's share of that work."""
    dims, m_b = workload.layer_dims, workload.batch_size
    X, Y, _ = make_data(dims, M, dtype)  # Fortran-ordered, as fit stores them
    rng = np.random.default_rng(0)
    columns = rng.permutation(M)[:m_b]
    net = tm.MLP(list(dims), seed=0, dtype=dtype)
    X_b, Y_b = columns_of(X, columns), columns_of(Y, columns)
    ZL, caches = net.forward(X_b)  # Z[L]: (n_y, m_b)
    _, dZL = masked_logistic_loss_and_grad(ZL, Y_b)  # dZ[L]: (n_y, m_b)
    _, grads = net.loss_and_grads(X_b, Y_b)
    params = {name: p.copy() for name, p in net.params.items()}
    packed = {name: p.copy() for name, p in net.params.items()}
    theta = flat.pack(packed)  # θ: (P,); packed["W1"] etc. are its views
    flat_step = flat.FlatStep(tm.Adam(), packed, theta)  # dθ and its views flat_step.grads
    dtheta = flat_step.flat_grads["dtheta"]
    dtheta[...] = np.concatenate([g.ravel() for g in grads.values()])

    def backward_then_gather():
        fresh = net.backward(dZL, caches)  # new arrays, then copied into dθ
        np.concatenate([g.ravel() for g in fresh.values()], out=dtheta)

    per_parameter = tm.Adam()
    host_columns = np.asarray(columns)
    return {
        "flat θ, one Adam step": (lambda: per_parameter.step(params, grads), flat_step),
        "backward into dθ": (backward_then_gather, lambda: net.backward(dZL, caches, out=flat_step.grads)),
        "loss masked after": (lambda: plain_loss_and_grad(ZL, Y_b), lambda: masked_logistic_loss_and_grad(ZL, Y_b)),
        "gather columns_of": (
            lambda: (X[:, columns], Y[:, columns]),
            lambda: (columns_of(X, columns), columns_of(Y, columns)),
        ),
        "one transfer/epoch": (lambda: tm.to_device(host_columns), lambda: None),
    }


def median_microseconds(run, repeats: int, rounds: int):
    """Median over ``rounds`` of the mean µs of ``repeats`` calls."""
    times = []
    for _ in range(rounds):
        start = time.perf_counter()
        for _ in range(repeats):
            run()
        times.append((time.perf_counter() - start) / repeats * 1e6)
    return statistics.median(times)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.choices", description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="fewer repetitions: a smoke test, not the figures")
    parser.add_argument("--dtype", choices=["float32", "float64"], default="float32")
    args = parser.parse_args(argv)
    rounds = 3 if args.quick else 15
    print(f"each speed choice against its plain version; {args.dtype}, median µs per step over {rounds} rounds")
    print(f"{'choice':<26}{'workload':>9}{'plain µs':>11}{'chosen µs':>11}{'saves ms/epoch':>16}")
    for name in ("R1", "R2"):
        workload = WORKLOADS[name]
        steps = -(-M // workload.batch_size)
        repeats = (20 if name == "R1" else 300) // (10 if args.quick else 1)
        for choice, (plain, chosen) in cases(workload, args.dtype).items():
            results = {"plain": [], "chosen": []}
            for _ in range(rounds):  # interleaved: a burst of load hits both alike
                results["plain"].append(median_microseconds(plain, repeats, 1))
                results["chosen"].append(median_microseconds(chosen, repeats, 1))
            before, after = statistics.median(results["plain"]), statistics.median(results["chosen"])
            print(f"{choice:<26}{name:>9}{before:11.1f}{after:11.1f}{(before - after) * steps / 1e3:16.2f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
