"""Tests for the argument checks: every bad input gives a clear error, every valid one works.

Each error must name the argument, what was given or expected, and the likely
fix (the issue's "Bad input" section). :func:`raises` checks the exception
type, that the message names the argument, and that it carries each given
fragment of the fix. The data checks run on the "numpy" and the "strict"
backend, because they read values back from the device.

The valid inputs (integer and boolean labels, lists, Fortran-ordered arrays, a
single example) must give exactly the numbers of the plain float64 C-ordered
arrays.
"""

from __future__ import annotations

import contextlib
import sys

import numpy as np
import pytest

import tinymtl as tm
from tinymtl import backend as backend_module

from .conftest import assert_same

NAN, INF = float("nan"), float("inf")
N_X, N_Y, M = 3, 2, 5
OPTIMIZERS = {
    "GradientDescent": lambda **kw: tm.GradientDescent(**kw),
    "Momentum": lambda **kw: tm.Momentum(**kw),
    "RMSProp": lambda **kw: tm.RMSProp(**kw),
    "Adam": lambda **kw: tm.Adam(**kw),
}


# --- helpers ----------------------------------------------------------------------------


@contextlib.contextmanager
def raises(error, argument: str, *fix: str):
    """``pytest.raises(error)`` whose message names ``argument`` and contains every fragment of ``fix``."""
    with pytest.raises(error) as caught:
        yield caught
    message = str(caught.value)
    assert argument in message, f"the message does not name the argument {argument!r}: {message!r}"
    missing = [fragment for fragment in fix if fragment not in message]
    assert not missing, f"the message lacks {missing}: {message!r}"


@pytest.fixture(params=["numpy", "strict"])
def backend_name(request):
    """Run the test under each CPU backend; the previous backend is restored after."""
    with tm.use_backend(request.param):
        yield request.param


@pytest.fixture
def net(backend_name):
    """A sigmoid network [n_x, 4, n_y] on the test's backend."""
    return tm.MLP([N_X, 4, N_Y], seed=0)


@pytest.fixture
def softmax_net(backend_name):
    return tm.MLP([N_X, 4, 3], output="softmax", seed=0)


def data(m: int = M):
    """Host X (n_x, m) and Y (n_y, m) of 0/1 with one "?"."""
    rng = np.random.default_rng(0)
    X = rng.standard_normal((N_X, m))  # (n_x, m)
    Y = (rng.random((N_Y, m)) > 0.5).astype(float)  # (n_y, m)
    Y[0, 0] = NAN
    return X, Y


# --- X ---------------------------------------------------------------------------------------


def test_X_given_as_m_by_n_x_says_transposed(net):
    X, Y = data()
    with raises(ValueError, "X", "transposed", "X.T", f"({N_X}, m)"):
        net.predict_proba(X.T)
    with raises(ValueError, "X", "transposed"):
        net.loss_and_grads(X.T, Y)
    with raises(ValueError, "X", "transposed"):
        tm.fit(net, X.T, Y, epochs=1, progress=False)


@pytest.mark.parametrize("bad", [NAN, INF, -INF])
def test_X_with_nan_or_inf(net, bad):
    X, Y = data()
    X[1, 2] = bad
    with raises(ValueError, "X", "NaN or inf", "finite"):
        net.loss_and_grads(X, Y)
    with raises(ValueError, "X", "NaN or inf"):
        net.predict_proba(X)
    with raises(ValueError, "X", "NaN or inf"):
        tm.fit(net, X, Y, epochs=1, progress=False)


def test_no_examples(net):
    X = np.zeros((N_X, 0))
    with raises(ValueError, "X", "no examples", "m = 0"):
        net.loss_and_grads(X, np.zeros((N_Y, 0)))
    with raises(ValueError, "X", "no examples"):
        net.predict_proba(X)
    with raises(ValueError, "X", "no examples"):
        tm.fit(net, X, np.zeros((N_Y, 0)), epochs=1, progress=False)


def test_X_with_the_wrong_n_x_at_predict_time(net):
    X = np.ones((N_X + 1, M))
    with raises(ValueError, "X", f"({N_X}, m)", "layer_dims[0]"):
        net.predict_proba(X)
    with raises(ValueError, "X", "layer_dims[0]"):
        net.predict(X)


