# %% [markdown]
# # Lesson 12: the same code on a GPU
#
# Training the multi-task network is almost all matrix products such as
# Z[l] = W[l] A[l−1] + b[l], with W[l] (n_l, n_{l−1}) and A[l−1] (n_{l−1}, m_b)
# for a mini-batch of m_b columns of X (n_x, m). A GPU does these products in
# parallel. tinymtl runs on a GPU without a second implementation: every math
# function asks which array module owns its inputs (NumPy, or CuPy, NumPy's
# twin for NVIDIA GPUs) and calls `xp.exp`, `xp.where`, `@`... on it. The
# backend switch only decides where new arrays are made.
#
# In this lesson one training function, written once, trains the lecture's
# multi-task network on road scenes (four tasks, 30% of the labels "?", the
# masked cost J = (1/m) Σ_i Σ_{j labelled} L(ŷ_j^(i), y_j^(i))) under two
# backends, and compares time per epoch, predictions and accuracy:
#
# - with CuPy and an NVIDIA GPU: `"numpy"` (CPU) against `"cupy"` (GPU);
# - without (this is the case in CI): `"numpy"` against `"strict"`, NumPy
#   with CuPy's two refusals. It cannot be faster, but it proves the code is
#   ready for CuPy: a single hidden conversion to NumPy would stop it with an
#   error.
#
# This is not one of the lecture's seven claims; it is a property of the
# implementation: the multi-task network of claims 2 and 3
# ([docs/lecture.md](../docs/lecture.md)) runs unchanged on either device and
# gives the same answers. The run says which of the two comparisons it
# measured.

# %% tags=["parameters"]
# Parameters: edit them and run all cells. In a script, --quick and --seed override QUICK and SEED.
QUICK = False  # True: a small run of a few seconds (TINYMTL_QUICK=1 in the environment does the same)
SEED = 0  # seed of the data, the weights and the shuffling
HIDDEN = (128, 64)  # n_1, n_2
BATCH = 256  # examples per mini-batch

# %%
import statistics

import numpy as np
from matplotlib.figure import Figure

import tinymtl as tm
from tinymtl import plots
from tinymtl.datasets import hide_labels, holdout, road_scenes
from tinymtl.lesson import claim, elapsed, lesson_options, show

options = lesson_options("12_gpu", "Lesson 12: one training function on NumPy and on CuPy (or its CPU stand-in)",
                         quick=QUICK, seed=SEED)  # fmt: skip

# m: road images drawn (20% held out); epochs: per backend (the first is left out of the timing).
FULL_RUN = {"m": 20_000, "epochs": 5}
QUICK_RUN = {"m": 1_500, "epochs": 3}
SIZE = QUICK_RUN if options.quick else FULL_RUN
MISSING = 0.3  # share of the training labels made "?"
SAME_ACCURACY = 0.01  # CuPy vs NumPy: largest allowed difference in mean held-out accuracy
SAME_NUMBERS = 1e-6  # strict vs NumPy: largest allowed |difference| of a probability or a parameter

# %% [markdown]
# ## Is there a GPU?
#
# Asking for the `"cupy"` backend imports CuPy and counts the GPUs it sees;
# tinymtl raises `ImportError` when CuPy is not installed and `RuntimeError`
# when it cannot reach a GPU. We catch both, so the lesson runs everywhere.

# %%


def why_no_gpu():
    """None when the "cupy" backend works on this machine, else tinymtl's reason why not."""
    try:
        with tm.use_backend("cupy"):
            return None
    except (ImportError, RuntimeError) as err:
        return str(err)


no_gpu = why_no_gpu()
other = "strict" if no_gpu else "cupy"  # the backend compared with "numpy"
if no_gpu:
    print(f"NO GPU: {no_gpu}")
    print("This run compares NumPy with the 'strict' backend (CPU). To run it on a GPU machine:")
    print('    pip install -e ".[gpu]"\n    python lessons/12_gpu.py\n')
else:
    print("CuPy found a GPU: this run compares NumPy (CPU) with CuPy (GPU).\n")

# %% [markdown]
# ## The data, made on the host
#
# The data sets are NumPy arrays in host memory. We make them float32 from the
# start: a float32 number takes 4 bytes instead of 8, so every copy and every
# product moves half the memory, and most GPUs compute float32 far faster than
# float64 (consumer GPUs by a factor of 32 or more). tinymtl keeps a float32
# network float32 end to end.

# %%
data = road_scenes(m=SIZE["m"], seed=options.seed, dtype="float32")
(X_train, Y_train), (X_test, Y_test) = holdout(data.X, data.Y, 0.2)  # X: (n_x, m), Y: (4, m), float32
Y_seen = hide_labels(Y_train, MISSING, seed=options.seed)  # (4, m_train), NaN = "?"
n_x, m_train = X_train.shape
print(f"X_train: {X_train.shape} (n_x, m) {X_train.dtype}, {X_train.nbytes / 2**20:.0f} MiB; Y_seen: {Y_seen.shape}")

