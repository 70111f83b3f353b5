"""Learned task weights and PCGrad (tinymtl.weighting), against finite differences and slow references.

Uncertainty weighting: the gradient in s against a central difference of
J(s) = Σ_j e^{−s_j} J_j + s_j / 2, the network's gradient against
gradient_check with task weights w = e^{−s}, and s against its minimiser
log(2 J_j). PCGrad: the case worked by hand in the module docstring, a plain
reference with an ``if`` for each conflict, and on a network the plain
backward pass wherever nothing conflicts. Then fit with each method.
"""

import numpy as np
import pytest

import tinymtl as tm
from tests.conftest import TOLERANCE
from tinymtl.diagnostics import task_gradients
from tinymtl.losses import masked_task_losses
from tinymtl.weighting import PCGrad, UncertaintyWeighting, project_conflicting, uncertainty_cost

NAN = float("nan")


def problem(n_y=3, m=30, seed=0, missing=0.3):
    """X (5, m) and Y (n_y, m) of 0/1, each task a random linear rule, with ``missing`` of the labels "?"."""
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((5, m))  # (n_x, m)
    Y = (rng.standard_normal((n_y, 5)) @ X > 0).astype(float)  # (n_y, m)
    Y[rng.random(Y.shape) < missing] = NAN
    return X, Y


def flat(grads, names):
    """The gradients ``names`` (e.g. dW1, db1) on the host, flattened and concatenated: (P,)."""
    return np.concatenate([tm.to_numpy(grads[name]).ravel() for name in names])


def all_names(net):
    return [f"d{name}" for name in net.params]


def copies(net):
    return {name: tm.to_numpy(p).copy() for name, p in net.params.items()}


# --- uncertainty weighting: the cost in s ---------------------------------------------------------------------


def test_the_gradient_in_s_matches_central_differences():
    rng = np.random.default_rng(0)
    J_tasks, s = rng.uniform(0.05, 2.0, size=4), rng.normal(size=4)  # float64
    J, ds = uncertainty_cost(J_tasks, s)
    assert J.shape == () and ds.shape == (4,)
    np.testing.assert_allclose(float(J), np.sum(np.exp(-s) * J_tasks + s / 2), rtol=1e-14)
    epsilon = 1e-6
    for j in range(4):
        step = np.zeros(4)
        step[j] = epsilon
        numeric = (float(uncertainty_cost(J_tasks, s + step)[0]) - float(uncertainty_cost(J_tasks, s - step)[0])) / (
            2 * epsilon
        )
        np.testing.assert_allclose(ds[j], numeric, rtol=1e-8, err_msg=f"∂J/∂s_{j}")


def test_the_minimiser_is_log_two_J_and_there_the_weights_are_one_over_two_J():
    J_tasks = np.array([0.5, 0.1, 2.0])
    s_star = np.log(2 * J_tasks)
    np.testing.assert_allclose(uncertainty_cost(J_tasks, s_star)[1], 0.0, atol=1e-15)
    J_star = float(uncertainty_cost(J_tasks, s_star)[0])
    for shift in (-0.1, 0.1):  # J is larger on either side: a minimum
        assert float(uncertainty_cost(J_tasks, s_star + shift)[0]) > J_star


def test_s_converges_to_log_two_J_on_fixed_losses():
    J_tasks = np.array([0.6, 0.05, 1.5, 0.3])
    method = UncertaintyWeighting(n_y=4, lr=0.05)
    np.testing.assert_array_equal(method.task_weights(), np.ones(4))  # s starts at 0: equal weights
    for _ in range(2000):
        method.step(J_tasks)
    np.testing.assert_allclose(tm.to_numpy(method.s), np.log(2 * J_tasks), atol=1e-3)
    np.testing.assert_allclose(method.task_weights(), 1 / (2 * J_tasks), rtol=2e-3)


# --- uncertainty weighting: the network's gradient ---------------------------------------------------------------


