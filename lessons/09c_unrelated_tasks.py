# %% [markdown]
# # Lesson 09c: helper tasks that share no features do not help (here they hurt)
#
# A target task has few labels. Multi-task learning lets it borrow from helper
# tasks with many labels, through the shared hidden layers W[1], ..., W[L−1].
# The lecture's first condition (claim 4a, [docs/lecture.md](../docs/lecture.md))
# is that the tasks can share lower-level features; tasks that share nothing
# gain nothing, and can lose. Here the helpers come two ways, with the same number of
# tasks and the same number of labels, so that only the sharing differs:
#
# - **related**: the four object tasks (pedestrian, car, stop sign, traffic
#   light) of the *same* road image as the target;
# - **unrelated**: the same four object tasks, but of *another*, independent
#   road image.
#
# The construction: each example is a pair of road scenes, image A and image
# B, drawn independently and stacked into one column of X (2·n_x, m): the
# first n_x rows are A's pixels, the last n_x are B's. Every target question
# asks about image A only. In an MLP each pixel has its own column of W[1]
# (n_1, 2·n_x), so what W[1] learns for B's pixels is no use for A's, and B's
# labels say nothing about A (the images are independent). The unrelated
# helpers are as hard and as well labelled as the related ones; they are just
# about a different picture.
#
# The targets are four new questions about image A (averaged, so that one
# lucky task cannot carry the result): "two or more objects", "a stop sign or
# a traffic light", "a pedestrian or a traffic light" and "a pedestrian or a
# stop sign" (each true on 43% to 52% of the images). Each is
# labelled on a few images only ("?" elsewhere). The relation to the related
# helpers is strong: the questions are about the same four objects, so every
# object feature the helpers teach the shared layers is one the target can
# use.
#
# Each target is trained three ways, on the same X, with the same network
# (except its output layer: one row per task), the same seed and the same
# mini-batches: (i) **alone**, Y (1, m); (ii) with the **related** helpers,
# Y (5, m); (iii) with the **unrelated** helpers, Y (5, m). Only the rows of Y
# differ. What you will see: a table of held-out accuracy on each target, then
# a fourth training that tests why the unrelated helpers cost the target
# accuracy, and a bar chart of all four.

# %% tags=["parameters"]
# Parameters: edit them and run all cells. In a script, --quick and --seed override QUICK and SEED.
QUICK = False  # True: a small run of a few seconds (TINYMTL_QUICK=1 in the environment does the same)
SEED = 0  # seed of the data, the weights and the shuffling
LR = 3e-3  # Adam's learning rate; 1e-3 left the target's output row, seen in a few examples per batch, undertrained
BATCH = 128  # examples per mini-batch

# %%
import numpy as np
from matplotlib.figure import Figure

import tinymtl as tm
from tinymtl.datasets import QUESTIONS, questions, scene_pairs
from tinymtl.lesson import claim, elapsed, lesson_options, show
from tinymtl.losses import masked_logistic_loss_and_grad
from tinymtl.plots import REFERENCE_COLOR, model_color
from tinymtl.training import minibatch_indices

options = lesson_options("09c_unrelated_tasks",
                         "Lesson 09c: related helpers help a task with few labels, unrelated ones do not",
                         quick=QUICK, seed=SEED)  # fmt: skip

# m: training pairs (A, B); few: of them, the ones whose target label is known; m_test: held-out pairs, every
# label known; hidden: n_1, n_2; epochs: passes over the m pairs; targets: how many of the four questions.
FULL_RUN = dict(m=8_000, few=300, m_test=3_000, hidden=(64, 32), epochs=10, targets=4)
QUICK_RUN = dict(m=3_000, few=200, m_test=1_000, hidden=(32, 16), epochs=8, targets=2)
SIZE = QUICK_RUN if options.quick else FULL_RUN
HELPS = 0.04  # the claim: related helpers raise the mean target accuracy by at least this much,
NO_GAIN = 0.01  # and unrelated helpers raise it by at most this much (a loss is allowed)

