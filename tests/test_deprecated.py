"""Names that moved in 0.2 still work for one release, each with a DeprecationWarning that names its replacement."""

from __future__ import annotations

import importlib

import numpy as np
import pytest

import tinymtl as tm
from tinymtl import cli, flat, regularization
from tinymtl.losses import loss_and_grad_from_logits

from .conftest import assert_same


def data(m=8):
    rng = np.random.default_rng(0)
    X = rng.standard_normal((3, m))
    Y = (rng.random((2, m)) < 0.5).astype(float)
    Y[0, 0] = np.nan
    return X, Y


@pytest.mark.parametrize(
    ("module", "old", "new"),
    [
        ("tinymtl.network", "flat_views", flat.flat_views),
        ("tinymtl.validation", "HIDDEN_ACTIVATIONS", tm.activations.HIDDEN_ACTIVATIONS),
        ("tinymtl.validation", "OUTPUTS", tm.activations.OUTPUTS),
    ],
)
def test_a_moved_module_name_warns_and_is_the_new_object(module, old, new):
    with pytest.warns(DeprecationWarning, match=old):
        assert getattr(importlib.import_module(module), old) is new


def test_an_unknown_module_name_is_still_an_attribute_error():
    with pytest.raises(AttributeError, match="no attribute 'nothing_here'"):
        tm.network.nothing_here  # noqa: B018


def test_the_old_cli_helpers_warn_and_do_what_they_did():

    X, Y = data(10)
    with pytest.warns(DeprecationWarning, match="holdout"):
        X_train, Y_train, X_test, Y_test = cli.split(X, Y, 0.2)
    assert X_train.shape == (3, 8) and Y_test.shape == (2, 2)
    with pytest.warns(DeprecationWarning, match="already centred"):
        assert_same(cli.centred(X), X - 0.5, "centred")


def test_the_old_cost_methods_warn_and_give_the_same_numbers():
    X, Y = data()
    net = tm.MLP([3, 4, 2], seed=0)
    J, grads = net.loss_and_grads(X, Y, l2=0.2)
    X_d, Y_d, _ = net.check_data(X, Y)
    with pytest.warns(DeprecationWarning, match="cost_and_grads"):
        J_old, grads_old = net.cost_and_grads(X_d, Y_d, 0.2)
    assert float(J_old) == J
    with pytest.warns(DeprecationWarning, match="l2_cost"):
        assert float(net.l2_cost(0.2, 8)) == float(regularization.l2_cost(net.params, 0.2, 8))
    ZL, _ = net.forward(X_d)
    with pytest.warns(DeprecationWarning, match="loss_and_grad_from_logits"):
        J_logits, dZL = net.cost_from_logits(ZL, Y_d)
    assert_same(dZL, loss_and_grad_from_logits("sigmoid", ZL, Y_d)[1], "dZ[L]")
    with pytest.warns(DeprecationWarning):
        dtheta, views = net.new_gradients()
    with pytest.warns(DeprecationWarning, match="data_loss_and_grads"):
        _, written = net.data_cost_and_grads(X_d, Y_d, 0.2, grads=views)
    assert written is views
    for name, g in grads.items():
        assert_same(grads_old[name], g, name)
        assert_same(views[name], g, f"{name} written into dθ")


def test_the_old_flat_theta_is_a_buffer_the_parameters_view():
    net = tm.MLP([3, 4, 2], seed=0)
    with pytest.warns(DeprecationWarning, match="flat.pack"):
        theta = net.flat_parameters()
    theta[...] = 1.0
    assert all((tm.to_numpy(p) == 1.0).all() for p in net.params.values())
    with pytest.warns(DeprecationWarning, match="flat.pack"):
        assert net.theta.shape == (net.n_params,)
