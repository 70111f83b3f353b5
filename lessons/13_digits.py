# %% [markdown]
# # Lesson 13: real data, four questions about one handwritten digit
#
# Every lesson so far drew its road scenes in code. Here the images are real:
# scikit-learn's 1,797 handwritten digits, 8×8 pixels each. Each image is a
# column of `X` (64, m), and `Y` (4, m) asks four yes/no questions about the
# digit it shows: is it even, is it ≥ 5, does it have a closed loop (0, 4, 6,
# 8, 9), is it prime (2, 3, 5, 7)? All four answers follow from one thing, which
# digit it is, so whatever a hidden layer learns about the digit serves every
# task: the shared lower-level features of the lecture.
#
# We hide a share of the training labels ("?", stored as NaN) and train
#
# - one multi-task network `MLP([64, n_1, n_2, 4])`: its hidden layers W[1]
#   (n_1, 64) and W[2] (n_2, n_1) are shared, and it minimises
#   J = (1/m) Σ_i Σ_{j labelled} L(ŷ_j^(i), y_j^(i));
# - four separate networks `MLP([64, n_1, n_2, 1])` of the same shape, network j
#   trained only on the images whose label j is known.
#
# What you will see: a per-task table of held-out accuracy and F1 for both
# models, their parameter counts, a grid of held-out digits with the multi-task
# network's answers, and the same comparison as the share of "?" grows to 90%,
# for the mean over the tasks and for each task.
#
# Lecture claims 4 and 5 ([docs/lecture.md](../docs/lecture.md)): one network
# for four tasks does as well as four networks when the tasks share
# lower-level features (4a), each has little data of its own (4b) and the
# network is big enough (4c); and it needs about a quarter of the parameters
# (5).

# %% tags=["parameters"]
# Parameters: edit them and run all cells. In a script, --quick and --seed override QUICK and SEED.
QUICK = False  # True: a small run of a few seconds (TINYMTL_QUICK=1 in the environment does the same)
SEED = 0  # seed of the data, the weights and the shuffling
MISSING = 0.3  # the share of "?" the claim is about
HIDDEN = (128, 64)  # n_1, n_2: the hidden layers of every network, multi-task and separate

# %%
import numpy as np
from matplotlib.figure import Figure  # the Agg canvas: no window, only a file

import tinymtl as tm
from tinymtl import plots
from tinymtl.baselines import train_multitask, train_separate
from tinymtl.datasets import digit_tasks, hide_labels, holdout
from tinymtl.lesson import claim, elapsed, lesson_options, show

options = lesson_options("13_digits", "Lesson 13: multi-task vs separate networks on scikit-learn's handwritten digits",
                         quick=QUICK, seed=SEED)  # fmt: skip

# repeats: data splits (seeds seed, seed+1, ...) averaged; epochs of mini-batches; fractions: shares of "?" compared.
FULL_RUN = {"repeats": 5, "epochs": 60, "fractions": (0.0, 0.3, 0.6, 0.9)}
QUICK_RUN = {"repeats": 1, "epochs": 30, "fractions": (0.3, 0.9)}
SIZE = QUICK_RUN if options.quick else FULL_RUN
FRACTIONS = tuple(sorted({*SIZE["fractions"], MISSING}))  # the shares of "?" compared, MISSING always among them
TEST = 0.25  # the share of the images held out, every label known
BATCH = 32  # examples per mini-batch (the data set is small)
MARGIN = 0.01  # the multi-task network may trail the separate ones by at most 1 point of mean accuracy

# %% [markdown]
# ## The data
#
# `digit_tasks` needs scikit-learn (the images ship with it, no download). The
# pixels come centred (pixel/16 − 0.5, in [−0.5, 0.5]), as the road scenes' do.
# A quarter of the images is held out with every label known.

# %%
data = digit_tasks(
    seed=options.seed, dtype="float32"
)  # without scikit-learn: an ImportError that says how to install it
names = data.task_names
(X_train, Y_train), (X_test, Y_test) = holdout(data.X, data.Y, TEST)  # X: (64, m), Y: (4, m)
print(f"X_train: {X_train.shape} (n_x, m), X_test: {X_test.shape}; tasks: {', '.join(names)}")
print("share of 1s per task:", ", ".join(f"{n} {p:.2f}" for n, p in zip(names, data.Y.mean(axis=1))))

# %% [markdown]
# ## One comparison: the same hidden labels for both models
#
# `compare` hides a share of the training labels, trains both models on the
# same `Y` with "?" and scores them on the held-out images. `train_separate`
# gives network j only the columns where row j of `Y` is 0 or 1: a "?" leaves
# nothing for it to learn from, while the multi-task network still learns from
# that image's other labels.

# %%
fit_options = {"hidden_dims": HIDDEN, "lr": 1e-3, "dtype": "float32", "epochs": SIZE["epochs"], "batch_size": BATCH,
               "progress": False}  # fmt: skip