# %% [markdown]
# ## The data: pairs of independent road scenes
#
# Image A and image B come from `road_scenes` with different seeds
# (`tinymtl.datasets.scene_pairs`). The pixels come centred (pixel − 0.5) and are
# stacked: X = [X_A; X_B]. The four object labels of A are Y_A (4, m), those of B
# are Y_B (4, m); the targets are `questions(Y_A)`, four functions of Y_A: "2+
# objects", "stop sign or light", "pedestrian or light", "pedestrian or sign"
# (OR is max(y_1, y_2); see `tinymtl/datasets/pairs.py`).

# %%
m_all = SIZE["m"] + SIZE["m_test"]
X, scenes_a, scenes_b = scene_pairs(m_all, seed=options.seed, dtype="float32")  # X = [X_A; X_B]: (2·n_x, m_all)
n_x = scenes_a.X.shape[0]  # pixels of one image
X_train, X_test = X[:, : SIZE["m"]], X[:, SIZE["m"] :]  # (2·n_x, m), (2·n_x, m_test)
helpers = {"related": scenes_a.Y[:, : SIZE["m"]], "unrelated": scenes_b.Y[:, : SIZE["m"]]}  # (4, m) each
T = questions(scenes_a.Y)  # the targets, about image A: (4, m_all)
T_train, T_test = T[:, : SIZE["m"]], T[:, SIZE["m"] :]  # (4, m), (4, m_test)
print(f"{SIZE['m']:,} training pairs, X ({2 * n_x}, m): two {scenes_a.image_shape} images; each target labelled on "
      f"{SIZE['few']} of them ({SIZE['few'] / SIZE['m']:.0%}), each helper on all; {SIZE['m_test']:,} held-out "
      "pairs")  # fmt: skip

# %% [markdown]
# ## Three trainings per target
#
# The target is row 0 of Y: its label on the first `few` pairs, "?" on the
# rest. The masked cost J leaves the "?" out, so alone the network learns from
# `few` labels; with helpers, rows 1–4 are labelled on every pair. The same
# mini-batches are drawn in all three trainings (the same seed), so the alone
# network takes as many steps as the others.


# %%
def train(net, X, Y) -> None:
    """tm.fit with the lesson's Adam, epochs and mini-batches (the same seed: the same mini-batches every time)."""
    tm.fit(net, X, Y, optimizer=tm.Adam(lr=LR), epochs=SIZE["epochs"], batch_size=BATCH, seed=options.seed,
           progress=False)  # fmt: skip


def target_accuracy(j: int, helper_rows, training=train) -> float:
    """Held-out accuracy on target j, trained alone (helper_rows None) or with helper_rows (4, m) below it."""
    target = np.full((1, SIZE["m"]), np.nan, dtype=np.float32)  # row 0 of Y: "?" except the first `few` pairs
    target[0, : SIZE["few"]] = T_train[j, : SIZE["few"]]
    Y = target if helper_rows is None else np.concatenate([target, helper_rows])  # (1, m) or (5, m)
    net = tm.MLP([2 * n_x, *SIZE["hidden"], Y.shape[0]], seed=options.seed, dtype="float32")
    training(net, X_train, Y)
    P = net.predict_proba(X_test)[:1]  # the target's row of Ŷ: (1, m_test)
    return float(tm.metrics.per_task_accuracy(T_test[j : j + 1], P)[0])


ways = ("alone", "related", "unrelated")
targets = range(SIZE["targets"])
accuracy = np.array([[target_accuracy(j, helpers.get(way)) for way in ways] for j in targets])  # (targets, 3)
majority = np.maximum(T_test.mean(axis=1), 1 - T_test.mean(axis=1))[: SIZE["targets"]]  # commoner answer: (targets,)

print(f"\n{'target (about image A)':<22} {'majority':>8} " + " ".join(f"{way:>9}" for way in ways)
      + f" {'related−alone':>14} {'unrelated−alone':>16}")  # fmt: skip
for j in targets:
    row = " ".join(f"{a:>9.3f}" for a in accuracy[j])
    gains = accuracy[j, 1:] - accuracy[j, 0]  # (2,): related − alone, unrelated − alone
    print(f"{QUESTIONS[j]:<22} {majority[j]:>8.3f} {row} {gains[0]:>+14.3f} {gains[1]:>+16.3f}")
