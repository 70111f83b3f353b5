"""Tests for the backend switch and the strict CuPy stand-in: the same pipeline, the same numbers.

The "strict" backend is NumPy underneath, so every number it produces must be
*bitwise* equal to the "numpy" backend's; what it adds are CuPy's refusals
(implicit conversion to NumPy, host arrays mixed into device arithmetic). If
the whole pipeline runs under it, the code never does either, and would run on
a GPU. The real-CuPy test (marker ``gpu``) runs the same pipeline on a GPU
where one is present and compares with NumPy to a float64 tolerance.

Every test that changes the active backend does it through ``use_backend`` or
``monkeypatch`` so that the module state ``tinymtl.backend._active`` is
restored afterwards.
"""

from __future__ import annotations

import sys
import types

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import tinymtl as tm
from tinymtl import backend as backend_module
from tinymtl.strict import StrictArray

from .conftest import assert_same

SETTINGS = settings(deadline=None, max_examples=15, derandomize=True)
NAN = float("nan")


# --- helpers ----------------------------------------------------------------------------


def host(a):
    """A device array, Python number or host array as something NumPy can compare (an explicit copy)."""
    if isinstance(a, (float, int)):
        return a
    return tm.to_numpy(a)


def toy_data(output: str, n_x: int = 4, n_y: int = 3, m: int = 24, seed: int = 0):
    """Host (X, Y): X (n_x, m); Y (n_y, m) with about 25% "?" for sigmoid, one-hot columns for softmax."""
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((n_x, m))  # (n_x, m)
    if output == "sigmoid":
        Y = (X[:n_y] + 0.3 * rng.standard_normal((n_y, m)) > 0).astype(float)  # (n_y, m)
        Y[rng.random((n_y, m)) < 0.25] = NAN  # "?"
    else:
        Y = np.eye(n_y)[:, rng.integers(0, n_y, size=m)]  # one-hot columns: (n_y, m)
        Y[:, rng.random(m) < 0.2] = NAN  # examples whose class is unknown
    return X, Y


def run_pipeline(backend_name: str, dtype: str, output: str, path) -> dict:
    """Every public step on ``backend_name``: init, loss and grads, fit, predict, save/load, metrics.

    Returns the results by name, still as the backend returned them (device
    arrays stay device arrays; the caller checks that, then compares).
    """
    X, Y = toy_data(output, seed=0)
    X_val, Y_val = toy_data(output, m=10, seed=1)
    results = {}
    with tm.use_backend(backend_name):
        net = tm.MLP([4, 6, 5, 3], hidden="tanh", output=output, init="xavier", seed=3, dtype=dtype)
        results["initial W1"] = net.params["W1"].copy()
        normalizer = "per_task" if output == "sigmoid" else "labelled"
        J, grads = net.loss_and_grads(X, Y, l2=0.1, normalizer=normalizer)
        results["J"] = J
        results |= {f"initial {name}": g for name, g in grads.items()}
        history = tm.fit(
            net,
            X,
            Y,
            optimizer=tm.Adam(lr=0.02),
            epochs=3,
            batch_size=7,
            seed=1,
            validation=(X_val, Y_val),
            l2=0.01,
            progress=False,
        )
        results["history.loss"] = np.array(history.loss)
        results["history.val_loss"] = np.array(history.val_loss)
        results["history.val_accuracy"] = np.stack(history.val_accuracy)  # (epochs, n_y)
        results["history.val_f1"] = np.stack(history.val_f1)  # (epochs, n_y)
        results |= {f"trained {name}": p for name, p in net.params.items()}
        results["P"] = net.predict_proba(X_val)  # (n_y, m_val)
        results["predict"] = net.predict(X_val)
        J_trained, grads_trained = net.loss_and_grads(X_val, Y_val)
        results["J trained"] = J_trained
        results["dW1 trained"] = grads_trained["dW1"]
        net.save(path)
        loaded = tm.MLP.load(path)
        results["P loaded"] = loaded.predict_proba(X_val)
        results |= {f"loaded {name}": p for name, p in loaded.params.items()}
        report = tm.metrics.report(Y_val, results["P"])
        results["report.accuracy"] = report.accuracy
        results["report.f1"] = report.f1
        results["report.hamming_loss"] = report.hamming_loss
        logits, _ = net.forward(tm.to_device(X_val, dtype=dtype))  # Z[L]: (n_y, m_val)
        loss_function = tm.masked_logistic_loss if output == "sigmoid" else tm.softmax_cross_entropy
        results["public loss"] = loss_function(logits, Y_val)
    return results


