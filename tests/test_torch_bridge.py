"""MLP.to_torch and MLP.from_torch: the same network in PyTorch, the same numbers (skipped without PyTorch)."""

from __future__ import annotations

import sys

import numpy as np
import pytest

import tinymtl as tm
from tinymtl import torch_bridge

from .conftest import assert_same

ACTIVATIONS = ["relu", "leaky_relu", "tanh", "sigmoid"]


def problem(n_x=5, n_y=3, m=11, seed=0):
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((n_x, m))
    Y = (rng.random((n_y, m)) < 0.5).astype(float)
    Y[rng.random((n_y, m)) < 0.3] = np.nan  # "?"
    return X, Y


@pytest.fixture
def torch():
    return pytest.importorskip("torch")


@pytest.mark.parametrize("hidden", ACTIVATIONS)
def test_pytorch_gives_the_same_probabilities(torch, hidden):
    X, _ = problem()
    net = tm.MLP([5, 7, 6, 3], hidden=hidden, seed=1)
    module = net.to_torch()
    logits = module(torch.from_numpy(X.T))  # rows X.T: (m, n_x) -> (m, n_y)
    np.testing.assert_allclose(
        torch.sigmoid(logits).detach().numpy().T, tm.to_numpy(net.predict_proba(X)), atol=1e-12, rtol=0
    )


@pytest.mark.parametrize("hidden", ACTIVATIONS)
def test_autograd_of_the_masked_loss_gives_our_gradients(torch, hidden):
    """J = (1/m) Σ over the known entries of BCEWithLogits: the lecture's cost, written in PyTorch."""
    X, Y = problem()
    net = tm.MLP([5, 7, 6, 3], hidden=hidden, seed=2)
    J, grads = net.loss_and_grads(X, Y)
    module = net.to_torch()
    Y_rows = torch.from_numpy(Y.T)  # (m, n_y), NaN = "?"
    known = ~torch.isnan(Y_rows)
    terms = torch.nn.BCEWithLogitsLoss(reduction="none")(module(torch.from_numpy(X.T)), torch.nan_to_num(Y_rows))
    J_torch = torch.where(known, terms, 0.0).sum() / X.shape[1]  # masked with where, ÷ m
    J_torch.backward()
    assert J_torch.item() == pytest.approx(J, abs=1e-12)
    linears = [layer for layer in module if isinstance(layer, torch.nn.Linear)]
    for l, layer in enumerate(linears, 1):
        np.testing.assert_allclose(layer.weight.grad.numpy(), grads[f"dW{l}"], atol=1e-9, rtol=0)
        np.testing.assert_allclose(layer.bias.grad.numpy(), grads[f"db{l}"].ravel(), atol=1e-9, rtol=0)


@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize("hidden", ACTIVATIONS)
def test_a_round_trip_is_exact(torch, hidden, dtype):
    net = tm.MLP([4, 6, 2], hidden=hidden, output="softmax", dtype=dtype, seed=3)
    module = net.to_torch()
    assert module[0].weight.dtype == getattr(torch, dtype)
    back = tm.MLP.from_torch(module, output="softmax")
    assert (back.layer_dims, back.hidden, back.output, back.dtype) == (net.layer_dims, hidden, "softmax", net.dtype)
    for name, p in net.params.items():
        assert_same(back.params[name], p, name)
    module[0].weight.data.zero_()  # the parameters were copied, not shared
    assert not np.all(tm.to_numpy(back.params["W1"]) == 0)


def test_a_logistic_regression_has_no_hidden_layer(torch):
    net = tm.MLP([4, 2], seed=0)
    module = net.to_torch()
    assert len(module) == 1
    assert tm.MLP.from_torch(module).layer_dims == (4, 2)


def test_modules_that_are_not_such_a_network_are_refused(torch):
    nn = torch.nn
    cases = {
        "with 0 parts": nn.Sequential(),
        "must be Linear layers with a bias": nn.Sequential(nn.Linear(3, 4, bias=False)),
        "got activations": nn.Sequential(nn.Linear(3, 4), nn.GELU(), nn.Linear(4, 2)),
        "negative_slope": nn.Sequential(nn.Linear(3, 4), nn.LeakyReLU(0.2), nn.Linear(4, 2)),
        "takes 5 inputs": nn.Sequential(nn.Linear(3, 4), nn.ReLU(), nn.Linear(5, 2)),
        "got Linear": nn.Linear(3, 4),
    }
    for message, module in cases.items():
        with pytest.raises(ValueError, match=message):
            tm.MLP.from_torch(module)
    mixed = nn.Sequential(nn.Linear(3, 4, dtype=torch.float64), nn.ReLU(), nn.Linear(4, 2, dtype=torch.float32))
    with pytest.raises(ValueError, match="all be float32 or all float64"):
        tm.MLP.from_torch(mixed)


def test_without_pytorch_the_error_says_how_to_install_it(monkeypatch):
    monkeypatch.setitem(sys.modules, "torch", None)  # "import torch" now raises ImportError
    with pytest.raises(ImportError, match=r'pip install "tinymtl\[torch\]"'):
        tm.MLP([3, 2]).to_torch()
    with pytest.raises(ImportError, match="tinymtl.torch"):
        torch_bridge.from_torch(tm.MLP, object())
