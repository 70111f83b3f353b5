"""The masked logistic loss and softmax cross-entropy against plain loops of the lecture's formulas."""

import math

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

import tinymtl as tm
from tinymtl.losses import masked_logistic_loss_and_grad, softmax_cross_entropy_and_grad

from .conftest import TOLERANCE


def lecture_loss_loop(Z, Y, normalizer="m", weights=None):
    """J = Σ_i Σ_{j labelled} c_j L(ŷ_j, y_j), written as the lecture's double loop, in Python floats."""
    n_y, m = Y.shape
    weights = [1.0] * n_y if weights is None else weights
    labelled = [[not math.isnan(Y[j, i]) for i in range(m)] for j in range(n_y)]
    total_labelled = sum(map(sum, labelled))
    J = 0.0
    for i in range(m):
        for j in range(n_y):
            if not labelled[j][i]:
                continue  # "?": left out of the sum
            y, z = Y[j, i], Z[j, i]
            y_hat = 1 / (1 + math.exp(-z))
            loss = -y * math.log(y_hat) - (1 - y) * math.log(1 - y_hat)
            d = {"m": m, "labelled": max(total_labelled, 1), "per_task": max(sum(labelled[j]), 1)}[normalizer]
            J += weights[j] * loss / d
    return J


def labels(n_y, m, rng, unknown=0.3):
    Y = (rng.random((n_y, m)) < 0.5).astype(float)
    Y[rng.random((n_y, m)) < unknown] = np.nan
    return Y


@pytest.mark.parametrize("normalizer", ["m", "labelled", "per_task"])
@given(seed=st.integers(0, 2**32 - 1), n_y=st.integers(1, 5), m=st.integers(1, 12))
def test_vectorized_loss_equals_the_lecture_double_loop(normalizer, seed, n_y, m):
    rng = np.random.default_rng(seed)
    Z = rng.normal(0, 3, (n_y, m))  # moderate logits so the loop's log(ŷ) is exact enough
    Y = labels(n_y, m, rng)
    weights = rng.uniform(0, 2, n_y)
    expected = lecture_loss_loop(Z, Y, normalizer, list(weights))
    got = tm.masked_logistic_loss(Z, Y, normalizer=normalizer, task_weights=weights)
    assert got == pytest.approx(expected, rel=1e-12, abs=1e-12)


@given(seed=st.integers(0, 2**32 - 1), fill=arrays(np.float64, (3, 6), elements=st.floats(-1e6, 1e6)))
def test_values_under_question_marks_change_nothing(seed, fill):
    """Property: whatever sits under "?" (here: any finite number instead of NaN) is ignored."""
    rng = np.random.default_rng(seed)
    Z, Y = rng.normal(0, 2, (3, 6)), labels(3, 6, rng, unknown=0.5)
    J, dZ = masked_logistic_loss_and_grad(Z, Y)
    Z_other = np.where(np.isnan(Y), fill, Z)  # change the logits under "?" only
    J_other, dZ_other = masked_logistic_loss_and_grad(Z_other, Y)
    assert J_other == J
    np.testing.assert_array_equal(dZ_other, dZ)
    assert np.all(dZ[np.isnan(Y)] == 0)


def test_hand_worked_example():
    """Two examples, four tasks, one "?", worked by hand.

    Z = [[0, 2], [1, -1], [-3, 0], [0, 4]], Y = [[1, 0], [0, 1], [?, 0], [1, 1]]:
    L = log(1 + e^{-z}) for y = 1 and log(1 + e^{z}) for y = 0, so
    J = (log 2 + log(1+e^2) + log(1+e) + log(1+e) + log 2 + log 2 + log(1+e^-4)) / 2
    dZ = (σ(Z) − Y) / 2 with 0 under "?":  dZ[0,0] = (0.5 − 1)/2 = −0.25.
    """
    Z = np.array([[0.0, 2.0], [1.0, -1.0], [-3.0, 0.0], [0.0, 4.0]])
    Y = np.array([[1, 0], [0, 1], [np.nan, 0], [1, 1]])
    J, dZ = masked_logistic_loss_and_grad(Z, Y)
    log = math.log
    expected = (3 * log(2) + log(1 + math.e**2) + 2 * log(1 + math.e) + log(1 + math.e**-4)) / 2
    assert float(J) == pytest.approx(expected, rel=1e-14)
    sigma = 1 / (1 + np.exp(-Z))
    expected_dZ = np.where(np.isnan(Y), 0, sigma - np.nan_to_num(Y)) / 2
    assert dZ.shape == (4, 2)
    np.testing.assert_allclose(dZ, expected_dZ, rtol=1e-14, atol=1e-16)
    assert dZ[0, 0] == -0.25 and dZ[2, 0] == 0


@pytest.mark.parametrize("z", [1e4, -1e4, 800.0, -800.0, 1e300])
def test_extreme_logits_give_exact_finite_loss_and_gradient(z):
    Z = np.array([[z, z]])
    Y = np.array([[1.0, 0.0]])
    J, dZ = masked_logistic_loss_and_grad(Z, Y)
    # One of the two labels is right with certainty (loss 0), the other wrong by |z|.
    assert float(J) == pytest.approx(abs(z) / 2, rel=1e-15)
    assert np.all(np.isfinite(dZ))
    right = 0 if z > 0 else 1
    assert dZ[0, right] == 0 and abs(dZ[0, 1 - right]) == 0.5


