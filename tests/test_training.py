"""Tests for the training loop: history, learning, reproducibility, progress output, divergence, dtypes.

A few checks compare ``fit`` with :meth:`MLP.loss_and_grads` on the whole
training set: with a learning rate so small that no parameter moves, the loss
of the first epoch must be the cost J of the data, whatever the mini-batches.
"""

from __future__ import annotations

import numpy as np
import pytest

import tinymtl as tm
from tinymtl.regularization import l2_cost
from tinymtl.strict import StrictArray

from .conftest import assert_same

NAN = float("nan")


# --- helpers ----------------------------------------------------------------------------


@pytest.fixture(params=["numpy", "strict"])
def backend_name(request):
    """Run the test under each CPU backend; the previous backend is restored after."""
    with tm.use_backend(request.param):
        yield request.param


def learnable(m: int = 120, n_x: int = 4, n_y: int = 3, unknown: float = 0.2, seed: int = 0):
    """Host X (n_x, m) and Y (n_y, m): each task is the sign of one feature, with ``unknown`` of the labels "?"."""
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((n_x, m))  # (n_x, m)
    Y = (X[:n_y] > 0).astype(float)  # task j: is feature j positive?  (n_y, m)
    Y[rng.random((n_y, m)) < unknown] = NAN
    return X, Y


def host_params(net) -> dict:
    """Copies of the parameters on the host (to_numpy of a host array is the array itself, hence the copy)."""
    return {name: tm.to_numpy(p).copy() for name, p in net.params.items()}


def all_finite(net) -> bool:
    return all(np.isfinite(tm.to_numpy(p)).all() for p in net.params.values())


# --- the history ------------------------------------------------------------------------------


def test_history_has_one_entry_per_epoch(backend_name):
    X, Y = learnable()
    X_val, Y_val = learnable(m=40, seed=1)
    net = tm.MLP([4, 8, 3], seed=0)
    history = tm.fit(net, X, Y, epochs=4, batch_size=32, validation=(X_val, Y_val), progress=False)
    assert isinstance(history, tm.History)
    for name in ("loss", "val_loss", "val_accuracy", "val_f1", "seconds"):
        assert len(getattr(history, name)) == 4, f"history.{name}: {len(getattr(history, name))} entries, expected 4"
    assert all(type(J) is float for J in history.loss + history.val_loss), "losses should be Python floats"
    for name in ("val_accuracy", "val_f1"):
        for epoch, values in enumerate(getattr(history, name), 1):
            assert type(values) is np.ndarray, f"history.{name}[{epoch}]: {type(values).__name__}, expected host"
            assert values.shape == (3,), f"history.{name}[{epoch}]: shape {values.shape}, expected (n_y,) = (3,)"
            assert values.dtype == np.float64
            assert ((0 <= values) & (values <= 1)).all()
    assert all(s >= 0 for s in history.seconds)


def test_history_without_validation_has_empty_validation_lists():
    X, Y = learnable()
    history = tm.fit(tm.MLP([4, 8, 3], seed=0), X, Y, epochs=2, progress=False)
    assert len(history.loss) == 2
    assert history.val_loss == [] and history.val_accuracy == [] and history.val_f1 == []


def test_validation_metrics_are_those_of_the_trained_network():
    X, Y = learnable()
    X_val, Y_val = learnable(m=40, seed=1)
    net = tm.MLP([4, 8, 3], seed=0)
    history = tm.fit(net, X, Y, epochs=3, batch_size=32, validation=(X_val, Y_val), l2=0.01, progress=False)
    report = tm.metrics.report(Y_val, net.predict_proba(X_val))
    assert_same(history.val_accuracy[-1], report.accuracy, "val_accuracy of the last epoch")
    assert_same(history.val_f1[-1], report.f1, "val_f1 of the last epoch")
    J_val, _ = net.loss_and_grads(X_val, Y_val, l2=0.01)
    assert history.val_loss[-1] == pytest.approx(J_val, rel=1e-14)


def test_softmax_validation_metrics_have_one_entry_per_class():
    rng = np.random.default_rng(0)
    X = rng.standard_normal((4, 60))
    Y = np.eye(3)[:, np.argmax(X[:3], axis=0)]  # the largest of the first three features: (3, m)
    net = tm.MLP([4, 8, 3], output="softmax", seed=0)
    history = tm.fit(net, X, Y, epochs=2, batch_size=16, validation=(X, Y), progress=False)
    assert history.val_accuracy[-1].shape == (3,)
    assert history.val_f1[-1].shape == (3,)