mean = accuracy.mean(axis=0)  # (3,): over the targets
gain_related, gain_unrelated = mean[1] - mean[0], mean[2] - mean[0]
print(f"{'mean':<22} {majority.mean():>8.3f} " + " ".join(f"{a:>9.3f}" for a in mean)
      + f" {gain_related:>+14.3f} {gain_unrelated:>+16.3f}")  # fmt: skip

# %% [markdown]
# ## Why do the unrelated helpers cost the target accuracy?
#
# They do more than fail to help: in the table they *lower* the target's
# accuracy. A suspect: a helper's gradient on W[1] is dW[1] = dZ[1] A[0]ᵀ
# (n_1, 2·n_x), and its columns for A's pixels are not zero. Over all images
# they average out (A's pixels are independent of B's labels), but in each
# mini-batch they are random pulls, four fully labelled tasks strong, on the
# very weights the target needs, while the target speaks in only a few
# examples per batch.
#
# The test: train "unrelated" once more, the same network, helpers, Adam and
# mini-batches, but keep the helpers' part out of A's columns of dW[1]
# ("shielded"). The cost is a sum over tasks, so dZ[L] is the target's row
# plus the helpers' rows, and backward is linear in dZ[L]: backprop the
# helpers' rows alone, and subtract their dW[1][:, :n_x] before each step. If
# the suspect is the cause, shielding gives the target back most of what the
# unrelated helpers cost it.


# %%
def fit_shielded(net, X, Y) -> None:
    """tm.fit's loop (Adam, the same mini-batches), but the helpers' gradient never reaches A's columns of W[1].

    Y: (5, m), the target in row 0, the helpers in rows 1-4; X: (2·n_x, m), A's pixels in rows 0..n_x−1.
    """
    optimizer, rng = tm.Adam(lr=LR), np.random.default_rng(options.seed)  # the generator tm.fit draws batches from
    for _ in range(SIZE["epochs"]):
        for columns in minibatch_indices(X.shape[1], BATCH, rng):
            ZL, caches = net.forward(X[:, columns])  # Z[L]: (5, m_b)
            _, dZL = masked_logistic_loss_and_grad(ZL, Y[:, columns])  # dZ[L] = M ⊙ (A[L] − Y) / m_b: (5, m_b)
            grads = net.backward(dZL, caches)  # the gradients of the whole cost J
            helpers_only = dZL.copy()
            helpers_only[0] = 0  # the helpers' rows of dZ[L]: (5, m_b)
            grads["dW1"][:, :n_x] -= net.backward(helpers_only, caches)["dW1"][:, :n_x]  # A's columns: (n_1, n_x)
            optimizer.step(net.params, grads)


shielded = np.array([target_accuracy(j, helpers["unrelated"], fit_shielded) for j in targets])  # (targets,)
print(f"\n{'target (about image A)':<22} {'alone':>9} {'unrelated':>9} {'shielded':>9} {'shielded−alone':>15}")
for j in targets:
    print(f"{QUESTIONS[j]:<22} {accuracy[j, 0]:>9.3f} {accuracy[j, 2]:>9.3f} {shielded[j]:>9.3f} "
          f"{shielded[j] - accuracy[j, 0]:>+15.3f}")  # fmt: skip
print(f"{'mean':<22} {mean[0]:>9.3f} {mean[2]:>9.3f} {shielded.mean():>9.3f} {shielded.mean() - mean[0]:>+15.3f}")

# %% [markdown]
# ## The picture
#
# Left: one training example, the column x of X cut back into its two images.
# The target and the related helpers ask about A; the unrelated helpers ask
# about B. Right: held-out accuracy on each target, four ways: orange, a
# network of its own; blue, one multi-task network with the target's helpers
# (related, unrelated, unrelated shielded).

# %%
fig = Figure(figsize=(13, 4.4), layout="constrained")
ax_a, ax_b, ax_bars = fig.subplots(1, 3, width_ratios=(1, 1, 4.5))
halves = ((ax_a, X[:n_x, 0], "image A:\ntarget, related", scenes_a.Y[:, 0]),
          (ax_b, X[n_x:, 0], "image B:\nunrelated", scenes_b.Y[:, 0]))  # fmt: skip
