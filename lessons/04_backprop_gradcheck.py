# %% [markdown]
# # Lesson 04: backprop through the masked loss, and checking it
#
# Training needs the gradient of the masked cost
# J = (1/m) Σ_i Σ_{j labelled} L(ŷ_j^(i), y_j^(i)) with respect to every W[l] (n_l, n_{l-1})
# and b[l] (n_l, 1). Backprop starts at the logits Z[L] (n_y, m) of the output
# layer. For one labelled entry, with ŷ = σ(z) and L = −y log ŷ − (1 − y) log(1 − ŷ):
#
#     ∂L/∂ŷ = −y/ŷ + (1 − y)/(1 − ŷ),   ∂ŷ/∂z = σ'(z) = ŷ(1 − ŷ),   so   ∂L/∂z = ŷ − y.
#
# A "?" entry is not in J, so its derivative is 0, and every term carries the
# 1/m of the cost. With the mask M (1 where labelled, 0 under "?"):
#
#     dZ[L] = (A[L] − Y) ⊙ M / m          (n_y, m)
#
# Assumption: sigmoid outputs with the logistic loss (σ' cancels the
# denominators of ∂L/∂ŷ). From there, layer by layer, for l = L, ..., 1:
#
#     dW[l] = dZ[l] A[l−1]ᵀ          (n_l, n_{l−1})
#     db[l] = Σ_i dZ[l][:, i]         (n_l, 1)
#     dZ[l−1] = W[l]ᵀ dZ[l] ⊙ 1[Z[l−1] > 0]   (n_{l−1}, m), ReLU's derivative
#
# What you will see: dZ[L] checked entry by entry against finite differences
# of J; a backward pass written by hand, equal to `net.loss_and_grads`; then
# `tm.check_gradients` comparing backprop with finite differences of J weight by
# weight. Correct code agrees to about 1e-9; three planted bugs do not.
#
# Lecture claim 3 ([docs/lecture.md](../docs/lecture.md)), the mechanics:
# leaving "?" out of the sum means a zero gradient under "?", and a gradient
# check confirms the code does exactly that.

# %% tags=["parameters"]
# Parameters: edit them and run all cells. In a script, --quick and --seed override QUICK and SEED.
QUICK = False  # True: a small run of a few seconds (TINYMTL_QUICK=1 in the environment does the same)
SEED = 0  # seed of the data, the weights and the shuffling
MISSING = 0.3  # the share of labels made "?"
EPSILON = 1e-5  # the step of the finite differences (float64)

# %%
import numpy as np
from matplotlib.figure import Figure

import tinymtl as tm
from tinymtl import plots
from tinymtl.datasets import hide_labels, road_scenes
from tinymtl.lesson import claim, elapsed, lesson_options, show

options = lesson_options("04_backprop_gradcheck", "Lesson 04: dZ[L] = (A[L] − Y) ⊙ M / m, backprop by hand, "
                         "gradient checking", quick=QUICK, seed=SEED)  # fmt: skip

# m: examples in the checked batch; coords: weights the gradient check probes (None: all 6,234 of them).
FULL_RUN = {"m": 64, "coords": None}
QUICK_RUN = {"m": 16, "coords": 1500}
SIZE = QUICK_RUN if options.quick else FULL_RUN
LAYERS = [768, 8, 6, 4]  # n_x = 16·16·3 pixels, two ReLU hidden layers, n_y = 4 sigmoid outputs
PASS, CAUGHT = 1e-7, 1e-3  # correct gradients must be below PASS; a planted bug must be above CAUGHT

data = road_scenes(m=SIZE["m"], image_size=16, seed=options.seed)  # small images: n_x = 768
X = data.X  # (n_x, m), float64: finite differences need its precision
Y = hide_labels(data.Y, MISSING, seed=options.seed)  # (n_y, m), NaN = "?"
M = ~np.isnan(Y)  # the mask: (n_y, m)
net = tm.MLP(LAYERS, hidden="relu", output="sigmoid", seed=options.seed, dtype="float64")
n_y, m = Y.shape
print(f"{net}\nX: {X.shape}, Y: {Y.shape} with {int((~M).sum())} '?' of {Y.size}")


def relative_difference(g, g_num):
    """‖g − g_num‖ / (‖g‖ + ‖g_num‖): about 1e-10 when right, near 1 when unrelated."""
    return float(np.linalg.norm(g - g_num) / (np.linalg.norm(g) + np.linalg.norm(g_num)))


