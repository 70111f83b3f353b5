"""The speed choices of the training hot path keep the numbers and the API.

Each choice (see benchmarks/README.md) is checked against the plain version it
replaced: one flat θ with the parameters as views, gradients written into a
flat dθ, batches gathered with ``columns_of``, the
loss masked after the fact. Every test runs on
NumPy and on the strict CuPy stand-in (the ``backend`` fixture of conftest.py).
"""

from __future__ import annotations

import numpy as np
import pytest

import tinymtl as tm
from tinymtl import activations, layers
from tinymtl.losses import masked_logistic_loss_and_grad
from tinymtl.network import MLP, flat_views
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


# --- one flat θ ------------------------------------------------------------------------------


def test_parameters_are_views_into_theta_in_lecture_order(backend):
    net = MLP([5, 4, 3], seed=0)
    theta = host(net.theta)
    assert theta.shape == (net.n_params,) == (4 * 5 + 4 + 3 * 4 + 3,)
    start = 0
    for name in ("W1", "b1", "W2", "b2"):  # W1, b1, W2, b2: one after the other, each in C order
        p = host(net.params[name])
        assert_same(theta[start : start + p.size].reshape(p.shape), p, f"θ's piece for {name}")
        start += p.size
    net.theta[...] = 0.5  # writing into θ writes into every parameter
    assert all((host(p) == 0.5).all() for p in net.params.values())
    net.params["b2"][...] = -1.0  # and writing into a parameter writes into θ
    assert (host(net.theta)[-3:] == -1.0).all()


def test_flat_views_lays_out_the_pieces_in_order():
    flat = np.arange(10.0)
    views = flat_views(flat, {"a": (2, 3), "b": (4, 1)})
    assert_same(views["a"], np.arange(6.0).reshape(2, 3), "a")
    assert_same(views["b"], np.arange(6.0, 10.0).reshape(4, 1), "b")
    views["b"][0, 0] = 100.0
    assert flat[6] == 100.0


def test_a_rebound_parameter_is_packed_back_into_theta(backend):
    net = MLP([3, 2], seed=0)
    params_dict = net.params
    new_W = np.full((2, 3), 7.0)
    net.params["W1"] = tm.to_device(new_W)  # rebinding (as loading does) breaks the link to θ
    theta = net.flat_parameters()  # ... which this repairs, keeping the values
    assert net.params is params_dict
    assert_same(net.params["W1"], new_W, "W1 after repacking")
    theta[0] = -3.0
    assert host(net.params["W1"])[0, 0] == -3.0, "W1 is a view into the new θ"


def test_fit_trains_a_rebound_parameter():
    X, Y = data()
    net = MLP([5, 4, 3], seed=0)
    net.params["W1"] = np.full((4, 5), 0.1)  # a new array, not a write into θ
    tm.fit(net, X, Y, optimizer=tm.GradientDescent(lr=0.5), epochs=1, batch_size=4, progress=False)
    assert not np.allclose(host(net.params["W1"]), 0.1), "the rebound W1 was not trained"
    assert_same(host(net.theta)[:20].reshape(4, 5), net.params["W1"], "θ holds the trained W1")


def test_moving_and_loading_keep_theta(backend, tmp_path):
    net = MLP([3, 4, 2], seed=0)
    net.save(tmp_path / "net.npz")
    loaded = MLP.load(tmp_path / "net.npz")
    for other in (loaded, MLP([3, 4, 2], seed=0).to(backend)):
        assert_same(other.theta, net.theta, "θ")
        other.theta[...] = 0.0
        assert all((host(p) == 0).all() for p in other.params.values()), "params are views of θ"


# --- gradients written into one flat dθ ----------------------------------------------------------


def test_new_gradients_are_zero_views_into_dtheta(backend):
    net = MLP([5, 4, 3], seed=0, dtype="float32")
    dtheta, grads = net.new_gradients()
    assert_same(dtheta, np.zeros(net.n_params, np.float32), "dθ")
    assert list(grads) == ["dW1", "db1", "dW2", "db2"]
    for name, p in net.params.items():
        assert grads["d" + name].shape == p.shape
    grads["db2"][...] = 1.0
    assert (host(dtheta)[-3:] == 1.0).all()


@pytest.mark.parametrize("l2", [0.0, 0.3])
def test_backward_into_dtheta_equals_a_fresh_backward(backend, l2):
    X, Y = data()
    net = MLP([5, 4, 4, 3], seed=0)
    X, Y, _ = net.check_data(X, Y)
    dtheta, grads = net.new_gradients()
    dtheta[...] = 123.0  # stale values must be overwritten, not added to
    _, written = net.data_cost_and_grads(X, Y, l2, grads=grads)
    _, fresh = net.data_cost_and_grads(X, Y, l2)
    assert written is grads
    for name in fresh:
        assert_same(written[name], fresh[name], name)


def test_linear_backward_writes_into_out_arrays():
    rng = np.random.default_rng(0)
    dZ, A_prev, W = rng.standard_normal((3, 5)), rng.standard_normal((4, 5)), rng.standard_normal((3, 4))
    dW, db = np.empty((3, 4)), np.empty((3, 1))
    dW_out, db_out, dA_prev = layers.linear_backward(dZ, A_prev, W, dW=dW, db=db)
    assert dW_out is dW and db_out is db
    np.testing.assert_allclose(dW, dZ @ A_prev.T, rtol=1e-14)
    np.testing.assert_allclose(db, dZ.sum(axis=1, keepdims=True), rtol=1e-14)
    np.testing.assert_allclose(dA_prev, W.T @ dZ, rtol=1e-14)


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


def test_one_flat_adam_step_equals_one_step_per_parameter():
    X, Y = data()
    net_flat, net_dict = MLP([5, 4, 3], seed=0), MLP([5, 4, 3], seed=0)
    opt_flat, opt_dict = tm.Adam(lr=0.01), tm.Adam(lr=0.01)
    for _ in range(3):
        X_d, Y_d, _ = net_flat.check_data(X, Y)
        dtheta, grads = net_flat.new_gradients()
        net_flat.data_cost_and_grads(X_d, Y_d, grads=grads)
        opt_flat.step({"theta": net_flat.theta}, {"dtheta": dtheta})
        _, grads_dict = net_dict.loss_and_grads(X, Y)
        opt_dict.step(net_dict.params, grads_dict)
    for name in net_flat.params:
        np.testing.assert_allclose(net_flat.params[name], net_dict.params[name], rtol=1e-14, atol=1e-16)