def test_the_network_gradient_is_the_masked_cost_with_weights_e_to_the_minus_s():
    X, Y = problem()
    net = tm.MLP([5, 6, 4, 3], hidden="tanh", seed=0)  # tanh: no kink for the finite differences
    method = UncertaintyWeighting(n_y=3, lr=0.1)
    method.s[...] = [0.7, -0.4, 1.2]  # not at 0, so the weights differ
    method.start(net)
    w = method.task_weights()  # e^{−s}: (3,)
    np.testing.assert_allclose(w, np.exp(-np.array([0.7, -0.4, 1.2])), rtol=1e-15)
    Xd, Yd, _ = net.check_data(X, Y)
    J_data, grads = method.loss_and_grads(net, Xd, Yd, l2=0.1)
    assert tm.gradient_check(net, X, Y, l2=0.1, task_weights=w, epsilon=1e-6) < 1e-7  # that cost's gradient
    _, expected = net.loss_and_grads(X, Y, l2=0.1, task_weights=w)
    np.testing.assert_allclose(flat(grads, all_names(net)), flat(expected, all_names(net)), rtol=1e-12, atol=1e-15)
    ZL, _ = net.forward(Xd)
    J_tasks = masked_task_losses(ZL, Yd)  # (3,)
    np.testing.assert_allclose(float(J_data), float(J_tasks.sum()), rtol=1e-15)  # the unweighted cost Σ_j J_j
    np.testing.assert_allclose(float(J_data), net.loss_and_grads(X, Y)[0], rtol=1e-12)


def test_one_call_takes_one_adam_step_on_s_from_the_same_losses():
    X, Y = problem()
    net = tm.MLP([5, 6, 3], seed=1)
    method = UncertaintyWeighting(n_y=3, lr=0.1)
    method.start(net)
    Xd, Yd, _ = net.check_data(X, Y)
    J_tasks = tm.to_numpy(masked_task_losses(net.forward(Xd)[0], Yd))
    method.loss_and_grads(net, Xd, Yd)
    ds = 0.5 - J_tasks  # at s = 0
    # Adam's first step is lr · ds / (|ds| + ε): the sign of the gradient, times lr
    np.testing.assert_allclose(tm.to_numpy(method.s), -0.1 * np.sign(ds), rtol=1e-6)
    assert method.optimizer.t == 1


def test_uncertainty_weighting_with_each_normalizer_uses_that_normalizers_task_losses():
    X, Y = problem(missing=0.5)
    for normalizer in ("m", "labelled", "per_task"):
        net = tm.MLP([5, 6, 3], seed=2)
        method = UncertaintyWeighting(n_y=3)
        method.start(net)
        Xd, Yd, _ = net.check_data(X, Y)
        J_data, grads = method.loss_and_grads(net, Xd, Yd, normalizer=normalizer)
        J_expected, expected = net.loss_and_grads(X, Y, normalizer=normalizer)  # s = 0 at the start: w = 1
        np.testing.assert_allclose(float(J_data), J_expected, rtol=1e-12)
        np.testing.assert_allclose(flat(grads, all_names(net)), flat(expected, all_names(net)), rtol=1e-12)


def test_uncertainty_weighting_on_each_backend_and_dtype(backend, dtype):
    X, Y = problem()
    net = tm.MLP([5, 6, 3], seed=0, dtype=dtype.name)
    method = UncertaintyWeighting(n_y=3)
    with tm.use_backend("numpy"):  # made on another backend: start moves s to the network's
        method = UncertaintyWeighting(n_y=3)
    method.start(net)
    assert tm.backend.backend_of(method.s) == backend and method.s.dtype == dtype
    Xd, Yd, _ = net.check_data(X, Y)
    J_data, grads = method.loss_and_grads(net, Xd, Yd, l2=0.01)
    assert J_data.dtype == dtype and all(g.dtype == dtype for g in grads.values())
    assert method.s.dtype == dtype and tm.backend.backend_of(method.s) == backend
    _, expected = net.loss_and_grads(X, Y, l2=0.01)  # the first call is at s = 0
    np.testing.assert_allclose(flat(grads, all_names(net)), flat(expected, all_names(net)), **TOLERANCE[dtype])
    weights = method.task_weights()
    assert type(weights) is np.ndarray and weights.dtype == np.float64 and weights.shape == (3,)


# --- PCGrad: the projection ---------------------------------------------------------------------------------------


def reference_projection(G, orders):
    """Yu et al.'s Algorithm 1 with an ``if``, in Python floats on the host: (n, P)."""
    G = np.asarray(G, dtype=float)
    result = G.copy()
    for i in range(G.shape[0]):
        g = G[i].copy()
        for j in orders[i]:
            dot = float(g @ G[j])
            if dot < 0:
                g = g - dot / float(G[j] @ G[j]) * G[j]
        result[i] = g
    return result


def test_the_case_worked_by_hand():
    G = np.array([[1.0, 0.0], [-1.0, 1.0]])  # g_1 · g_2 = −1 < 0
    projected = project_conflicting(G)
    np.testing.assert_allclose(projected, [[0.5, 0.5], [0.0, 1.0]], rtol=0, atol=1e-15)
    np.testing.assert_allclose(projected.sum(axis=0), [0.5, 1.5], rtol=0, atol=1e-15)  # equal weights: (0, 1)
    np.testing.assert_allclose(projected @ G.T, [[0.5, 0.0], [0.0, 1.0]], atol=1e-15)  # g_i^PC · g_j = 0: no conflict


