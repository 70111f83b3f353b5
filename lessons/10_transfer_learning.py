# %% [markdown]
# # Lesson 10: transfer learning, A → B
#
# Task A has much data: 20,000 road scenes, each labelled for four objects
# (pedestrian, car, stop sign, traffic light), X (n_x, m) with n_x = 24·24·3 and
# Y (4, m). Task B has the same kind of input x but only a few labelled
# examples: "does this image show **two or more** of the four objects?" (a busy
# scene), Y_B (1, m_B).
#
# B is a function of A's own labels, y_B = 1[Σ_j y_j ≥ 2]: a network that
# answers A's four questions already holds in its last hidden layer nearly
# everything B needs. That is the most favourable case for transfer, chosen to
# show it clearly. A second task, **B'**, shows the other side: which lamp of the
# traffic light is lit (red, yellow or green, `light_colour_tasks`), something
# A's network never had to see.
#
# Transfer learning keeps the network trained on A, throws away its output
# layer W[L] (4, n_{L-1}), b[L] (4, 1), and puts a new, randomly initialised one
# for B's outputs in its place: W[L] (1, n_{L-1}), b[L] (1, 1). Then either
#
# - **frozen**: train only the new output layer. With W[1..L-1] fixed, the
#   features A[L-1] (n_{L-1}, m) never change, so this is logistic regression on
#   them (`tinymtl.transfer.fit_output_layer`); or
# - **fine-tuned**: train every layer, starting from A's weights (`tm.fit`).
#
# Both are compared with the same network trained **from scratch** on B alone,
# for B sizes from 50 to 3,000 images, on 3,000 held-out B images; then the
# frozen network and the one from scratch again on B'.
#
# What you will see: with 50 or 100 B images the pretrained network is far
# better than the one from scratch; as B grows, the network from scratch
# gains faster and the advantage shrinks (at 3,000 images it has not vanished).
# Fine-tuning trails the frozen network, and a control run says whether its
# smaller learning rate is the reason. On B' the pretrained network is not far
# ahead of guessing, and the network from scratch passes it as B' grows.
#
# Lecture claim 6 ([docs/lecture.md](../docs/lecture.md)): transfer A → B makes
# sense when A and B share the input x, A has much more data than B, and what
# was learned on A helps B. For B all three hold; for B' the third does not.

# %% tags=["parameters"]
# Parameters: edit them and run all cells. In a script, --quick and --seed override QUICK and SEED.
QUICK = False  # True: a small run of a few seconds (TINYMTL_QUICK=1 in the environment does the same)
SEED = 0  # seed of the data, the weights and the shuffling
HIDDEN = (64, 32)  # n_1, n_2: the hidden layers of every network, A's and B's
LR = dict(scratch=1e-3, frozen=1e-2, fine_tuned=1e-3)  # Adam learning rates; the one-layer head takes a larger one

# %%
import numpy as np
from matplotlib.figure import Figure

import tinymtl as tm
from tinymtl import plots
from tinymtl.datasets import light_colour_tasks, road_scenes
from tinymtl.lesson import claim, elapsed, lesson_options, show
from tinymtl.transfer import fit_output_layer, new_output_layer

options = lesson_options("10_transfer_learning",
                         "Lesson 10: a network pretrained on A helps task B when B has little data",
                         quick=QUICK, seed=SEED)  # fmt: skip

# m_a, epochs_a: task A's training images and epochs; sizes: the numbers m_B of B's training images
# compared; m_test: B's held-out images; steps: the fewest mini-batch steps any B training gets (small B sets
# get more epochs, so every network is trained to convergence).
FULL_RUN = dict(m_a=20_000, epochs_a=10, sizes=(50, 100, 300, 1000, 3000), m_test=3000, steps=400)
QUICK_RUN = dict(m_a=6_000, epochs_a=6, sizes=(50, 300, 3000), m_test=2000, steps=200)
SIZE = QUICK_RUN if options.quick else FULL_RUN
BATCH = 32  # B's mini-batch size
SMALL_MARGIN = 0.05  # at the smallest B, frozen transfer must beat scratch by at least this much accuracy
SHRINK = 0.03  # and its advantage at the largest B must be smaller by at least this much

# %% [markdown]
# ## Task A: much data, four objects
#
# The network (with HIDDEN = (64, 32)) W[1] (64, n_x), W[2] (32, 64),
# W[3] (4, 32), ReLU hidden layers, sigmoid outputs, trained with
# J = (1/m) Σ_i Σ_j L(ŷ_j^(i), y_j^(i)) on the centred pixels (pixel − 0.5)
# that `road_scenes` gives.

