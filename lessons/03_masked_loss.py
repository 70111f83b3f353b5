# %% [markdown]
# # Lesson 03: the masked logistic loss, from a double loop to one line
#
# With four yes/no tasks and some labels unknown, the lecture's cost adds the
# logistic loss of every *labelled* entry of `Y` (n_y, m) and divides by m:
#
#     J = (1/m) Σ_i Σ_{j: y_j^(i) ≠ ?} L(ŷ_j^(i), y_j^(i)),   L(ŷ, y) = −y log ŷ − (1 − y) log(1 − ŷ)
#
# with ŷ = σ(z), z being the logit (the output layer's Z[L] before the sigmoid).
#
# What you will see: J written three ways (a Python loop over examples i and
# tasks j, exactly the double sum; a vectorized NumPy version; and
# `tm.masked_logistic_loss`), giving the same number, the vectorized one many
# times faster; J unchanged whatever sits under "?"; why masking by
# multiplying with 0 breaks; and the two normalisers "m" and "labelled".
#
# Lecture claim 3 ([docs/lecture.md](../docs/lecture.md)), its formula:
# training with "?" labels works because their terms are left out of the sum;
# here we check that they really are.

# %% tags=["parameters"]
# Parameters: edit them and run all cells. In a script, --quick and --seed override QUICK and SEED.
QUICK = False  # True: a small run of a few seconds (TINYMTL_QUICK=1 in the environment does the same)
SEED = 0  # seed of the data, the weights and the shuffling
MISSING = 0.3  # the share of labels made "?"
LOGIT_SCALE = 2.0  # the standard deviation of the random logits z ~ N(0, LOGIT_SCALE²)

# %%
import math
import time

import numpy as np
from matplotlib.figure import Figure

import tinymtl as tm
from tinymtl import plots
from tinymtl.datasets import hide_labels, road_scenes
from tinymtl.lesson import claim, elapsed, lesson_options, show

options = lesson_options("03_masked_loss", "Lesson 03: the masked logistic loss, looped, vectorized and from the library",
                         quick=QUICK, seed=SEED)  # fmt: skip

# m: examples (columns of Y); repeats: timing runs of the loop and of the vectorized version (best one counts).
FULL_RUN = {"m": 20_000, "loop_repeats": 5, "vector_repeats": 50}
QUICK_RUN = {"m": 2_000, "loop_repeats": 3, "vector_repeats": 20}
SIZE = QUICK_RUN if options.quick else FULL_RUN
TOLERANCE = 1e-12  # loop, vectorized and library J must agree to this (float64)
MIN_SPEEDUP = 10.0  # the vectorized J must be at least this many times faster than the loop

# %% [markdown]
# ## The labels and some logits
#
# The labels are those of real road scenes, with 30% of them made "?". The
# logits stand for what a network might output: random numbers z ~ N(0, 2²)
# (`LOGIT_SCALE = 2.0`) in the shape of `Y`. (Lesson 04 takes them from a real network.)

# %%
Y = hide_labels(road_scenes(m=SIZE["m"], seed=options.seed).Y, MISSING, seed=options.seed)  # (n_y, m), NaN = "?"
n_y, m = Y.shape
Z = np.random.default_rng(options.seed).normal(0.0, LOGIT_SCALE, size=(n_y, m))  # logits Z[L]: (n_y, m)
print(f"Y: {Y.shape} = (n_y, m), {np.isnan(Y).sum()} of {Y.size} entries '?'; logits Z: {Z.shape}")


# %% [markdown]
# ## 1. The double sum, as written
#
# One term per example i and task j, skipped when y_j^(i) is "?" (NaN; note
# that `y != y` is the test for NaN, since NaN equals nothing, not even itself).


# %%
def J_loop(Z, Y):
    """The lecture's J = (1/m) Σ_i Σ_{j labelled} L(σ(z), y), one term at a time."""
    n_y, m = Y.shape
    total = 0.0
    for i in range(m):  # examples: columns
        for j in range(n_y):  # tasks: rows
            y = Y[j, i]
            if math.isnan(y):  # "?": this term is not in the sum
                continue
            y_hat = 1 / (1 + math.exp(-Z[j, i]))  # ŷ = σ(z)
            total += -y * math.log(y_hat) - (1 - y) * math.log(1 - y_hat)  # L(ŷ, y)
    return total / m


# %% [markdown]
# ## 2. Vectorized, from the logits
#
# Substituting log σ(z) = −log(1 + e^{−z}) and log(1 − σ(z)) = −z − log(1 + e^{−z})
# into L gives L = (1 − y) z + log(1 + e^{−z}). For z < 0, e^{−z} can overflow
# (z = −800: e^{800} is inf in float64), so rewrite log(1 + e^{−z}) = −z + log(1 + e^{z})
# there. Both cases in one expression:
#
#     L = max(z, 0) − y·z + log(1 + e^{−|z|})
#
# The exponent is never positive, so nothing overflows and nothing hits log(0).
# The mask M (True where labelled) picks the terms with `np.where`.


