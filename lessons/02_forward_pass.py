# %% [markdown]
# # Lesson 02: the forward pass, from one logistic regression to a multi-task network
#
# Start from the model for one yes/no question: logistic regression,
# ŷ = σ(wᵀx + b), with one image x (n_x, 1), weights w (n_x, 1) and a bias b.
# Four questions (pedestrian, car, stop sign, traffic light) need four weight
# vectors; stacked as rows they form W (4, n_x), and all m images, the columns of
# `X` (n_x, m), go through at once: Ŷ = σ(W X + b), a (4, m) matrix shaped like
# `Y`. A network puts hidden layers in between, each W[l] (n_l, n_{l-1}) and
# b[l] (n_l, 1), all shared by the four tasks, and ends in four sigmoid units.
#
# What you will see: the forward pass written by hand in NumPy, with the shape
# of every array printed, giving the same numbers as `tm.MLP.predict_proba`;
# then logistic regression on the four tasks trained beside a network with one
# hidden layer, on the same training images, and both scored on held-out ones.
#
# Lecture claim 2 ([docs/lecture.md](../docs/lecture.md)): one network with
# four outputs solves four problems with shared lower-level features. Here: the hidden layer those features live in
# is what lifts the four tasks above four linear classifiers.

# %% tags=["parameters"]
# Parameters: edit them and run all cells. In a script, --quick and --seed override QUICK and SEED.
QUICK = False  # True: a small run of a few seconds (TINYMTL_QUICK=1 in the environment does the same)
SEED = 0  # seed of the data, the weights and the shuffling
HIDDEN = 64  # n_1: the size of the hidden layer of the trained network
SHAPES_NET = [1728, 16, 8, 4]  # n_x, n_1, n_2, n_y: the untrained network whose forward pass we write by hand

# %%
import numpy as np

import tinymtl as tm
from tinymtl import plots
from tinymtl.datasets import holdout, road_scenes
from tinymtl.lesson import claim, elapsed, lesson_options, show

options = lesson_options("02_forward_pass", "Lesson 02: the forward pass by hand, "
                         "and why the shared hidden layer matters", quick=QUICK, seed=SEED)  # fmt: skip

# m: images drawn (20% held out); epochs of mini-batches of 128.
FULL_RUN = {"m": 20_000, "epochs": 15}
QUICK_RUN = {"m": 5_000, "epochs": 8}
SIZE = QUICK_RUN if options.quick else FULL_RUN
TOLERANCE = 1e-12  # the hand-written Ŷ must equal the library's to this (float64)
MIN_GAIN = 0.01  # how much the hidden layer must add to the mean held-out accuracy of the four tasks

data = road_scenes(m=SIZE["m"], seed=options.seed)
(X_train, Y_train), (X_test, Y_test) = holdout(data.X, data.Y, 0.2)  # X: (n_x, m), Y: (4, m), all labelled
names = data.task_names
n_x, m_test = X_test.shape

# %% [markdown]
# ## One task, then four: logistic regression
#
# `tm.MLP([n_x, 4])` has no hidden layer: it is logistic regression on the four
# tasks, with W[1] (4, n_x). Row j of W[1] is w_jᵀ, the weights of task j alone,
# so four separate logistic regressions and the one matrix product agree.

# %%
logistic = tm.MLP([n_x, 4], seed=options.seed)  # float64, untrained
W, b = logistic.params["W1"], logistic.params["b1"]  # W: (4, n_x), b: (4, 1)
x = X_test[:, :1]  # one image: (n_x, 1)
w_car, b_car = W[1:2].T, b[1, 0]  # the car task alone: w (n_x, 1), b a number
y_hat_car = 1 / (1 + np.exp(-(w_car.T @ x + b_car)))  # ŷ = σ(wᵀx + b): (1, 1)
Y_hat = 1 / (1 + np.exp(-(W @ X_test + b)))  # Ŷ = σ(W X + b), every task and image at once: (4, m)
print(f"one task:   w {w_car.shape}, x {x.shape}, ŷ = σ(wᵀx + b) {y_hat_car.shape} = {y_hat_car[0, 0]:.4f}")
print(f"four tasks: W {W.shape}, X {X_test.shape}, b {b.shape}, Ŷ = σ(W X + b) {Y_hat.shape}; "
      f"Ŷ[1, 0] = {Y_hat[1, 0]:.4f} (the car row, the same image)")  # fmt: skip

# %% [markdown]
# ## A network with hidden layers, by hand
#
# For l = 1, ..., L−1: Z[l] = W[l] A[l−1] + b[l] (b[l] is added to every
# column), then A[l] = ReLU(Z[l]) = max(Z[l], 0), starting from A[0] = X. The
# last layer is linear and each of its n_y = 4 units gets its own sigmoid:
# Ŷ = A[L] = σ(Z[L]). `net.params` holds W1, b1, ... (the lecture's W[1], b[1]).