# --- learning -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "make_optimizer",  # a fresh optimizer per test: its state belongs to one network
    [
        lambda: tm.GradientDescent(lr=0.5),
        lambda: tm.Momentum(lr=0.5),
        lambda: tm.RMSProp(lr=0.01),
        lambda: tm.Adam(lr=0.02),
    ],
    ids=["GradientDescent", "Momentum", "RMSProp", "Adam"],
)
def test_loss_decreases_on_a_learnable_problem(backend_name, make_optimizer):
    optimizer = make_optimizer()
    X, Y = learnable()
    X_val, Y_val = learnable(m=200, unknown=0.0, seed=1)
    net = tm.MLP([4, 16, 3], seed=0)
    history = tm.fit(
        net, X, Y, optimizer=optimizer, epochs=40, batch_size=16, validation=(X_val, Y_val), progress=False
    )
    assert history.loss[-1] < 0.5 * history.loss[0], f"loss went from {history.loss[0]} to {history.loss[-1]}"
    assert history.val_loss[-1] < history.val_loss[0]
    assert history.val_accuracy[-1].min() > 0.9, f"validation accuracy per task: {history.val_accuracy[-1]}"


def test_fit_updates_the_parameters_in_place(backend_name):
    X, Y = learnable()
    net = tm.MLP([4, 8, 3], seed=0)
    params_dict, objects, before = net.params, dict(net.params), host_params(net)
    tm.fit(net, X, Y, epochs=2, progress=False)
    assert net.params is params_dict
    for name, p in net.params.items():
        assert p is objects[name], f"fit rebound net.params[{name!r}]"
        assert not np.array_equal(tm.to_numpy(p), before[name]), f"{name} did not change"


# --- reproducibility -------------------------------------------------------------------------------


def train(backend_name="numpy", net_seed=0, shuffle_seed=0, dtype="float64"):
    """(history, params) after a short training with validation and "?" labels."""
    X, Y = learnable()
    X_val, Y_val = learnable(m=40, seed=1)
    with tm.use_backend(backend_name):
        net = tm.MLP([4, 8, 8, 3], hidden="leaky_relu", seed=net_seed, dtype=dtype)
        history = tm.fit(
            net,
            X,
            Y,
            optimizer=tm.Adam(lr=0.01),
            epochs=3,
            batch_size=16,
            seed=shuffle_seed,
            validation=(X_val, Y_val),
            l2=0.01,
            progress=False,
        )
        return history, host_params(net)


@pytest.mark.parametrize("dtype", ["float64", "float32"])
def test_same_seed_gives_identical_numbers(dtype):
    history_a, params_a = train(dtype=dtype)
    history_b, params_b = train(dtype=dtype)
    assert history_a.loss == history_b.loss
    assert history_a.val_loss == history_b.val_loss
    for epoch in range(3):
        assert_same(history_a.val_accuracy[epoch], history_b.val_accuracy[epoch], f"val_accuracy[{epoch}]")
        assert_same(history_a.val_f1[epoch], history_b.val_f1[epoch], f"val_f1[{epoch}]")
    for name in params_a:
        assert_same(params_b[name], params_a[name], name)


def test_same_seed_gives_identical_numbers_on_strict_and_numpy():
    history_numpy, params_numpy = train("numpy")
    history_strict, params_strict = train("strict")
    assert history_strict.loss == history_numpy.loss
    for name in params_numpy:
        assert_same(params_strict[name], params_numpy[name], name)


def test_another_shuffling_seed_gives_other_numbers():
    history_a, params_a = train(shuffle_seed=0)
    history_b, params_b = train(shuffle_seed=1)
    assert history_a.loss != history_b.loss
    assert not np.array_equal(params_a["W1"], params_b["W1"])


def test_another_network_seed_gives_other_numbers():
    history_a, params_a = train(net_seed=0)
    history_b, params_b = train(net_seed=1)
    assert history_a.loss[0] != history_b.loss[0]
    assert not np.array_equal(params_a["W1"], params_b["W1"])


# --- what the epoch loss is ---------------------------------------------------------------------