# %% [markdown]
# ## The two refusals of CuPy, shown on the strict backend
#
# A GPU array lives in GPU memory. CuPy refuses (1) to turn it into a NumPy
# array behind your back (`np.asarray(device_array)`) and (2) to mix a host
# array into device arithmetic. The only ways back to the host are explicit:
# `tm.to_numpy(A)` (CuPy's `A.get()`), or `float(...)` of a single number. The
# strict backend refuses the same two things, on any machine:

# %%
with tm.use_backend("strict"):
    A = tm.to_device(X_test[:, :3])  # host -> device, the one allowed way in: (n_x, 3)
    for attempt, action in [("np.asarray(A)", lambda: np.asarray(A)), ("A + host array", lambda: A + X_test[:, :3])]:
        try:
            action()
        except TypeError as err:
            print(f"{attempt:<15} -> TypeError: {err}")
    print(f"{'tm.to_numpy(A)':<15} -> {type(tm.to_numpy(A)).__name__} {tm.to_numpy(A).shape}: allowed, explicit")
    total = float(A.sum())  # sync: on a GPU, waits for the queued work, then copies one number back
    print(f"{'float(A.sum())':<15} -> {total:.2f}: allowed, one number")

# %% [markdown]
# ## One training function for every backend
#
# `train(backend)` moves the data to the device once (`tm.to_device`), builds
# the network there, trains it with `tm.fit` and brings back only what we want
# to look at (`tm.to_numpy`). Nothing in it depends on the backend.
#
# Why `float(...)` of a device value is a sync: CuPy queues each GPU operation
# and returns at once, while the GPU works through the queue. `float(J)` needs
# the number itself, so Python waits for every queued operation to finish and
# then copies 4 bytes back. `tm.fit` sums the mini-batch costs on the device and
# calls `float` once per epoch, so the GPU is never kept waiting inside an
# epoch, and each epoch's time (`history.seconds`) includes all its GPU work.
# A timer around un-synchronised GPU code would measure only the queueing.

# %%


def train(backend):
    """Train the multi-task network on `backend`; its epoch times and its results, as host values."""
    with tm.use_backend(backend):
        X = tm.to_device(X_train, dtype="float32", order="F")  # (n_x, m_train) on the device; F: columns contiguous
        Y = tm.to_device(Y_seen, dtype="float32", order="F")  # (4, m_train)
        X_val = tm.to_device(X_test, dtype="float32")  # (n_x, m_test)
        net = tm.MLP([n_x, *HIDDEN, 4], hidden="relu", output="sigmoid", seed=options.seed, dtype="float32")
        history = tm.fit(net, X, Y, optimizer=tm.Adam(lr=1e-3), epochs=SIZE["epochs"], batch_size=BATCH,
                         seed=options.seed, progress=False)  # fmt: skip
        P = net.predict_proba(X_val)  # Ŷ = A[3]: (4, m_test), still on the device
        return {
            "seconds": history.seconds,  # per epoch, each ending with its one sync
            "loss": history.loss,  # Python floats: one per epoch
            "P": tm.to_numpy(P),  # device -> host copy: (4, m_test)
            "theta": np.concatenate([tm.to_numpy(p).ravel() for p in net.params.values()]),  # every parameter: (P,)
            "type": type(P).__module__ + "." + type(P).__name__,  # where the predictions lived
        }


results = {backend: train(backend) for backend in ("numpy", other)}

# %% [markdown]
# ## Time per epoch, predictions, accuracy
#
# The first epoch is left out of the time per epoch, which is the median of
# the others: on a GPU the first also pays for compiling CuPy's kernels and
# warming up the memory pool. On the CPU there is nothing to warm up: NumPy's
# epochs differ only by noise (another program on the machine, the caches),
# and any of them can be the slowest. The plot marks each backend's median.

# %%
per_epoch = {b: statistics.median(r["seconds"][1:]) for b, r in results.items()}  # seconds per epoch
reports = {b: tm.metrics.report(Y_test, r["P"], task_names=data.task_names) for b, r in results.items()}
print(f"\n{'backend':<8} {'arrays':<28} {'s/epoch':>8} {'final J':>8} {'mean acc':>9}  " + " ".join(
    f"{name:>13}" for name in data.task_names))  # fmt: skip
for b, r in results.items():
    print(f"{b:<8} {r['type']:<28} {per_epoch[b]:>8.3f} {r['loss'][-1]:>8.4f} {reports[b].mean('accuracy'):>9.3f}  "
          + " ".join(f"{a:>13.3f}" for a in reports[b].accuracy))  # fmt: skip
speed_ratio = per_epoch["numpy"] / per_epoch[other]  # > 1: the other backend is faster
max_dP = float(np.max(np.abs(results[other]["P"] - results["numpy"]["P"])))  # max |ΔŶ| over (4, m_test)
max_dtheta = float(np.max(np.abs(results[other]["theta"] - results["numpy"]["theta"])))  # max |Δθ| over (P,)
d_accuracy = reports[other].mean("accuracy") - reports["numpy"].mean("accuracy")
print(f"\n{other} vs numpy: time per epoch ratio {speed_ratio:.2f} (numpy / {other}), max |ΔŶ| {max_dP:.1e}, "
      f"max |Δθ| {max_dtheta:.1e}, mean accuracy {d_accuracy:+.4f}")  # fmt: skip
