"""Tests for save/load: a model file round-trips exactly, or fails with a clear error.

Round trips use *trained* parameters (different from what the seed would
give), so that a ``load`` that rebuilt the network from its seed would fail.
Damaged files are made by hand: random bytes, a truncated or bit-flipped
archive, another program's ``.npz``, a newer format version, a parameter of
the wrong shape.
"""

from __future__ import annotations

import zipfile

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import tinymtl as tm
from tinymtl.strict import StrictArray

from .conftest import assert_same

SETTINGS = settings(deadline=None, max_examples=15, derandomize=True)
NAN = float("nan")
CONFIG = ("layer_dims", "hidden", "output", "init", "seed", "dtype")


# --- helpers ----------------------------------------------------------------------------


def assert_same_network(loaded, saved, X):
    """Architecture, dtype and every parameter equal; the same predictions on ``X``."""
    for key in CONFIG:
        assert getattr(loaded, key) == getattr(saved, key), (
            f"{key}: loaded {getattr(loaded, key)!r}, saved {getattr(saved, key)!r}"
        )
    assert list(loaded.params) == list(saved.params), "the parameter names or their order changed"
    for name in saved.params:
        assert_same(loaded.params[name], saved.params[name], name)
    assert_same(loaded.predict_proba(X), saved.predict_proba(X), "predict_proba")
    assert_same(loaded.predict(X), saved.predict(X), "predict")


def trained_net(layer_dims=(4, 6, 3), hidden="relu", output="sigmoid", dtype="float64", seed=0):
    """A network whose parameters moved away from their seeded start (a few epochs of Adam)."""
    rng = np.random.default_rng(seed)
    n_x, n_y, m = layer_dims[0], layer_dims[-1], 16
    X = rng.standard_normal((n_x, m))  # (n_x, m)
    if output == "sigmoid":
        Y = (rng.random((n_y, m)) > 0.5).astype(float)
        Y[rng.random((n_y, m)) < 0.3] = NAN
    else:
        Y = np.eye(n_y)[:, rng.integers(0, n_y, size=m)]
    net = tm.MLP(list(layer_dims), hidden=hidden, output=output, seed=seed, dtype=dtype)
    start = tm.to_numpy(net.params["W1"]).copy()  # to_numpy of a host array is the array itself
    tm.fit(net, X, Y, optimizer=tm.Adam(lr=0.05), epochs=3, batch_size=5, progress=False)
    assert not np.array_equal(tm.to_numpy(net.params["W1"]), start), "training did not move the parameters"
    return net, X


@pytest.fixture
def saved_file(tmp_path):
    """A valid model file written by MLP.save, and the arrays it holds."""
    net, _ = trained_net()
    path = tmp_path / "model.npz"
    net.save(path)
    with np.load(path, allow_pickle=False) as archive:
        arrays = {name: archive[name] for name in archive.files}
    return path, arrays


# --- round trips --------------------------------------------------------------------------


@pytest.mark.parametrize("output", ["sigmoid", "softmax"])
@pytest.mark.parametrize("hidden", ["relu", "leaky_relu", "tanh", "sigmoid"])
@pytest.mark.parametrize("dtype", ["float64", "float32"])
def test_round_trip(tmp_path, output, hidden, dtype):
    net, X = trained_net(hidden=hidden, output=output, dtype=dtype)
    path = tmp_path / "model.npz"
    net.save(path)
    loaded = tm.MLP.load(path)
    assert type(loaded) is tm.MLP
    assert loaded.dtype == np.dtype(dtype)
    assert all(p.dtype == np.dtype(dtype) for p in loaded.params.values()), "the dtype was not kept"
    assert_same_network(loaded, net, X)


def test_round_trip_keeps_init_and_seed(tmp_path):
    net = tm.MLP([3, 5, 2], hidden="tanh", init="xavier", seed=1234)
    net.save(tmp_path / "model.npz")
    loaded = tm.MLP.load(tmp_path / "model.npz")
    assert (loaded.init, loaded.seed) == ("xavier", 1234)


def test_round_trip_without_a_seed(tmp_path):
    net = tm.MLP([3, 2], seed=None)
    net.save(tmp_path / "model.npz")
    assert tm.MLP.load(tmp_path / "model.npz").seed is None


def test_loaded_network_trains_and_computes_like_the_saved_one(tmp_path):
    net, X = trained_net()
    Y = np.array([[1.0, 0.0] * 8, [0.0, NAN] * 8, [1.0, 1.0] * 8])  # (n_y, m) = (3, 16)
    net.save(tmp_path / "model.npz")
    loaded = tm.MLP.load(tmp_path / "model.npz")
    J_loaded, grads_loaded = loaded.loss_and_grads(X, Y, l2=0.1)
    J_saved, grads_saved = net.loss_and_grads(X, Y, l2=0.1)
    assert J_loaded == J_saved
    for name in grads_saved:
        assert_same(grads_loaded[name], grads_saved[name], name)


