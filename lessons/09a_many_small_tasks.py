# %% [markdown]
# # Lesson 09a: many tasks, little data each
#
# When does multi-task learning make sense? One case in the lecture: many tasks,
# each with little data of its own. With 100 tasks of 1,000 examples each, one
# task alone has 1,000 examples, but a network that learns all 100 at once is
# trained on 100,000: each task borrows from the 99,000 examples of the others,
# through the hidden layers they share.
#
# Here it is at the lecture's numbers: **100 tasks × 1,000 labelled examples**.
# Every task is a yes/no question about a road scene, all questions about the
# same four objects (pedestrian, car, stop sign, traffic light), for example
# "car ∧ ¬pedestrian" (a car and no pedestrian) or "stop ∨ light" (a stop sign
# or a traffic light). So the tasks share their lower-level features (lecture
# claim 4a, [docs/lecture.md](../docs/lecture.md)): each answer is a simple
# function of four object detectors, and the detectors are the hard part to
# learn.
#
# What is scaled down to fit: the images are 16×16 RGB (n_x = 768), and the
# 100,000 labels lie on 10,000 images. Task t is labelled on its own random k of
# them; every other entry of row t of Y is "?" (NaN), which the masked cost
# leaves out:
#
#     J = (1/m) Σ_i Σ_{j labelled} L(ŷ_j^(i), y_j^(i))
#
# so with k = 1,000 each image carries about 10 of its 100 labels.
#
# Compared, for k from 100 to 1,000 labelled examples per task: one multi-task
# network trained on all 100 rows of Y, and separate single-task networks, one
# per target task, trained on that task's k examples only. Both have the same
# hidden layers. Scored on held-out images with every label known, by the area
# under the ROC curve (AUC) of each target task. Some questions are rare ("all
# four objects": about 5% of images), some almost always true; accuracy would reward
# always answering the commoner label, AUC does not: 0.5 is guessing, 1 is a
# perfect ranking, whatever the share of positives.
#
# What you will see: with 1,000 examples per task the multi-task network is far
# better on the target tasks, and it gets better the more other tasks it shares
# with. The full run also tries 100 and 300 examples per task: at 100 the
# aggregate itself is small (10,000 labels), both networks stay close to
# guessing, and the difference between them is small. The data of the others
# helps once there is much of it.
#
# Lecture claim 4b ([docs/lecture.md](../docs/lecture.md)): a task with few
# examples gains from the aggregate data of the others.

# %% tags=["parameters"]
# Parameters: edit them and run all cells. In a script, --quick and --seed override QUICK and SEED.
QUICK = False  # True: a small run of a few seconds (TINYMTL_QUICK=1 in the environment does the same)
SEED = 0  # seed of the data, the weights and the shuffling
N_TASKS = 100  # T: the number of tasks, rules drawn at random from 152 (50 to 152: the full run also trains 50)
HIDDEN = (64, 32)  # n_1, n_2 of every network, multi-task and single-task

# %%
import itertools
import math

import numpy as np
from matplotlib.figure import Figure

import tinymtl as tm
from tinymtl.baselines import train_multitask, train_separate
from tinymtl.datasets import road_scenes
from tinymtl.lesson import claim, elapsed, lesson_options, show
from tinymtl.plots import REFERENCE_COLOR, model_color

options = lesson_options("09a_many_small_tasks", "Lesson 09a: 100 tasks × 1,000 examples, one multi-task network or "
                         "one per task", quick=QUICK, seed=SEED)  # fmt: skip

# m_pool: training images (the labels of all tasks lie on them); m_test: held-out images, every label known;
# ks: labelled examples per task, compared; n_targets: the tasks that also get a single-task network (the first
# ones; the tasks are drawn at random, so they are a random sample); shared: numbers of tasks for the second
# experiment, at the largest k, besides the targets alone and all T; mt_steps: mini-batches of 128 for every
# multi-task network; st_steps: the fewest mini-batches of 32 for a single-task network.
FULL_RUN = dict(m_pool=10_000, m_test=3_000, ks=(100, 300, 1000), shared=(50,), n_targets=20, mt_steps=2000,
                st_steps=400)  # fmt: skip