def test_one_dimensional_X_says_how_to_make_one_example(net):
    with raises(ValueError, "X", "2-D", "X.reshape(-1, 1)"):
        net.predict_proba(np.ones(N_X))
    with raises(ValueError, "X", "2-D"):
        net.predict_proba(np.ones((N_X, M, 1)))


def test_one_dimensional_Y(net):
    X, _ = data(m=1)
    with raises(ValueError, "Y", "2-D", "Y.reshape(-1, 1)"):
        net.loss_and_grads(X, np.ones(N_Y))


@pytest.mark.parametrize(
    "bad",
    [np.full((N_X, M), "a"), [["1.0"] * M] * N_X, np.full((N_X, M), None), np.ones((N_X, M), dtype=complex)],
    ids=["str array", "list of str", "object", "complex"],
)
def test_X_that_is_not_numbers(net, bad):
    with raises(TypeError, "X", "dtype", "expected numbers"):
        net.predict_proba(bad)


def test_Y_that_is_not_numbers(net):
    X, _ = data()
    with raises(TypeError, "Y", "dtype", "expected numbers"):
        net.loss_and_grads(X, np.full((N_Y, M), "1"))


def test_ragged_list_X_names_X(net):
    ragged = [[1.0, 2.0], [3.0], [4.0, 5.0]]  # rows of different lengths
    with raises(ValueError, "X"):
        net.predict_proba(ragged)


# --- Y -----------------------------------------------------------------------------------------


def test_Y_with_the_wrong_number_of_rows(net):
    X, _ = data()
    with raises(ValueError, "Y", f"({N_Y}, {M})", f"n_y = {N_Y}"):
        net.loss_and_grads(X, np.zeros((N_Y + 1, M)))


def test_Y_with_the_wrong_number_of_columns(net):
    X, _ = data()
    with raises(ValueError, "Y", f"({N_Y}, {M})", f"m = {M}"):
        net.loss_and_grads(X, np.zeros((N_Y, M - 1)))
    with raises(ValueError, "Y", f"({N_Y}, {M})"):
        tm.fit(net, X, np.zeros((N_Y, M + 1)), epochs=1, progress=False)


def test_Y_transposed(net):
    X, Y = data()
    with raises(ValueError, "Y", "transposed", "Y.T"):
        net.loss_and_grads(X, Y.T)


@pytest.mark.parametrize("bad", [2.0, 0.5, INF, -INF, -1.0])
def test_labels_other_than_0_1_nan(net, bad):
    X, Y = data()
    Y[1, 3] = bad
    with raises(ValueError, "Y", "0, 1 or NaN"):
        net.loss_and_grads(X, Y)
    with raises(ValueError, "Y", "0, 1 or NaN"):
        tm.fit(net, X, Y, epochs=1, progress=False)


@pytest.mark.parametrize("bad, shown", [(7.0, "7"), (0.25, "0.25"), (-3.0, "-3")])
def test_labels_error_shows_the_value_found(net, bad, shown):
    # "what was given": the message should show an offending label, as tinymtl.metrics does.
    X, Y = data()
    Y[1, 3] = bad
    with raises(ValueError, "Y", shown):
        net.loss_and_grads(X, Y)


@pytest.mark.parametrize(
    "column",
    [[1.0, 1.0, 0.0], [0.0, 0.0, 0.0], [1.0, NAN, 0.0], [NAN, NAN, 0.0]],
    ids=["two ones", "no one", "one and a ?", "a 0 and two ?"],
)
def test_softmax_Y_not_one_hot(softmax_net, column):
    X, _ = data(m=3)
    Y = np.eye(3)  # one-hot columns: (3, 3)
    Y[:, 1] = column
    with raises(ValueError, "Y", "one-hot", "output='sigmoid'"):
        softmax_net.loss_and_grads(X, Y)
    with raises(ValueError, "Y", "one-hot"):
        tm.softmax_cross_entropy(np.zeros((3, 3)), Y)


# --- the network's construction ----------------------------------------------------------------


@pytest.mark.parametrize(
    "layer_dims, fix",
    [
        ([3, 0, 2], "positive integer"),
        ([3, -4, 2], "positive integer"),
        ([3, 2.0, 2], "positive integer"),
        ([3, True, 2], "positive integer"),
        ([3, "4", 2], "positive integer"),
        ([5], "at least two sizes"),
        ([], "at least two sizes"),
        (5, "at least two sizes"),
        (None, "at least two sizes"),
    ],
    ids=["zero", "negative", "float", "bool", "str", "single size", "empty", "int", "None"],
)
def test_bad_layer_sizes(layer_dims, fix):
    with raises(ValueError, "layer_dims", fix):
        tm.MLP(layer_dims)