def test_epoch_loss_is_the_mean_over_examples_with_uneven_batches(backend_name):
    # m = 10 in batches of 4, 4, 2: the last batch must weigh 2/10, not 1/3 (normalizer "m", the lecture's).
    X, Y = learnable(m=10)
    net = tm.MLP([4, 8, 3], seed=0)
    J, _ = net.loss_and_grads(X, Y)
    # lr = 1e-300: steps of ~1e-300 leave every parameter where it was, up to rounding (b = 0 moves to ~1e-301).
    history = tm.fit(net, X, Y, optimizer=tm.GradientDescent(lr=1e-300), epochs=1, batch_size=4, progress=False)
    assert history.loss[0] == pytest.approx(J, rel=1e-14), "epoch loss vs J on the whole training set"


def test_epoch_loss_with_l2_is_the_cost_of_the_training_set(backend_name):
    # The L2 term λ/(2m)Σ‖W‖² belongs once to the cost of the training set; summing each batch's
    # λ/(2 m_b)Σ‖W‖² · m_b / m counts it once per batch (here 3 times).
    X, Y = learnable(m=10)
    net = tm.MLP([4, 8, 3], seed=0)
    J, _ = net.loss_and_grads(X, Y, l2=0.5)
    history = tm.fit(net, X, Y, optimizer=tm.GradientDescent(lr=1e-300), epochs=1, batch_size=4, l2=0.5, progress=False)
    assert history.loss[0] == pytest.approx(J, rel=1e-12), "epoch loss vs J (with L2) on the whole training set"


def test_batch_size_larger_than_m(backend_name):
    X, Y = learnable(m=10)
    net = tm.MLP([4, 8, 3], seed=0)
    J0_data, _ = net.loss_and_grads(X, Y)  # the data term at the starting parameters
    history = tm.fit(net, X, Y, optimizer=tm.GradientDescent(lr=0.1), epochs=1, batch_size=1000, l2=0.1, progress=False)
    assert len(history.loss) == 1
    # One batch: the data term is J's at the starting parameters; the L2 term is the end-of-epoch weights'.
    assert history.loss[0] == pytest.approx(J0_data + float(l2_cost(net.params, 0.1, 10)), rel=1e-14)
    later = tm.fit(net, X, Y, optimizer=tm.GradientDescent(lr=0.1), epochs=3, batch_size=1000, l2=0.1, progress=False)
    assert later.loss[-1] < history.loss[0]


def test_batch_size_one(backend_name):
    X, Y = learnable(m=6)
    history = tm.fit(tm.MLP([4, 3], seed=0), X, Y, epochs=2, batch_size=1, progress=False)
    assert len(history.loss) == 2
    assert all(np.isfinite(history.loss))


# --- "?" everywhere --------------------------------------------------------------------------------


@pytest.mark.parametrize("normalizer", ["m", "labelled", "per_task"])
@pytest.mark.parametrize("dtype", ["float64", "float32"])
def test_all_unknown_batch_gives_zero_loss_and_zero_gradients(backend_name, normalizer, dtype):
    X, _ = learnable(m=5)
    Y = np.full((3, 5), NAN)  # every label "?"
    net = tm.MLP([4, 6, 3], seed=0, dtype=dtype)
    J, grads = net.loss_and_grads(X, Y, normalizer=normalizer)
    assert J == 0.0
    for name, p in net.params.items():
        g = grads[f"d{name}"]
        assert g.shape == p.shape, f"d{name}: shape {g.shape}, expected {p.shape}"
        assert g.dtype == np.dtype(dtype), f"d{name}: dtype {g.dtype}, expected {dtype}"
        assert_same(g, np.zeros(p.shape, dtype=dtype), f"d{name} with every label '?'")


def test_all_unknown_softmax_columns_give_zero_loss_and_zero_gradients(backend_name):
    X, _ = learnable(m=5)
    net = tm.MLP([4, 6, 3], output="softmax", seed=0)
    for normalizer in ("m", "labelled"):
        J, grads = net.loss_and_grads(X, np.full((3, 5), NAN), normalizer=normalizer)
        assert J == 0.0
        for name, g in grads.items():
            assert_same(g, np.zeros(g.shape), f"{name} ({normalizer}) with every class unknown")


def test_all_unknown_with_l2_leaves_only_the_l2_term(backend_name):
    X, _ = learnable(m=5)
    net = tm.MLP([4, 6, 3], seed=0)
    J, grads = net.loss_and_grads(X, np.full((3, 5), NAN), l2=0.5)
    W = {name: tm.to_numpy(p) for name, p in net.params.items()}
    assert J == pytest.approx(0.5 / (2 * 5) * sum((W[k] ** 2).sum() for k in ("W1", "W2")), rel=1e-14)
    np.testing.assert_allclose(tm.to_numpy(grads["dW1"]), (0.5 / 5) * W["W1"], rtol=1e-14)
    assert_same(grads["db1"], np.zeros((6, 1)), "db1")