# %% [markdown]
# ## dZ[L], checked against finite differences of J
#
# Treat J as a function of the logits alone: nudge one entry Z[j, i] by ±ε and
# take (J(Z + ε) − J(Z − ε)) / 2ε. Beside the right formula, two planted bugs:
# forgetting the mask (the "?" treated as 0, so they push the network towards
# "absent") and forgetting the 1/m.


# %%
def forward_by_hand(params, X, n_layers):
    """Z[L] (n_y, m) and the cache [A[0], ..., A[L−1]] of a ReLU network."""
    A, caches = X, [X]  # A[0] = X: (n_x, m)
    for l in range(1, n_layers):
        A = np.maximum(params[f"W{l}"] @ A + params[f"b{l}"], 0)  # A[l] = ReLU(W[l] A[l−1] + b[l]): (n_l, m)
        caches.append(A)
    return params[f"W{n_layers}"] @ A + params[f"b{n_layers}"], caches  # Z[L]: (n_y, m)


ZL, caches = forward_by_hand(net.params, X, net.n_layers)
A_L = 1 / (1 + np.exp(-ZL))  # A[L] = σ(Z[L]): (n_y, m)
dZL_formulas = {
    "(A[L] − Y) ⊙ M / m": np.where(M, A_L - Y, 0) / m,  # right: (n_y, m)
    "bug: no mask, '?' as 0": (A_L - np.where(M, Y, 0)) / m,  # every "?" pulls towards 0: (n_y, m)
    "bug: no 1/m": np.where(M, A_L - Y, 0),  # m times too large: (n_y, m)
}
dZL_numeric = np.zeros_like(ZL)  # ∂J/∂Z[L] by central differences: (n_y, m)
for j, i in np.ndindex(*ZL.shape):
    nudge = np.zeros_like(ZL)
    nudge[j, i] = EPSILON
    J_plus, J_minus = tm.masked_logistic_loss(ZL + nudge, Y), tm.masked_logistic_loss(ZL - nudge, Y)
    dZL_numeric[j, i] = (J_plus - J_minus) / (2 * EPSILON)
print(f"\nlargest |∂J/∂Z| under '?' (finite differences): {np.abs(dZL_numeric[~M]).max():.1e}")
differences = {name: relative_difference(dZ, dZL_numeric) for name, dZ in dZL_formulas.items()}  # name -> number

fig = Figure(figsize=(9, 3.4), layout="constrained")
for ax, (name, dZ) in zip(fig.subplots(1, 3), dZL_formulas.items()):  # the label matrix's colours: "1" dark, "?" yellow
    ax.scatter(dZL_numeric[M], dZ[M], s=8, c=plots.CELL_COLORS["1"], label="labelled entry")
    ax.scatter(dZL_numeric[~M], dZ[~M], s=14, c=plots.CELL_COLORS["?"], edgecolors="0.3", linewidths=0.5,
               label="'?' entry")  # fmt: skip
    ax.axline((0, 0), slope=1, color=plots.REFERENCE_COLOR, lw=0.8, label="formula = finite differences")
    ax.grid(alpha=0.3)
    ax.set(title=f"{name}\nrel. diff {differences[name]:.1e}", xlabel="finite differences of J")
    ax.title.set_fontsize(9)
fig.axes[0].set_ylabel("dZ[L] by the formula")
fig.legend(*fig.axes[0].get_legend_handles_labels(), loc="outside lower center", ncol=3, fontsize=8, frameon=False)
fig.savefig(options.out / "dZL_check.png", dpi=120)
show(fig)


# %% [markdown]
# ## The backward pass by hand
#
# Each layer uses dZ[l] and what the forward pass kept: A[l−1] for dW[l], and
# for ReLU the gate 1[Z[l−1] > 0], which equals 1[A[l−1] > 0] (so the cache
# needs A only). `relu_gate=False` plants the classic bug of passing the
# gradient through ReLU as if it were the identity.


# %%
def backward_by_hand(params, caches, dZL, relu_gate=True):
    """{"dW1": (n_1, n_0), "db1": (n_1, 1), ...} from dZ[L] and the cache [A[0], ..., A[L−1]]."""
    grads, dZ = {}, dZL  # dZ[L]: (n_y, m)
    for l in range(len(caches), 0, -1):
        A_prev = caches[l - 1]  # A[l−1]: (n_{l−1}, m)
        grads[f"dW{l}"] = dZ @ A_prev.T  # dW[l]: (n_l, n_{l−1})
        grads[f"db{l}"] = dZ.sum(axis=1, keepdims=True)  # db[l]: (n_l, 1)
        if l > 1:
            dA_prev = params[f"W{l}"].T @ dZ  # dA[l−1]: (n_{l−1}, m)
            dZ = dA_prev * (A_prev > 0) if relu_gate else dA_prev  # dZ[l−1]: (n_{l−1}, m)
    return grads