def test_without_conflict_nothing_changes():
    G = np.array([[1.0, 0.0, 2.0], [1.0, 1.0, 0.0], [0.0, 3.0, 1.0]])  # every g_i · g_j >= 0
    np.testing.assert_array_equal(project_conflicting(G), G)


def test_a_zero_gradient_projects_nothing_and_gets_nothing():
    G = np.array([[1.0, 2.0], [0.0, 0.0], [-1.0, 0.5]])  # task 1: no label in the batch
    projected = project_conflicting(G)
    np.testing.assert_array_equal(projected[1], [0.0, 0.0])
    np.testing.assert_allclose(projected, reference_projection(G, [[1, 2], [0, 2], [0, 1]]), rtol=1e-14)


@pytest.mark.parametrize("seed", range(5))
def test_projection_matches_the_reference_in_any_order(seed):
    rng = np.random.default_rng(seed)
    G = rng.standard_normal((4, 7))  # 4 tasks: some pairs conflict
    orders = [rng.permutation([j for j in range(4) if j != i]) for i in range(4)]
    np.testing.assert_allclose(project_conflicting(G, orders), reference_projection(G, orders), rtol=1e-12)


def test_with_three_tasks_the_order_matters():
    G = np.array([[1.0, 0.0], [-1.0, 1.0], [-1.0, -2.0]])  # g_0 conflicts with g_1 and with g_2
    # g_1 first: (1, 0) + (1/2)(−1, 1) = (1/2, 1/2); then · g_2 = −3/2: + (3/10)(−1, −2) = (1/5, −1/10)
    # g_2 first: (1, 0) + (1/5)(−1, −2) = (4/5, −2/5); then · g_1 = −6/5: + (3/5)(−1, 1) = (1/5, 1/5)
    first, second = project_conflicting(G, [[1, 2], [0, 2], [0, 1]]), project_conflicting(G, [[2, 1], [0, 2], [0, 1]])
    np.testing.assert_allclose(first[0], [0.2, -0.1], rtol=1e-14)
    np.testing.assert_allclose(second[0], [0.2, 0.2], rtol=1e-14)
    np.testing.assert_array_equal(first[1:], second[1:])


def test_projection_on_each_backend_and_dtype(backend, dtype):
    G = tm.to_device([[1.0, 0.0], [-1.0, 1.0]], dtype=dtype)
    projected = project_conflicting(G)
    assert tm.backend.backend_of(projected) == backend and projected.dtype == dtype
    np.testing.assert_allclose(tm.to_numpy(projected), [[0.5, 0.5], [0.0, 1.0]], **TOLERANCE[dtype])


# --- PCGrad: on a network -------------------------------------------------------------------------------------------


def test_pcgrad_with_one_task_is_the_plain_backward_pass():
    X, Y = problem(n_y=1)
    net = tm.MLP([5, 6, 4, 1], seed=0)
    method = PCGrad(seed=0)
    method.start(net)
    Xd, Yd, _ = net.check_data(X, Y)
    J_data, grads = method.loss_and_grads(net, Xd, Yd, l2=0.1)
    J_expected, expected = net.loss_and_grads(X, Y, l2=0.1)
    np.testing.assert_allclose(flat(grads, all_names(net)), flat(expected, all_names(net)), rtol=1e-12, atol=1e-16)
    np.testing.assert_allclose(float(J_data) + tm.regularization.l2_cost(net.params, 0.1, X.shape[1]), J_expected)


@pytest.mark.parametrize("normalizer", ["m", "labelled", "per_task"])
def test_pcgrad_without_conflict_is_equal_weights(normalizer):
    X, y = problem(n_y=1)
    Y = np.concatenate([y, y, y])  # three copies of one task
    net = tm.MLP([5, 6, 4, 3], seed=0)
    W, b = net.params["W3"], net.params["b3"]
    W[1] = W[2] = W[0]  # through the same output row: g_0 = g_1 = g_2, cos = 1
    b[1] = b[2] = b[0]
    method = PCGrad(seed=0)
    method.start(net)
    Xd, Yd, _ = net.check_data(X, Y)
    J_data, grads = method.loss_and_grads(net, Xd, Yd, l2=0.1, normalizer=normalizer)
    _, expected = net.loss_and_grads(X, Y, l2=0.1, normalizer=normalizer)
    np.testing.assert_allclose(flat(grads, all_names(net)), flat(expected, all_names(net)), rtol=1e-12, atol=1e-16)
    np.testing.assert_array_equal(method.conflict_share(), np.zeros((3, 3)))
    assert method.batches == 1