# --- choosing the backend ---------------------------------------------------------------


@pytest.fixture
def fresh_backend(monkeypatch):
    """Nothing chosen yet and no TINYMTL_BACKEND: the state of a new Python process (restored afterwards)."""
    monkeypatch.setattr(backend_module, "_active", None)
    monkeypatch.delenv("TINYMTL_BACKEND", raising=False)


def test_default_backend_is_numpy(fresh_backend):
    assert tm.get_backend() == "numpy"
    a = tm.to_device([1.0, 2.0])
    assert type(a) is np.ndarray, f"to_device under numpy gave {type(a).__name__}, expected numpy.ndarray"


def test_set_backend_changes_what_get_backend_and_to_device_give(fresh_backend):
    tm.set_backend("strict")
    assert tm.get_backend() == "strict"
    assert isinstance(tm.to_device([1.0]), StrictArray)
    tm.set_backend("numpy")
    assert tm.get_backend() == "numpy"
    assert type(tm.to_device([1.0])) is np.ndarray


def test_backend_names_are_case_insensitive(fresh_backend):
    tm.set_backend("Strict")
    assert tm.get_backend() == "strict"


def test_use_backend_yields_the_name_and_restores_the_previous_one(fresh_backend):
    with tm.use_backend("strict") as name:
        assert name == "strict"
        assert tm.get_backend() == "strict"
        with tm.use_backend("numpy"):
            assert tm.get_backend() == "numpy"
        assert tm.get_backend() == "strict", "the inner block did not restore the outer backend"
    assert tm.get_backend() == "numpy"


def test_use_backend_restores_even_after_an_exception(fresh_backend):
    with pytest.raises(KeyError, match="raised inside"), tm.use_backend("strict"):
        raise KeyError("raised inside the block")
    assert tm.get_backend() == "numpy"


def test_use_backend_with_a_bad_name_changes_nothing(fresh_backend):
    tm.set_backend("strict")
    with pytest.raises(ValueError, match="backend"), tm.use_backend("tpu"):
        pass  # pragma: no cover - never entered
    assert tm.get_backend() == "strict"


def test_environment_variable_is_read_when_nothing_was_set(fresh_backend, monkeypatch):
    monkeypatch.setenv("TINYMTL_BACKEND", "strict")
    assert tm.get_backend() == "strict"
    net = tm.MLP([2, 3], seed=0)
    assert net.backend == "strict"
    assert isinstance(net.params["W1"], StrictArray)


def test_set_backend_wins_over_the_environment_variable(fresh_backend, monkeypatch):
    monkeypatch.setenv("TINYMTL_BACKEND", "strict")
    tm.set_backend("numpy")
    assert tm.get_backend() == "numpy"


def test_environment_variable_is_only_read_while_nothing_was_chosen(fresh_backend, monkeypatch):
    assert tm.get_backend() == "numpy"  # chosen now, from the (absent) variable
    monkeypatch.setenv("TINYMTL_BACKEND", "strict")
    assert tm.get_backend() == "numpy"


def test_missing_cupy_is_a_clear_error_and_changes_nothing(fresh_backend, monkeypatch):
    # Simulated even where CuPy is installed: None in sys.modules makes `import cupy` fail.
    monkeypatch.setitem(sys.modules, "cupy", None)
    monkeypatch.setattr(backend_module, "_cupy", None)
    tm.set_backend("strict")
    with pytest.raises(ImportError, match="CuPy is not installed") as caught:
        tm.set_backend("cupy")
    assert 'pip install "tinymtl[gpu]"' in str(caught.value)
    assert tm.get_backend() == "strict", "a failed set_backend('cupy') must keep the previous backend"


def _fake_cupy(get_device_count):
    """A stand-in `cupy` module whose only feature is cuda.runtime.getDeviceCount."""
    fake = types.ModuleType("cupy")
    fake.cuda = types.SimpleNamespace(runtime=types.SimpleNamespace(getDeviceCount=get_device_count))
    return fake


def test_cupy_without_a_gpu_is_a_clear_error(fresh_backend, monkeypatch):
    monkeypatch.setitem(sys.modules, "cupy", _fake_cupy(lambda: 0))
    monkeypatch.setattr(backend_module, "_cupy", None)
    with pytest.raises(RuntimeError, match="found no GPU") as caught:
        tm.set_backend("cupy")
    assert "'numpy'" in str(caught.value), "the message should say which backend to use instead"
    assert tm.get_backend() == "numpy"