# %%
data_a = road_scenes(m=SIZE["m_a"], seed=options.seed, dtype="float32")
X_a = data_a.X  # X: (n_x, m_A)
n_x = X_a.shape[0]
net_a = tm.MLP([n_x, *HIDDEN, 4], seed=options.seed, dtype="float32")
history_a = tm.fit(net_a, X_a, data_a.Y, optimizer=tm.Adam(lr=1e-3), epochs=SIZE["epochs_a"], batch_size=128,
                   seed=options.seed, progress=False)  # fmt: skip

# %% [markdown]
# ## Task B: the same kind of image, few labels
#
# B's images come from the same generator with another seed, so they never
# appeared in A's training set. B's label is 1 when at least two of the four
# objects are in the image: y_B = 1[Σ_j y_j ≥ 2], Y_B (1, m). The first m_B
# columns are B's training set; the last m_test are held out.

# %%
data_b = road_scenes(m=max(SIZE["sizes"]) + SIZE["m_test"], seed=options.seed + 1, dtype="float32")
X_b = data_b.X  # (n_x, m)
Y_b = (data_b.Y.sum(axis=0, keepdims=True) >= 2).astype(np.float32)  # Y_B: (1, m)
X_test, Y_test = X_b[:, -SIZE["m_test"] :], Y_b[:, -SIZE["m_test"] :]  # (n_x, m_test), (1, m_test)
majority = max(Y_test.mean(), 1 - Y_test.mean())  # accuracy of always answering the commoner label
a_accuracy = tm.metrics.per_task_accuracy(data_b.Y[:, -SIZE["m_test"] :], net_a.predict_proba(X_test))  # (4,)
print(f"task A: {SIZE['m_a']} images; its network on B's held-out images: accuracy "
      + ", ".join(f"{name} {acc:.3f}" for name, acc in zip(data_a.task_names, a_accuracy)))  # fmt: skip
print(f"task B: 'two or more objects'; {Y_test.mean():.0%} of the held-out images say yes "
      f"(always answering the commoner label: {majority:.3f})\n")  # fmt: skip

# %% [markdown]
# ## Three ways to learn B, at each size m_B
#
# `new_output_layer(net_a, 1)` copies W[1], b[1], W[2], b[2] and draws a fresh
# W[3] (1, 32), b[3] (1, 1): A's network is left as it was, so every size and
# every method starts from the same pretrained weights.


# %%
def accuracy(net, X_held, Y_held) -> float:
    """Held-out accuracy: the share of the m_test held-out images X_held (n_x, m_test) answered right.

    Y_held (1, m_test) of yes/no: right when (ŷ ≥ 0.5) matches y. Y_held (3, m_test) one-hot, for the softmax
    network of B' below: right when the most probable class is the true one.
    """
    P = net.predict_proba(X_held)  # Ŷ: (n_y, m_test)
    if net.output == "softmax":
        return float(np.mean(P.argmax(axis=0) == Y_held.argmax(axis=0)))
    return float(tm.metrics.per_task_accuracy(Y_held, P)[0])