# %%
def J_vectorized(Z, Y, M):
    """J = (1/m) Σ over the entries where M is True of max(z, 0) − y·z + log(1 + e^{−|z|})."""
    m = Y.shape[1]
    L = np.maximum(Z, 0) - Y * Z + np.log1p(np.exp(-np.abs(Z)))  # L[j, i]: (n_y, m); NaN under "?"
    return np.where(M, L, 0.0).sum() / m  # terms under "?" replaced by 0, then summed: a number


M = ~np.isnan(Y)  # the mask: True where y_j^(i) is 0 or 1: (n_y, m)
J1, J2, J3 = J_loop(Z, Y), J_vectorized(Z, Y, M), tm.masked_logistic_loss(Z, Y)
print(f"\nJ by the loop              {J1:.15f}\nJ vectorized               {J2:.15f}")
print(f"J tm.masked_logistic_loss  {J3:.15f}")
print(f"|loop − vectorized| = {abs(J1 - J2):.1e}, |vectorized − library| = {abs(J2 - J3):.1e}")
z = np.array([-800.0, 800.0])  # two logits, label y = 1 for both
with np.errstate(over="ignore", divide="ignore"):
    from_y_hat = -np.log(1 / (1 + np.exp(-z)))  # L = −log ŷ: σ(−800) is 0 in float64, and log(0) = −inf
from_z = np.maximum(z, 0) - z + np.log1p(np.exp(-np.abs(z)))  # L = max(z, 0) − y·z + log(1 + e^{−|z|}), y = 1
print(f"y = 1, z = {z}: L from ŷ = {from_y_hat}, L from z = {from_z}")
z = np.linspace(-40, 40, 801)  # logits for the figure: (801,)
y_hat = 1 / (1 + np.exp(-z))  # σ(z): (801,); exactly 1.0 in float64 for large z, so 1 − ŷ = 0 there
z_break = float(z[np.argmax(y_hat == 1.0)])  # the first z of the grid where σ(z) rounds to 1
print(f"σ(z) is exactly 1.0 in float64 from z = {z_break:.1f} on this grid: there log(1 − ŷ) = log(0) = −inf")
fig = Figure(figsize=(8, 3.6), layout="constrained")
ax = fig.add_subplot()
colors = {1.0: plots.OTHER_COLORS[0], 0.0: plots.OTHER_COLORS[2]}  # one colour per label y (not models)
for y in (1.0, 0.0):
    # L(ŷ, y) as the lecture writes it: (801,). Where 1 − ŷ = 0, (1 − y) log(1 − ŷ) is −inf (y = 0) or NaN (y = 1).
    with np.errstate(divide="ignore", invalid="ignore"):
        L_from_y_hat = -y * np.log(y_hat) - (1 - y) * np.log(1 - y_hat)
    label = f"y = {y:.0f}: from ŷ, −y log ŷ − (1 − y) log(1 − ŷ)"
    ax.plot(z, L_from_y_hat, lw=5, alpha=0.35, color=colors[y], label=label)
    ax.plot(z, np.maximum(z, 0) - y * z + np.log1p(np.exp(-np.abs(z))), lw=1.2, color=colors[y],
            label=f"y = {y:.0f}: from z (stable)")  # fmt: skip
ax.axvline(z_break, color=plots.REFERENCE_COLOR, linestyle=":", lw=1)
ax.annotate(f"z = {z_break:.1f}: σ(z) = 1.0 in float64, 1 − ŷ = 0,\nlog(1 − ŷ) = −inf: L from ŷ is inf (y = 0)\n"
            "or 0 · inf = NaN (y = 1); both wide lines end",
            xy=(z_break, z_break), xytext=(z_break - 1.5, 2.5), ha="right", va="bottom", fontsize=8,
            arrowprops={"arrowstyle": "->", "color": plots.REFERENCE_COLOR})  # fmt: skip
ax.set(xlabel="logit z", ylabel="L(σ(z), y)",
       title=f"logistic loss: computed from ŷ it breaks from z ≈ {z_break:.0f} (1 − ŷ = 0); from z it does not")  # fmt: skip
ax.title.set_fontsize(10)
ax.grid(alpha=0.3)
ax.legend(fontsize=8, loc="upper center")
fig.savefig(options.out / "logistic_loss.png", dpi=120)
show(fig)
print(f"figure in {options.out}: logistic_loss.png")


# %% [markdown]
# ## How much faster?
#
# Best of several runs each (the machine may be busy; the best run is the
# least disturbed).


# %%
def best_time(function, repeats):
    """The shortest of ``repeats`` wall-clock runs of ``function()``, in seconds."""
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        function()
        times.append(time.perf_counter() - start)
    return min(times)


t_loop = best_time(lambda: J_loop(Z, Y), SIZE["loop_repeats"])
t_vector = best_time(lambda: J_vectorized(Z, Y, M), SIZE["vector_repeats"])
speedup = t_loop / t_vector
print(f"\nloop {t_loop * 1e3:.2f} ms, vectorized {t_vector * 1e3:.3f} ms: {speedup:.0f}× faster ({n_y}×{m} entries)")

