"""The gradient cosine between tasks (tinymtl.diagnostics), against a brute-force reference.

The reference computes each task's gradient the slow, obvious way: the full
masked cost with every other task's row of Y set to "?" (NaN). With the
normaliser "m" that cost is exactly J_j = (1/m) Σ_{i labelled for j} L(ŷ_j, y_j),
so its gradient is g_j.
"""

import numpy as np
import pytest

import tinymtl as tm
from tests.conftest import TOLERANCE
from tinymtl.diagnostics import gradient_cosines, record_gradient_cosines, task_gradient_cosines, task_gradients


def problem(n_y=4, m=30, seed=0, missing=0.3):
    """X (6, m) and Y (n_y, m) of 0/1 with some "?", and a net [6, 8, 5, n_y]."""
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((6, m))
    Y = (rng.standard_normal((n_y, 6)) @ X > 0).astype(float)
    Y[rng.random(Y.shape) < missing] = np.nan
    return X, Y


def reference_gradients(net, X, Y, layers):
    """g_j for each task from net.loss_and_grads with the other rows of Y made "?": (n_y, P) on the host."""
    rows = []
    for j in range(Y.shape[0]):
        Yj = np.full_like(Y, np.nan)
        Yj[j] = Y[j]  # only task j is labelled: the cost is J_j
        _, grads = net.loss_and_grads(X, Yj)
        rows.append(np.concatenate([tm.to_numpy(grads[f"{d}{l}"]).ravel() for l in layers for d in ("dW", "db")]))
    return np.stack(rows)


def reference_cosines(G):
    norms = np.linalg.norm(G, axis=1)
    return (G @ G.T) / np.outer(norms, norms)


def test_gradients_match_the_brute_force_reference(backend, dtype):
    X, Y = problem()
    net = tm.MLP([6, 8, 5, 4], seed=1, dtype=dtype.name)
    G = task_gradients(net, X, Y)
    assert tm.backend.backend_of(G) == backend
    G = tm.to_numpy(G)
    expected = reference_gradients(net, X.astype(dtype), Y.astype(dtype), layers=(1, 2))
    assert G.shape == expected.shape == (4, 8 * 6 + 8 + 5 * 8 + 5)
    assert G.dtype == dtype
    np.testing.assert_allclose(G, expected, **TOLERANCE[dtype])


def test_cosines_match_the_reference_and_are_symmetric_with_unit_diagonal(backend):
    X, Y = problem()
    net = tm.MLP([6, 8, 5, 4], seed=2)
    C = task_gradient_cosines(net, X, Y)
    assert isinstance(C, np.ndarray) and C.shape == (4, 4)
    np.testing.assert_allclose(C, reference_cosines(reference_gradients(net, X, Y, layers=(1, 2))), rtol=1e-10)
    np.testing.assert_allclose(C, C.T, rtol=0, atol=1e-15)
    np.testing.assert_allclose(np.diag(C), 1.0, rtol=0, atol=1e-12)
    assert np.all(np.abs(C) <= 1 + 1e-12)


def test_the_sum_of_the_task_gradients_is_the_full_gradient():
    X, Y = problem()
    net = tm.MLP([6, 8, 5, 4], seed=3)
    _, grads = net.loss_and_grads(X, Y)  # J = Σ_j J_j, so dθ = Σ_j g_j
    full = np.concatenate([grads[name].ravel() for name in ("dW1", "db1", "dW2", "db2")])
    np.testing.assert_allclose(task_gradients(net, X, Y).sum(axis=0), full, rtol=1e-10, atol=1e-14)


def test_the_same_task_through_the_same_output_row_has_cosine_one(backend):
    X, Y = problem(n_y=1, missing=0.0)
    net = tm.MLP([6, 8, 2], seed=0)
    W, b = net.params["W2"], net.params["b2"]
    W[1], b[1] = W[0], b[0]  # task 1: same output unit
    C = task_gradient_cosines(net, X, np.concatenate([Y, Y]))
    np.testing.assert_allclose(C, np.ones((2, 2)), rtol=1e-12)


def test_a_negated_task_through_a_negated_output_row_is_the_same_task():
    X, Y = problem(n_y=1, missing=0.0)
    net = tm.MLP([6, 8, 2], seed=0)
    W, b = net.params["W2"], net.params["b2"]
    W[1], b[1] = -W[0], -b[0]  # z_1 = −z_0, so dZ_1 = −dZ_0 and W_1ᵀ dZ_1 = W_0ᵀ dZ_0
    np.testing.assert_allclose(task_gradient_cosines(net, X, np.concatenate([Y, 1 - Y]))[0, 1], 1.0, rtol=1e-12)


def test_a_negated_task_through_the_same_output_row_points_the_other_way_at_the_start():
    X, Y = problem(n_y=1, missing=0.0)
    net = tm.MLP([6, 8, 2], seed=0)
    W = net.params["W2"]
    W[0] *= 1e-6  # outputs ≈ 0.5: dZ_1 = σ − (1 − y) ≈ −(σ − y) = −dZ_0
    W[1] = W[0]
    assert task_gradient_cosines(net, X, np.concatenate([Y, 1 - Y]))[0, 1] < -0.999