grads_hand = backward_by_hand(net.params, caches, dZL_formulas["(A[L] − Y) ⊙ M / m"])
J, grads_library = net.loss_and_grads(X, Y)
gap = max(float(np.abs(grads_hand[name] - grads_library[name]).max()) for name in grads_library)
print(f"J = {J:.6f}; largest |by hand − net.loss_and_grads| over {', '.join(grads_library)}: {gap:.1e}")


# %% [markdown]
# ## Gradient checking every weight
#
# `tm.check_gradients` nudges each weight θ_k by ±ε, recomputes J, and compares
# (J(θ + ε) − J(θ − ε)) / 2ε with backprop's value. It skips a probe that moves
# some hidden unit across ReLU's kink at 0, where the slope is not defined. To
# check *our* backward pass with it, a subclass of `tm.MLP` swaps it in.
# A gradient check tests that the gradient fits J; the mask must be right in
# J too (lesson 03), and the library also asserts dZ[L] = 0 under every "?".


# %%
class HandBackprop(tm.MLP):
    """tm.MLP with backward_by_hand as its backward pass (no L2 term)."""

    relu_gate = True

    def backward(self, dZL, caches, l2=0.0, grads=None):
        return backward_by_hand(self.params, caches, dZL, self.relu_gate)


class ForgotReluGate(HandBackprop):
    """The planted bug: dZ[l−1] = W[l]ᵀ dZ[l], the ReLU gate forgotten."""

    relu_gate = False


check = {"max_coords": SIZE["coords"], "epsilon": EPSILON, "seed": options.seed}
models = {
    "net.loss_and_grads (library)": net,
    "backward_by_hand": HandBackprop(LAYERS, seed=options.seed),  # the same initial weights as net
    "bug: no ReLU gate 1[Z > 0]": ForgotReluGate(LAYERS, seed=options.seed),
}
for name, model in models.items():
    result = tm.check_gradients(model, X, Y, **check)
    differences[name] = result.relative_difference
    print(f"{name}: {result.n_checked} weights checked, {result.n_at_kink} skipped at the kink")
print(f"\n{'gradient':<32}{'relative difference':>20}  verdict")
for name, difference in differences.items():
    verdict = "passes" if difference < PASS else ("caught" if difference > CAUGHT else "unclear")
    print(f"{name:<32}{difference:>20.2e}  {verdict}")
print(f"figure in {options.out}: dZL_check.png")

# %% [markdown]
# ## The claim
#
# The check: the right gradients (dZ[L], the library's backward, ours) are
# within 1e-7 of the finite differences, each planted bug is above 1e-3, and
# the hand-written backward equals the library's to 1e-12.

# %%
right = [differences[name] for name in ("(A[L] − Y) ⊙ M / m", "net.loss_and_grads (library)", "backward_by_hand")]
bugs = [difference for name, difference in differences.items() if name.startswith("bug")]
claim("backprop's gradients match finite differences of the masked J, and the gradient check catches planted bugs",
      f"right gradients: largest relative difference {max(right):.1e} (< {PASS:.0e}); planted bugs (no mask, "
      f"no 1/m, no ReLU gate): smallest {min(bugs):.2f} (> {CAUGHT:.0e}); by hand vs library {gap:.1e}",
      holds=max(right) < PASS and min(bugs) > CAUGHT and gap <= 1e-12)  # fmt: skip
print(f"done in {elapsed(options)}")

# %% [markdown]
# ## Try it
#
# Predict first, then change the parameters cell at the top and run all cells:
#
# 1. `EPSILON = 1e-2`: a step a thousand times larger. Do the right gradients
#    still pass (relative difference below 1e-7)? The table of relative
#    differences answers; the closing check may fail with `ClaimNotShown`,
#    which is the answer too.
# 2. `EPSILON = 1e-9`: a step ten thousand times smaller. Does the check get
#    sharper or blunter? Same table, same closing check.
# 3. `MISSING = 0.02`: about one label in fifty is "?" (the line `X: …, Y: …`
#    counts them). Is the bug "no mask, '?' as 0" still caught, and is its
#    relative difference nearer the 0.3 it has now or nearer 0? The table and
#    the yellow ('?') points of the dZ[L] figure answer.