def test_bad_layer_size_names_its_position():
    with raises(ValueError, "layer_dims", "entry 2", "-1"):
        tm.MLP([3, 4, -1])


@pytest.mark.parametrize(
    "argument, value, valid",
    [
        ("hidden", "swish", ["'relu'", "'leaky_relu'", "'tanh'", "'sigmoid'"]),
        ("hidden", None, ["'relu'", "'leaky_relu'", "'tanh'", "'sigmoid'"]),
        ("output", "linear", ["'sigmoid'", "'softmax'"]),
        ("init", "glorot", ["'he'", "'xavier'"]),
        ("dtype", "float16", ["'float64'", "'float32'"]),
        ("dtype", "nonsense", ["'float64'", "'float32'"]),
        ("dtype", np.int64, ["'float64'", "'float32'"]),
    ],
)
def test_unknown_choice_lists_the_valid_ones(argument, value, valid):
    # The message shows what was given (its repr) and lists every valid choice.
    with raises(ValueError, argument, repr(value), *valid):
        tm.MLP([3, 2], **{argument: value})


@pytest.mark.parametrize("seed", ["abc", -1, 1.5])
def test_bad_seed_names_seed(seed):
    with raises((ValueError, TypeError), "seed"):
        tm.MLP([3, 2], seed=seed)


# --- the backend -------------------------------------------------------------------------------


@pytest.fixture
def fresh_backend(monkeypatch):
    """Nothing chosen yet and no TINYMTL_BACKEND (both restored after the test)."""
    monkeypatch.setattr(backend_module, "_active", None)
    monkeypatch.delenv("TINYMTL_BACKEND", raising=False)


@pytest.mark.parametrize("name", ["tpu", "", None, 3])
def test_unknown_backend_lists_the_valid_ones(fresh_backend, name):
    with raises(ValueError, "backend", repr(name), "'numpy'", "'cupy'", "'strict'"):
        tm.set_backend(name)
    assert tm.get_backend() == "numpy", "a refused set_backend must change nothing"


def test_invalid_TINYMTL_BACKEND_names_the_variable(fresh_backend, monkeypatch):
    monkeypatch.setenv("TINYMTL_BACKEND", "tpu")
    with raises(ValueError, "TINYMTL_BACKEND", "'tpu'", "'numpy'", "'strict'"):
        tm.get_backend()
    with raises(ValueError, "TINYMTL_BACKEND"):
        tm.MLP([3, 2])  # the first use of the backend reads the variable
    monkeypatch.setenv("TINYMTL_BACKEND", "numpy")
    assert tm.get_backend() == "numpy", "after fixing the variable, the backend must be usable"


def test_cupy_from_TINYMTL_BACKEND_without_cupy_names_the_variable(fresh_backend, monkeypatch):
    # The user never called set_backend("cupy"): the error should say where "cupy" came from.
    monkeypatch.setitem(sys.modules, "cupy", None)  # `import cupy` fails, even where it is installed
    monkeypatch.setattr(backend_module, "_cupy", None)
    monkeypatch.setenv("TINYMTL_BACKEND", "cupy")
    with raises(ImportError, "TINYMTL_BACKEND", 'pip install "tinymtl[gpu]"'):
        tm.get_backend()


def test_set_backend_cupy_without_cupy_says_how_to_install(fresh_backend):
    try:
        import cupy  # noqa: F401
    except ImportError:
        pass
    else:
        pytest.skip("CuPy is installed here; test_backend.py simulates its absence instead")
    with raises(ImportError, "CuPy", 'pip install "tinymtl[gpu]"'):
        tm.set_backend("cupy")
    assert tm.get_backend() == "numpy"


# --- the training arguments -------------------------------------------------------------------


@pytest.mark.parametrize("batch_size", [0, -8, 2.5, "64", None, True])
def test_non_positive_batch_size(net, batch_size):
    X, Y = data()
    with raises(ValueError, "batch_size", "positive integer", repr(batch_size)):
        tm.fit(net, X, Y, batch_size=batch_size, progress=False)