def test_a_task_with_no_label_has_nan_cosines_and_leaves_the_others_unchanged(backend):
    X, Y = problem()
    Y[2] = np.nan  # task 2: every label "?"
    net = tm.MLP([6, 8, 5, 4], seed=4)
    C = task_gradient_cosines(net, X, Y)
    assert np.isnan(C[2]).all() and np.isnan(C[:, 2]).all()
    others = [0, 1, 3]
    assert not np.isnan(C[np.ix_(others, others)]).any()
    without = reference_cosines(reference_gradients(net, X, Y, layers=(1, 2))[others])
    np.testing.assert_allclose(C[np.ix_(others, others)], without, rtol=1e-10)


def test_gradient_cosines_of_rows():
    C = gradient_cosines(np.array([[3.0, 0.0], [0.0, 2.0], [-1.0, 0.0], [0.0, 0.0]]))
    expected = np.array([[1, 0, -1, np.nan], [0, 1, 0, np.nan], [-1, 0, 1, np.nan], [np.nan] * 4])
    np.testing.assert_allclose(C, expected, rtol=0, atol=1e-15)


def test_output_layer_rows_are_disjoint_so_their_cosines_are_zero():
    X, Y = problem(missing=0.0)
    net = tm.MLP([6, 8, 5, 4], seed=5)
    C = task_gradient_cosines(net, X, Y, layers=[3])  # W[3], b[3]: row j serves task j only
    np.testing.assert_allclose(C, np.eye(4), rtol=0, atol=1e-15)


def test_chosen_layers_in_the_order_given():
    X, Y = problem()
    net = tm.MLP([6, 8, 5, 4], seed=6)
    G = tm.to_numpy(task_gradients(net, X, Y, layers=(2, 1)))
    np.testing.assert_allclose(G, reference_gradients(net, X, Y, layers=(2, 1)), rtol=1e-10, atol=1e-14)
    np.testing.assert_allclose(task_gradient_cosines(net, X, Y, layers=range(1, 3)), task_gradient_cosines(net, X, Y))


def test_a_network_without_hidden_layer_may_compare_its_output_rows():
    X, Y = problem(missing=0.0)
    net = tm.MLP([6, 4], seed=0)
    with pytest.raises(ValueError, match="no hidden layer"):
        task_gradient_cosines(net, X, Y)
    np.testing.assert_allclose(task_gradient_cosines(net, X, Y, layers=[1]), np.eye(4), atol=1e-15)


@pytest.mark.parametrize("layers", [[0], [4], [1, 1], [], 2, "1", [True], [1.0]])
def test_bad_layers(layers):
    X, Y = problem()
    with pytest.raises(ValueError, match="layers: got"):
        task_gradient_cosines(tm.MLP([6, 8, 5, 4], seed=0), X, Y, layers=layers)


def test_bad_network_and_data():
    X, Y = problem()
    with pytest.raises(TypeError, match="net: got dict"):
        task_gradient_cosines({"W1": None}, X, Y)
    softmax = tm.MLP([6, 8, 4], output="softmax", seed=0)
    with pytest.raises(ValueError, match="output='sigmoid'"):
        task_gradient_cosines(softmax, X, Y)
    net = tm.MLP([6, 8, 4], seed=0)
    with pytest.raises(ValueError, match="transposed"):
        task_gradient_cosines(net, X.T, Y)
    with pytest.raises(ValueError, match="Y: labels must be 0, 1 or NaN"):
        task_gradient_cosines(net, X, Y * 0.5)


def test_record_is_fit_one_epoch_at_a_time_with_cosines_after_each():
    X, Y = problem(m=64)
    probe = (X[:, :20], Y[:, :20])
    net = tm.MLP([6, 8, 5, 4], seed=0)
    start = task_gradient_cosines(net, *probe)
    cosines, history = record_gradient_cosines(net, X, Y, probe, epochs=3, optimizer=tm.Adam(lr=0.01), seed=7,
                                               batch_size=16, validation=(X, Y), progress=False)  # fmt: skip
    assert cosines.shape == (4, 4, 4)
    np.testing.assert_array_equal(cosines[0], start)
    np.testing.assert_array_equal(cosines[-1], task_gradient_cosines(net, *probe))
    assert len(history.loss) == len(history.val_loss) == len(history.seconds) == 3
    same = tm.MLP([6, 8, 5, 4], seed=0)  # the same training by hand
    adam = tm.Adam(lr=0.01)
    for epoch in range(1, 4):
        tm.fit(same, X, Y, optimizer=adam, epochs=1, seed=7 + epoch, batch_size=16, progress=False)
    for name, p in net.params.items():
        np.testing.assert_array_equal(tm.to_numpy(same.params[name]), tm.to_numpy(p))


def test_record_with_fresh_randomness_and_the_default_optimizer():
    X, Y = problem(m=32)
    cosines, history = record_gradient_cosines(tm.MLP([6, 8, 4], seed=0), X, Y, (X, Y), epochs=2, seed=None,
                                               progress=False)  # fmt: skip
    assert cosines.shape == (3, 4, 4) and len(history.loss) == 2


def test_record_bad_arguments():
    X, Y = problem()
    net = tm.MLP([6, 8, 4], seed=0)
    with pytest.raises(TypeError, match="probe: got ndarray"):
        record_gradient_cosines(net, X, Y, X, epochs=1)
    with pytest.raises(ValueError, match="epochs: got 0"):
        record_gradient_cosines(net, X, Y, (X, Y), epochs=0)
    with pytest.raises(ValueError, match="seed: got -1"):
        record_gradient_cosines(net, X, Y, (X, Y), epochs=1, seed=-1)
