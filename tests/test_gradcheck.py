"""Backprop against finite differences, for every activation/output pair, with "?" labels and L2."""

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import tinymtl as tm
from tinymtl.network import MLP

HIDDEN = ["relu", "leaky_relu", "tanh", "sigmoid"]


def data(n_x, n_y, m, output, seed, unknown=0.3):
    """Random inputs and labels with "?" entries (whole "?" columns for softmax)."""
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((n_x, m))
    if output == "softmax":
        Y = np.eye(n_y)[:, rng.integers(0, n_y, m)]
        Y[:, rng.random(m) < unknown] = np.nan
    else:
        Y = (rng.random((n_y, m)) < 0.5).astype(float)
        Y[rng.random((n_y, m)) < unknown] = np.nan
    return X, Y


OUTPUT_NORMALIZERS = [
    ("sigmoid", "m"),
    ("sigmoid", "labelled"),
    ("sigmoid", "per_task"),
    ("softmax", "m"),
    ("softmax", "labelled"),
]  # per_task needs tasks; softmax has one label


@pytest.mark.parametrize("hidden", HIDDEN)
@pytest.mark.parametrize(("output", "normalizer"), OUTPUT_NORMALIZERS)
def test_every_activation_output_pair_passes_in_float64(backend, hidden, output, normalizer):
    X, Y = data(5, 3, 8, output, seed=0)
    net = MLP([5, 6, 4, 3], hidden=hidden, output=output, seed=1)
    weights = [1.0, 2.0, 0.5] if output == "sigmoid" else None
    result = tm.check_gradients(net, X, Y, l2=0.7, normalizer=normalizer, task_weights=weights)
    assert result.relative_difference < 1e-7, result
    assert result.n_checked + result.n_at_kink == net.n_params


@given(
    dims=st.lists(st.integers(1, 6), min_size=2, max_size=5),
    hidden=st.sampled_from(HIDDEN),
    output=st.sampled_from(["sigmoid", "softmax"]),
    m=st.integers(1, 7),
    l2=st.sampled_from([0.0, 0.1, 2.0]),
    seed=st.integers(0, 10_000),
)
def test_random_architectures_pass(dims, hidden, output, m, l2, seed):
    if output == "softmax" and dims[-1] < 2:
        dims = dims[:-1] + [2]
    X, Y = data(dims[0], dims[-1], m, output, seed)
    net = MLP(dims, hidden=hidden, output=output, seed=seed)
    result = tm.check_gradients(net, X, Y, l2=l2)
    assert result.relative_difference < 1e-7, (result, dims)


def test_a_planted_bug_in_backprop_is_caught(monkeypatch):
    """Forget the 1[Z > 0] factor of ReLU's backward step: the check must fail by far."""
    X, Y = data(4, 2, 10, "sigmoid", seed=3)
    net = MLP([4, 5, 2], hidden="relu", seed=0)
    assert tm.gradient_check(net, X, Y) < 1e-7
    monkeypatch.setitem(tm.activations.HIDDEN, "relu", (tm.activations.relu, lambda dA, A: dA))
    assert tm.gradient_check(net, X, Y) > 1e-3


def test_a_gradient_leaking_into_question_marks_is_caught(monkeypatch):
    """A loss that forgets the mask in dZ[L] (treats "?" as 0) fails the mask check."""
    from tinymtl import losses

    correct = losses.masked_logistic_loss_and_grad

    def leaky(Z, Y, normalizer="m", task_weights=None):
        return correct(Z, np.nan_to_num(Y), normalizer, task_weights)

    monkeypatch.setattr(losses, "masked_logistic_loss_and_grad", leaky)
    X, Y = data(3, 2, 6, "sigmoid", seed=4, unknown=0.5)
    with pytest.raises(AssertionError, match="not zero at .* '\\?' entries"):
        tm.gradient_check(MLP([3, 4, 2], seed=0), X, Y)


def test_float32_check_warns():
    X, Y = data(3, 2, 5, "sigmoid", seed=5)
    net = MLP([3, 4, 2], dtype="float32", seed=0)
    with pytest.warns(RuntimeWarning, match="float32.*unreliable"):
        tm.gradient_check(net, X, Y)


def test_probe_points_on_relus_kink_are_left_out():
    """b = 0 and X = 0 put every hidden unit exactly at Z = 0: perturbing those coordinates crosses the kink."""
    net = MLP([2, 3, 1], hidden="relu", seed=0)
    net.params["b1"][:] = 0
    X = np.zeros((2, 4))
    X[0, 0] = 1.0
    result = tm.check_gradients(net, X, np.ones((1, 4)))
    assert result.n_at_kink == 3  # the three b1 entries: every example sits on the kink
    assert result.relative_difference < 1e-7


def test_a_sample_of_coordinates_can_be_checked():
    X, Y = data(6, 3, 5, "sigmoid", seed=6)
    net = MLP([6, 8, 3], hidden="tanh", seed=0)
    result = tm.check_gradients(net, X, Y, max_coords=10, seed=1)
    assert result.n_checked == 10
    assert result.relative_difference < 1e-7


def test_gradient_check_leaves_the_parameters_unchanged():
    X, Y = data(3, 2, 5, "sigmoid", seed=7)
    net = MLP([3, 4, 2], seed=0)
    before = {k: v.copy() for k, v in net.params.items()}
    tm.gradient_check(net, X, Y)
    for name, value in before.items():
        np.testing.assert_array_equal(net.params[name], value)
