# %% [markdown]
# # Lesson 08: one network for four tasks, or four networks?
#
# The driving example has four yes/no tasks: pedestrian, car, stop sign,
# traffic light. One way is one network with n_y = 4 sigmoid outputs, trained on
# `X` (n_x, m) and `Y` (4, m) with the masked cost
#
#     J = (1/m) Σ_i Σ_{j labelled} L(ŷ_j^(i), y_j^(i))
#
# The other is four separate networks, network j trained only on the images
# whose label j is known (a "?" = NaN gives it nothing). Both use the same hidden
# layers, so each separate network is as big as the whole multi-task network
# but for its output layer (one row instead of four):
# its first weight matrix W[1] (n_1, n_x) alone holds n_1 · n_x numbers, and there
# are four of them.
#
# Here both are trained on m = 1,000 to 20,000 road images with 30% "?" and
# scored on held-out images whose every label is known. What you will see: a
# table and a plot of mean held-out accuracy against m, and the bill of each
# approach (parameters and training seconds). The one network shares its hidden
# layers, so it pays for them once.
#
# Lecture claim 5: one network for four tasks costs less than four networks.
# The accuracy of the two is printed beside the cost, whichever way it falls.

# %%
import numpy as np
from matplotlib.figure import Figure

import tinymtl as tm
from tinymtl.baselines import train_multitask, train_separate
from tinymtl.cli import centred
from tinymtl.datasets import hide_labels, road_scenes
from tinymtl.lesson import claim, elapsed, lesson_options

options = lesson_options(__file__, "Lesson 08: one multi-task network vs four separate networks, accuracy and cost")

# ms: training-set sizes (nested: the first m images of one training set); epochs: one per m (fewer
# images get more passes, so that every size is trained for a while); hidden: n_1, n_2 of every network;
# m_test: held-out images, every label known.
FULL = dict(ms=(1_000, 3_000, 10_000, 20_000), epochs=(30, 20, 12, 10), hidden=(64, 32), m_test=4_000)
QUICK = dict(ms=(500, 2_000), epochs=(20, 8), hidden=(32, 16), m_test=2_000)
SIZE = QUICK if options.quick else FULL
MISSING = 0.3  # share of the training labels made "?"
BATCH = 128  # examples per mini-batch
CHEAPER = 0.5  # the claim: the one network needs at most this share of the four networks' parameters and time

# %% [markdown]
# ## The data
#
# One draw of road scenes: the last `m_test` images are held out with all their
# labels; the first m of the others are the training set of size m. The "?" are
# hidden once, so the training set of 3,000 images starts with the one of 1,000.

# %%
m_max = max(SIZE["ms"])
data = road_scenes(m=m_max + SIZE["m_test"], seed=options.seed, dtype="float32")
X = centred(data.X)  # pixels in [−0.5, 0.5]: (n_x, m_max + m_test)
X_train, X_test = X[:, :m_max], X[:, m_max:]  # (n_x, m_max), (n_x, m_test)
Y_seen = hide_labels(data.Y[:, :m_max], MISSING, seed=options.seed)  # (4, m_max), NaN = "?"
Y_test = data.Y[:, m_max:]  # (4, m_test): no "?"
n_x = X.shape[0]
print(f"n_x = {n_x}, tasks: {', '.join(data.task_names)}; {np.isnan(Y_seen).mean():.0%} of the training labels "
      f"'?'; {X_test.shape[1]} held-out images; hidden layers {SIZE['hidden']}")  # fmt: skip

# %% [markdown]
# ## Train both at every m
#
# `train_multitask` builds one MLP [n_x, n_1, n_2, 4]; `train_separate` builds
# four MLPs [n_x, n_1, n_2, 1], network j fitted on the columns where row j of
# `Y` is labelled (about 70% of them). Both report their parameter count and
# the seconds spent in `fit`.