def test_cupy_with_a_broken_driver_is_a_clear_error(fresh_backend, monkeypatch):
    def broken():
        raise OSError("libcuda.so: cannot open shared object file")

    monkeypatch.setitem(sys.modules, "cupy", _fake_cupy(broken))
    monkeypatch.setattr(backend_module, "_cupy", None)
    with pytest.raises(RuntimeError, match="cannot reach a GPU") as caught:
        tm.set_backend("cupy")
    assert "libcuda.so" in str(caught.value), "the message should carry the driver's own reason"
    assert 'pip install "tinymtl[gpu]"' in str(caught.value)


# --- moving arrays ----------------------------------------------------------------------


@pytest.mark.parametrize("dtype", [None, np.float32, np.float64])
def test_to_device_then_to_numpy_round_trips(fresh_backend, dtype):
    original = np.arange(6.0).reshape(2, 3)  # (2, 3)
    with tm.use_backend("strict"):
        on_device = tm.to_device(original, dtype=dtype)
        assert isinstance(on_device, StrictArray)
        back = tm.to_numpy(on_device)
    assert type(back) is np.ndarray
    assert back.shape == (2, 3)
    assert back.dtype == (np.float64 if dtype is None else dtype)
    np.testing.assert_array_equal(back, original)


def test_to_device_of_a_list_and_to_numpy_of_host_data(fresh_backend):
    with tm.use_backend("strict"):
        a = tm.to_device([[1, 2], [3, 4]], dtype="float32")
    assert a.shape == (2, 2)
    assert a.dtype == np.float32
    np.testing.assert_array_equal(tm.to_numpy(a), np.array([[1, 2], [3, 4]], dtype=np.float32))
    assert type(tm.to_numpy([1.0, 2.0])) is np.ndarray


def test_to_device_keeps_the_requested_memory_order(fresh_backend):
    with tm.use_backend("strict"):
        a = tm.to_device(np.ones((3, 4)), order="F")
    assert a.flags["F_CONTIGUOUS"]


def test_to_device_moves_a_strict_array_back_to_numpy(fresh_backend):
    with tm.use_backend("strict"):
        on_strict = tm.to_device(np.arange(3.0))
    on_numpy = tm.to_device(on_strict, backend="numpy")
    assert type(on_numpy) is np.ndarray
    np.testing.assert_array_equal(on_numpy, np.arange(3.0))


def test_to_numpy_is_a_copy_not_a_view_of_the_device_array(fresh_backend):
    with tm.use_backend("strict"):
        a = tm.to_device(np.zeros(3))
    copy = tm.to_numpy(a)
    copy[0] = 5.0
    assert tm.to_numpy(a)[0] == 0.0, "writing into the host copy changed the device array"


# --- what the strict backend refuses, as CuPy does ----------------------------------------


@pytest.fixture
def strict_array():
    return StrictArray(np.array([1.0, 2.0, 3.0]))


def test_strict_refuses_implicit_conversion_to_numpy(strict_array):
    with pytest.raises(TypeError, match="implicit conversion"):
        np.asarray(strict_array)
    with pytest.raises(TypeError, match="implicit conversion"):
        np.array(strict_array)


def test_strict_refuses_a_host_array_on_the_right(strict_array):
    with pytest.raises(TypeError, match="host numpy.ndarray was mixed"):
        strict_array + np.ones(3)
    with pytest.raises(TypeError, match="host numpy.ndarray was mixed"):
        strict_array @ np.ones(3)


def test_strict_refuses_a_host_array_on_the_left(strict_array):
    with pytest.raises(TypeError, match="host numpy.ndarray was mixed"):
        np.ones(3) + strict_array
    with pytest.raises(TypeError, match="host numpy.ndarray was mixed"):
        np.ones(3) * strict_array


def test_strict_refuses_a_host_array_in_place(strict_array):
    with pytest.raises(TypeError, match="host numpy.ndarray was mixed"):
        strict_array += np.ones(3)


def test_strict_refuses_numpy_ufuncs(strict_array):
    with pytest.raises(TypeError):
        np.exp(strict_array)
    with pytest.raises(TypeError):
        np.add(strict_array, 1.0)


def test_strict_refuses_a_host_array_in_its_own_functions(strict_array):
    xp = backend_module.backend_module("strict")
    with pytest.raises(TypeError, match="host numpy.ndarray was mixed"):
        xp.where(strict_array > 1, np.zeros(3), strict_array)


def test_strict_refuses_iteration(strict_array):
    with pytest.raises(TypeError, match="iterating"):
        list(strict_array)


