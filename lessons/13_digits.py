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
# models, their parameter counts, the same comparison as the share of "?" grows
# to 90%, and a grid of held-out digits with the multi-task network's answers.
#
# Lecture claims 4 and 5: when the tasks share lower-level features and the
# network is big enough, one network for four tasks does as well as four
# networks, at about a quarter of the parameters.

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
show(plots.task_metric_bars({"multi-task": report_mt.accuracy, "separate networks": report_sep.accuracy}, names,
                            "accuracy", path=options.out / "accuracy_by_task.png"))  # fmt: skip
P_test = multitask.predict_proba(X_test)  # Ŷ = A[3]: (4, m_test)
show(plots.example_grid(X_test, data.image_shape, Y_test, P_test, names, n=16, path=options.out / "examples.png"))

# %% [markdown]
# ## As the labels get scarce
#
# With a share f of the labels "?", each separate network sees about (1 − f)
# of the training images; the multi-task network sees every image that has at
# least one label (1 − f⁴ of them) and its shared layers learn from all the
# labels together. The table gives the mean held-out accuracy over the tasks,
# averaged over the data splits. Watch the difference column as the share of
# "?" grows: the fewer labels each task has of its own, the more it can gain
# from the labels of the other three (lecture claim 4b).

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
ax.plot(percent, curve_mt, "o-", label=f"multi-task ({multitask.n_params:,} parameters)")
ax.plot(percent, curve_sep, "s--", label=f"4 separate networks ({separate.n_params:,})")
ax.set_xlabel('training labels hidden ("?"), %')
ax.set_ylabel("mean held-out accuracy")
ax.set_title("Handwritten digits, 4 tasks")
ax.legend()
fig.savefig(options.out / "accuracy_vs_missing.png")
show(fig)
print(f"\nfigures in {options.out}: accuracy_by_task.png, examples.png, accuracy_vs_missing.png")

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
#    enough" (lecture claim 5)? Compare the difference column at 30% and at
#    90% "?"; the closing check may fail, which is part of the answer.