# %%
def forward_by_hand(params, X, n_layers, print_shapes=False):
    """Ŷ = σ(Z[L]) of a ReLU network; prints every array's shape when ``print_shapes``."""
    A = X  # A[0] = X: (n_x, m)
    shapes = [f"X = A[0] {A.shape}"]
    for l in range(1, n_layers + 1):
        W, b = params[f"W{l}"], params[f"b{l}"]  # W[l]: (n_l, n_{l-1}), b[l]: (n_l, 1)
        Z = W @ A + b  # Z[l]: (n_l, m)
        A = np.maximum(Z, 0) if l < n_layers else 1 / (1 + np.exp(-Z))  # A[l]: (n_l, m); A[L] = Ŷ = σ(Z[L])
        shapes.append(f"W[{l}] {W.shape}, b[{l}] {b.shape} -> Z[{l}] {Z.shape} -> A[{l}] {A.shape}")
    if print_shapes:
        print("\n".join(shapes) + f"\nŶ = A[{n_layers}] {A.shape}: one row per task, one column per image, like Y")
    return A


net = tm.MLP(SHAPES_NET, hidden="relu", output="sigmoid", seed=options.seed)  # float64, untrained
print(f"\n{net}")
Y_hat_hand = forward_by_hand(net.params, X_test, net.n_layers, print_shapes=True)  # (4, m)
Y_hat_library = net.predict_proba(X_test)  # (4, m)
forward_gap = float(np.max(np.abs(Y_hat_hand - Y_hat_library)))
logistic_gap = float(np.max(np.abs(Y_hat - logistic.predict_proba(X_test))))
print(f"max |Ŷ by hand − predict_proba|: network {forward_gap:.1e}, logistic regression {logistic_gap:.1e} "
      f"(over {m_test} images × 4 tasks)")  # fmt: skip

# %% [markdown]
# ## Why the hidden layer matters
#
# Logistic regression draws one hyperplane per task straight through the
# 1728 pixel values. A car is not a fixed set of bright pixels: it moves,
# changes colour and size. The hidden layer learns features from the pixels
# that all four outputs then combine. Both models see the same images, labels,
# optimizer (Adam, learning rate 1e-3) and number of epochs.

# %%
training = {"epochs": SIZE["epochs"], "batch_size": 128, "seed": options.seed, "progress": False}
# The names are the figure's legend; its colours follow them (plots.model_color): logistic regression purple,
# the one multi-task network blue, as in every lesson.
models = {"logistic regression": [n_x, 4], f"multi-task network, hidden layer of {HIDDEN}": [n_x, HIDDEN, 4]}
accuracy = {}
for name, dims in models.items():
    model = tm.MLP(dims, seed=options.seed, dtype="float32")
    tm.fit(model, X_train, Y_train, optimizer=tm.Adam(lr=1e-3), **training)
    accuracy[name] = tm.metrics.per_task_accuracy(Y_test, model.predict_proba(X_test))  # (4,)
linear, hidden = accuracy.values()  # (4,) each
print(f"\nheld-out accuracy ({m_test} images, {X_train.shape[1]} for training, {SIZE['epochs']} epochs)")
print(f"{'task':<14}{'logistic':>10}{'hidden':>10}{'gain':>8}")
for j, task in enumerate(names):
    print(f"{task:<14}{linear[j]:>10.3f}{hidden[j]:>10.3f}{hidden[j] - linear[j]:>+8.3f}")
gain = float(hidden.mean() - linear.mean())
print(f"{'mean':<14}{linear.mean():>10.3f}{hidden.mean():>10.3f}{gain:>+8.3f}")
show(plots.task_metric_bars(accuracy, names, "accuracy", path=options.out / "accuracy_by_task.png"))
print(f"figure in {options.out}: accuracy_by_task.png")

# %% [markdown]
# ## The claim
#
# The check: the forward pass written by hand gives the library's Ŷ to 1e-12
# (float64), for the untrained network and for logistic regression; and the
# network with a hidden layer is at least 0.01 above logistic regression in
# mean held-out accuracy.

# %%
better = int(np.sum(hidden > linear))
claim("the hand-written forward pass Z[l] = W[l] A[l-1] + b[l], Ŷ = σ(Z[L]) is the library's, and a shared hidden "
      "layer beats logistic regression in mean held-out accuracy over the four tasks",
      f"max |Ŷ_hand − Ŷ_library| = {forward_gap:.1e} (network), {logistic_gap:.1e} (logistic regression); "
      f"mean held-out accuracy {hidden.mean():.3f} vs {linear.mean():.3f} (gain {gain:+.3f}, better on {better} "
      "of 4 tasks)",
      holds=forward_gap <= TOLERANCE and logistic_gap <= TOLERANCE and gain >= MIN_GAIN)  # fmt: skip
print(f"done in {elapsed(options)}")

# %% [markdown]
# ## Try it
#
# Predict first, then change the parameters cell at the top and run all cells:
#
# 1. `SHAPES_NET = [1728, 32, 16, 8, 4]`: three hidden layers. Which shapes
#    does the hand-written pass print, and does its Ŷ still equal the
#    library's to 1e-12? (The list of shapes and the first number of the
#    closing line answer.)
# 2. `HIDDEN = 4`: a hidden layer no wider than the output, shared by four
#    tasks. Does it still beat logistic regression, and on how many tasks? (The
#    accuracy table and the bar chart answer; the closing check may fail with
#    `ClaimNotShown`, which is the answer too.)
# 3. `HIDDEN = 512`: eight times wider. How much does the mean gain over
#    logistic regression grow? Write down your guess for the mean row of the
#    table before you run it.
