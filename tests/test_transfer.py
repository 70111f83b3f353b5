"""Transfer learning A → B: a new output layer on copied hidden layers; frozen or fine-tuned training."""

import numpy as np
import pytest

import tinymtl as tm
from tinymtl.transfer import fit_output_layer, hidden_features, new_output_layer

from .conftest import TOLERANCE


def toy(m=300, n_y=2, seed=0):
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((5, m))  # (n_x, m)
    Y = (rng.standard_normal((n_y, 5)) @ X > 0).astype(float)  # (n_y, m)
    return X, Y


def host(net):
    """Every parameter of ``net`` as a host array, by name."""
    return {name: tm.to_numpy(p).copy() for name, p in net.params.items()}


def trained_a(dtype="float64"):
    X, Y = toy(n_y=4, seed=1)
    net = tm.MLP([5, 8, 6, 4], seed=0, dtype=dtype)
    tm.fit(net, X, Y, optimizer=tm.Adam(lr=0.01), epochs=3, batch_size=32, progress=False)
    return net


def test_new_output_layer_copies_the_hidden_layers_and_draws_a_fresh_output_layer(backend, dtype):
    net_a = trained_a(dtype.name)
    net_b = new_output_layer(net_a, 3, output="softmax", seed=2)
    assert net_b.layer_dims == (5, 8, 6, 3)
    assert (net_b.output, net_b.hidden, net_b.dtype, net_b.backend) == ("softmax", "relu", dtype, backend)
    a, b = host(net_a), host(net_b)
    for name in ("W1", "b1", "W2", "b2"):
        assert b[name].dtype == dtype
        np.testing.assert_array_equal(b[name], a[name])
    assert b["W3"].shape == (3, 6) and b["b3"].shape == (3, 1)
    fresh = tm.MLP([5, 8, 6, 3], seed=2, dtype=dtype.name)  # W[L] drawn like any new network's, from seed
    np.testing.assert_array_equal(b["W3"], tm.to_numpy(fresh.params["W3"]))
    np.testing.assert_array_equal(b["b3"], np.zeros((3, 1)))


def test_training_b_does_not_change_a(backend):
    net_a = trained_a()
    before = host(net_a)
    net_b = new_output_layer(net_a, 2)
    X, Y = toy()
    tm.fit(net_b, X, Y, optimizer=tm.Adam(lr=0.01), epochs=2, progress=False)  # fine-tunes every layer of B
    for name, value in host(net_a).items():
        np.testing.assert_array_equal(value, before[name])
    assert not np.array_equal(host(net_b)["W1"], before["W1"])  # fine-tuning changed B's hidden layers


def test_hidden_features_are_the_last_hidden_activations(backend):
    net = trained_a()
    X, _ = toy(m=7)
    A2 = tm.to_numpy(hidden_features(net, X))  # A[2]: (n_2, m)
    p = host(net)
    A1 = np.maximum(p["W1"] @ X + p["b1"], 0)  # A[1]: (8, m)
    np.testing.assert_allclose(A2, np.maximum(p["W2"] @ A1 + p["b2"], 0), **TOLERANCE[np.dtype("float64")])
    assert A2.shape == (6, 7)


def test_frozen_training_keeps_the_hidden_layers_and_equals_logistic_regression_on_the_features(backend):
    X, Y = toy()
    net = new_output_layer(trained_a(), 2, seed=3)
    before = host(net)
    history = fit_output_layer(net, X, Y, optimizer=tm.Adam(lr=0.02), epochs=4, batch_size=32, seed=5,
                               progress=False)  # fmt: skip
    after = host(net)
    for name in ("W1", "b1", "W2", "b2"):
        np.testing.assert_array_equal(after[name], before[name])
    assert not np.array_equal(after["W3"], before["W3"])
    # the same training by hand: logistic regression MLP([n_2, 2]) on A[2], from the same W[3], b[3]
    logistic = tm.MLP([6, 2], dtype="float64")
    logistic.params["W1"][...] = tm.to_device(before["W3"])
    logistic.params["b1"][...] = tm.to_device(before["b3"])
    expected = tm.fit(logistic, hidden_features(net, X), Y, optimizer=tm.Adam(lr=0.02), epochs=4, batch_size=32,
                      seed=5, progress=False)  # fmt: skip
    np.testing.assert_array_equal(after["W3"], tm.to_numpy(logistic.params["W1"]))
    np.testing.assert_array_equal(after["b3"], tm.to_numpy(logistic.params["b1"]))
    assert history.loss == expected.loss and history.loss[-1] < history.loss[0]