@pytest.mark.parametrize("epochs", [0, -1, 1.5, None])
def test_non_positive_epochs(net, epochs):
    X, Y = data()
    with raises(ValueError, "epochs", "positive integer", repr(epochs)):
        tm.fit(net, X, Y, epochs=epochs, progress=False)


@pytest.mark.parametrize("name", OPTIMIZERS)
@pytest.mark.parametrize("lr", [0, -0.1, NAN, INF, "0.1", None, True])
def test_non_positive_learning_rate(name, lr):
    with raises(ValueError, "lr", "positive"):
        OPTIMIZERS[name](lr=lr)


@pytest.mark.parametrize(
    "make, argument",
    [
        (lambda beta: tm.Momentum(lr=0.1, beta=beta), "beta"),
        (lambda beta: tm.RMSProp(lr=0.1, beta=beta), "beta"),
        (lambda beta: tm.Adam(lr=0.1, beta1=beta), "beta1"),
        (lambda beta: tm.Adam(lr=0.1, beta2=beta), "beta2"),
    ],
    ids=["Momentum", "RMSProp", "Adam beta1", "Adam beta2"],
)
@pytest.mark.parametrize("beta", [1.0, 1.5, -0.1, NAN, INF, "0.9", None, True])
def test_bad_betas(make, argument, beta):
    with raises(ValueError, argument, "[0, 1)"):
        make(beta)


@pytest.mark.parametrize("make", [lambda eps: tm.RMSProp(lr=0.1, eps=eps), lambda eps: tm.Adam(eps=eps)])
@pytest.mark.parametrize("eps", [0, -1e-8, NAN])
def test_bad_eps(make, eps):
    with raises(ValueError, "eps", "positive"):
        make(eps)


@pytest.mark.parametrize("optimizer", [tm.Adam, "adam", 0.01])
def test_optimizer_that_is_not_an_optimizer(net, optimizer):
    X, Y = data()
    with raises(TypeError, "optimizer", "tm.Adam(lr=1e-3)"):
        tm.fit(net, X, Y, optimizer=optimizer, progress=False)


@pytest.mark.parametrize("l2", [-0.1, NAN, INF, "0.1", None])
def test_bad_l2(net, l2):
    X, Y = data()
    with raises(ValueError, "l2", ">= 0"):
        net.loss_and_grads(X, Y, l2=l2)
    with raises(ValueError, "l2", ">= 0"):
        tm.fit(net, X, Y, l2=l2, progress=False)


@pytest.mark.parametrize("normalizer", ["mean", "M", None])
def test_bad_normalizer_lists_the_valid_ones(net, normalizer):
    X, Y = data()
    with raises(ValueError, "normalizer", "'m'", "'labelled'", "'per_task'"):
        net.loss_and_grads(X, Y, normalizer=normalizer)
    with raises(ValueError, "normalizer", "'per_task'"):
        tm.fit(net, X, Y, normalizer=normalizer, progress=False)
    with raises(ValueError, "normalizer", "'per_task'"):
        tm.masked_logistic_loss(np.zeros((N_Y, M)), Y, normalizer=normalizer)


def test_per_task_normalizer_is_refused_for_softmax(softmax_net):
    X, _ = data(m=3)
    with raises(ValueError, "normalizer", "'m'", "'labelled'"):
        softmax_net.loss_and_grads(X, np.eye(3), normalizer="per_task")


@pytest.mark.parametrize(
    "task_weights",
    [[1.0], [1.0, 2.0, 3.0], [1.0, -1.0], [1.0, NAN], [INF, 1.0], np.ones((N_Y, 2))],
    ids=["too few", "too many", "negative", "nan", "inf", "wrong shape"],
)
def test_bad_task_weights(net, task_weights):
    X, Y = data()
    with raises(ValueError, "task_weights", f"{N_Y} finite weights >= 0"):
        net.loss_and_grads(X, Y, task_weights=task_weights)
    with raises(ValueError, "task_weights"):
        tm.fit(net, X, Y, task_weights=task_weights, progress=False)


def test_task_weights_that_are_not_numbers_name_task_weights(net):
    X, Y = data()
    with raises(ValueError, "task_weights"):
        net.loss_and_grads(X, Y, task_weights=["a", "b"])


