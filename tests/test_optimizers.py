"""Tests for the optimizers: each update equals the formula in its docstring, in place, in the params' dtype.

The expected values are computed here, independently, with the textbook
formulas of the module docstring (Adam with the bias-corrected v̂ and ŝ, not
the folded step size the library uses), on a hand-written sequence of
gradients. ``eps`` is chosen large enough that where it is added matters.
"""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

import tinymtl as tm
from tinymtl.strict import StrictArray

SETTINGS = settings(deadline=None, max_examples=30, derandomize=True)
# Independent formulas round differently from the library's in-place ones: a few ulps.
TOLERANCE = {
    np.dtype("float64"): {"rtol": 1e-13, "atol": 1e-15},
    np.dtype("float32"): {"rtol": 2e-6, "atol": 1e-7},
}

# Two parameters, three steps: a gradient sequence that changes sign and size.
THETA0 = {"W1": np.array([[0.5, -1.0], [2.0, 0.0]]), "b1": np.array([[0.1], [-0.3]])}
GRADS = [
    {"dW1": np.array([[1.0, -2.0], [0.5, 0.0]]), "db1": np.array([[0.2], [-0.1]])},
    {"dW1": np.array([[-0.5, 1.0], [0.5, 3.0]]), "db1": np.array([[0.2], [0.4]])},
    {"dW1": np.array([[2.0, 0.1], [-1.0, -3.0]]), "db1": np.array([[-0.6], [0.0]])},
]


# --- helpers ----------------------------------------------------------------------------


@pytest.fixture(params=["numpy", "strict"])
def backend_name(request):
    """Run the test under each CPU backend; the previous backend is restored after."""
    with tm.use_backend(request.param):
        yield request.param


def on_device(arrays_by_name: dict, dtype=np.float64) -> dict:
    """Copies of host arrays on the active backend's device, in ``dtype``."""
    return {name: tm.to_device(a.copy(), dtype=dtype) for name, a in arrays_by_name.items()}


def assert_close(actual, expected: np.ndarray, what: str):
    """Shape, then dtype, then values within the dtype's tolerance; ``actual`` may be a device array."""
    actual = tm.to_numpy(actual)
    assert actual.shape == expected.shape, f"{what}: got shape {actual.shape}, expected {expected.shape}"
    assert actual.dtype == expected.dtype, f"{what}: got dtype {actual.dtype}, expected {expected.dtype}"
    np.testing.assert_allclose(actual, expected, **TOLERANCE[expected.dtype], err_msg=f"{what}: library vs formula")


def run(optimizer, dtype=np.float64, steps: int = 3) -> dict:
    """Parameters after ``steps`` steps of ``optimizer`` from THETA0 on GRADS, as the library computes them."""
    params = on_device(THETA0, dtype)
    for t in range(steps):
        optimizer.step(params, on_device(GRADS[t], dtype))
    return params


# --- the reference formulas (the module docstring, written out) ------------------------------


def gd_reference(lr, steps):
    theta = {k: v.copy() for k, v in THETA0.items()}
    for t in range(steps):
        for k in theta:
            theta[k] = theta[k] - lr * GRADS[t]["d" + k]  # θ −= α dθ
    return theta


def momentum_reference(lr, beta, steps):
    theta = {k: v.copy() for k, v in THETA0.items()}
    v = {k: np.zeros_like(p) for k, p in theta.items()}
    for t in range(steps):
        for k in theta:
            v[k] = beta * v[k] + (1 - beta) * GRADS[t]["d" + k]  # v = β v + (1 − β) dθ
            theta[k] = theta[k] - lr * v[k]  # θ −= α v
    return theta


def rmsprop_reference(lr, beta, eps, steps):
    theta = {k: v.copy() for k, v in THETA0.items()}
    s = {k: np.zeros_like(p) for k, p in theta.items()}
    for t in range(steps):
        for k in theta:
            g = GRADS[t]["d" + k]
            s[k] = beta * s[k] + (1 - beta) * g**2  # s = β s + (1 − β) dθ²
            theta[k] = theta[k] - lr * g / (np.sqrt(s[k]) + eps)  # θ −= α dθ / (√s + ε)
    return theta