QUICK_RUN = dict(m_pool=5_000, m_test=2_000, ks=(1000,), shared=(), n_targets=6, mt_steps=1500, st_steps=300)
SIZE = QUICK_RUN if options.quick else FULL_RUN
IMAGE_SIZE = 16  # pixels per side: n_x = 16·16·3 = 768
MT_BATCH, ST_BATCH = 128, 32  # mini-batch sizes: the multi-task network, a single-task network
MARGIN = 0.05  # at the largest k, the multi-task network's mean target AUC must beat the separate ones' by this
WIN_SHARE = 0.8  # and be higher on at least this share of the target tasks
OTHERS = 0.03  # and sharing with all T tasks must beat sharing with the target tasks alone by this much mean AUC
OBJECTS = ("pedestrian", "car", "stop", "light")  # short names of the four objects, in the order of Y's rows

# %% [markdown]
# ## The data: road scenes and 100 questions about them
#
# `road_scenes` gives Y_obj (4, m): which objects each image holds. Here each
# object is drawn independently of the others (`shared=False`): what the 100
# tasks share is then the four object detectors alone. (In the default scenes
# the objects gather at intersections, and many rules become nearly the same
# question: "car ∧ ¬pedestrian" is rare when cars and pedestrians go together.) A question
# is a rule over literals, each "object k is there" or "object k is not there",
# joined by ∧ (all hold) or ∨ (at least one holds). There are 152 such rules
# (a one-literal ∨ is the same as its ∧); T of them are drawn at random, giving
# Y (T, m). No loop over images: `holds[t, k, i]` says whether literal k of
# task t is true for image i.


