"""Gradient checking: backprop's gradients against finite differences of the cost.

One concept: *trust backprop only after checking it*. For each checked
parameter coordinate θ_k, the two-sided difference::

    g_num_k = (J(θ + ε e_k) − J(θ − ε e_k)) / (2ε)

has error O(ε²), and the summary is the relative difference over all checked
coordinates::

    diff = ‖g − g_num‖ / (‖g‖ + ‖g_num‖)       (0 when both are 0)

In float64 a correct backprop gives ``diff`` around 1e-9 or less; above 1e-7
something is wrong; near 1 the gradient is unrelated to the cost. In float32
finite differences drown in rounding (ε² truncation against ~1e-7 / ε
rounding), so checking there warns.

Two things specific to tinymtl are checked too:

- **the mask**: ``dZ[L] = ∂J/∂Z[L]`` must be exactly 0 at every "?" entry
  (every unlabelled column for softmax); otherwise :class:`AssertionError`;
- **ReLU's kink**: ReLU is not differentiable at Z = 0, and if θ ± ε moves a
  hidden unit of some example across 0 the finite difference measures a
  corner, not a slope. Such probe points are detected (the sign pattern of
  ``A[l]`` differs between θ + ε and θ − ε) and left out of the summary.

What it leaves out: checking ∂J/∂X, and second derivatives.

>>> import numpy as np, tinymtl as tm
>>> net = tm.MLP([4, 5, 3], hidden="tanh", seed=0)
>>> X = np.random.default_rng(0).standard_normal((4, 6))
>>> Y = np.array([[1, 0, np.nan, 1, 0, 1]] * 3)
>>> tm.gradient_check(net, X, Y, l2=0.1) < 1e-7
True
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass

import numpy as np

from .backend import array_module
from .losses import loss_and_grad_from_logits
from .regularization import l2_cost
from .validation import check_nonnegative, check_positive

DEFAULT_EPSILON = (
    1e-5  # float64: truncation ~ε² ≈ 1e-10 and rounding ~1e-16/ε ≈ 1e-11 (measured: best of 1e-5, 1e-6, 1e-7)
)


@dataclass
class GradientCheck:
    """The result: the relative difference and which coordinates it covers."""

    relative_difference: float
    n_checked: int  # coordinates compared
    n_at_kink: int  # coordinates skipped because θ ± ε crossed ReLU's kink
    worst: str  # the coordinate with the largest |g − g_num|, e.g. "W1[2, 0]"


def gradient_check(net, X, Y, l2=0.0, normalizer="m", task_weights=None, **options) -> float:
    """The relative difference ‖g − g_num‖ / (‖g‖ + ‖g_num‖) of ``net``'s gradients on (X, Y).

    ``options``: ``epsilon`` (default 1e-5), ``max_coords`` (check a random
    sample of this many coordinates instead of all), ``seed`` (of that
    sample). See :func:`check_gradients` for the details it also returns.
    """
    return check_gradients(net, X, Y, l2, normalizer, task_weights, **options).relative_difference


def check_gradients(
    net, X, Y, l2=0.0, normalizer="m", task_weights=None, epsilon=DEFAULT_EPSILON, max_coords=None, seed=0
) -> GradientCheck:
    """Compare backprop with finite differences; the full :class:`GradientCheck`."""
    check_positive("epsilon", epsilon)
    if max_coords is not None:
        check_positive("max_coords", max_coords, integer=True)
    l2 = check_nonnegative("l2", l2)
    if net.dtype != np.float64:
        warnings.warn(
            f"gradient_check in {net.dtype.name}: finite differences are unreliable there (rounding errors "
            "of ~1e-7 / ε); expect large differences. Check a float64 copy: tm.MLP(..., dtype='float64').",
            RuntimeWarning,
            stacklevel=2,
        )
    X, Y, weights = net.check_data(X, Y, normalizer, task_weights)

    def cost_and_pattern():
        """J (a float: one sync) and the sign pattern of the hidden activations."""
        ZL, caches = net.forward(X)
        J_data, _ = loss_and_grad_from_logits(net.output, ZL, Y, normalizer, weights)
        return float(J_data + l2_cost(net.params, l2, X.shape[1])), [A > 0 for A in caches[1:]]  # J: sync

    _check_mask(net, X, Y, normalizer, weights)
    _, grads = net.data_loss_and_grads(X, Y, l2, normalizer, weights)  # the analytic gradients of J
    analytic, numeric, names, at_kink = [], [], [], 0
    for name, k in _coordinates(net.params, max_coords, seed):
        theta = net.params[name]
        g_num, crossed = _central_difference(theta, k, epsilon, cost_and_pattern)
        if crossed:
            at_kink += 1
            continue
        analytic.append(float(grads["d" + name][k]))  # sync per coordinate: fine for a check
        numeric.append(g_num)
        names.append(f"{name}[{', '.join(map(str, k))}]")
    return _summary(np.array(analytic), np.array(numeric), names, at_kink)


def _central_difference(theta, k: tuple, epsilon: float, cost_and_pattern):
    """(J(θ + ε e_k) − J(θ − ε e_k)) / 2ε, and whether a hidden unit changed sign in between."""
    original = float(theta[k])  # sync
    theta[k] = original + epsilon
    J_plus, pattern_plus = cost_and_pattern()
    theta[k] = original - epsilon
    J_minus, pattern_minus = cost_and_pattern()
    theta[k] = original  # restore exactly
    crossed = any(bool((a != b).any()) for a, b in zip(pattern_plus, pattern_minus, strict=True))  # sync per layer
    return (J_plus - J_minus) / (2 * epsilon), crossed


def _coordinates(params: dict, max_coords, seed):
    """(name, index tuple) of every coordinate, or of a seeded random sample of ``max_coords``."""
    everything = [(name, i) for name, p in params.items() for i in range(p.size)]
    if max_coords is not None and max_coords < len(everything):
        chosen = np.random.default_rng(seed).choice(len(everything), size=max_coords, replace=False)
        everything = [everything[c] for c in np.sort(chosen)]
    return [(name, np.unravel_index(i, params[name].shape)) for name, i in everything]


def _check_mask(net, X, Y, normalizer, weights) -> None:
    """Assert dZ[L] is exactly 0 wherever the label is "?" (NaN)."""
    ZL, _ = net.forward(X)
    _, dZL = loss_and_grad_from_logits(net.output, ZL, Y, normalizer, weights)
    xp = array_module(dZL)
    if bool((xp.isnan(Y) & (dZL != 0)).any()):  # sync
        leaked = int(xp.count_nonzero(xp.isnan(Y) & (dZL != 0)))  # sync
        raise AssertionError(f"gradient_check: dJ/dZ[L] is not zero at {leaked} '?' entries of Y: the mask leaks.")


def _summary(analytic: np.ndarray, numeric: np.ndarray, names: list, at_kink: int) -> GradientCheck:
    """‖g − g_num‖ / (‖g‖ + ‖g_num‖) over the checked coordinates, with the worst one named."""
    if analytic.size == 0:
        raise ValueError("gradient_check: every probed coordinate sat on ReLU's kink; use other X or another seed.")
    error = analytic - numeric  # (n_checked,)
    denominator = np.linalg.norm(analytic) + np.linalg.norm(numeric)
    difference = float(np.linalg.norm(error) / denominator) if denominator > 0 else 0.0
    worst = names[int(np.argmax(np.abs(error)))]
    return GradientCheck(difference, int(analytic.size), at_kink, worst)