def adam_reference(lr, beta1, beta2, eps, steps):
    theta = {k: v.copy() for k, v in THETA0.items()}
    v = {k: np.zeros_like(p) for k, p in theta.items()}
    s = {k: np.zeros_like(p) for k, p in theta.items()}
    for t in range(1, steps + 1):  # t counts steps from 1, as in the bias corrections
        for k in theta:
            g = GRADS[t - 1]["d" + k]
            v[k] = beta1 * v[k] + (1 - beta1) * g
            s[k] = beta2 * s[k] + (1 - beta2) * g**2
            v_hat = v[k] / (1 - beta1**t)
            s_hat = s[k] / (1 - beta2**t)
            theta[k] = theta[k] - lr * v_hat / (np.sqrt(s_hat) + eps)
    return theta


CASES = {
    "GradientDescent": (lambda: tm.GradientDescent(lr=0.1), lambda steps: gd_reference(0.1, steps)),
    "Momentum": (lambda: tm.Momentum(lr=0.1, beta=0.8), lambda steps: momentum_reference(0.1, 0.8, steps)),
    "RMSProp": (lambda: tm.RMSProp(lr=0.1, beta=0.9, eps=0.05), lambda steps: rmsprop_reference(0.1, 0.9, 0.05, steps)),
    "Adam": (
        lambda: tm.Adam(lr=0.1, beta1=0.8, beta2=0.95, eps=0.05),
        lambda steps: adam_reference(0.1, 0.8, 0.95, 0.05, steps),
    ),
}


# --- against the formulas -------------------------------------------------------------------


@pytest.mark.parametrize("name", CASES)
@pytest.mark.parametrize("steps", [1, 2, 3])
def test_matches_the_docstring_formula(backend_name, name, steps):
    make, reference = CASES[name]
    actual = run(make(), steps=steps)
    for key, expected in reference(steps).items():
        assert_close(actual[key], expected, f"{name} {key} after {steps} steps")


def test_gradient_descent_by_hand():
    # θ = 1 − 0.1·0.5 = 0.95, then 0.95 − 0.1·(−1) = 1.05
    params = {"W1": np.array([[1.0]])}
    optimizer = tm.GradientDescent(lr=0.1)
    optimizer.step(params, {"dW1": np.array([[0.5]])})
    assert_close(params["W1"], np.array([[0.95]]), "W1 after step 1")
    optimizer.step(params, {"dW1": np.array([[-1.0]])})
    assert_close(params["W1"], np.array([[1.05]]), "W1 after step 2")


def test_momentum_by_hand():
    # dθ = 1 each step, β = 0.9, α = 0.1:  v1 = 0.1, θ1 = 1 − 0.01 = 0.99
    #                                      v2 = 0.9·0.1 + 0.1 = 0.19, θ2 = 0.99 − 0.019 = 0.971
    params = {"W1": np.array([[1.0]])}
    optimizer = tm.Momentum(lr=0.1, beta=0.9)
    optimizer.step(params, {"dW1": np.array([[1.0]])})
    assert_close(params["W1"], np.array([[0.99]]), "W1 after step 1")
    optimizer.step(params, {"dW1": np.array([[1.0]])})
    assert_close(params["W1"], np.array([[0.971]]), "W1 after step 2")


def test_rmsprop_by_hand():
    # dθ = 2, β = 0.75, ε = 0.5, α = 0.1:  s1 = 0.25·4 = 1, θ1 = 1 − 0.1·2/(1 + 0.5) = 1 − 2/15
    params = {"W1": np.array([[1.0]])}
    tm.RMSProp(lr=0.1, beta=0.75, eps=0.5).step(params, {"dW1": np.array([[2.0]])})
    assert_close(params["W1"], np.array([[1 - 2 / 15]]), "W1 after step 1")