# %%
def question_tasks(objects, n_tasks, rng):
    """n_tasks random rules over the four objects: their labels Y (n_tasks, m) of 0/1, and their names.

    objects: (4, m) bool, row k = "object k is in the image".
    """
    signs = itertools.product((-1, 0, 1), repeat=4)  # per object: −1 "not there", +1 "there", 0 not asked
    literals = np.array([v for v in signs if any(v)])  # every non-empty literal set: (80, 4)
    literals = np.concatenate([literals, literals])  # (160, 4): each literal set once with ∧, once with ∨
    is_and = np.repeat([True, False], len(literals) // 2)  # (160,)
    keep = is_and | ((literals != 0).sum(axis=1) > 1)  # drop the one-literal ∨
    literals, is_and = literals[keep], is_and[keep]  # (152, 4), (152,)
    pick = rng.choice(len(literals), n_tasks, replace=False)
    literals, is_and = literals[pick], is_and[pick]  # (T, 4), (T,)
    asked = (literals != 0)[:, :, None]  # (T, 4, 1)
    holds = np.where(literals[:, :, None] > 0, objects, ~objects)  # literal k of task t true for image i: (T, 4, m)
    Y = np.where(is_and[:, None], (holds | ~asked).all(axis=1), (holds & asked).any(axis=1))  # (T, m)
    words = [[("" if sign > 0 else "¬") + OBJECTS[k] for k, sign in enumerate(row) if sign] for row in literals]
    names = [(" ∧ " if conj else " ∨ ").join(w) for w, conj in zip(words, is_and)]  # e.g. "car ∧ ¬pedestrian"
    return Y.astype(np.float32), names


rng = np.random.default_rng(options.seed)
m_pool, m_test, T = SIZE["m_pool"], SIZE["m_test"], N_TASKS
data = road_scenes(m=m_pool + m_test, image_size=IMAGE_SIZE, seed=options.seed, shared=False, dtype="float32")
Y_all, names = question_tasks(data.Y.astype(bool), T, rng)  # (T, m_pool + m_test)
X = data.X  # pixels in [−0.5, 0.5]: (n_x, m_pool + m_test)
X_train, X_test = X[:, :m_pool], X[:, m_pool:]  # (n_x, m_pool), (n_x, m_test)
Y_train, Y_test = Y_all[:, :m_pool], Y_all[:, m_pool:]  # (T, m_pool), (T, m_test): no "?" yet
n_x, n_targets = X.shape[0], SIZE["n_targets"]
share = Y_test.mean(axis=1)  # share of positive held-out images per task: (T,)
print(f"n_x = {n_x}; {T} tasks; {m_pool:,} training images, {m_test:,} held out; positives per task from "
      f"{share.min():.1%} to {share.max():.1%} (median {np.median(share):.0%})")  # fmt: skip
print("some tasks: " + "; ".join(f"{names[t]} ({share[t]:.0%})" for t in range(4)))

# %% [markdown]
# ## k labelled examples per task, the rest "?"
#
# Each task gets its own random order of the training images and is labelled
# on the first k of them. The orders are drawn once, so the 300 examples of a
# task include its 100, and the task's single-task network and the multi-task
# network see exactly the same labels of it.

# %%
order = rng.random((T, m_pool)).argsort(axis=1).argsort(axis=1)  # (T, m_pool): image i is number order[t, i] for task t


def labels_seen(k, n_tasks=T):
    """Y of the first n_tasks tasks, each labelled on its first k images, "?" (NaN) elsewhere: (n_tasks, m_pool)."""
    return np.where(order[:n_tasks] < k, Y_train[:n_tasks], np.nan)


# Per-task area under the ROC curve, (T,) from Y, P (T, m): the chance that a random positive outscores a random
# negative, AUC_t = (1/(n₊ n₋)) Σ_{i: y=1} (#{negatives scored below p_i} + ½ #{negatives scored p_i}).
auc = tm.metrics.per_task_auc

# %% [markdown]
# ## Train both, for each k
#
# The multi-task network is an MLP [n_x, n_1, n_2, T] trained on the images
# that carry at least one label, for the same number of mini-batches at every
# k. `train_separate` builds one MLP [n_x, n_1, n_2, 1] per target task and
# trains it on the k columns where that task is labelled, for at least
# `st_steps` mini-batches (a few examples get many epochs).


# %%
def multitask_auc(Y_seen):
    """Train one multi-task network on Y_seen (n_tasks, m_pool), "?" = NaN; held-out AUC of each task: (n_tasks,)."""
    images = np.flatnonzero(~np.isnan(Y_seen).all(axis=0))  # the images with at least one label
    epochs = math.ceil(SIZE["mt_steps"] * MT_BATCH / images.size)
    model, _ = train_multitask(X_train[:, images], Y_seen[:, images], HIDDEN, seed=options.seed,
                               dtype="float32", epochs=epochs, batch_size=MT_BATCH, progress=False)  # fmt: skip
    return auc(Y_test[: Y_seen.shape[0]], tm.to_numpy(model.predict_proba(X_test)))  # (n_tasks,)


def single_task_auc(Y_seen, k):
    """One network per row of Y_seen (n_targets, m_pool), each on its k labelled images; held-out AUC: (n_targets,)."""
    epochs = max(5, math.ceil(SIZE["st_steps"] * ST_BATCH / k))
    model = train_separate(X_train, Y_seen, HIDDEN, seed=options.seed, dtype="float32", epochs=epochs,
                           batch_size=ST_BATCH, progress=False)  # fmt: skip
    return auc(Y_test[: Y_seen.shape[0]], tm.to_numpy(model.predict_proba(X_test)))  # (n_targets,)


mt_auc, st_auc = [], []  # per k: AUC of the target tasks, (n_targets,) each
print(f"\nheld-out AUC, mean over {n_targets} target tasks (chance: 0.5)")
print(f"{'k':>6} {'all labels':>10} {'multi-task':>10} {'separate':>9} {'difference':>10} {'MT better on':>12} "
      f"{'MT, all tasks':>13}")  # fmt: skip
for k in SIZE["ks"]:
    Y_seen = labels_seen(k)  # (T, m_pool)
    every_task = multitask_auc(Y_seen)  # (T,)
    mt_auc.append(every_task[:n_targets])
    st_auc.append(single_task_auc(Y_seen[:n_targets], k))
    gap = mt_auc[-1] - st_auc[-1]  # (n_targets,)
    print(f"{k:>6} {T * k:>10,} {mt_auc[-1].mean():>10.3f} {st_auc[-1].mean():>9.3f} {gap.mean():>+10.3f} "
          f"{(gap > 0).mean():>12.0%} {every_task.mean():>13.3f}", flush=True)  # fmt: skip

# %% [markdown]
# ## How much do the other tasks give?
#
# At the largest k, the same target tasks once more, now in multi-task networks
# that share their hidden layers with fewer tasks: only the targets, or 50
# tasks, against all T. One task alone is the separate network. This also
# checks that the gain above is the others' data and not the way the
# multi-task network is trained (mini-batches of 128 for a fixed number of
# steps, where a separate network takes mini-batches of 32): the networks of
# this experiment are all trained in the same way, on more or fewer tasks.

# %%
k_max = SIZE["ks"][-1]
sharing = {1: st_auc[-1].mean()}  # tasks in the network -> mean target AUC
for n_tasks in (n_targets, *SIZE["shared"]):
    sharing[n_tasks] = multitask_auc(labels_seen(k_max, n_tasks))[:n_targets].mean()
sharing[T] = mt_auc[-1].mean()
print(f"\nk = {k_max}: mean target AUC by the number of tasks sharing the network: "
      + ", ".join(f"{n}: {value:.3f}" for n, value in sharing.items()))  # fmt: skip

fig = Figure(figsize=(11, 4.2), layout="constrained")
ax_k, ax_t = fig.subplots(1, 2, sharey=True)
for values, label, kind in ((mt_auc, f"one multi-task network ({T} tasks)", "multi-task"),
                            (st_auc, "one network per task", "separate")):  # fmt: skip
    ax_k.plot(SIZE["ks"], [v.mean() for v in values], "o-", label=label, color=model_color(kind))
ax_k.axhline(0.5, color=REFERENCE_COLOR, linestyle=":", label="guessing")
ax_k.set(xscale="log", xlabel="labelled examples per task, k", ylabel=f"held-out AUC, mean of {n_targets} tasks",
         ylim=(0.45, 1.0), title=f"{T} tasks, k examples each")  # fmt: skip
ax_k.set_xticks(SIZE["ks"], [f"{k:,}" for k in SIZE["ks"]])
ax_k.minorticks_off()
ax_k.legend(loc="upper left")
ax_k.grid(alpha=0.3)
ax_t.plot(list(sharing)[1:], list(sharing.values())[1:], "o-", color=model_color("multi-task"),
          label="one multi-task network")  # fmt: skip
ax_t.plot(1, sharing[1], "o", color=model_color("separate"), label="a network of its own")
ax_t.axhline(0.5, color=REFERENCE_COLOR, linestyle=":")
ax_t.legend(loc="upper left")
ax_t.set(xscale="log", xlabel="tasks sharing the network (1: a network of its own)",
         title=f"k = {k_max:,}: borrowing from the others")  # fmt: skip
ax_t.set_xticks(list(sharing), [str(n) for n in sharing])  # after the log scale, which would replace them
ax_t.minorticks_off()
ax_t.grid(alpha=0.3)
fig.savefig(options.out / "many_small_tasks.png")
show(fig)
print(f"figure: {options.out / 'many_small_tasks.png'}")

# %% [markdown]
# ## The claim
#
# Checked at the largest k (1,000 in the full run, the lecture's number): the
# multi-task network's mean AUC on the target tasks is higher than that of the
# separate networks by at least 0.05, and higher on at least 80% of the target
# tasks, so the mean is not carried by a few of them. And the gain comes from
# the other tasks' data: the network of all T tasks beats the same network
# trained, in the same way, on the target tasks alone by at least 0.03.

# %%
gap = mt_auc[-1] - st_auc[-1]  # (n_targets,)
smallest = f"; with k = {SIZE['ks'][0]}: {mt_auc[0].mean():.3f} vs {st_auc[0].mean():.3f}" if mt_auc[1:] else ""
from_others = sharing[T] - sharing[n_targets]  # all T tasks vs the targets alone, the same training
claim(f"with {T} tasks of k = {k_max} labelled examples each, a task gains from the others' data: one multi-task "
      f"network beats one network per task by ≥ {MARGIN} mean held-out AUC, on ≥ {WIN_SHARE:.0%} of the target "
      f"tasks, and beats a multi-task network of the target tasks alone by ≥ {OTHERS} (lecture claim 4b)",
      f"mean AUC over {n_targets} target tasks {mt_auc[-1].mean():.3f} vs {st_auc[-1].mean():.3f} "
      f"({gap.mean():+.3f}), multi-task better on {(gap > 0).mean():.0%}; targets alone in one network "
      f"{sharing[n_targets]:.3f} ({from_others:+.3f}){smallest}",
      holds=gap.mean() >= MARGIN and (gap > 0).mean() >= WIN_SHARE and from_others >= OTHERS)  # fmt: skip
print(f"done in {elapsed(options)}")

# %% [markdown]
# ## Try it
#
# Predict first, then change the parameters cell at the top and run all cells:
#
# 1. `N_TASKS = 50`: half as many other tasks to borrow from (keep T between 50
#    and 152: the full run also trains a network of 50 tasks). How much of the
#    multi-task network's lead over one network per task remains? (The columns
#    "difference" and "MT better on" of the table, and the right panel; the
#    closing check may fail, and that is part of the answer.)
# 2. `HIDDEN = (8,)`: every network, the multi-task one included, gets one
#    hidden layer of 8 units, which all T tasks must share. Does the data of
#    the others still help, at every k? (The table, the line "by the number of
#    tasks sharing the network" and the closing check, which may fail.)