def test_pcgrad_projects_the_shared_layers_and_sums_the_output_layer(backend):
    X, Y = problem(n_y=4, m=40, seed=3)
    Y[1] = 1 - Y[0]  # task 1 is task 0 negated: through unrelated output rows they conflict often
    net = tm.MLP([5, 6, 4, 4], seed=3)
    method = PCGrad(seed=7)
    method.start(net)
    orders = PCGrad(seed=7)  # the same generator, for the reference
    orders.start(net)
    Xd, Yd, _ = net.check_data(X, Y)
    out = {name: tm.to_device(np.full(p.shape, 9.0)) for name, p in net.params.items() for name in [f"d{name}"]}
    J_data, grads = method.loss_and_grads(net, Xd, Yd, out=out)
    assert grads is out and tm.backend.backend_of(grads["dW1"]) == backend
    G = tm.to_numpy(task_gradients(net, X, Y))  # shared layers: (4, P_shared)
    expected_shared = reference_projection(G, orders.orders()).sum(axis=0)
    np.testing.assert_allclose(flat(grads, ["dW1", "db1", "dW2", "db2"]), expected_shared, rtol=1e-10, atol=1e-15)
    _, plain = net.loss_and_grads(X, Y)
    np.testing.assert_allclose(flat(grads, ["dW3", "db3"]), flat(plain, ["dW3", "db3"]), rtol=1e-12, atol=1e-16)
    assert not np.allclose(expected_shared, flat(plain, ["dW1", "db1", "dW2", "db2"]))  # something was projected
    conflicted = tm.to_numpy(task_gradients(net, X, Y)) @ G.T < 0
    np.testing.assert_array_equal(method.conflict_share(), conflicted.astype(float))
    assert conflicted.any()
    np.testing.assert_allclose(float(J_data), net.loss_and_grads(X, Y)[0], rtol=1e-12)


def test_pcgrad_without_a_hidden_layer_is_equal_weights():
    X, Y = problem()
    net = tm.MLP([5, 3], seed=0)  # nothing shared: every parameter belongs to one task's output row
    method = PCGrad()
    method.start(net)
    Xd, Yd, _ = net.check_data(X, Y)
    _, grads = method.loss_and_grads(net, Xd, Yd)
    _, expected = net.loss_and_grads(X, Y)
    np.testing.assert_allclose(flat(grads, all_names(net)), flat(expected, all_names(net)), rtol=1e-12, atol=1e-16)


def test_pcgrad_keeps_the_dtype(backend, dtype):
    X, Y = problem()
    net = tm.MLP([5, 6, 3], seed=0, dtype=dtype.name)
    method = PCGrad()
    method.start(net)
    Xd, Yd, _ = net.check_data(X, Y)
    J_data, grads = method.loss_and_grads(net, Xd, Yd, l2=0.01)
    assert J_data.dtype == dtype
    assert all(g.dtype == dtype and tm.backend.backend_of(g) == backend for g in grads.values())
    np.testing.assert_array_equal(method.task_weights(), np.ones(3))


# --- fit with a method -----------------------------------------------------------------------------------------------


def make_method(kind, n_y):
    return UncertaintyWeighting(n_y, lr=0.05) if kind == "uncertainty" else PCGrad(seed=1)


@pytest.mark.parametrize("kind", ["uncertainty", "pcgrad"])
def test_fit_with_a_method_learns_records_the_weights_and_repeats_exactly(kind):
    X, Y = problem(m=96)
    X_val, Y_val = problem(m=40, seed=1)
    runs = []
    for _ in range(2):
        net = tm.MLP([5, 8, 3], seed=0)
        method = make_method(kind, 3)
        history = tm.fit(net, X, Y, optimizer=tm.Adam(lr=0.02), epochs=6, batch_size=16, seed=3, progress=False,
                         validation=(X_val, Y_val), weighting=method)  # fmt: skip
        runs.append((copies(net), history))
    (params, history), (again, history_again) = runs
    assert history.loss[-1] < 0.8 * history.loss[0]
    assert len(history.task_weights) == 6
    assert all(type(w) is np.ndarray and w.shape == (3,) for w in history.task_weights)
    assert history.loss == history_again.loss  # the same seeds: the same numbers
    for name in params:
        np.testing.assert_array_equal(params[name], again[name])
    for w, w_again in zip(history.task_weights, history_again.task_weights):
        np.testing.assert_array_equal(w, w_again)
    if kind == "uncertainty":
        np.testing.assert_array_equal(history.task_weights[-1], method.task_weights())
        assert not np.allclose(history.task_weights[-1], 1.0)  # the weights moved
    else:
        np.testing.assert_array_equal(history.task_weights[-1], np.ones(3))
        assert method.batches == 6 * 6  # 96 examples in batches of 16, 6 epochs