def test_adam_first_step_by_hand():
    # Bias correction makes the first step v̂ = dθ, ŝ = dθ²: θ −= α dθ / (|dθ| + ε).
    # dθ = 0.5, α = 0.1, ε = 0.5: θ1 = 1 − 0.1·0.5/(0.5 + 0.5) = 0.95, whatever β1, β2.
    for beta1, beta2 in [(0.9, 0.999), (0.5, 0.5), (0.0, 0.0)]:
        params = {"W1": np.array([[1.0]])}
        tm.Adam(lr=0.1, beta1=beta1, beta2=beta2, eps=0.5).step(params, {"dW1": np.array([[0.5]])})
        assert_close(params["W1"], np.array([[0.95]]), f"W1 after step 1 with betas {beta1}, {beta2}")


def test_adam_second_step_by_hand():
    # β1 = 0.5, β2 = 0.5, ε = 0, α = 1 (ε tiny); dθ = 1 then 3:
    # v2 = 0.5·0.5 + 0.5·3 = 1.75, v̂2 = 1.75/0.75 = 7/3
    # s2 = 0.5·0.5 + 0.5·9 = 4.75, ŝ2 = 4.75/0.75 = 19/3
    # θ2 = θ1 − (7/3)/√(19/3), θ1 = 0 − 1·1/1 = −1
    params = {"W1": np.array([[0.0]])}
    optimizer = tm.Adam(lr=1.0, beta1=0.5, beta2=0.5, eps=1e-300)
    optimizer.step(params, {"dW1": np.array([[1.0]])})
    optimizer.step(params, {"dW1": np.array([[3.0]])})
    assert_close(params["W1"], np.array([[-1 - (7 / 3) / np.sqrt(19 / 3)]]), "W1 after step 2")


def test_adam_counts_steps_not_parameters():
    # Two parameters in one step: the bias correction of both uses t = 1.
    optimizer = tm.Adam(lr=0.1, beta1=0.9, beta2=0.999, eps=1e-8)
    params = {"W1": np.array([[1.0]]), "b1": np.array([[1.0]]), "W2": np.array([[1.0]])}
    grads = {"dW1": np.array([[0.5]]), "db1": np.array([[0.5]]), "dW2": np.array([[0.5]])}
    optimizer.step(params, grads)
    assert optimizer.t == 1
    for name, p in params.items():
        assert_close(p, np.array([[1 - 0.1 * 0.5 / (0.5 + 1e-8)]]), name)


@SETTINGS
@given(
    grads=st.lists(arrays(np.float64, (2, 3), elements=st.floats(-10, 10)), min_size=1, max_size=6),
    beta1=st.floats(0.0, 0.99),
    beta2=st.floats(0.0, 0.999),
    eps=st.sampled_from([1e-8, 1e-3, 0.1, 1.0]),
)
def test_adam_matches_the_formula_for_random_gradients(grads, beta1, beta2, eps):
    optimizer = tm.Adam(lr=0.01, beta1=beta1, beta2=beta2, eps=eps)
    theta = {"W1": np.zeros((2, 3))}
    expected, v, s = np.zeros((2, 3)), np.zeros((2, 3)), np.zeros((2, 3))
    for t, g in enumerate(grads, 1):
        optimizer.step(theta, {"dW1": g})
        v = beta1 * v + (1 - beta1) * g
        s = beta2 * s + (1 - beta2) * g**2
        expected = expected - 0.01 * (v / (1 - beta1**t)) / (np.sqrt(s / (1 - beta2**t)) + eps)
    np.testing.assert_allclose(theta["W1"], expected, rtol=1e-10, atol=1e-12, err_msg="Adam vs formula")


# --- in place --------------------------------------------------------------------------------


@pytest.mark.parametrize("name", CASES)
def test_updates_are_in_place(backend_name, name):
    params = on_device(THETA0)
    objects = {key: p for key, p in params.items()}
    ids = {key: id(p) for key, p in params.items()}
    before = {key: tm.to_numpy(p).copy() for key, p in params.items()}
    CASES[name][0]().step(params, on_device(GRADS[0]))
    for key, p in params.items():
        assert p is objects[key] and id(p) == ids[key], f"{name} rebound params[{key!r}] instead of updating it"
        assert not np.array_equal(tm.to_numpy(p), before[key]), f"{name} did not change params[{key!r}]"
    if backend_name == "strict":
        assert all(isinstance(p, StrictArray) for p in params.values())