def train_b(method: str, X, Y, lr=None, output="sigmoid"):
    """One network for B, trained by ``method`` on X (n_x, m_B), Y (n_y, m_B) at Adam's rate ``lr`` (default LR)."""
    epochs = max(8, -(-SIZE["steps"] * BATCH // X.shape[1]))  # ⌈steps / (m_B / batch)⌉, at least 8
    lr = LR[method] if lr is None else lr
    train = dict(optimizer=tm.Adam(lr=lr), epochs=epochs, batch_size=BATCH, seed=options.seed, progress=False)
    n_y = Y.shape[0]  # B's outputs: 1 here, 3 for B'
    if method == "scratch":
        net = tm.MLP([n_x, *HIDDEN, n_y], output=output, seed=options.seed, dtype="float32")
        tm.fit(net, X, Y, **train)
    else:
        net = new_output_layer(net_a, n_y, output=output, seed=options.seed)  # A's hidden layers, a new W[L], b[L]
        if method == "frozen":
            fit_output_layer(net, X, Y, **train)  # logistic regression on A[L-1]: (32, m_B)
        else:
            tm.fit(net, X, Y, **train)  # every layer, from A's weights
    return net


methods = tuple(LR)
results = {method: [] for method in methods}  # accuracy per size
print(f"{'m_B':>6} " + " ".join(f"{method:>11}" for method in methods) + f" {'frozen - scratch':>17}")
for m_b in SIZE["sizes"]:
    X, Y = X_b[:, :m_b], Y_b[:, :m_b]  # (n_x, m_B), (1, m_B)
    for method in methods:
        results[method].append(accuracy(train_b(method, X, Y), X_test, Y_test))
    row = " ".join(f"{results[method][-1]:>11.3f}" for method in methods)
    print(f"{m_b:>6} {row} {results['frozen'][-1] - results['scratch'][-1]:>+17.3f}", flush=True)

# %% [markdown]
# ## Why does fine-tuning trail?
#
# Fine-tuning every layer does worse than training the new output layer alone
# (the fine_tuned column). It differs from the frozen network in two ways at
# once: it moves every layer, W[1] (n_1, n_x) included, away from A's features,
# and it takes Adam steps ten times smaller (`LR`: 1e-3, the rate every whole
# network here trains with, against the one-layer head's 1e-2). A control
# separates the two: the frozen head once more, at fine-tuning's rate.

# %%
slow = LR["fine_tuned"]
slow_head = [accuracy(train_b("frozen", X_b[:, :m_b], Y_b[:, :m_b], lr=slow), X_test, Y_test)
             for m_b in SIZE["sizes"]]  # fmt: skip
print(f"\n{'m_B':>6} {'frozen, lr ' + format(LR['frozen'], 'g'):>17} {'frozen, lr ' + format(slow, 'g'):>17} "
      f"{'fine_tuned, lr ' + format(slow, 'g'):>21}")  # fmt: skip
for m_b, fast, frozen_slow, fine in zip(SIZE["sizes"], results["frozen"], slow_head, results["fine_tuned"]):
    print(f"{m_b:>6} {fast:>17.3f} {frozen_slow:>17.3f} {fine:>21.3f}")
rate_effect = max(abs(a - b) for a, b in zip(results["frozen"], slow_head))
fine_gap = [fine - frozen for fine, frozen in zip(results["fine_tuned"], slow_head)]  # at the same rate
print(f"the head's rate changes its accuracy by at most {rate_effect:.3f}; at the same rate, fine-tuned − frozen: "
      + ", ".join(f"{gap:+.3f}" for gap in fine_gap))  # fmt: skip

# %% [markdown]
# In our runs (full and quick, seeds 0 to 2) the frozen head's accuracy moved
# by at most 0.014 between the two rates, while fine-tuning at the same rate
# trailed it by 0.06 to 0.12 at the smallest m_B and by 0.00 to 0.03 at the
# largest. So the smaller rate is not what costs fine-tuning its accuracy;
# moving A's hidden layers to fit B's few images is, and that cost shrinks as
# B grows. The lecture adds that with enough data for B one may fine-tune
# every layer; up to 3,000 B images fine-tuning never got ahead of the frozen
# network in our runs (A's 20,000 images are still far more than B's largest
# set).
#
# ## B': a task A's features do not serve
#
# Every image of `light_colour_tasks` holds a traffic light with one of its
# three lamps lit; Y_B' (3, m) is one-hot, so the new output layer is a softmax,
# W[L] (3, 32), b[L] (3, 1), and a network from scratch gets the same output.
# The images are the same kind as A's, and B' has far less data than A: two of
# the lecture's three conditions hold. But A only asked whether there is a
# traffic light, never which lamp is lit, a few pixels of colour its hidden
# layers had no reason to keep. Frozen transfer and the network from scratch
# at the same sizes (fine-tuning, the slowest, is left out); the score is the
# share of held-out images whose most probable colour is the lit one.

# %%
data_l = light_colour_tasks(m=max(SIZE["sizes"]) + SIZE["m_test"], seed=options.seed + 2, dtype="float32")
X_l, Y_l = data_l.X, data_l.Y  # (n_x, m), Y_B': (3, m) one-hot
X_l_test, Y_l_test = X_l[:, -SIZE["m_test"] :], Y_l[:, -SIZE["m_test"] :]  # (n_x, m_test), (3, m_test)
guessing = float(Y_l_test.mean(axis=1).max())  # accuracy of always answering the commonest colour
lamp = {method: [] for method in ("scratch", "frozen")}  # accuracy per size on B'
print(f"\ntask B': which lamp is lit ({', '.join(data_l.task_names)}); always the commonest colour: {guessing:.3f}")
print(f"{'m_B':>6} {'scratch':>11} {'frozen':>11} {'frozen - scratch':>17}")
for m_b in SIZE["sizes"]:
    for method in lamp:
        net = train_b(method, X_l[:, :m_b], Y_l[:, :m_b], output="softmax")
        lamp[method].append(accuracy(net, X_l_test, Y_l_test))
    print(f"{m_b:>6} {lamp['scratch'][-1]:>11.3f} {lamp['frozen'][-1]:>11.3f} "
          f"{lamp['frozen'][-1] - lamp['scratch'][-1]:>+17.3f}", flush=True)  # fmt: skip

# %% [markdown]
# Compare the frozen − scratch columns of B and B'. On B' the frozen network
# stayed within 0.06 of guessing at every m_B in our runs, level with the
# network from scratch (within 0.03) at the smallest m_B; the network from
# scratch, which learns the lamp's colour from B' itself, passed it by 0.07 to
# 0.11 at the largest m_B. Features learned on A help B only where A needed
# what B needs.
#
# ## The picture: held-out accuracy against m_B, on B and on B'

# %%
labels = {"scratch": "from scratch", "frozen": "A's network, frozen, new output layer",
          "fine_tuned": "A's network, fine-tuned"}  # fmt: skip
colors = {method: plots.model_color(labels[method], k) for k, method in enumerate(methods)}  # none is blue/orange
fig = Figure(figsize=(11, 4.2), layout="constrained")
ax_b, ax_l = fig.subplots(1, 2, sharey=True)  # one accuracy axis: B and B' side by side
for method in methods:
    ax_b.plot(SIZE["sizes"], results[method], "o-", color=colors[method], label=labels[method])
ax_b.axhline(majority, color=plots.REFERENCE_COLOR, linestyle=":", label="always the commoner label")
ax_b.set(ylabel="held-out accuracy", title=f"B: two or more objects (A: {SIZE['m_a']:,} images)")
for method, values in lamp.items():
    ax_l.plot(SIZE["sizes"], values, "o-", color=colors[method], label=labels[method])
ax_l.axhline(guessing, color=plots.REFERENCE_COLOR, linestyle=":", label="always the commonest colour")
ax_l.set(title="B': which lamp is lit (A never needed it)")
for ax, corner in ((ax_b, "lower right"), (ax_l, "upper left")):  # where the lines leave room
    ax.set(xscale="log", xlabel="training images of the new task, m_B", ylim=(0.25, 1))
    ax.set_xticks(SIZE["sizes"], [f"{m:,}" for m in SIZE["sizes"]])  # the sizes used, not powers of ten
    ax.minorticks_off()
    ax.legend(loc=corner, fontsize=8)
    ax.grid(True, alpha=0.3)
fig.savefig(options.out / "transfer_accuracy.png")
show(fig)
print(f"\nfigure: {options.out / 'transfer_accuracy.png'}")

# %% [markdown]
# ## The claim
#
# Checked: at the smallest m_B the frozen transfer beats the network from
# scratch by at least 0.05 accuracy, and its advantage at the largest m_B is at
# least 0.03 smaller than at the smallest. (B' is not checked: it shows what
# happens when the lecture's third condition fails.)

# %%
small = results["frozen"][0] - results["scratch"][0]
large = results["frozen"][-1] - results["scratch"][-1]
first, last = SIZE["sizes"][0], SIZE["sizes"][-1]
claim("a network pretrained on A (with a new output layer) beats one trained from scratch on B when B has "
      "little data, and the advantage shrinks as B grows (lecture claim 6)",
      f"m_B = {first}: frozen {results['frozen'][0]:.3f} vs scratch {results['scratch'][0]:.3f} ({small:+.3f}); "
      f"m_B = {last}: {results['frozen'][-1]:.3f} vs {results['scratch'][-1]:.3f} ({large:+.3f})",
      holds=small >= SMALL_MARGIN and large <= small - SHRINK)  # fmt: skip
print(f"done in {elapsed(options)}")

# %% [markdown]
# ## Try it
#
# Predict first, then change the parameters cell at the top and run all cells:
#
# 1. `fine_tuned=1e-4` in `LR`: fine-tuning with steps ten times smaller, so
#    that W[1], W[2] stay nearer A's features. Does fine-tuning now catch up
#    with the frozen network, at small m_B and at large? (The fine_tuned column
#    of the tables and the curve "A's network, fine-tuned"; the control table
#    then trains the frozen head at 1e-4 too.)
# 2. `HIDDEN = (8, 4)`: A's network hands B only 4 features per image, and the
#    network from scratch is as small. Does the frozen transfer still beat it at
#    the smallest m_B, and what is left of its advantage at the largest? (The
#    frozen − scratch column and the closing check.)
