# %% [markdown]
# # Lesson 01: the label matrix Y, one column per image
#
# The lecture's driving example asks four yes/no questions of one road image:
# is there a pedestrian? a car? a stop sign? a traffic light? So the label of
# image i is not one class but a column y^(i) of four 0/1 entries, (4, 1), and
# the labels of m images side by side form `Y` (n_y, m) = (4, m), just as the
# images form `X` (n_x, m). Where an annotator did not answer a question the
# entry is "?", which tinymtl stores as NaN.
#
# What you will see: the labels of a few images, `Y` drawn as a grid of 1, 0
# and ?, how often two objects appear together, and a count of the images that
# hold two or more objects. Then we turn `Y` into the one-hot targets a softmax
# layer needs (one column = one class) and count the labels that are lost.
#
# Lecture claim 1 ([docs/lecture.md](../docs/lecture.md)), its first half: one
# image can carry several labels at once; a one-hot column holds exactly one, so
# softmax cannot say "car AND stop sign".

# %% tags=["parameters"]
# Parameters: edit them and run all cells. In a script, --quick and --seed override QUICK and SEED.
QUICK = False  # True: a small run of a few seconds (TINYMTL_QUICK=1 in the environment does the same)
SEED = 0  # seed of the data, the weights and the shuffling
MISSING = 0.3  # the share of labels turned into "?" to draw the lecture's partly labelled Y
MIN_MULTI = 0.25  # the claim needs at least this share of images with two or more objects

# %%
import numpy as np

from tinymtl import plots
from tinymtl.baselines import softmax_targets
from tinymtl.datasets import hide_labels, road_scenes
from tinymtl.lesson import claim, elapsed, lesson_options, show

options = lesson_options("01_label_matrix", "Lesson 01: the label matrix Y (4, m), and what one-hot targets lose",
                         quick=QUICK, seed=SEED)  # fmt: skip

# m: road images drawn (the counts below are over all of them).
FULL_RUN = {"m": 20_000}
QUICK_RUN = {"m": 2_000}
SIZE = QUICK_RUN if options.quick else FULL_RUN

# %% [markdown]
# ## One image, four questions
#
# `road_scenes` draws small RGB road scenes; column i of `X` is image i
# (24 × 24 × 3 = 1728 pixel values, so n_x = 1728) and column i of `Y` is its
# label vector y^(i). The rows of `Y` are the tasks, in the lecture's order.
#
# The pixels come **centred**: `X` holds pixel − 0.5, in [−0.5, 0.5], ready to
# train on. Raw pixels in [0, 1] are all positive, so every weight of a
# first-layer unit gets a gradient of the same sign and gradient descent
# zig-zags: the same network, trained for the same epochs, reaches 0.893 mean
# accuracy on raw pixels against 0.908 on centred ones (`benchmarks/datasets.py`;
# on the first version of these scenes the gap was 0.806 against 0.912). To look
# at image i, add the 0.5 back: `data.images()[i]` is an (H, W, 3) picture in
# [0, 1].

# %%
data = road_scenes(m=SIZE["m"], seed=options.seed)
X, Y = data.X, data.Y  # X: (n_x, m), centred pixels in [−0.5, 0.5]; Y: (n_y, m) of 0/1
names = data.task_names
(n_x, m), n_y = X.shape, Y.shape[0]
print(f"X: {X.shape} = (n_x, m), Y: {Y.shape} = (n_y, m), tasks (rows of Y): {', '.join(names)}\n")
objects = Y.sum(axis=0)  # objects in each image: (m,)
i = int(np.flatnonzero(np.all(Y.T == [0, 1, 1, 0], axis=1))[0])  # the first image with only a car AND a stop sign
print(f"image {i}: y^({i}) = {Y[:, i].astype(int).tolist()}  (a (4, 1) column; {int(objects[i])} objects)")
for j, name in enumerate(names):
    print(f"  row {j}: {name:<14} {int(Y[j, i])}")

# %% [markdown]
# ## The labels as the lecture writes them, with "?"
#
# Real annotators skip questions. `hide_labels` turns 30% of the entries into
# "?" (NaN). The matrix keeps its shape (4, m); a "?" says "not known", which
# is different from 0 ("absent"). The masked loss of lesson 03 leaves those
# entries out of J.

# %%
Y_seen = hide_labels(Y, MISSING, seed=options.seed)  # (n_y, m), NaN = "?"
print(f"\nY with {np.isnan(Y_seen).mean():.0%} '?', the first 10 columns:")
for j, name in enumerate(names):
    cells = ["?" if np.isnan(v) else str(int(v)) for v in Y_seen[j, :10]]
    print(f"  {name:<14} " + " ".join(cells))
show(plots.label_matrix(Y_seen, names, max_examples=30, path=options.out / "label_matrix.png"))
captions = [f"#{k}: {int(objects[k])} object{'' if objects[k] == 1 else 's'}" for k in range(12)]  # above each image
show(plots.example_grid(X, data.image_shape, Y, task_names=names, n=12, captions=captions,
                        path=options.out / "examples.png"))  # fmt: skip
show(plots.cooccurrence(Y, names, path=options.out / "cooccurrence.png"))