def test_all_question_marks_give_zero_loss_and_zero_gradient():
    Z = np.random.default_rng(0).normal(size=(4, 5))
    for normalizer in ("m", "labelled", "per_task"):
        J, dZ = masked_logistic_loss_and_grad(Z, np.full((4, 5), np.nan), normalizer)
        assert float(J) == 0.0
        assert np.all(dZ == 0)


def test_a_task_without_labels_contributes_nothing_per_task():
    rng = np.random.default_rng(1)
    Z, Y = rng.normal(size=(3, 8)), labels(3, 8, rng, unknown=0.0)
    Y[1] = np.nan  # task 2 is never labelled
    J, dZ = masked_logistic_loss_and_grad(Z, Y, "per_task")
    J_without, dZ_without = masked_logistic_loss_and_grad(Z[[0, 2]], Y[[0, 2]], "per_task")
    assert float(J) == pytest.approx(float(J_without), rel=1e-15)
    np.testing.assert_array_equal(dZ[[0, 2]], dZ_without)


def test_normalizers_rescale_by_the_labelled_fraction():
    """With N labelled entries, J_labelled = (m / N) J_m: the docstring's learning-rate factor."""
    rng = np.random.default_rng(2)
    Z, Y = rng.normal(size=(4, 50)), labels(4, 50, rng, unknown=0.3)
    N = np.count_nonzero(~np.isnan(Y))
    J_m, dZ_m = masked_logistic_loss_and_grad(Z, Y, "m")
    J_l, dZ_l = masked_logistic_loss_and_grad(Z, Y, "labelled")
    assert float(J_l) == pytest.approx(float(J_m) * 50 / N, rel=1e-13)
    np.testing.assert_allclose(dZ_l, dZ_m * 50 / N, rtol=1e-13)


def test_float32_stays_float32(backend):
    rng = np.random.default_rng(3)
    Z = tm.to_device(rng.normal(size=(4, 6)), dtype=np.float32)
    Y = tm.to_device(labels(4, 6, rng), dtype=np.float32)
    for normalizer in ("m", "labelled", "per_task"):
        J, dZ = masked_logistic_loss_and_grad(Z, Y, normalizer, tm.to_device(np.ones((4, 1)), dtype=np.float32))
        assert (J.dtype, dZ.dtype) == (np.float32, np.float32), normalizer
    Ys = tm.to_device(np.eye(4)[:, [0, 1, 2, 3, 0, 1]], dtype=np.float32)
    J, dZ = softmax_cross_entropy_and_grad(Z, Ys, "labelled")
    assert (J.dtype, dZ.dtype) == (np.float32, np.float32)


def softmax_loop(Z, Y, normalizer="m"):
    """J = −(1/d) Σ_i Σ_k y_k log softmax(z)_k, over labelled columns, as a loop."""
    C, m = Y.shape
    labelled = [i for i in range(m) if not math.isnan(Y[0, i])]
    d = m if normalizer == "m" else max(len(labelled), 1)
    J = 0.0
    for i in labelled:
        log_sum = math.log(sum(math.exp(Z[c, i]) for c in range(C)))
        J -= sum(Y[k, i] * (Z[k, i] - log_sum) for k in range(C)) / d
    return J


@pytest.mark.parametrize("normalizer", ["m", "labelled"])
@given(seed=st.integers(0, 2**32 - 1), C=st.integers(2, 5), m=st.integers(1, 10))
def test_softmax_cross_entropy_equals_a_loop(normalizer, seed, C, m):
    rng = np.random.default_rng(seed)
    Z = rng.normal(0, 3, (C, m))
    Y = np.eye(C)[:, rng.integers(0, C, m)]
    Y[:, rng.random(m) < 0.2] = np.nan  # unknown classes
    expected = softmax_loop(Z, Y, normalizer)
    assert tm.softmax_cross_entropy(Z, Y, normalizer) == pytest.approx(expected, rel=1e-12, abs=1e-12)
    _, dZ = softmax_cross_entropy_and_grad(Z, Y, normalizer)
    assert np.all(dZ[np.isnan(Y)] == 0)
    np.testing.assert_allclose(dZ.sum(axis=0), 0, atol=1e-15)  # Σ_k (softmax_k − y_k) = 0 per column


def test_softmax_extreme_logits_are_finite():
    Z = np.array([[1e4, -1e4], [-1e4, 1e4], [0.0, 0.0]])
    Y = np.array([[0.0, 0.0], [1.0, 1.0], [0.0, 0.0]])
    J, dZ = softmax_cross_entropy_and_grad(Z, Y)
    assert float(J) == pytest.approx(2e4 / 2, rel=1e-15)  # example 1 wrong by 2e4, example 2 right
    assert np.all(np.isfinite(dZ))


def test_loss_is_the_same_on_every_backend(backend, dtype):
    rng = np.random.default_rng(4)
    Z, Y = rng.normal(size=(4, 9)), labels(4, 9, rng)
    expected = lecture_loss_loop(Z, Y)
    got = tm.masked_logistic_loss(tm.to_device(Z, dtype=dtype), Y)
    assert isinstance(got, float)
    assert got == pytest.approx(expected, rel=TOLERANCE[dtype]["rtol"])