def test_save_does_not_change_the_network(tmp_path):
    net, _ = trained_net()
    before = {name: tm.to_numpy(p).copy() for name, p in net.params.items()}
    objects = dict(net.params)
    net.save(tmp_path / "model.npz")
    for name, p in net.params.items():
        assert p is objects[name], f"save rebound params[{name!r}]"
        assert_same(p, before[name], name)


def test_file_format_is_plain_npz_without_pickle(saved_file):
    _, arrays = saved_file  # read with allow_pickle=False by the fixture
    assert set(arrays) == {"tinymtl_format", "format_version", *CONFIG, "W1", "b1", "W2", "b2"}
    assert str(arrays["tinymtl_format"]) == "tinymtl.MLP"
    assert int(arrays["format_version"]) == 1
    assert arrays["layer_dims"].tolist() == [4, 6, 3]
    assert arrays["W1"].shape == (6, 4)
    assert arrays["b2"].shape == (3, 1)


def test_path_as_str_and_pathlib(tmp_path):
    net, X = trained_net()
    net.save(str(tmp_path / "as_str.npz"))
    net.save(tmp_path / "as_path.npz")
    assert_same_network(tm.MLP.load(str(tmp_path / "as_path.npz")), net, X)
    assert_same_network(tm.MLP.load(tmp_path / "as_str.npz"), net, X)


def test_save_then_load_with_the_same_name_without_suffix(tmp_path):
    # net.save("model") writes model.npz (NumPy adds the suffix); MLP.load("model") should find it.
    net, X = trained_net()
    net.save(tmp_path / "model")
    assert_same_network(tm.MLP.load(tmp_path / "model"), net, X)


@SETTINGS
@given(
    layer_dims=st.lists(st.integers(1, 5), min_size=2, max_size=5),
    hidden=st.sampled_from(["relu", "leaky_relu", "tanh", "sigmoid"]),
    dtype=st.sampled_from(["float64", "float32"]),
    seed=st.integers(0, 1000),
)
def test_round_trip_of_random_architectures(tmp_path_factory, layer_dims, hidden, dtype, seed):
    net = tm.MLP(layer_dims, hidden=hidden, dtype=dtype, seed=seed)
    rng = np.random.default_rng(seed + 1)
    for p in net.params.values():  # parameters no seed would give
        p += tm.to_device(rng.standard_normal(p.shape), dtype=dtype)
    path = tmp_path_factory.mktemp("random") / "model.npz"
    net.save(path)
    X = rng.standard_normal((layer_dims[0], 3))
    assert_same_network(tm.MLP.load(path), net, X)


# --- across backends ------------------------------------------------------------------------


def test_save_under_strict_load_under_numpy(tmp_path):
    with tm.use_backend("strict"):
        net, X = trained_net(output="softmax", dtype="float32")
        P_strict = net.predict_proba(X)
        net.save(tmp_path / "model.npz")
    with tm.use_backend("numpy"):
        loaded = tm.MLP.load(tmp_path / "model.npz")
        assert loaded.backend == "numpy"
        assert all(type(p) is np.ndarray for p in loaded.params.values())
        P_numpy = loaded.predict_proba(X)
    assert_same(P_numpy, P_strict, "predict_proba: loaded under numpy vs saved under strict")
    for name in net.params:
        assert_same(loaded.params[name], net.params[name], name)


def test_save_under_numpy_load_under_strict(tmp_path):
    with tm.use_backend("numpy"):
        net, X = trained_net()
        net.save(tmp_path / "model.npz")
    with tm.use_backend("strict"):
        loaded = tm.MLP.load(tmp_path / "model.npz")
        assert loaded.backend == "strict"
        assert all(isinstance(p, StrictArray) for p in loaded.params.values()), "load must use the active backend"
        P = loaded.predict_proba(X)
    with tm.use_backend("numpy"):
        assert_same(P, net.predict_proba(X), "predict_proba: loaded under strict vs saved under numpy")


# --- files that are not models ----------------------------------------------------------------


def test_missing_file(tmp_path):
    path = tmp_path / "no_such_model.npz"
    with pytest.raises(FileNotFoundError, match="no model file") as caught:
        tm.MLP.load(path)
    assert "no_such_model.npz" in str(caught.value), "the message should show the path"
    assert "MLP.save()" in str(caught.value)


def test_a_directory_is_not_a_model_file(tmp_path):
    with pytest.raises(FileNotFoundError, match="no model file"):
        tm.MLP.load(tmp_path)