def test_fit_with_uncertainty_weighting_on_the_strict_backend_matches_numpy():
    X, Y = problem(m=64)
    results = []
    for name in ("numpy", "strict"):
        with tm.use_backend(name):
            net = tm.MLP([5, 8, 3], seed=0)
            method = UncertaintyWeighting(3, lr=0.05)
            history = tm.fit(net, X, Y, optimizer=tm.Adam(lr=0.02), epochs=3, batch_size=16, progress=False,
                             weighting=method, patience=2, validation=(X, Y))  # fmt: skip
            results.append((copies(net), history.task_weights))
    for name in results[0][0]:
        np.testing.assert_array_equal(results[0][0][name], results[1][0][name])
    np.testing.assert_array_equal(results[0][1], results[1][1])


def test_fit_without_a_method_records_no_weights():
    X, Y = problem()
    history = tm.fit(tm.MLP([5, 8, 3], seed=0), X, Y, epochs=2, progress=False)
    assert history.task_weights == []


def test_a_noisy_task_gets_the_smallest_uncertainty_weight():
    rng = np.random.default_rng(0)
    X = rng.standard_normal((5, 400))
    Y = (X[:3] > 0).astype(float)  # three tasks: the signs of features 0, 1, 2
    flipped = rng.random(400) < 0.4
    Y[2, flipped] = 1 - Y[2, flipped]  # task 2: 40% of its labels flipped
    method = UncertaintyWeighting(3, lr=0.05)
    history = tm.fit(tm.MLP([5, 16, 3], seed=0), X, Y, optimizer=tm.Adam(lr=0.01), epochs=15, batch_size=32,
                     progress=False, weighting=method)  # fmt: skip
    weights = history.task_weights[-1]
    assert weights[2] < 0.6 * weights[:2].min(), weights


# --- bad input -----------------------------------------------------------------------------------------------------


def test_bad_arguments_are_named():
    X, Y = problem()
    net = tm.MLP([5, 8, 3], seed=0)
    with pytest.raises(ValueError, match=r"n_y: UncertaintyWeighting\(n_y=4, lr=0.01\) was made for n_y = 4 tasks, "
                       r"but the network has 3 outputs .* n_y=3"):  # fmt: skip
        tm.fit(net, X, Y, epochs=1, progress=False, weighting=UncertaintyWeighting(4))
    softmax = tm.MLP([5, 8, 3], output="softmax", seed=0)
    Y_one_hot = np.eye(3)[:, np.arange(X.shape[1]) % 3]
    for method in (UncertaintyWeighting(3), PCGrad()):
        with pytest.raises(ValueError, match="needs a network with output='sigmoid'.*got output='softmax'"):
            tm.fit(softmax, X, Y_one_hot, epochs=1, progress=False, weighting=method)
        with pytest.raises(TypeError, match="net: got dict, expected a tinymtl MLP"):
            method.start({"W1": None})
    with pytest.raises(TypeError, match="weighting: got 'uncertainty', expected None .* PCGrad()"):
        tm.fit(net, X, Y, epochs=1, progress=False, weighting="uncertainty")
    with pytest.raises(ValueError, match=r"task_weights: got \[1, 2, 3\] together with weighting=PCGrad\(seed=0\)"):
        tm.fit(net, X, Y, epochs=1, progress=False, task_weights=[1, 2, 3], weighting=PCGrad())
    for n_y in (0, 2.5, True, "3"):
        with pytest.raises(ValueError, match=f"n_y: got {n_y!r}, expected a positive integer"):
            UncertaintyWeighting(n_y)
    with pytest.raises(ValueError, match="lr: got -1"):
        UncertaintyWeighting(3, lr=-1)
    with pytest.raises(ValueError, match="seed: got -1"):
        PCGrad(seed=-1)


def test_reprs():
    assert repr(UncertaintyWeighting(4, lr=0.003)) == "UncertaintyWeighting(n_y=4, lr=0.003)"
    assert repr(PCGrad(seed=None)) == "PCGrad(seed=None)"