def test_task_weights_for_a_softmax_net(softmax_net):
    X, _ = data(m=3)
    with raises(ValueError, "task_weights", "sigmoid"):
        softmax_net.loss_and_grads(X, np.eye(3), task_weights=[1.0, 1.0, 1.0])


@pytest.mark.parametrize(
    "validation", [np.ones((N_X, M)), (np.ones((N_X, M)),), "val", 0.2], ids=["array", "1-tuple", "str", "fraction"]
)
def test_validation_that_is_not_a_pair(net, validation):
    X, Y = data()
    with raises(TypeError, "validation", "pair", "(X_val, Y_val)"):
        tm.fit(net, X, Y, validation=validation, epochs=1, progress=False)


def test_validation_triple_is_not_a_pair(net):
    X, Y = data()
    with raises(TypeError, "validation", "pair"):
        tm.fit(net, X, Y, validation=(X, Y, X), epochs=1, progress=False)


def test_bad_validation_data_says_it_is_the_validation_data(net):
    # The message names X, but the user passed X_val: it should say which of the two is wrong.
    X, Y = data()
    with raises(ValueError, "val"):
        tm.fit(net, X, Y, validation=(np.ones((N_X + 1, M)), Y), epochs=1, progress=False)


@pytest.mark.parametrize("threshold", [0, 1, 1.5, -0.1, NAN])
def test_threshold_outside_0_1(net, threshold):
    X, _ = data()
    with raises(ValueError, "threshold", "between 0 and 1"):
        net.predict(X, threshold=threshold)


def test_threshold_that_is_not_a_number_names_threshold(net):
    X, _ = data()
    with raises((ValueError, TypeError), "threshold"):
        net.predict(X, threshold="0.5")


# --- the public loss functions ------------------------------------------------------------------


def test_public_loss_names_logits_not_X(backend_name):
    # tm.masked_logistic_loss(logits, Y) has no argument called X.
    with raises(ValueError, "logits"):
        tm.masked_logistic_loss(np.array([[NAN, 0.0]]), np.array([[1.0, 0.0]]))
    with raises(ValueError, "logits"):
        tm.softmax_cross_entropy(np.zeros(3), np.eye(3)[:, :1])


def test_public_loss_with_Y_of_another_shape(backend_name):
    with raises(ValueError, "Y", "(2, 3)", "transposed"):
        tm.masked_logistic_loss(np.zeros((2, 3)), np.zeros((3, 2)))


# --- valid inputs: the same numbers as plain float64 arrays ------------------------------------


def reference_results(net, X, Y):
    """J, gradients and Ŷ from float64, C-ordered host arrays."""
    J, grads = net.loss_and_grads(np.ascontiguousarray(X, dtype=float), np.ascontiguousarray(Y, dtype=float))
    return J, grads, net.predict_proba(np.ascontiguousarray(X, dtype=float))


def assert_same_results(net, X, Y, X_ref, Y_ref, what):
    J_ref, grads_ref, P_ref = reference_results(net, X_ref, Y_ref)
    J, grads = net.loss_and_grads(X, Y)
    assert_same(J, J_ref, f"J for {what}")
    for name in grads_ref:
        assert_same(grads[name], grads_ref[name], f"{name} for {what}")
    assert_same(net.predict_proba(X), P_ref, f"predict_proba for {what}")


def labelled_data():
    """Host X (n_x, m) and fully labelled integer Y (n_y, m)."""
    X, _ = data()
    Y = np.array([[1, 0, 0, 1, 1], [0, 0, 1, 1, 0]])  # (n_y, m), int64
    return X, Y


def test_integer_labels(net):
    X, Y = labelled_data()
    for dtype in (np.int64, np.int32, np.uint8):
        assert_same_results(net, X, Y.astype(dtype), X, Y, f"{np.dtype(dtype)} labels")


def test_boolean_labels(net):
    X, Y = labelled_data()
    assert_same_results(net, X, Y.astype(bool), X, Y, "bool labels")


def test_integer_one_hot_labels_for_softmax(softmax_net):
    X, _ = data(m=3)
    Y = np.eye(3, dtype=int)[:, [2, 0, 1]]  # (C, m)
    assert_same_results(softmax_net, X, Y, X, Y, "int one-hot labels")


