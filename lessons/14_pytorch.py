# %% [markdown]
# # Lesson 14: the same network in PyTorch
#
# Everything so far was written by hand: the forward pass, the masked cost, the
# backward pass, Adam. Frameworks such as PyTorch compute the gradients for you
# (autograd) and hold the layers as modules. This lesson shows that the network
# of the lessons is the very object PyTorch trains, number for number, so that
# what you learnt here carries over:
#
# 1. `net.to_torch()` turns a trained `tm.MLP` into a `torch.nn.Sequential` of
#    `Linear` layers and activations. `W[l]` (n_l, n_{l−1}) is `Linear.weight` as
#    it is; `b[l]` becomes `Linear.bias`. PyTorch puts one example per *row*, so
#    the module takes `X.T` (m, n_x) and returns the logits `Z[L].T` (m, n_y).
# 2. The lecture's masked cost in PyTorch: `BCEWithLogitsLoss(reduction="none")`
#    gives every entry's loss from the logits; `torch.where(known, loss, 0)`
#    leaves the "?" out (never multiply by the mask: NaN · 0 is NaN); the sum is
#    divided by m. Autograd's gradients are then ours.
# 3. `reduction="mean"` (over the labelled entries, what "ignore index" losses
#    do) is another normaliser: it divides by N, the number of labelled
#    entries, not by m. Its gradients are m / N times ours, which changes what
#    a learning rate means for gradient descent (and nothing for Adam).
# 4. Trained from the same start on the same mini-batches with Adam, both
#    frameworks end with the same parameters (float64).
#
# This is no claim of the lecture ([docs/lecture.md](../docs/lecture.md)): it
# is the bridge from the lecture's formulas to the tools you will use next.

# %% tags=["parameters"]
# Parameters: edit them and run all cells. In a script, --quick and --seed override QUICK and SEED.
QUICK = False  # True: a small run of a few seconds (TINYMTL_QUICK=1 in the environment does the same)
SEED = 0  # seed of the data, the weights and the shuffling
MISSING = 0.3  # the share of training labels turned into "?"
HIDDEN = (64, 32)  # n_1, n_2: the hidden layers
EPOCHS = 3  # epochs of Adam trained in both frameworks from the same start

# %%
import numpy as np
from matplotlib.figure import Figure  # the Agg canvas: no window, only a file

import tinymtl as tm
from tinymtl import plots
from tinymtl.datasets import hide_labels, holdout, road_scenes
from tinymtl.lesson import claim, elapsed, lesson_options, show
from tinymtl.torch_bridge import import_torch

options = lesson_options("14_pytorch", "Lesson 14: the same network, gradients and training in PyTorch",
                         quick=QUICK, seed=SEED)  # fmt: skip
torch = import_torch()  # PyTorch is optional: without it this says how to install it
torch.set_num_threads(1)  # one thread, like NumPy's BLAS in the tests: the same rounding every run

FULL_RUN = dict(m=6_000, pretrain_epochs=5)
QUICK_RUN = dict(m=2_000, pretrain_epochs=2)
SIZE = QUICK_RUN if options.quick else FULL_RUN
BATCH = 128  # examples per mini-batch
LR = 1e-3  # Adam's learning rate, in both frameworks

# %% [markdown]
# ## A network trained by hand
#
# Road scenes, 30% of the training labels "?", float64 so that the comparisons
# below can be made to 1e-12.

# %%
data = road_scenes(m=SIZE["m"], seed=options.seed)  # float64
(X_train, Y_train), (X_test, Y_test) = holdout(data.X, data.Y, 0.25)  # X: (n_x, m), Y: (4, m)
Y_seen = hide_labels(Y_train, MISSING, seed=options.seed)  # (4, m_train), NaN = "?"
n_x, m_train = X_train.shape
net = tm.MLP([n_x, *HIDDEN, 4], seed=options.seed, dtype="float64")
tm.fit(net, X_train, Y_seen, optimizer=tm.Adam(lr=LR), epochs=SIZE["pretrain_epochs"], batch_size=BATCH,
       seed=options.seed, progress=False)  # fmt: skip
print(net)

# %% [markdown]
# ## 1. The same probabilities
#
# `to_torch()` copies the parameters into a `Sequential`; `torch.sigmoid` of its
# logits must be `net.predict_proba`, transposed.

# %%
module = net.to_torch()
print(module)
P_ours = tm.to_numpy(net.predict_proba(X_test))  # Ŷ = A[L]: (4, m_test)
with torch.no_grad():
    P_torch = torch.sigmoid(module(torch.from_numpy(X_test.T))).numpy().T  # rows -> columns: (4, m_test)