if no_gpu:
    print("(the strict backend is NumPy plus checks: its time is a CPU time, not a GPU time)")

colors = {"numpy": plots.OTHER_COLORS[0], other: plots.OTHER_COLORS[2]}  # backends, not models: not blue/orange
fig = Figure(figsize=(9, 3.5), layout="constrained")
ax_time, ax_same = fig.subplots(1, 2)
for b, r in results.items():
    ax_time.plot(range(1, len(r["seconds"]) + 1), r["seconds"], "o-", color=colors[b], label=b)
    ax_time.hlines(per_epoch[b], 2, SIZE["epochs"], color=colors[b], linestyle="--", linewidth=1,
                   label=f"{b}: median of epochs 2–{SIZE['epochs']}, {per_epoch[b]:.3f} s")  # fmt: skip
ax_time.set_xticks(range(1, SIZE["epochs"] + 1))
ax_time.set_ylim(bottom=0)
ax_time.set_xlabel("epoch")
ax_time.set_ylabel("seconds")
ax_time.set_title(f"Time per epoch (compared: the median of epochs 2–{SIZE['epochs']})")
ax_time.legend(loc="lower right", fontsize=8)
ax_same.plot(results["numpy"]["P"].ravel(), results[other]["P"].ravel(), ".", color=colors[other], markersize=2)
ax_same.plot([0, 1], [0, 1], "--", color=plots.REFERENCE_COLOR, linewidth=0.8)
ax_same.set_xlabel("Ŷ on numpy")
ax_same.set_ylabel(f"Ŷ on {other}")
ax_same.set_title(f"Held-out predictions (max |ΔŶ| = {max_dP:.1e})")
fig.savefig(options.out / f"numpy_vs_{other}.png")
show(fig)
print(f"\nfigure in {options.out}: numpy_vs_{other}.png")

# %% [markdown]
# ## The claim
#
# With a GPU, the check is that CuPy's network is as accurate as NumPy's (the
# two are not bit-identical: a GPU adds numbers in another order, and training
# amplifies the rounding differences); the measured speed ratio is reported,
# whichever way it goes. Without a GPU, the check is that the strict backend
# ran the whole training without a single implicit conversion (it would have
# raised TypeError) and gave the same numbers as NumPy.

# %%
if no_gpu:
    claim("no GPU was measured here (CuPy or a GPU unavailable); the same training code runs unchanged on the 'strict' "
          "backend, which refuses every implicit device-to-host conversion as CuPy does, and gives the same "
          f"numbers as NumPy (max |difference| at most {SAME_NUMBERS:g})",
          f"max |ΔŶ| {max_dP:.1e}, max |Δθ| {max_dtheta:.1e}, mean held-out accuracy "
          f"{reports['strict'].mean('accuracy'):.3f} (strict) vs {reports['numpy'].mean('accuracy'):.3f} (numpy)",
          holds=max_dP <= SAME_NUMBERS and max_dtheta <= SAME_NUMBERS and d_accuracy == 0)  # fmt: skip
else:
    faster = f"{speed_ratio:.1f}x faster" if speed_ratio >= 1 else f"{1 / speed_ratio:.1f}x slower"
    claim("the same training code runs unchanged on the GPU (CuPy) with the same mean held-out accuracy as "
          f"NumPy within {SAME_ACCURACY:.2f}; per epoch the GPU was {faster} than NumPy on this machine's CPU",
          f"mean accuracy {reports['cupy'].mean('accuracy'):.3f} (cupy) vs {reports['numpy'].mean('accuracy'):.3f} "
          f"(numpy); {per_epoch['cupy']:.3f} vs {per_epoch['numpy']:.3f} s per epoch; max |ΔŶ| {max_dP:.1e}",
          holds=abs(d_accuracy) <= SAME_ACCURACY)  # fmt: skip
print(f"done in {elapsed(options)}")

# %% [markdown]
# ## Try it
#
# Predict first, then change the parameters cell at the top and run all cells:
#
# 1. `HIDDEN = (1024, 512)`: W[1], W[2], W[3] hold 1728·1024 + 1024·512 +
#    512·4 weights instead of 1728·128 + 128·64 + 64·4, about ten times as
#    many multiply-adds per column. Does the time per epoch grow ten-fold too?
#    With a GPU: does its lead over NumPy grow or shrink? The s/epoch column
#    and the left plot answer.
# 2. `BATCH = 32`: eight times as many mini-batch steps per epoch, each on an
#    eighth of the columns, so the same multiply-adds. Does the time per epoch
#    stay the same? Which backend pays more for the extra steps (with a GPU,
#    cupy against numpy; without, strict, whose checks cost the same for every
#    operation whatever its size)? The s/epoch column and the printed time
#    ratio answer.