for ax, pixels, title, labels in halves:
    ax.imshow(pixels.reshape(scenes_a.image_shape) + 0.5)  # back to [0, 1] for display
    shown = [task for task, y in zip(scenes_a.task_names, labels) if y == 1] or ["no object"]
    ax.set(title=title, xticks=[], yticks=[], xlabel="\n".join(shown))
names = [QUESTIONS[j] for j in targets] + ["mean"]
values = np.column_stack([np.vstack([accuracy, mean]), [*shielded, shielded.mean()]])  # (targets + 1, 4)
blue, orange = model_color("multi-task"), model_color("separate")
styles = {  # the kind of network by colour: orange its own, blue one multi-task network with helpers
    "alone (a network of its own)": dict(color=orange),
    "+ related helpers": dict(color=blue),
    "+ unrelated helpers": dict(color="white", edgecolor=blue, hatch="////"),
    "+ unrelated, A's columns shielded": dict(color="#c6dbef", edgecolor=blue, hatch=".."),
}
width = 0.2
for k, (label, style) in enumerate(styles.items()):
    bars = ax_bars.bar(np.arange(len(names)) + (k - 1.5) * width, values[:, k], width, label=label, **style)
    ax_bars.bar_label(bars, fmt="{:.2f}", fontsize=7)
ax_bars.hlines([*majority, majority.mean()], np.arange(len(names)) - 2 * width, np.arange(len(names)) + 2 * width,
               color=REFERENCE_COLOR, linestyle="--", label="commoner answer")  # fmt: skip
ax_bars.set_xticks(np.arange(len(names)), [name.replace(" or ", "\nor ") for name in names])  # two lines each
ax_bars.set(ylim=(0.4, 1.0), ylabel="held-out accuracy on the target",
            title=f"target labelled on {SIZE['few']} of {SIZE['m']:,} pairs; helpers on all")  # fmt: skip
ax_bars.legend(loc="upper left", bbox_to_anchor=(1.0, 1.0), fontsize=8, frameon=False)
ax_bars.grid(axis="y", alpha=0.3)
ax_bars.set_axisbelow(True)
fig.savefig(options.out / "unrelated_tasks.png")
show(fig)
print(f"\nfigure: {options.out / 'unrelated_tasks.png'}")

# %% [markdown]
# ## The claim
#
# Checked on the mean over the targets: the related helpers must raise the
# held-out accuracy by at least 0.04, the unrelated helpers by at most 0.01 (a
# loss is allowed: the lecture says such tasks gain nothing, and can lose).
# The shielded training puts the loss where the suspect said: kept off A's
# columns of W[1], the unrelated helpers cost the target little or nothing
# (compare the columns shielded−alone and unrelated−alone; other seeds move
# shielded−alone by a few points either way). For the target, an unrelated
# helper is noise; lesson 09d measures the directions: the cosine between the
# gradient of a question about A and that of an object of B is near 0.

# %%
claim(f"helper tasks that share features with a target (same image) raise its accuracy by at least {HELPS}; "
      f"helper tasks that share none (another image) gain at most {NO_GAIN} (lecture claim 4a)",
      f"mean held-out accuracy over {len(targets)} targets with {SIZE['few']} labels each: alone {mean[0]:.3f}, "
      f"related helpers {mean[1]:.3f} ({gain_related:+.3f}), unrelated helpers {mean[2]:.3f} ({gain_unrelated:+.3f})",
      holds=gain_related >= HELPS and gain_unrelated <= NO_GAIN)  # fmt: skip
print(f"done in {elapsed(options)}")

# %% [markdown]
# ## Try it
#
# Predict first, then change the parameters cell at the top and run all cells:
#
# 1. `LR = 1e-3`: smaller steps, so each mini-batch's random pull of the
#    unrelated helpers moves W[1] less. Do they still cost the target accuracy,
#    and more or less than at 3e-3? Does the gain from the related helpers
#    change? (The columns related−alone and unrelated−alone of the table.)
# 2. `BATCH = 32`: four times as many steps, each with a quarter as many target
#    labels in its mini-batch. Does the loss to the unrelated helpers grow or
#    shrink, and does shielding A's columns still remove it? (The same columns,
#    the column shielded−alone of the second table, and the bar chart.)
# 3. `SEED = 1`: new pairs of images, new weights, new mini-batches. Which
#    numbers move by more than 0.05, and does the closing check still hold?