@pytest.mark.parametrize(
    "content",
    [np.random.default_rng(0).bytes(600), b"", b"PK\x03\x04" + bytes(100), b"hello, I am a text file\n"],
    ids=["random bytes", "empty", "zip header only", "text"],
)
def test_corrupt_file(tmp_path, content):
    path = tmp_path / "corrupt.npz"
    path.write_bytes(content)
    with pytest.raises(ValueError, match="not a readable .npz file") as caught:
        tm.MLP.load(path)
    assert "corrupt.npz" in str(caught.value)


@pytest.mark.parametrize("keep", [0.1, 0.5, 0.9, 0.999])
def test_truncated_file(saved_file, tmp_path, keep):
    path, _ = saved_file
    raw = path.read_bytes()
    truncated = tmp_path / "truncated.npz"
    truncated.write_bytes(raw[: int(len(raw) * keep)])
    with pytest.raises(ValueError, match="corrupt or truncated"):
        tm.MLP.load(truncated)


@pytest.mark.parametrize("where", [0.05, 0.3, 0.6, 0.8])
def test_damaged_bytes_inside_the_archive(saved_file, tmp_path, where):
    path, _ = saved_file
    raw = bytearray(path.read_bytes())
    start = int(len(raw) * where)
    raw[start : start + 8] = b"\xff" * 8
    damaged = tmp_path / "damaged.npz"
    damaged.write_bytes(bytes(raw))
    with pytest.raises(ValueError, match="path"):
        tm.MLP.load(damaged)


def test_foreign_npz(tmp_path):
    path = tmp_path / "foreign.npz"
    np.savez(path, weights=np.ones((3, 3)), labels=np.arange(3))
    with pytest.raises(ValueError, match="not a tinymtl model"):
        tm.MLP.load(path)


def test_zip_without_arrays(tmp_path):
    path = tmp_path / "archive.npz"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("readme.txt", "not a model")
    with pytest.raises(ValueError, match="not a tinymtl model"):
        tm.MLP.load(path)


def test_a_single_npy_array_named_npz(tmp_path):
    # np.save writes a .npy file; np.load returns an array for it, not an archive.
    path = tmp_path / "array.npz"
    with open(path, "wb") as f:
        np.save(f, np.ones((3, 3)))
    with pytest.raises(ValueError, match="path"):
        tm.MLP.load(path)


def test_newer_format_version(saved_file, tmp_path):
    _, arrays = saved_file
    path = tmp_path / "future.npz"
    np.savez(path, **(arrays | {"format_version": np.array(2)}))
    with pytest.raises(ValueError, match="format version 2 is newer") as caught:
        tm.MLP.load(path)
    assert "upgrade tinymtl" in str(caught.value)


def test_missing_format_version(saved_file, tmp_path):
    _, arrays = saved_file
    path = tmp_path / "no_version.npz"
    np.savez(path, **{k: v for k, v in arrays.items() if k != "format_version"})
    with pytest.raises(ValueError, match="path"):
        tm.MLP.load(path)


@pytest.mark.parametrize("key", ["layer_dims", "hidden", "dtype"])
def test_missing_configuration_entry(saved_file, tmp_path, key):
    _, arrays = saved_file
    path = tmp_path / "incomplete.npz"
    np.savez(path, **{k: v for k, v in arrays.items() if k != key})
    with pytest.raises(ValueError, match="not a tinymtl model"):
        tm.MLP.load(path)


def test_tampered_parameter_shape(saved_file, tmp_path):
    _, arrays = saved_file
    path = tmp_path / "tampered.npz"
    np.savez(path, **(arrays | {"W2": np.ones((3, 5))}))  # saved W2 is (3, 6)
    with pytest.raises(ValueError, match="parameter W2") as caught:
        tm.MLP.load(path)
    assert "(3, 5)" in str(caught.value) and "(3, 6)" in str(caught.value), "both shapes should be shown"


def test_missing_parameter(saved_file, tmp_path):
    _, arrays = saved_file
    path = tmp_path / "no_b2.npz"
    np.savez(path, **{k: v for k, v in arrays.items() if k != "b2"})
    with pytest.raises(ValueError, match="parameter b2 is missing"):
        tm.MLP.load(path)


@pytest.mark.parametrize(
    ("changed", "match"),
    [
        ({"tinymtl_format": np.array("othertool.Model")}, "not a tinymtl model"),  # another program's marker
        ({"layer_dims": np.array([4, 7, 3])}, "parameter W1"),  # the parameters are for [4, 6, 3]
        ({"hidden": np.array("swish")}, "hidden"),  # an activation tinymtl does not know
    ],
)
def test_a_changed_entry_of_the_file_is_refused(saved_file, tmp_path, changed, match):
    _, arrays = saved_file
    path = tmp_path / "changed.npz"
    np.savez(path, **(arrays | changed))
    with pytest.raises(ValueError, match=match):
        tm.MLP.load(path)