# %% [markdown]
# ## What sits under "?" does not matter
#
# Build the mask first, then overwrite every "?" with 0, 1 or even 7: J does
# not move, because those terms are replaced by 0 before the sum. Changing one
# *labelled* entry does move it.

# %%
print(f"\n{'under ?':<10}{'J':>20}")
J_filled = {}
for value in (0.0, 1.0, 7.0):
    J_filled[value] = J_vectorized(Z, np.where(M, Y, value), M)  # Y with every "?" set to value: (n_y, m)
    print(f"{value:<10.0f}{J_filled[value]:>20.15f}")
flipped = Y.copy()
j, i = np.argwhere(M)[0]  # the first labelled entry
flipped[j, i] = 1 - flipped[j, i]
print(f"flip labelled y[{j}, {i}] {Y[j, i]:.0f} -> {flipped[j, i]:.0f}: J = {J_vectorized(Z, flipped, M):.15f}")
unchanged = all(J == J2 for J in J_filled.values())

# %% [markdown]
# ## Why not multiply by the mask?
#
# The mask as 0/1 numbers times L looks like the same thing, but L is NaN
# under "?" (it contains y·z with y = NaN), and NaN · 0 is NaN, not 0.

# %%
L = np.maximum(Z, 0) - Y * Z + np.log1p(np.exp(-np.abs(Z)))  # (n_y, m), NaN under "?"
print(f"\nNaN · 0 = {np.nan * 0}; J by multiplying, (M · L).sum() / m = {(M * L).sum() / m}")

# %% [markdown]
# ## Which normaliser: m or the number of labelled entries?
#
# The lecture divides by m, the number of examples. Frameworks' losses with an
# "ignore index" divide by N, the number of labelled entries (about 0.7 · 4 · m
# here), giving the mean loss per labelled entry. Both add up the same terms, so
# J("m") = (N/m) · J("labelled"): the same minimiser, and gradients N/m times
# as large (about 2.8 here; the ratio is printed below). With plain gradient
# descent that factor N/m multiplies the step size. A batch with no label at
# all gives J = 0 with both.

# %%
N = int(M.sum())  # labelled entries
J_labelled = tm.masked_logistic_loss(Z, Y, normalizer="labelled")
print(f"\n'm':        J = (sum of labelled L) / m = {J3:.6f}   (m = {m})")
print(f"'labelled': J = (sum of labelled L) / N = {J_labelled:.6f}   (N = {N}); ratio {J3 / J_labelled:.4f} = N/m")
Y_unknown = np.full((n_y, 3), np.nan)  # three examples, every label "?": (n_y, 3)
J_none = [tm.masked_logistic_loss(Z[:, :3], Y_unknown, normalizer=name) for name in ("m", "labelled")]
print(f"a batch of 3 examples, every label '?': J = {J_none[0]} ('m'), {J_none[1]} ('labelled')")

# %% [markdown]
# ## The claim
#
# The check: the three J agree to 1e-12 (the loop goes through ŷ, the other
# two through z, so they may differ by rounding), the vectorized J is at least
# 10× faster than the loop, and filling the "?" with 0, 1 or 7 leaves J
# exactly as it was.

# %%
claim("the vectorized masked loss equals the lecture's double sum and is much faster; '?' entries do not enter J",
      f"loop {J1:.12f}, vectorized {J2:.12f}, library {J3:.12f} (gaps {abs(J1 - J2):.1e}, {abs(J2 - J3):.1e}); "
      f"vectorized {speedup:.0f}× faster than the loop (m = {m}); J with '?' set to 0/1/7: "
      + "/".join(f"{J:.12f}" for J in J_filled.values()),
      holds=abs(J1 - J2) <= TOLERANCE and abs(J2 - J3) <= TOLERANCE and speedup >= MIN_SPEEDUP
      and unchanged)  # fmt: skip
print(f"done in {elapsed(options)}")

# %% [markdown]
# ## Try it
#
# Predict first, then change the parameters cell at the top and run all cells:
#
# 1. `LOGIT_SCALE = 10.0`: logits z ~ N(0, 10²), so some |z| pass 30. Do the
#    loop (through ŷ) and the vectorized J (from z) still agree to 1e-12? The
#    three J printed in part 2 and the gaps in the closing line answer; the
#    figure of the logistic loss says where to look. The check may fail, and
#    the loop may even stop with `ValueError: math domain error`: both are
#    part of the answer.
# 2. `MISSING = 0.9`: nine labels in ten are "?". Predict the ratio N/m
#    printed under "Which normaliser", and whether the vectorized J gets more
#    or fewer times faster than the loop (the timing line).
# 3. `MISSING = 0.0`: no "?" at all. Predict N/m. If the closing check still
#    holds, what does its "'?' set to 0/1/7" part prove now?
