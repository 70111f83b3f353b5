# %% [markdown]
# # Lesson 10: transfer learning, A → B
#
# Task A has much data: 20,000 road scenes, each labelled for four objects
# (pedestrian, car, stop sign, traffic light), X (n_x, m) with n_x = 24·24·3 and
# Y (4, m). Task B has the same kind of input x but only a few labelled
# examples: "does this image show **two or more** of the four objects?" (a busy
# scene), Y_B (1, m_B).
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
# for B sizes from 50 to 3,000 images, on 3,000 held-out B images.
#
# What you will see: with 50 or 100 B images the pretrained network is far
# better than the one from scratch; as B grows, the network from scratch
# gains faster and the advantage shrinks (at 3,000 images it has not vanished).
#
# Lecture claim 6: transfer A → B makes sense when A and B share the input x, A
# has much more data than B, and what was learned on A helps B. All three hold
# here. (We also tried B = which lamp of a traffic light is lit,
# `light_colour_tasks`: A's features did not help there, the pretrained network
# was no better than chance, and neither was the one from scratch with little
# data: the lamp is a few pixels and A never needed its colour.)

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
from tinymtl.datasets import road_scenes
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
def accuracy(net) -> float:
    """Held-out accuracy on B: the share of the m_test images whose answer ŷ ≥ 0.5 matches y_B."""
    return float(tm.metrics.per_task_accuracy(Y_test, net.predict_proba(X_test))[0])


def train_b(method: str, X, Y):
    """One network for B, trained by ``method`` on X (n_x, m_B), Y (1, m_B); returns its held-out accuracy."""
    epochs = max(8, -(-SIZE["steps"] * BATCH // X.shape[1]))  # ⌈steps / (m_B / batch)⌉, at least 8
    train = dict(optimizer=tm.Adam(lr=LR[method]), epochs=epochs, batch_size=BATCH, seed=options.seed, progress=False)
    if method == "scratch":
        net = tm.MLP([n_x, *HIDDEN, 1], seed=options.seed, dtype="float32")
        tm.fit(net, X, Y, **train)
    else:
        net = new_output_layer(net_a, 1, seed=options.seed)  # A's hidden layers, a new W[L], b[L]
        if method == "frozen":
            fit_output_layer(net, X, Y, **train)  # logistic regression on A[L-1]: (32, m_B)
        else:
            tm.fit(net, X, Y, **train)  # every layer, from A's weights
    return accuracy(net)


methods = tuple(LR)
results = {method: [] for method in methods}  # accuracy per size
print(f"{'m_B':>6} " + " ".join(f"{method:>11}" for method in methods) + f" {'frozen - scratch':>17}")
for m_b in SIZE["sizes"]:
    X, Y = X_b[:, :m_b], Y_b[:, :m_b]  # (n_x, m_B), (1, m_B)
    for method in methods:
        results[method].append(train_b(method, X, Y))
    row = " ".join(f"{results[method][-1]:>11.3f}" for method in methods)
    print(f"{m_b:>6} {row} {results['frozen'][-1] - results['scratch'][-1]:>+17.3f}", flush=True)

# %% [markdown]
# Fine-tuning every layer does worse than training the new output layer alone,
# at every m_B here: with a few hundred or thousand B images, moving all of W[1]
# (n_1, n_x) away from A's features costs more than it gains. Fine-tuning pays
# when B has enough data to improve on A's features; A's 20,000 images are
# still far more than B's largest set.
#
# ## The picture: held-out accuracy on B against m_B

# %%
fig = Figure(figsize=(6.5, 4.2), layout="constrained")
ax = fig.subplots()
for method, label in zip(methods, ("from scratch", "A's network, frozen, new output layer", "A's network, fine-tuned")):
    ax.plot(SIZE["sizes"], results[method], "o-", label=label)
ax.axhline(majority, color="grey", linestyle=":", label="always the commoner label")
ax.set(xscale="log", xlabel="B's training images m_B", ylabel="held-out accuracy on B",
       title=f"transfer A → B (A: {SIZE['m_a']:,} images)")  # fmt: skip
ax.legend(loc="lower right")
ax.grid(True, alpha=0.3)
fig.savefig(options.out / "transfer_accuracy.png")
show(fig)
print(f"\nfigure: {options.out / 'transfer_accuracy.png'}")

# %% [markdown]
# ## The claim
#
# Checked: at the smallest m_B the frozen transfer beats the network from
# scratch by at least 0.05 accuracy, and its advantage at the largest m_B is at
# least 0.03 smaller than at the smallest.

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
#    of the table and the curve "A's network, fine-tuned".)
# 2. `HIDDEN = (8, 4)`: A's network hands B only 4 features per image, and the
#    network from scratch is as small. Does the frozen transfer still beat it at
#    the smallest m_B, and what is left of its advantage at the largest? (The
#    frozen − scratch column and the closing check.)