def test_strict_allows_python_and_numpy_scalars(strict_array):
    for scalar in (2, 2.0, np.float64(2.0), np.float32(2.0), np.int64(2)):
        result = strict_array * scalar + scalar
        assert isinstance(result, StrictArray), f"{scalar!r}: got {type(result).__name__}"
        np.testing.assert_array_equal(result.get(), np.array([4.0, 6.0, 8.0]))


def test_strict_allows_explicit_copies_and_scalar_syncs(strict_array):
    total = strict_array.sum()
    assert isinstance(total, StrictArray), "a reduction should stay on the device, as in CuPy"
    assert float(total) == 6.0
    assert total.item() == 6.0
    copy = strict_array.get()
    assert type(copy) is np.ndarray
    np.testing.assert_array_equal(copy, np.array([1.0, 2.0, 3.0]))


def test_strict_functions_compute_what_numpy_computes(strict_array):
    xp = backend_module.backend_module("strict")
    result = xp.log1p(xp.exp(-xp.abs(strict_array)))
    assert isinstance(result, StrictArray)
    assert_same(result.get(), np.log1p(np.exp(-np.abs(np.array([1.0, 2.0, 3.0])))), "log1p(exp(-|a|))")


# --- a network and its backend --------------------------------------------------------------


def test_a_numpy_network_used_under_strict_says_to_call_net_to(fresh_backend):
    net = tm.MLP([4, 5, 3], seed=0)  # on "numpy"
    X, Y = toy_data("sigmoid")
    with tm.use_backend("strict"):
        calls = {
            "predict_proba": lambda: net.predict_proba(X),
            "predict": lambda: net.predict(X),
            "loss_and_grads": lambda: net.loss_and_grads(X, Y),
            "fit": lambda: tm.fit(net, X, Y, epochs=1, progress=False),
        }
        for name, call in calls.items():
            with pytest.raises(RuntimeError, match=r"net\.to\('strict'\)") as caught:
                call()
            assert "'numpy'" in str(caught.value), f"{name}: the message should name where the parameters live"


def test_net_to_strict_gives_identical_numbers(fresh_backend):
    X, Y = toy_data("sigmoid")
    net = tm.MLP([4, 5, 3], hidden="leaky_relu", seed=0)
    P_numpy = net.predict_proba(X)
    J_numpy, grads_numpy = net.loss_and_grads(X, Y)
    with tm.use_backend("strict"):
        assert net.to("strict") is net
        assert net.backend == "strict"
        assert all(isinstance(p, StrictArray) for p in net.params.values())
        P_strict = net.predict_proba(X)
        J_strict, grads_strict = net.loss_and_grads(X, Y)
    assert isinstance(P_strict, StrictArray), "predict_proba should return a device array"
    assert_same(P_strict, P_numpy, "predict_proba after net.to('strict')")
    assert_same(J_strict, J_numpy, "J after net.to('strict')")
    for name in grads_numpy:
        assert_same(grads_strict[name], grads_numpy[name], f"{name} after net.to('strict')")
    net.to("numpy")  # and back
    assert_same(net.predict_proba(X), P_numpy, "predict_proba after net.to('numpy')")


def test_net_to_keeps_float32(fresh_backend):
    net = tm.MLP([4, 5, 3], seed=0, dtype="float32")
    net.to("strict")
    assert all(p.dtype == np.float32 for p in net.params.values())


def test_net_to_accepts_the_names_set_backend_accepts(fresh_backend):
    # set_backend("Strict") is accepted (names are case-insensitive), so net.to("Strict") should be too.
    X, _ = toy_data("sigmoid")
    net = tm.MLP([4, 5, 3], seed=0)
    with tm.use_backend("Strict"):
        net.to("Strict")
        P = net.predict_proba(X)
    assert isinstance(P, StrictArray)


def test_net_to_an_unknown_backend_is_refused_and_changes_nothing(fresh_backend):
    net = tm.MLP([4, 5, 3], seed=0)
    with pytest.raises(ValueError, match="backend"):
        net.to("tpu")
    assert net.backend == "numpy"
    assert all(type(p) is np.ndarray for p in net.params.values())


# --- THE KEY TEST: the whole pipeline, strict against numpy -----------------------------------


DEVICE_RESULTS = ("initial W1", "initial dW1", "trained W1", "P", "predict", "dW1 trained", "P loaded", "loaded W1")