@pytest.mark.parametrize("name", CASES)
def test_the_network_sees_the_update(backend_name, name):
    net = tm.MLP([3, 4, 2], seed=0)
    X = np.random.default_rng(0).standard_normal((3, 6))
    Y = np.array([[1.0, 0.0, 1.0, 0.0, 1.0, 0.0], [0.0, 0.0, 1.0, 1.0, float("nan"), 1.0]])
    params_dict, objects = net.params, dict(net.params)
    P_before = tm.to_numpy(net.predict_proba(X)).copy()
    _, grads = net.loss_and_grads(X, Y)
    CASES[name][0]().step(net.params, grads)
    assert net.params is params_dict, "the network's params dict was replaced"
    for key, p in net.params.items():
        assert p is objects[key], f"{name} rebound net.params[{key!r}]"
    assert not np.array_equal(tm.to_numpy(net.predict_proba(X)), P_before), "the network's predictions did not change"


@pytest.mark.parametrize("name", CASES)
def test_gradients_are_not_modified(backend_name, name):
    grads = on_device(GRADS[0])
    before = {key: tm.to_numpy(g).copy() for key, g in grads.items()}
    optimizer = CASES[name][0]()
    for _ in range(2):
        optimizer.step(on_device(THETA0), grads)
    for key, g in grads.items():
        assert_close(g, before[key], f"{name} {key}")


# --- convergence ------------------------------------------------------------------------------


CONVERGING = {
    "GradientDescent": lambda: tm.GradientDescent(lr=0.2),
    "Momentum": lambda: tm.Momentum(lr=0.2, beta=0.9),
    "RMSProp": lambda: tm.RMSProp(lr=0.01, beta=0.9),
    "Adam": lambda: tm.Adam(lr=0.05),
}


@pytest.mark.parametrize("name", CONVERGING)
def test_converges_on_a_quadratic(backend_name, name):
    # f(θ) = ½ Σ a_i (θ_i − c_i)², a different curvature per coordinate; ∇f = a ⊙ (θ − c).
    a, c = np.array([[1.0, 4.0, 0.25]]), np.array([[1.0, -2.0, 3.0]])
    a_dev, c_dev = tm.to_device(a), tm.to_device(c)
    params = {"W1": tm.to_device(np.zeros((1, 3)))}
    optimizer = CONVERGING[name]()
    for _ in range(1000):
        optimizer.step(params, {"dW1": a_dev * (params["W1"] - c_dev)})
    np.testing.assert_allclose(tm.to_numpy(params["W1"]), c, atol=1e-6, err_msg=f"{name}: θ vs the minimum c")


# --- dtype -------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", CASES)
def test_float32_stays_float32(backend_name, name):
    make, reference = CASES[name]
    optimizer = make()
    actual = run(optimizer, dtype=np.float32)
    for key, expected in reference(len(GRADS)).items():
        assert_close(actual[key], expected.astype(np.float32), f"{name} {key} in float32")
    for key, state in optimizer.state.items():
        for what, array in state.items():
            assert array.dtype == np.float32, f"{name} state {key}.{what}: dtype {array.dtype}, expected float32"


@pytest.mark.parametrize("name", CASES)
def test_state_lives_on_the_parameters_device(backend_name, name):
    optimizer = CASES[name][0]()
    run(optimizer)
    for key, state in optimizer.state.items():
        for what, array in state.items():
            assert tm.backend.backend_of(array) == backend_name, f"{name} state {key}.{what} is not on {backend_name}"
            assert array.shape == THETA0[key].shape


def test_repr_shows_the_settings():
    assert repr(tm.Adam(lr=0.01, beta1=0.8)) == "Adam(lr=0.01, beta1=0.8, beta2=0.999, eps=1e-08)"
    assert repr(tm.GradientDescent(lr=0.5)) == "GradientDescent(lr=0.5)"