def compare(fraction, seed):
    """Held-out reports of the multi-task and the separate networks, with `fraction` of the training labels "?"."""
    digits = digit_tasks(seed=seed, dtype="float32")  # a new shuffle: a new train/test split
    (X_train, Y_train), (X_test, Y_test) = holdout(digits.X, digits.Y, TEST)  # (64, m), (4, m)
    Y_seen = hide_labels(Y_train, fraction, seed=seed)  # (4, m_train), NaN = "?"
    multitask, _ = train_multitask(X_train, Y_seen, seed=seed, **fit_options)
    separate = train_separate(X_train, Y_seen, seed=seed, **fit_options)
    models = (multitask, separate)
    reports = [tm.metrics.report(Y_test, model.predict_proba(X_test), task_names=names) for model in models]
    return models, reports


results = {}  # (fraction, repeat) -> (models, reports)
for fraction in FRACTIONS:
    for r in range(SIZE["repeats"]):
        results[fraction, r] = compare(fraction, options.seed + r)

# %% [markdown]
# ## Per task, with 30% of the training labels "?"
#
# The first split (seed `--seed`) in detail: accuracy and F1 of each task on the
# held-out images, for both models.

# %%
(multitask, separate), (report_mt, report_sep) = results[MISSING, 0]
print(f"\nheld-out digits, {MISSING:.0%} of the training labels '?' (split seed {options.seed}):")
print(f"{'task':<12} {'multi-task acc':>15} {'F1':>6} {'separate acc':>13} {'F1':>6}")
for j, name in enumerate(names):
    print(f"{name:<12} {report_mt.accuracy[j]:>15.3f} {report_mt.f1[j]:>6.3f} {report_sep.accuracy[j]:>13.3f} "
          f"{report_sep.f1[j]:>6.3f}")  # fmt: skip
print(f"{'mean':<12} {report_mt.mean('accuracy'):>15.3f} {report_mt.mean('f1'):>6.3f} "
      f"{report_sep.mean('accuracy'):>13.3f} {report_sep.mean('f1'):>6.3f}")  # fmt: skip
params_ratio = multitask.n_params / separate.n_params
print(f"\nparameters: multi-task {multitask.n_params:,}, separate {separate.n_params:,} (ratio {params_ratio:.2f})")
print(f"training time: multi-task {multitask.seconds:.2f} s, separate {separate.seconds:.2f} s")

# %% [markdown]
# The first 16 held-out digits with the multi-task network's answers. Y holds
# only the four answers, which do not name the digit (0 and 4 are both "even,
# closed loop"), so each image is looked up among scikit-learn's originals to
# caption it with its digit.

# %%
from sklearn.datasets import load_digits  # digit_tasks above has checked that scikit-learn is installed

originals = load_digits()  # the same 1,797 images, unshuffled, and the digit of each
pixels = (originals.data / 16 - 0.5).astype(np.float32)  # (1797, 64): centred as digit_tasks gives them
SHOWN = 16  # images in the grid
digit = [originals.target[np.argmin(np.abs(pixels - x).sum(axis=1))] for x in X_test[:, :SHOWN].T]  # (SHOWN,)
P_test = multitask.predict_proba(X_test)  # Ŷ = A[3]: (4, m_test)
show(plots.example_grid(X_test, data.image_shape, Y_test, P_test, names, n=SHOWN,
                        captions=[f"digit {d}" for d in digit], path=options.out / "examples.png"))  # fmt: skip

# %% [markdown]
# ## As the labels get scarce
#
# With a share f of the labels "?", each separate network sees about (1 − f)
# of the training images; the multi-task network sees every image that has at
# least one label (1 − f⁴ of them) and its shared layers learn from all the
# labels together. The table gives the mean held-out accuracy over the tasks,
# averaged over the data splits. Watch the difference column as the share of
# "?" grows: the fewer labels each task has of its own, the more it can gain
# from the labels of the other three (lecture claim 4b,
# [docs/lecture.md](../docs/lecture.md)).

# %%


def mean_accuracy(fraction, model):
    """Mean over tasks and over the splits of the held-out accuracy; model 0: multi-task, 1: separate."""
    return float(np.mean([results[fraction, r][1][model].mean("accuracy") for r in range(SIZE["repeats"])]))


curve_mt = [mean_accuracy(f, 0) for f in FRACTIONS]
curve_sep = [mean_accuracy(f, 1) for f in FRACTIONS]
print(f"\n{'share of ?':>10} {'multi-task':>11} {'separate':>9} {'difference':>11}   ({SIZE['repeats']} split(s))")
for fraction, a_mt, a_sep in zip(FRACTIONS, curve_mt, curve_sep):
    print(f"{fraction:>10.0%} {a_mt:>11.3f} {a_sep:>9.3f} {a_mt - a_sep:>+11.3f}")

fig = Figure(figsize=(5, 3.5), layout="constrained")
ax = fig.add_subplot()
percent = [100 * f for f in FRACTIONS]
ax.plot(percent, curve_mt, "o-", color=plots.model_color("multi-task"),
        label=f"multi-task ({multitask.n_params:,} parameters)")  # fmt: skip