def test_lists(net):
    X, Y = data()
    assert_same_results(net, X.tolist(), Y.tolist(), X, Y, "lists")


def test_fortran_ordered_arrays(net):
    X, Y = data()
    assert_same_results(net, np.asfortranarray(X), np.asfortranarray(Y), X, Y, "Fortran-ordered arrays")


def test_non_contiguous_views(net):
    X, Y = data(m=2 * M)
    X_ref, Y_ref = X[:, ::2].copy(), Y[:, ::2].copy()
    assert_same_results(net, X[:, ::2], Y[:, ::2], X_ref, Y_ref, "strided views")


def test_integer_and_float32_features(net):
    X = np.arange(N_X * M).reshape(N_X, M) % 3  # (n_x, m), int64
    _, Y = data()
    assert_same_results(net, X, Y, X, Y, "integer X")
    X32 = np.random.default_rng(1).standard_normal((N_X, M)).astype(np.float32)
    assert_same_results(net, X32, Y, X32, Y, "float32 X into a float64 net")


def test_a_single_example(net):
    X, Y = data(m=1)  # (n_x, 1), (n_y, 1)
    J, grads = net.loss_and_grads(X, Y)
    assert isinstance(J, float)
    assert np.isfinite(J)
    for name, p in net.params.items():
        assert grads[f"d{name}"].shape == p.shape, f"d{name}: got {grads[f'd{name}'].shape}, expected {p.shape}"
    P = net.predict_proba(X)
    assert P.shape == (N_Y, 1)
    assert net.predict(X).shape == (N_Y, 1)
    history = tm.fit(net, X, Y, epochs=2, batch_size=4, validation=(X, Y), progress=False)
    assert len(history.loss) == 2
    assert history.val_accuracy[-1].shape == (N_Y,)


def test_fit_accepts_every_valid_kind_of_input(net):
    X, Y = labelled_data()
    cases = {
        "lists": (X.tolist(), Y.tolist()),
        "int labels": (X, Y),
        "bool labels": (X, Y.astype(bool)),
        "Fortran": (np.asfortranarray(X), np.asfortranarray(Y)),
    }
    reference = tm.MLP([N_X, 4, N_Y], seed=0)
    expected = tm.fit(reference, X, Y.astype(float), epochs=2, batch_size=2, progress=False)
    for what, (X_case, Y_case) in cases.items():
        trained = tm.MLP([N_X, 4, N_Y], seed=0)
        history = tm.fit(trained, X_case, Y_case, epochs=2, batch_size=2, validation=(X_case, Y_case), progress=False)
        assert history.loss == expected.loss, f"fit on {what}: loss {history.loss}, expected {expected.loss}"
        for name in reference.params:
            assert_same(trained.params[name], reference.params[name], f"{name} after fit on {what}")


def test_layer_dims_as_tuple_or_numpy_array():
    for layer_dims in ((3, 4, 2), np.array([3, 4, 2]), [np.int64(3), np.int32(4), 2]):
        net = tm.MLP(layer_dims)
        assert net.layer_dims == (3, 4, 2)
        assert all(type(n) is int for n in net.layer_dims), f"{layer_dims!r}: sizes should be Python ints"


def test_numpy_scalar_hyperparameters(net):
    X, Y = data()
    history = tm.fit(
        net,
        X,
        Y,
        optimizer=tm.GradientDescent(lr=np.float32(0.1)),
        epochs=np.int64(2),
        batch_size=np.int64(2),
        l2=np.float32(0.1),
        progress=False,
    )
    assert len(history.loss) == 2


@pytest.mark.parametrize(
    "make",
    [
        lambda: tm.Momentum(lr=0.1, beta=np.float32(0.9)),
        lambda: tm.RMSProp(lr=0.1, beta=np.float32(0.99)),
        lambda: tm.Adam(lr=0.1, beta1=np.float32(0.9), beta2=np.float64(0.999)),
    ],
    ids=["Momentum", "RMSProp", "Adam"],
)
def test_numpy_scalar_betas(make):
    # lr accepts np.float32; the betas should too (they are read from configs as NumPy scalars).
    optimizer = make()
    assert 0 < optimizer.lr


def test_hidden_activation_names_are_exact():
    # A near-miss is refused rather than guessed.
    with raises(ValueError, "hidden", "'relu'"):
        tm.MLP([3, 2], hidden="ReLU")
