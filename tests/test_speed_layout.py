"""The speed choices of the training hot path keep the numbers and the API.

Each choice (see benchmarks/README.md) is checked against the plain version it
replaced: one flat θ with the parameters as views and one optimizer step
on it for small networks, batches gathered with ``columns_of``, the loss
masked after the fact. Every test runs on
NumPy and on the strict CuPy stand-in (the ``backend`` fixture of conftest.py).
"""

from __future__ import annotations

import contextlib

import numpy as np
import pytest

import tinymtl as tm
from tinymtl import activations, flat
from tinymtl.losses import masked_logistic_loss_and_grad
from tinymtl.network import MLP
from tinymtl.training import columns_of, minibatch_indices

from .conftest import assert_same

NAN = float("nan")


def host(a) -> np.ndarray:
    return tm.to_numpy(a)


def data(n_x=5, n_y=3, m=12, seed=0, unknown=0.3):
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((n_x, m))
    Y = (rng.random((n_y, m)) < 0.5).astype(float)
    Y[rng.random((n_y, m)) < unknown] = NAN
    return X, Y


# --- one flat θ (tinymtl.flat) ----------------------------------------------------------------


def test_pack_makes_the_parameters_views_into_theta_in_lecture_order(backend):
    net = MLP([5, 4, 3], seed=0)
    values = {name: host(p) for name, p in net.params.items()}
    theta = flat.pack(net.params)
    assert theta.shape == (net.n_params,) == (4 * 5 + 4 + 3 * 4 + 3,)
    start = 0
    for name in ("W1", "b1", "W2", "b2"):  # W1, b1, W2, b2: one after the other, each in C order
        assert_same(host(theta)[start : start + values[name].size].reshape(values[name].shape), values[name], name)
        start += values[name].size
    theta[...] = 0.5  # writing into θ writes into every parameter
    assert all((host(p) == 0.5).all() for p in net.params.values())
    net.params["b2"][...] = -1.0  # and writing into a parameter writes into θ
    assert (host(theta)[-3:] == -1.0).all()


def test_flat_views_lays_out_the_pieces_in_order():
    array = np.arange(10.0)
    views = flat.flat_views(array, {"a": (2, 3), "b": (4, 1)})
    assert_same(views["a"], np.arange(6.0).reshape(2, 3), "a")
    assert_same(views["b"], np.arange(6.0, 10.0).reshape(4, 1), "b")
    views["b"][0, 0] = 100.0
    assert array[6] == 100.0


@pytest.mark.parametrize("fail", [False, True])
def test_packed_gives_the_values_back_to_the_original_arrays(backend, fail):
    net = MLP([3, 4, 2], seed=0)
    originals = dict(net.params)
    with pytest.raises(RuntimeError) if fail else contextlib.nullcontext():
        with flat.packed(net.params) as theta:
            assert net.params["W1"] is not originals["W1"]  # a view of θ inside the block
            theta[...] = 2.0
            if fail:
                raise RuntimeError("stop")
    for name, p in net.params.items():
        assert p is originals[name], f"{name} was rebound"
        assert (host(p) == 2.0).all(), f"{name} did not get θ's values back"


def test_fit_trains_a_rebound_parameter():
    X, Y = data()
    net = MLP([5, 4, 3], seed=0)
    net.params["W1"] = np.full((4, 5), 0.1)  # a new array: the next fit packs it like any other
    tm.fit(net, X, Y, optimizer=tm.GradientDescent(lr=0.5), epochs=1, batch_size=4, progress=False)
    assert not np.allclose(host(net.params["W1"]), 0.1), "the rebound W1 was not trained"


@pytest.mark.parametrize("make_optimizer", [tm.GradientDescent, tm.Momentum, tm.RMSProp, tm.Adam])
def test_a_flat_step_equals_a_step_per_array_bit_for_bit(backend, make_optimizer):
    """The speed choice changes the number of calls, not the numbers."""
    X, Y = data()
    net_flat, net_dict = MLP([5, 4, 3], seed=0), MLP([5, 4, 3], seed=0)
    step = flat.FlatStep(make_optimizer(lr=0.05), net_flat.params, flat.pack(net_flat.params))
    per_array = make_optimizer(lr=0.05)
    X, Y, _ = net_flat.check_data(X, Y)
    for _ in range(3):
        net_flat.data_loss_and_grads(X, Y, l2=0.1, out=step.grads)  # into dθ
        step()
        per_array.step(net_dict.params, net_dict.data_loss_and_grads(X, Y, l2=0.1)[1])
    for name in net_flat.params:
        assert_same(net_flat.params[name], net_dict.params[name], f"{name}: flat vs per array")


def test_step_grads_are_views_into_dtheta_in_the_order_of_theta(backend):
    net = MLP([5, 4, 3], seed=0, dtype="float32")
    step = flat.FlatStep(tm.Adam(), net.params, flat.pack(net.params))
    dtheta = step.flat_grads["dtheta"]
    assert_same(dtheta, np.zeros(net.n_params, np.float32), "dθ")
    assert list(step.grads) == ["dW1", "db1", "dW2", "db2"]
    step.grads["db2"][...] = 1.0
    assert (host(dtheta)[-3:] == 1.0).all()