gap_P = float(np.abs(P_torch - P_ours).max())
print(f"max |Ŷ_torch − Ŷ_tinymtl| over {P_ours.size:,} probabilities: {gap_P:.1e}")
assert tm.to_numpy(net.params["W1"]).shape == tuple(module[0].weight.shape)  # W[1]: (n_1, n_x) in both

# %% [markdown]
# ## 2. The masked cost in PyTorch, and its gradients
#
#     J = (1/m) Σ_i Σ_{j: Y[j,i] known} L(ŷ_j^(i), y_j^(i))
#
# `BCEWithLogitsLoss(reduction="none")` is L for every entry, from the logits
# (stably, like tinymtl's). The "?" entries are NaN in Y: `nan_to_num` gives the
# loss a number to chew on and `where(known, ...)` throws that term away.


# %%
def masked_cost(logits, Y_rows, divide_by="m"):
    """The lecture's J from logits (m, n_y) and labels (m, n_y) with NaN = "?": ÷ m, or ÷ N labelled entries."""
    known = ~torch.isnan(Y_rows)  # (m, n_y)
    terms = torch.nn.functional.binary_cross_entropy_with_logits(logits, torch.nan_to_num(Y_rows), reduction="none")
    total = torch.where(known, terms, 0.0).sum()  # Σ over the labelled entries only
    return total / (logits.shape[0] if divide_by == "m" else known.sum())


X_rows, Y_rows = torch.from_numpy(X_train.T), torch.from_numpy(Y_seen.T)  # (m, n_x), (m, 4)
J_ours, grads = net.loss_and_grads(X_train, Y_seen)
module.zero_grad()
J_torch = masked_cost(module(X_rows), Y_rows)
J_torch.backward()  # autograd: ∂J/∂(every Linear.weight and bias)
linears = [layer for layer in module if isinstance(layer, torch.nn.Linear)]
gap_grad = max(
    max(float(np.abs(layer.weight.grad.numpy() - grads[f"dW{l}"]).max()),
        float(np.abs(layer.bias.grad.numpy() - grads[f"db{l}"].ravel()).max()))
    for l, layer in enumerate(linears, 1)
)  # fmt: skip
print(f"J: tinymtl {J_ours:.12f}, PyTorch {J_torch.item():.12f}")
print(f"max |autograd − our backprop| over every dW[l], db[l]: {gap_grad:.1e}")

# %% [markdown]
# ## 3. `reduction="mean"` is another normaliser
#
# Over the labelled entries only, a "mean" divides the same sum by N, the number
# of labelled entries, instead of m. With 4 tasks and 30% "?", N ≈ 0.7 · 4 · m =
# 2.8 m, so its cost and every gradient are m / N ≈ 0.36 times ours. For plain
# gradient descent that is a learning rate 0.36 times smaller; Adam divides the
# scale out (v̂ / √ŝ), so it does not care. tinymtl offers the same choice as
# `normalizer="labelled"`.

# %%
module.zero_grad()
J_mean = masked_cost(module(X_rows), Y_rows, divide_by="N")
J_mean.backward()
N = int((~np.isnan(Y_seen)).sum())
ratio = float(linears[0].weight.grad.norm() / np.linalg.norm(grads["dW1"]))
J_labelled, _ = net.loss_and_grads(X_train, Y_seen, normalizer="labelled")
print(f"m = {m_train:,}, N = {N:,} labelled entries: m / N = {m_train / N:.4f}")
print(f"‖dW[1]‖ with reduction='mean' / ours: {ratio:.4f}; J: {J_mean.item():.6f} (PyTorch mean) vs "
      f"{J_labelled:.6f} (tinymtl, normalizer='labelled')")  # fmt: skip

# %% [markdown]
# ## 4. Training in both, from the same start, on the same batches
#
# A copy of the network is trained for a few epochs by `tm.fit`, and its PyTorch
# twin by a plain PyTorch loop with `torch.optim.Adam` (the same β₁, β₂, ε). Both
# draw their mini-batches the way `tm.fit` does: a permutation of the m columns
# per epoch from `np.random.default_rng(seed)`, cut into slices of `BATCH`.

# %%
start = tm.MLP.from_torch(net.to_torch())  # the same starting parameters, a separate copy
twin = start.to_torch()
history = tm.fit(start, X_train, Y_seen, optimizer=tm.Adam(lr=LR), epochs=EPOCHS, batch_size=BATCH,
                 seed=options.seed, progress=False)  # fmt: skip
