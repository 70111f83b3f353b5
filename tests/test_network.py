"""The network: a hand-worked example, shapes, seeds, dtypes and predictions."""

import math

import numpy as np
import pytest

import tinymtl as tm
from tinymtl.network import MLP


def sigma(z):
    return 1 / (1 + math.exp(-z))


def hand_worked_net():
    """n_x = 2, one ReLU layer of 2 units, n_y = 4 tasks; weights chosen to be computed by hand."""
    net = MLP([2, 2, 4], hidden="relu", seed=0)
    net.params["W1"][:] = np.array([[1.0, -1.0], [0.5, 0.5]])
    net.params["b1"][:] = np.array([[0.0], [-1.0]])
    net.params["W2"][:] = np.array([[1.0, 0.0], [0.0, 1.0], [-1.0, 0.0], [2.0, 1.0]])
    net.params["b2"][:] = 0.0
    return net


def test_hand_worked_forward_and_backward():
    """Two examples, four tasks, one "?".

    X = [[1, 0], [0, 2]]
    Z[1] = W[1] X + b[1] = [[1, -2], [0.5, 1]] + [[0], [-1]] = [[1, -2], [-0.5, 0]]
    A[1] = relu(Z[1])    = [[1, 0], [0, 0]]
    Z[2] = W[2] A[1]     = [[1, 0], [0, 0], [-1, 0], [2, 0]]
    Y = [[1, 0], [0, ?], [0, 0], [1, 1]]
    dZ[2] = (σ(Z[2]) − Y) / m, 0 under "?"   (m = 2)
    dW[2] = dZ[2] A[1]ᵀ: only A[1][0, 0] = 1 is non-zero, so dW[2][:, 0] = dZ[2][:, 0], dW[2][:, 1] = 0
    dZ[1] = (W[2]ᵀ dZ[2]) ⊙ 1[A[1] > 0]: only entry (0, 0) survives:
            dZ[1][0, 0] = 1·dZ[2][0,0] + 0 − 1·dZ[2][2,0] + 2·dZ[2][3,0]
    dW[1] = dZ[1] Xᵀ = [[dZ[1][0,0], 0], [0, 0]]
    """
    net = hand_worked_net()
    X = np.array([[1.0, 0.0], [0.0, 2.0]])
    Y = np.array([[1, 0], [0, np.nan], [0, 0], [1, 1]])
    ZL, caches = net.forward(X)
    np.testing.assert_array_equal(caches[1], [[1, 0], [0, 0]])
    np.testing.assert_array_equal(ZL, [[1, 0], [0, 0], [-1, 0], [2, 0]])

    J, grads = net.loss_and_grads(X, Y)
    dZ2 = np.array(
        [
            [(sigma(1) - 1) / 2, sigma(0) / 2],
            [sigma(0) / 2, 0.0],
            [sigma(-1) / 2, sigma(0) / 2],
            [(sigma(2) - 1) / 2, (sigma(0) - 1) / 2],
        ]
    )
    losses = [
        -math.log(sigma(1)),
        -math.log(1 - sigma(0)),
        -math.log(1 - sigma(0)),
        -math.log(1 - sigma(-1)),
        -math.log(1 - sigma(0)),
        -math.log(sigma(2)),
        -math.log(sigma(0)),
    ]
    assert J == pytest.approx(sum(losses) / 2, rel=1e-14)
    np.testing.assert_allclose(grads["dW2"], np.stack([dZ2[:, 0], np.zeros(4)], axis=1), rtol=1e-14)
    np.testing.assert_allclose(grads["db2"], dZ2.sum(axis=1, keepdims=True), rtol=1e-14)
    dZ1 = dZ2[0, 0] - dZ2[2, 0] + 2 * dZ2[3, 0]
    np.testing.assert_allclose(grads["dW1"], [[dZ1, 0], [0, 0]], rtol=1e-14)
    np.testing.assert_allclose(grads["db1"], [[dZ1], [0]], rtol=1e-14)


def test_one_gradient_descent_step_lowers_the_cost():
    net = hand_worked_net()
    X = np.array([[1.0, 0.0], [0.0, 2.0]])
    Y = np.array([[1, 0], [0, np.nan], [0, 0], [1, 1]])
    J_before, grads = net.loss_and_grads(X, Y)
    tm.GradientDescent(lr=0.1).step(net.params, grads)
    J_after, _ = net.loss_and_grads(X, Y)
    assert J_after < J_before