@pytest.mark.parametrize("l2", [0.0, 0.3])
def test_backward_into_out_equals_a_fresh_backward(backend, l2):
    X, Y = data()
    net = MLP([5, 4, 4, 3], seed=0)
    X, Y, _ = net.check_data(X, Y)
    step = flat.FlatStep(tm.Adam(), net.params, flat.pack(net.params))
    step.flat_grads["dtheta"][...] = 123.0  # stale values must be overwritten, not added to
    _, written = net.data_loss_and_grads(X, Y, l2, out=step.grads)
    _, fresh = net.data_loss_and_grads(X, Y, l2)
    assert written is step.grads
    for name in fresh:
        assert_same(written[name], fresh[name], name)


# --- activations: a new array, Z untouched ------------------------------------------------------


@pytest.mark.parametrize("name", ["relu", "leaky_relu", "tanh", "sigmoid"])
def test_activation_returns_a_new_array_in_zs_dtype_and_leaves_z_alone(backend, name, dtype):
    g = getattr(activations, name)
    values = np.array([[-3.0, -0.5, 0.0], [0.25, 2.0, 40.0]])
    Z = tm.to_device(values, dtype=dtype)
    A = g(Z)
    assert host(A).dtype == host(Z).dtype and not np.shares_memory(host(A), host(Z))
    assert_same(Z, values.astype(dtype), f"Z after {name}(Z)")


# --- batches ------------------------------------------------------------------------------------


def test_columns_of_equals_fancy_indexing_and_keeps_fortran_order(backend):
    A = tm.to_device(np.arange(24.0).reshape(4, 6), order="F")  # (n, m), Fortran order as fit stores X
    columns = tm.to_device(np.array([5, 0, 3]))
    batch = columns_of(A, columns)
    assert_same(batch, host(A)[:, [5, 0, 3]], "columns_of(A, [5, 0, 3])")
    assert batch.flags.f_contiguous


def test_minibatch_indices_cover_every_column_once_on_the_device(backend):
    batches = minibatch_indices(10, 4, np.random.default_rng(0))
    assert [len(b) for b in batches] == [4, 4, 2]
    assert tm.backend.backend_of(batches[0]) == backend
    assert sorted(np.concatenate([host(b) for b in batches]).tolist()) == list(range(10))


# --- the loss, masked after the fact ---------------------------------------------------------------


def reference_loss_and_grad(Z, Y, normalizer):
    """The masked logistic loss written plainly, on the host, in float64: Y's "?" set to 0 first."""
    known = ~np.isnan(Y)
    Y0 = np.where(known, Y, 0.0)
    L = np.maximum(Z, 0) - Y0 * Z + np.log1p(np.exp(-np.abs(Z)))
    if normalizer == "m":
        c = 1.0 / Z.shape[1]
    elif normalizer == "labelled":
        c = 1.0 / max(known.sum(), 1)
    else:
        c = 1.0 / np.maximum(known.sum(axis=1, keepdims=True), 1)
    J = (np.where(known, L, 0.0) * c).sum()
    dZ = np.where(known, 1 / (1 + np.exp(-Z)) - Y0, 0.0) * c
    return J, dZ


@pytest.mark.parametrize("normalizer", ["m", "labelled", "per_task"])
def test_loss_masked_after_the_fact_equals_the_plain_formula(backend, normalizer):
    Z = np.array([[30.0, -2.0, 0.5, -40.0], [1.0, 3.0, -0.25, 0.0], [-700.0, 700.0, 2.0, -1.0]])
    Y = np.array([[1.0, NAN, 0.0, NAN], [NAN, NAN, NAN, NAN], [0.0, 1.0, NAN, 1.0]])  # a task with no label
    J, dZ = masked_logistic_loss_and_grad(tm.to_device(Z), tm.to_device(Y), normalizer)
    J_ref, dZ_ref = reference_loss_and_grad(Z, Y, normalizer)
    assert np.isfinite(float(J)) and np.isfinite(host(dZ)).all(), "a NaN of Y leaked into J or dZ"
    assert float(J) == pytest.approx(J_ref, rel=1e-13)
    np.testing.assert_allclose(host(dZ), dZ_ref, rtol=1e-13, atol=1e-16)  # σ(−700) = 1e-304 in the reference, 0 here
    assert (host(dZ)[np.isnan(Y)] == 0).all(), "dZ must be exactly 0 under '?'"


# --- Adam keeps the lecture's averages ------------------------------------------------------------


def test_adam_state_holds_the_averages_v_and_s(backend):
    g1, g2 = np.array([1.0, -2.0]), np.array([0.5, 4.0])
    optimizer = tm.Adam(lr=0.1, beta1=0.9, beta2=0.99)
    theta = {"theta": tm.to_device(np.zeros(2))}
    for g in (g1, g2):
        optimizer.step(theta, {"dtheta": tm.to_device(g)})
    state = optimizer.state["theta"]
    np.testing.assert_allclose(host(state["v"]), 0.1 * (0.9 * g1 + g2), rtol=1e-15)  # v = (1 − β₁) Σ β₁^(t−k) g_k
    np.testing.assert_allclose(host(state["s"]), 0.01 * (0.99 * g1**2 + g2**2), rtol=1e-15)  # s, likewise with g²