ax.plot(percent, curve_sep, "s--", color=plots.model_color("separate"),
        label=f"4 separate networks ({separate.n_params:,})")  # fmt: skip
for x, a_mt, a_sep in zip(percent, curve_mt, curve_sep):  # the difference, written out: the axis starts above 0
    ax.annotate(f"{a_mt - a_sep:+.3f}", (x, max(a_mt, a_sep)), xytext=(0, 6), textcoords="offset points",
                ha="center", fontsize=8)  # fmt: skip
ax.set_xticks(percent)
ax.margins(x=0.1)  # room for the numbers at both ends
ax.set_ylim(min(0.9, np.floor(20 * min(curve_mt + curve_sep)) / 20), 1.0)  # from a round 0.05 step up to 1
ax.set_xlabel('training labels hidden ("?"), %')
ax.set_ylabel("mean held-out accuracy")
ax.set_title("Handwritten digits, 4 tasks (numbers: multi-task − separate)", fontsize=10)
ax.legend(loc="lower left")
fig.savefig(options.out / "accuracy_vs_missing.png")
show(fig)

# %% [markdown]
# The same comparison task by task, as the held-out error rate (1 − accuracy,
# from 0, averaged over the splits). At 30% "?" both models miss only a few
# digits in a hundred on every task, as the table above says already; as the
# labels get scarce, the picture shows which tasks lose most, and on which of
# them the multi-task network stays below its separate network.

# %%


def task_errors(fraction, model):
    """Held-out error rate per task (4,), averaged over the splits; model 0: multi-task, 1: separate."""
    return 1 - np.mean([results[fraction, r][1][model].accuracy for r in range(SIZE["repeats"])], axis=0)


errors = np.array([[task_errors(f, model) for f in FRACTIONS] for model in (0, 1)])  # (2 models, fractions, 4)
fig = Figure(figsize=(10, 3.2), layout="constrained")
axes = fig.subplots(1, len(names), sharey=True)
for j, (ax, name) in enumerate(zip(axes, names)):
    ax.plot(percent, 100 * errors[0, :, j], "o-", color=plots.model_color("multi-task"), label="multi-task")
    ax.plot(percent, 100 * errors[1, :, j], "s--", color=plots.model_color("separate"), label="separate network")
    ax.set_xticks(percent)
    ax.set(title=name, xlabel='labels "?", %')
    ax.grid(True, alpha=0.3)
axes[0].set_ylim(0, 110 * errors.max())  # shared by the four panels: from 0, room above the largest error
axes[0].set_ylabel("held-out error, % of the digits")
axes[0].legend(loc="upper left", fontsize=8)
fig.suptitle(f"Error per task as the labels get scarce (mean over {SIZE['repeats']} split(s))", fontsize=10)
fig.savefig(options.out / "accuracy_by_task.png")
show(fig)
print(f"\nfigures in {options.out}: examples.png, accuracy_vs_missing.png, accuracy_by_task.png")

# %% [markdown]
# ## The claim
#
# With 30% of the labels "?", the multi-task network's mean held-out accuracy
# (over the tasks and the splits) must be at most 1 point below that of the
# four separate networks, while it has about a quarter of their parameters.

# %%
a_mt, a_sep = mean_accuracy(MISSING, 0), mean_accuracy(MISSING, 1)
claim(f"on real handwritten digits with {MISSING:.0%} of the labels '?', one multi-task network matches four separate "
      f"networks (mean held-out accuracy at most {MARGIN:.2f} below) with about a quarter of the parameters "
      "(lecture claims 4 and 5)",
      f"mean accuracy multi-task {a_mt:.3f} vs separate {a_sep:.3f} (difference {a_mt - a_sep:+.3f}) over "
      f"{SIZE['repeats']} split(s); parameters {multitask.n_params:,} vs {separate.n_params:,} "
      f"(ratio {params_ratio:.2f})",
      holds=a_mt >= a_sep - MARGIN and params_ratio < 0.3)  # fmt: skip
print(f"done in {elapsed(options)}")

# %% [markdown]
# ## Try it
#
# Predict first, then change the parameters cell at the top and run all cells:
#
# 1. `MISSING = 0.9` (any share from 0 to 1 works; it joins the shares in the
#    table): each separate network now learns from about a tenth of the
#    training images, the multi-task network from the 1 − 0.9⁴ ≈ 34% that keep
#    at least one label. Does the multi-task network fall behind, keep level or
#    pull ahead? The per-task table and the closing check answer.
# 2. `HIDDEN = (8,)`: one hidden layer of 8 units, shared by four tasks in the
#    multi-task network, one task each in the separate ones. Is that "big
#    enough" (lecture claim 4c)? Compare the difference column at 30% and at
#    90% "?", and the per-task errors; the closing check may fail, which is
#    part of the answer.