adam = torch.optim.Adam(twin.parameters(), lr=LR, betas=(0.9, 0.999), eps=1e-8)
rng = np.random.default_rng(options.seed)  # the same stream of permutations as tm.fit
torch_loss = []
for _ in range(EPOCHS):
    order = torch.from_numpy(rng.permutation(m_train))
    total = 0.0
    for first in range(0, m_train, BATCH):
        columns = order[first : first + BATCH]
        adam.zero_grad()
        J_batch = masked_cost(twin(X_rows[columns]), Y_rows[columns])  # ÷ m_b, as tm.fit
        J_batch.backward()
        adam.step()
        total += J_batch.item() * len(columns)
    torch_loss.append(total / m_train)
gap_theta = max(float(np.abs(layer.weight.detach().numpy() - tm.to_numpy(start.params[f"W{l}"])).max())
                for l, layer in enumerate([x for x in twin if isinstance(x, torch.nn.Linear)], 1))  # fmt: skip
print(f"{'epoch':>5} {'J tm.fit':>12} {'J PyTorch':>12}")
for epoch, (J_a, J_b) in enumerate(zip(history.loss, torch_loss), 1):
    print(f"{epoch:>5} {J_a:>12.8f} {J_b:>12.8f}")
print(
    f"after {EPOCHS} epochs ({EPOCHS * -(-m_train // BATCH)} Adam steps): max |W_torch − W_tinymtl| = {gap_theta:.1e}"
)

# %%
fig = Figure(figsize=(9, 3.6), layout="constrained")
ax_p, ax_j = fig.subplots(1, 2)
ax_p.scatter(P_ours.ravel(), P_torch.ravel(), s=4, color=plots.model_color("multi-task"))
ax_p.axline((0, 0), slope=1, color=plots.REFERENCE_COLOR, linewidth=0.8)
ax_p.set(xlabel="Ŷ from tinymtl", ylabel="Ŷ from PyTorch", title=f"the same probabilities (max gap {gap_P:.0e})")
epochs = np.arange(1, EPOCHS + 1)
ax_j.plot(epochs, history.loss, "o-", color=plots.model_color("multi-task"), label="tm.fit")
ax_j.plot(epochs, torch_loss, "x--", color=plots.OTHER_COLORS[0], markersize=9, label="PyTorch loop")
ax_j.set(xlabel="epoch", ylabel="training cost J", title=f"the same training (max |ΔW| {gap_theta:.0e})")
ax_j.set_xticks(epochs)
ax_j.legend(frameon=False)
fig.savefig(options.out / "same_in_pytorch.png", dpi=120)
show(fig)

# %% [markdown]
# ## The claim
#
# The hand-written network and its PyTorch twin are the same function with the
# same gradients and the same training: probabilities to 1e-12, gradients to
# 1e-9, parameters after a few epochs of Adam to 1e-9 (float64; what is left is
# rounding, as the two Adams order the same arithmetic differently), and
# `reduction="mean"` scales the gradients by exactly m / N.

# %%
claim("the network written by hand is the network PyTorch trains: the same probabilities, the masked cost's "
      "gradients from autograd, and the same parameters after training on the same batches; reduction='mean' "
      "divides by the labelled entries N instead of m",
      f"max |ΔŶ| {gap_P:.1e}, max |Δ gradient| {gap_grad:.1e}, max |ΔW| after {EPOCHS} epochs {gap_theta:.1e}; "
      f"gradient ratio {ratio:.4f} vs m/N {m_train / N:.4f}",
      holds=gap_P <= 1e-12 and gap_grad <= 1e-9 and gap_theta <= 1e-9 and abs(ratio - m_train / N) <= 1e-9)  # fmt: skip
print(f"done in {elapsed(options)}")

# %% [markdown]
# ## Try it
#
# Predict first, then change the parameters cell at the top and run all cells:
#
# 1. `MISSING = 0.9`: what will m / N be now, and so how much smaller are the
#    gradients of `reduction="mean"`? (Section 3 prints both.)
# 2. `EPOCHS = 10`: will the two frameworks' parameters drift apart as the steps
#    add up, or stay at the rounding level? (The closing line prints max |ΔW|;
#    if it passes 1e-9 the check fails, and that is the answer.)
# 3. `HIDDEN = (256, 128)`: a bigger network has more numbers to disagree on.
#    Does the largest gradient difference grow? (Section 2 prints it.)