# %% [markdown]
# ## How many objects does an image hold?
#
# Summing a column of `Y` counts the objects in that image. If every image
# held one object, a single class per image would do.
#
# The co-occurrence figure shows how often object j is in an image that holds
# object k (cell j, k), beside how often it is there at all (the base rate, on
# the diagonal). In these scenes the four objects gather at intersections
# (`road_scenes` puts each one at an intersection with probability 0.9, on the
# open road with 0.05), so every pair comes together about as much as any other:
# the lines below print the base rates and the strongest and weakest pair of
# this run, and no pair stands far above the rest.

# %%
together, _ = plots.cooccurrence_matrix(Y)  # together[j, k] = P(task j = 1 | task k = 1): (n_y, n_y)
base_rate = Y.mean(axis=1)  # P(task j = 1): (n_y,)
pairs = [(together[j, k], j, k) for j in range(n_y) for k in range(n_y) if j != k]
print("\nbase rates P(object in the image): " + ", ".join(f"{n} {r:.2f}" for n, r in zip(names, base_rate)))
for word, (p, j, k) in (("strongest", max(pairs)), ("weakest", min(pairs))):
    print(f"{word} pair: P({names[j]} | {names[k]}) = {p:.2f} (base rate of {names[j]}: {base_rate[j]:.2f})")
counts = np.bincount(objects.astype(int), minlength=n_y + 1)  # images with 0, 1, ..., 4 objects: (n_y + 1,)
print(f"\n{'objects in the image':<22}{'images':>8}{'share':>8}")
for k, count in enumerate(counts):
    print(f"{k:<22}{count:>8}{count / m:>8.1%}")
multi = objects >= 2  # images with two or more objects: (m,)
share_multi = float(multi.mean())
print(f"two or more objects: {share_multi:.1%} of {m} images")

# %% [markdown]
# ## What a one-hot column can hold
#
# A softmax layer outputs one probability distribution over classes per
# image, so its target is one-hot: a column of C = n_y + 1 entries (the four
# objects and "none") with exactly one 1. `softmax_targets` builds these from
# `Y`, keeping one object per image (chosen at random when there are several).
# We count the positive labels of `Y` that survive.

# %%
T = softmax_targets(Y, seed=options.seed)  # one-hot targets: (n_y + 1, m)
ones_per_column = T.sum(axis=0)  # (m,): exactly 1 for a one-hot column
kept = ((T[:n_y] == 1) & (Y == 1)).sum(axis=0)  # positive labels of each image that the target keeps: (m,)
lost = objects - kept  # (m,)
print(f"\nT: {T.shape} = (n_y + 1, m); 1s per column: min {ones_per_column.min():.0f}, max {ones_per_column.max():.0f}")
print(f"image {i}: y = {Y[:, i].astype(int).tolist()}  ->  one-hot t = {T[:, i].astype(int).tolist()}"
      f"  (rows: {', '.join(names)}, none)")  # fmt: skip
positives, dropped = int(objects.sum()), int(lost.sum())
print(f"positive labels in Y: {positives}; kept by the one-hot targets: {int(kept.sum())}; "
      f"dropped: {dropped} ({dropped / positives:.1%})")  # fmt: skip
print(f"images that lose at least one label: {int((lost > 0).sum())} of {int(multi.sum())} multi-object images")
print(f"\nfigures in {options.out}: examples.png, label_matrix.png, cooccurrence.png")

# %% [markdown]
# ## The claim
#
# The check: many images (at least a quarter) hold two or more objects; every
# one-hot column holds exactly one 1; exactly the multi-object images lose
# labels, and they lose all but one: k − 1 labels for an image with k objects.

# %%
expected_loss = np.maximum(objects - 1, 0)  # what one class per image must drop: (m,)
claim("an image can carry several labels; a one-hot column holds exactly one, so softmax targets lose labels "
      "of every multi-object image (lecture claim 1)",
      f"{share_multi:.1%} of {m} road images hold 2+ objects; one-hot targets keep {int(kept.sum())} of "
      f"{positives} positive labels (dropped {dropped / positives:.1%}); images losing labels: "
      f"{int((lost > 0).sum())} = multi-object images: {int(multi.sum())}",
      holds=bool(share_multi >= MIN_MULTI and np.all(ones_per_column == 1) and np.array_equal(lost > 0, multi)
                 and np.array_equal(lost, expected_loss)))  # fmt: skip
print(f"done in {elapsed(options)}")

# %% [markdown]
# ## Try it
#
# Predict first, then change the parameters cell at the top and run all cells:
#
# 1. `MISSING = 0.9`: nine labels in ten are "?". How does the drawn `Y`
#    change, and do the one-hot targets now drop more labels, fewer, or the
#    same? (The first 10 columns, the label matrix figure and the count of
#    dropped labels answer; look at which matrix `softmax_targets` is given.)
# 2. `MIN_MULTI = 0.6`: do more than 60% of the road images hold two or more
#    objects? The table of object counts answers; if not, the closing check
#    fails with `ClaimNotShown`, which is the answer too.
# 3. `SEED = 1`: new images. Which numbers of the closing line move, and does
#    the share of dropped labels move by more than one percentage point?