# %%
results = {"multi-task": [], "separate networks": []}  # per m: (mean accuracy, parameters, seconds)
print(f"\n{'m':>6} {'model':>18} {'accuracy':>9} {'parameters':>11} {'seconds':>8}")
for m, epochs in zip(SIZE["ms"], SIZE["epochs"]):
    settings = dict(hidden_dims=SIZE["hidden"], seed=options.seed, dtype="float32", epochs=epochs,
                    batch_size=BATCH, progress=False)  # fmt: skip
    multitask, _ = train_multitask(X_train[:, :m], Y_seen[:, :m], **settings)
    separate = train_separate(X_train[:, :m], Y_seen[:, :m], **settings)
    for model in (multitask, separate):
        accuracy = tm.metrics.report(Y_test, model.predict_proba(X_test)).mean("accuracy")  # mean over 4 tasks
        results[model.name].append((accuracy, model.n_params, model.seconds))
        print(f"{m:>6} {model.name:>18} {accuracy:>9.3f} {model.n_params:>11,} {model.seconds:>8.1f}", flush=True)

# %% [markdown]
# ## The bill
#
# Parameters: the four networks hold four copies of W[1] (n_1, n_x), the big
# matrix, where the one network holds one. Time: each separate network runs as
# many mini-batches as its task has labelled images, and four of them together
# run about 4 × 0.7 = 2.8 times the mini-batches of the one network.
# Training seconds are summed over all training-set sizes (a single short run
# is at the mercy of whatever else the computer is doing).

# %%
accuracy = {name: np.array([r[0] for r in rows]) for name, rows in results.items()}  # (len(ms),) each
params = {name: rows[0][1] for name, rows in results.items()}  # the same at every m
seconds = {name: sum(r[2] for r in rows) for name, rows in results.items()}  # all sizes together
param_ratio = params["multi-task"] / params["separate networks"]
time_ratio = seconds["multi-task"] / seconds["separate networks"]
gap = accuracy["separate networks"] - accuracy["multi-task"]  # > 0: the four networks are more accurate
print(f"\nparameters: {params['multi-task']:,} vs {params['separate networks']:,} (ratio {param_ratio:.2f}); "
      f"training time over all m: {seconds['multi-task']:.1f} s vs {seconds['separate networks']:.1f} s "
      f"(ratio {time_ratio:.2f})")  # fmt: skip
print("accuracy of separate − multi-task, per m: " + ", ".join(f"{m}: {g:+.3f}" for m, g in zip(SIZE["ms"], gap)))

fig = Figure(figsize=(12, 4), layout="constrained")
ax_acc, ax_params, ax_time = fig.subplots(1, 3, width_ratios=(2, 1, 1))
for name, values in accuracy.items():
    ax_acc.plot(SIZE["ms"], values, marker="o", label=name)
ax_acc.set(xscale="log", xlabel=f"training images m ({MISSING:.0%} of labels '?')", ylabel="mean held-out accuracy",
           title="accuracy")  # fmt: skip
ax_acc.grid(alpha=0.3)
ax_acc.legend()
for ax, values, title in ((ax_params, params, "parameters"), (ax_time, seconds, "training seconds, all m")):
    bars = ax.bar(list(values), list(values.values()), color=["C0", "C1"])
    ax.bar_label(bars, fmt="{:,.0f}" if title == "parameters" else "{:.1f}")
    ax.set(title=title)
    ax.tick_params(axis="x", labelsize=8)
fig.savefig(options.out / "one_vs_four.png")
print(f"figure: {options.out / 'one_vs_four.png'}")

# %% [markdown]
# ## The claim
#
# The cost is the claim: the one network must need at most half the parameters
# and half the training time of the four. The accuracy gap at the largest m is
# reported beside it, not hidden: sharing hidden layers is cheaper, and here the
# four networks, each with the full hidden width for one task, can be somewhat
# more accurate.

# %%
claim(f"one network for four tasks costs less than four networks: at most {CHEAPER}× their parameters and "
      f"{CHEAPER}× their training time (lecture claim 5)",
      f"parameters {params['multi-task']:,} vs {params['separate networks']:,} (×{param_ratio:.2f}), training "
      f"time {seconds['multi-task']:.1f} s vs {seconds['separate networks']:.1f} s (×{time_ratio:.2f}); mean "
      f"held-out accuracy at m = {m_max}: {accuracy['multi-task'][-1]:.3f} vs {accuracy['separate networks'][-1]:.3f}",
      holds=param_ratio <= CHEAPER and time_ratio <= CHEAPER)  # fmt: skip
print(f"done in {elapsed(options)}")