@pytest.mark.parametrize("dims", [[3, 1], [3, 5, 2], [7, 6, 5, 4, 3]])
def test_parameter_and_cache_shapes_follow_the_lecture(dims):
    net = MLP(dims, seed=0)
    L = len(dims) - 1
    assert net.n_layers == L
    for l in range(1, L + 1):
        assert net.params[f"W{l}"].shape == (dims[l], dims[l - 1])
        assert net.params[f"b{l}"].shape == (dims[l], 1)
    assert net.n_params == sum(dims[l] * (dims[l - 1] + 1) for l in range(1, L + 1))
    X = np.ones((dims[0], 6))
    ZL, caches = net.forward(tm.to_device(X))
    assert ZL.shape == (dims[-1], 6)
    assert [A.shape for A in caches] == [(n, 6) for n in dims[:-1]]
    _, grads = net.loss_and_grads(X, np.ones((dims[-1], 6)))
    assert list(grads) == ["d" + name for name in net.params]
    assert all(grads["d" + k].shape == v.shape for k, v in net.params.items())


@pytest.mark.parametrize("init", ["he", "xavier"])
def test_initialisation_scale_and_seed(init):
    net = MLP([400, 300, 4], init=init, seed=5)
    std = net.params["W1"].std()
    expected = math.sqrt(2 / 400) if init == "he" else math.sqrt(2 / 700)
    assert std == pytest.approx(expected, rel=0.02)
    assert np.all(net.params["b1"] == 0)
    again, other = MLP([400, 300, 4], init=init, seed=5), MLP([400, 300, 4], init=init, seed=6)
    np.testing.assert_array_equal(again.params["W1"], net.params["W1"])
    assert not np.array_equal(other.params["W1"], net.params["W1"])


def test_float32_weights_are_the_float64_weights_rounded():
    w64 = MLP([5, 4, 3], seed=2).params["W1"]
    w32 = MLP([5, 4, 3], seed=2, dtype="float32").params["W1"]
    assert w32.dtype == np.float32
    np.testing.assert_array_equal(w32, w64.astype(np.float32))


def test_float32_stays_float32_end_to_end(backend):
    net = MLP([4, 5, 3], seed=0, dtype=np.float32)
    X = np.random.default_rng(0).standard_normal((4, 7))  # float64 input is converted once
    Y = np.ones((3, 7))
    J, grads = net.loss_and_grads(X, Y)
    assert isinstance(J, float)
    assert {g.dtype for g in grads.values()} == {np.dtype(np.float32)}
    assert net.predict_proba(X).dtype == np.float32


def test_predictions():
    rng = np.random.default_rng(1)
    X = rng.standard_normal((4, 9))
    net = MLP([4, 5, 3], seed=0)
    P = net.predict_proba(X)
    assert P.shape == (3, 9) and np.all((P > 0) & (P < 1))
    yhat = net.predict(X)
    np.testing.assert_array_equal(yhat, (P >= 0.5).astype(np.int8))
    np.testing.assert_array_equal(net.predict(X, threshold=0.9), (P >= 0.9).astype(np.int8))
    softmax_net = MLP([4, 5, 3], output="softmax", seed=0)
    P = softmax_net.predict_proba(X)
    np.testing.assert_allclose(P.sum(axis=0), 1, rtol=1e-15)
    np.testing.assert_array_equal(softmax_net.predict(X), P.argmax(axis=0))


def test_predict_proba_of_sigmoid_is_the_sigmoid_of_the_logits():
    X = np.random.default_rng(2).standard_normal((3, 5))
    net = MLP([3, 4, 2], hidden="tanh", seed=0)
    ZL, _ = net.forward(X)
    np.testing.assert_allclose(net.predict_proba(X), 1 / (1 + np.exp(-ZL)), rtol=1e-15)


def test_l2_adds_its_cost_and_gradient():
    X = np.random.default_rng(3).standard_normal((3, 5))
    Y = np.ones((2, 5))
    net = MLP([3, 4, 2], seed=0)
    J0, g0 = net.loss_and_grads(X, Y)
    J1, g1 = net.loss_and_grads(X, Y, l2=0.5)
    W_squares = sum(float((W * W).sum()) for k, W in net.params.items() if k[0] == "W")
    assert J1 == pytest.approx(J0 + 0.5 / (2 * 5) * W_squares, rel=1e-14)
    np.testing.assert_allclose(g1["dW1"], g0["dW1"] + 0.5 / 5 * net.params["W1"], rtol=1e-14)
    np.testing.assert_array_equal(g1["db1"], g0["db1"])  # biases are not regularised


def test_repr_names_the_architecture():
    text = repr(MLP([3, 4, 2], hidden="tanh", dtype="float32"))
    assert "[3, 4, 2]" in text and "'tanh'" in text and "float32" in text and "params=26" in text