@pytest.mark.parametrize(
    "make_optimizer", [lambda: tm.GradientDescent(lr=0.1), lambda: tm.Adam(lr=0.1)], ids=["GD", "Adam"]
)
def test_fit_on_all_unknown_labels_changes_nothing(backend_name, make_optimizer):
    optimizer = make_optimizer()
    X, _ = learnable(m=8)
    net = tm.MLP([4, 6, 3], seed=0)
    before = host_params(net)
    history = tm.fit(net, X, np.full((3, 8), NAN), optimizer=optimizer, epochs=2, batch_size=3, progress=False)
    assert history.loss == [0.0, 0.0]
    for name, p in net.params.items():
        assert_same(p, before[name], f"{name} after training on no labels")


# --- progress output ---------------------------------------------------------------------------------


def test_progress_false_prints_nothing(capsys):
    X, Y = learnable()
    tm.fit(tm.MLP([4, 8, 3], seed=0), X, Y, epochs=3, validation=(X, Y), progress=False)
    captured = capsys.readouterr()
    assert captured.err == "", f"stderr: {captured.err!r}"
    assert captured.out == "", f"stdout: {captured.out!r}"


def test_progress_true_prints_a_line_per_epoch(capsys):
    X, Y = learnable()
    history = tm.fit(tm.MLP([4, 8, 3], seed=0), X, Y, epochs=3, validation=(X, Y), progress=True)
    captured = capsys.readouterr()
    assert captured.out == "", "progress belongs on stderr"
    for epoch in (1, 2, 3):
        assert f"epoch {epoch}/3" in captured.err, f"no line for epoch {epoch}: {captured.err!r}"
    assert captured.err.count("\n") == 3, f"expected one finished line per epoch: {captured.err!r}"
    assert f"loss {history.loss[-1]:.4f}" in captured.err
    assert "val_loss" in captured.err and "val_acc" in captured.err


# --- divergence ---------------------------------------------------------------------------------------


def diverging_setup():
    """A ReLU network, inputs of size 1e100 and GD with lr = 1e300: the loss becomes NaN within two epochs."""
    X, Y = learnable(m=20, n_x=3, n_y=2, unknown=0.0)
    return tm.MLP([3, 16, 16, 2], hidden="relu", seed=0), X * 1e100, Y


@pytest.mark.parametrize("batch_size", [4, 64], ids=["5 batches", "one batch"])
def test_huge_learning_rate_raises_and_restores_finite_parameters(backend_name, batch_size):
    net, X, Y = diverging_setup()
    with np.errstate(over="ignore", invalid="ignore"):  # the overflow is the point of the test
        with pytest.raises(FloatingPointError, match="learning rate") as caught:
            tm.fit(net, X, Y, optimizer=tm.GradientDescent(lr=1e300), epochs=30, batch_size=batch_size, progress=False)
    message = str(caught.value)
    assert "lr=1e+300" in message, f"the message should show the learning rate: {message!r}"
    assert "smaller" in message, f"the message should say what to do: {message!r}"
    assert all_finite(net), "the parameters were left non-finite after the error"


def test_huge_learning_rate_in_the_first_epoch_restores_the_initial_parameters(backend_name):
    net, X, Y = diverging_setup()
    before = host_params(net)
    with np.errstate(over="ignore", invalid="ignore"), pytest.raises(FloatingPointError, match="in epoch 1 "):
        tm.fit(net, X, Y, optimizer=tm.GradientDescent(lr=1e300), epochs=5, batch_size=4, progress=False)
    for name, p in net.params.items():
        assert_same(p, before[name], f"{name} restored to its value at the start of epoch 1")


def test_fit_never_returns_non_finite_parameters(backend_name):
    # One full batch, one epoch: the loss is computed *before* the update that overflows, so it is finite;
    # the returned parameters must be finite all the same (or fit must raise).
    net, X, Y = diverging_setup()
    with np.errstate(over="ignore", invalid="ignore"):
        try:
            tm.fit(net, X, Y, optimizer=tm.GradientDescent(lr=1e300), epochs=1, batch_size=64, progress=False)
        except FloatingPointError:
            pass
    assert all_finite(net), "fit returned with inf/NaN parameters and no error"