@pytest.mark.parametrize("output", ["sigmoid", "softmax"])
@pytest.mark.parametrize("dtype", ["float64", "float32"])
def test_whole_pipeline_under_strict_equals_numpy_bitwise(fresh_backend, tmp_path, dtype, output):
    expected = run_pipeline("numpy", dtype, output, tmp_path / "numpy.npz")
    actual = run_pipeline("strict", dtype, output, tmp_path / "strict.npz")
    for name in DEVICE_RESULTS:  # results stay on the device until the user asks
        assert isinstance(actual[name], StrictArray), f"{name}: got {type(actual[name]).__name__} under strict"
    assert actual.keys() == expected.keys()
    for name in expected:
        assert_same(actual[name], expected[name], name)
    # And the numbers are those of a network in `dtype` that learned something.
    assert host(expected["trained W1"]).dtype == np.dtype(dtype)
    assert host(expected["P"]).dtype == np.dtype(dtype)
    assert expected["history.loss"][-1] < expected["history.loss"][0]


@st.composite
def architectures(draw):
    """(layer_dims, hidden, output, m): a random small network and batch size."""
    depth = draw(st.integers(1, 3))  # L
    layer_dims = [draw(st.integers(1, 6)) for _ in range(depth + 1)]
    hidden = draw(st.sampled_from(["relu", "leaky_relu", "tanh", "sigmoid"]))
    output = draw(st.sampled_from(["sigmoid", "softmax"]))
    if output == "softmax":
        layer_dims[-1] = max(layer_dims[-1], 2)
    return layer_dims, hidden, output, draw(st.integers(1, 12))


@SETTINGS
@given(architecture=architectures(), seed=st.integers(0, 2**16), dtype=st.sampled_from(["float64", "float32"]))
def test_random_networks_under_strict_equal_numpy_bitwise(architecture, seed, dtype):
    layer_dims, hidden, output, m = architecture
    n_x, n_y = layer_dims[0], layer_dims[-1]
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((n_x, m))  # (n_x, m)
    if output == "sigmoid":
        Y = rng.integers(0, 2, size=(n_y, m)).astype(float)
        Y[rng.random((n_y, m)) < 0.3] = NAN
    else:
        Y = np.eye(n_y)[:, rng.integers(0, n_y, size=m)]
    results = {}
    for name in ("numpy", "strict"):
        with tm.use_backend(name):
            net = tm.MLP(layer_dims, hidden=hidden, output=output, seed=seed, dtype=dtype)
            J, grads = net.loss_and_grads(X, Y, l2=0.05)
            tm.fit(net, X, Y, optimizer=tm.Momentum(lr=0.1), epochs=2, batch_size=5, seed=seed, progress=False)
            results[name] = {"J": J, **grads, **net.params, "P": net.predict_proba(X)}
    for key, expected in results["numpy"].items():
        assert_same(results["strict"][key], expected, key)


# --- real CuPy, where there is a GPU ------------------------------------------------------------


def _require_a_gpu():
    cupy = pytest.importorskip("cupy", reason="CuPy is not installed")
    try:
        n_gpus = cupy.cuda.runtime.getDeviceCount()
    except Exception as err:  # CUDA driver missing or broken
        pytest.skip(f"CuPy cannot reach a GPU: {err}")
    if n_gpus < 1:
        pytest.skip("CuPy sees no GPU")
    return cupy


@pytest.mark.gpu
@pytest.mark.parametrize("output", ["sigmoid", "softmax"])
def test_whole_pipeline_on_cupy_matches_numpy(tmp_path, output):
    cupy = _require_a_gpu()
    expected = run_pipeline("numpy", "float64", output, tmp_path / "numpy.npz")
    actual = run_pipeline("cupy", "float64", output, tmp_path / "cupy.npz")
    for name in DEVICE_RESULTS:
        assert isinstance(actual[name], cupy.ndarray), f"{name}: got {type(actual[name]).__name__} on cupy"
    for name, value in expected.items():
        got, want = host(actual[name]), host(value)
        if isinstance(want, float):
            assert isinstance(got, float), f"{name}: got {type(got).__name__}, expected a Python float"
            np.testing.assert_allclose(got, want, rtol=1e-10, atol=0, err_msg=name)
            continue
        assert got.shape == want.shape, f"{name}: got shape {got.shape}, expected {want.shape}"
        assert got.dtype == want.dtype, f"{name}: got dtype {got.dtype}, expected {want.dtype}"
        np.testing.assert_allclose(got, want, rtol=1e-10, atol=1e-14, err_msg=f"{name}: cupy (left) vs numpy (right)")