def test_the_output_layer_gradient_is_the_big_networks_gradient():
    """Training the one-layer head is gradient descent on W[L], b[L] of the whole network."""
    X, Y = toy()
    Y[0, ::3] = np.nan  # with "?" labels
    net = new_output_layer(trained_a(), 2, seed=4)
    logistic = tm.MLP([6, 2])
    logistic.params["W1"][...] = net.params["W3"]
    logistic.params["b1"][...] = net.params["b3"]
    J_net, grads_net = net.loss_and_grads(X, Y)
    J_head, grads_head = logistic.loss_and_grads(hidden_features(net, X), Y)
    assert J_net == pytest.approx(J_head, rel=1e-12)
    np.testing.assert_allclose(grads_head["dW1"], grads_net["dW3"], rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(grads_head["db1"], grads_net["db3"], rtol=1e-10, atol=1e-12)


def test_frozen_training_with_validation_scores_on_the_features():
    X, Y = toy()
    net = new_output_layer(trained_a(), 2)
    history = fit_output_layer(net, X[:, :200], Y[:, :200], validation=(X[:, 200:], Y[:, 200:]), epochs=2,
                               progress=False)  # fmt: skip
    assert len(history.val_loss) == 2 and history.val_accuracy[-1].shape == (2,)


def test_softmax_head_trains_frozen():
    X, Y = toy(n_y=1)
    T = np.vstack([Y, 1 - Y])  # one-hot (2, m)
    net = new_output_layer(trained_a(), 2, output="softmax")
    history = fit_output_layer(net, X, T, optimizer=tm.Adam(lr=0.05), epochs=5, progress=False)
    assert history.loss[-1] < history.loss[0]
    assert tm.to_numpy(net.predict(X)).shape == (300,)


@pytest.mark.parametrize(
    "call, message",
    [
        (lambda net: new_output_layer("net", 2), "net: got str, expected a tinymtl MLP"),
        (lambda net: new_output_layer(tm.MLP([5, 2]), 2), "no hidden layer"),
        (lambda net: new_output_layer(net, 0), "n_out: got 0, expected a positive integer"),
        (lambda net: new_output_layer(net, 2.5), "n_out: got 2.5"),
        (lambda net: new_output_layer(net, 2, output="tanh"), "output"),
        (lambda net: hidden_features(net, np.ones((4, 5))), "X: got shape (4, 5), expected (5, m)"),
        (lambda net: hidden_features(tm.MLP([5, 1]), np.ones((5, 2))), "no hidden layer"),
        (
            lambda net: fit_output_layer(net, np.ones((5, 3)), np.ones((2, 3)), validation=np.ones(3)),
            "validation: got ndarray, expected a pair",
        ),
        (lambda net: fit_output_layer(net, np.ones((5, 3)), np.ones((3, 3))), "Y: got shape (3, 3)"),
    ],
)
def test_bad_input_names_the_argument(call, message):
    net = tm.MLP([5, 4, 2])
    with pytest.raises((ValueError, TypeError)) as err:
        call(net)
    assert message in str(err.value)


def test_a_network_on_another_backend_is_refused():
    net = tm.MLP([5, 4, 2])
    with tm.use_backend("strict"), pytest.raises(RuntimeError, match="net.to"):
        new_output_layer(net, 2)