# --- dtypes ---------------------------------------------------------------------------------------------


def test_float32_training_stays_float32(backend_name):
    X, Y = learnable()  # float64 host data: converted once, to the network's dtype
    X_val, Y_val = learnable(m=40, seed=1)
    net = tm.MLP([4, 8, 3], seed=0, dtype="float32")
    optimizer = tm.Adam(lr=0.01)
    history = tm.fit(
        net,
        X,
        Y,
        optimizer=optimizer,
        epochs=3,
        batch_size=32,
        validation=(X_val, Y_val),
        l2=0.01,
        normalizer="labelled",
        task_weights=[1.0, 2.0, 0.5],
        progress=False,
    )
    assert all(np.isfinite(history.loss))
    for name, p in net.params.items():
        assert p.dtype == np.float32, f"{name}: dtype {p.dtype} after fit, expected float32"
    for name, state in optimizer.state.items():
        for what, array in state.items():
            assert array.dtype == np.float32, f"optimizer state {name}.{what}: dtype {array.dtype}"
    _, grads = net.loss_and_grads(X, Y, l2=0.01, normalizer="per_task", task_weights=[1.0, 2.0, 0.5])
    for name, g in grads.items():
        assert g.dtype == np.float32, f"{name}: dtype {g.dtype}, expected float32"
    P = net.predict_proba(X_val)
    assert P.dtype == np.float32
    if backend_name == "strict":
        assert isinstance(P, StrictArray)


def test_float32_training_follows_float64_training():
    history_64, params_64 = train(dtype="float64")
    history_32, params_32 = train(dtype="float32")
    np.testing.assert_allclose(history_32.loss, history_64.loss, rtol=1e-4)
    np.testing.assert_allclose(params_32["W1"], params_64["W1"], rtol=1e-3, atol=1e-4)


# --- early stopping -------------------------------------------------------------------------


def test_early_stopping_keeps_the_parameters_of_the_best_validation_epoch(backend_name):
    X, Y = learnable(m=60, seed=3)
    X_val, Y_val = learnable(m=200, seed=4)
    net = tm.MLP([4, 16, 3], seed=0)
    history = tm.fit(net, X, Y, optimizer=tm.Adam(lr=0.05), epochs=40, batch_size=16, validation=(X_val, Y_val),
                     patience=3, progress=False)  # fmt: skip
    scores = [float(np.nanmean(a)) for a in history.val_accuracy]  # one per epoch run
    best = int(np.argmax(scores)) + 1  # the first epoch with the best score
    assert history.best_epoch == best
    assert best < 37 and len(scores) == best + 3  # stopped after 3 epochs without a better one
    assert max(scores[best:], default=-1) <= scores[best - 1]
    again = tm.MLP([4, 16, 3], seed=0)  # the same run, stopped by hand at the best epoch
    tm.fit(again, X, Y, optimizer=tm.Adam(lr=0.05), epochs=best, batch_size=16, progress=False)
    for name, value in host_params(again).items():
        assert_same(net.params[name], value, f"{name} at the best epoch")


def test_early_stopping_without_a_better_epoch_trains_patience_epochs_and_keeps_the_first():
    X, Y = learnable(m=40)
    net = tm.MLP([4, 3], seed=0)
    history = tm.fit(net, X, Y, optimizer=tm.GradientDescent(lr=1e-12), epochs=10, validation=(X, Y), patience=2,
                     progress=False)  # fmt: skip
    assert len(history.loss) == 3 and history.best_epoch == 1  # no later epoch beats the first


def test_without_patience_there_is_no_best_epoch():
    X, Y = learnable(m=40)
    history = tm.fit(tm.MLP([4, 3], seed=0), X, Y, epochs=2, validation=(X, Y), progress=False)
    assert history.best_epoch is None and len(history.loss) == 2


@pytest.mark.parametrize(("options", "message"), [
    ({"patience": 0}, "patience"),
    ({"patience": 2.5}, "patience"),
    ({"patience": 3, "validation": None}, r"patience: early stopping needs validation=\(X_val, Y_val\)"),
])  # fmt: skip
def test_bad_patience(options, message):
    X, Y = learnable(m=20)
    with pytest.raises((ValueError, TypeError), match=message):
        tm.fit(tm.MLP([4, 3], seed=0), X, Y, epochs=2, progress=False, **{"validation": (X, Y), **options})
