"""Tests for tinymtl.metrics: equal to scikit-learn on labelled entries, "?" left out, every backend.

Reference values come from scikit-learn, computed task by task on the
labelled entries only; sklearn wants examples in rows, so the whole-matrix
metrics get ``Y.T``. Every comparison is exact (counts divided once, as sklearn
does), and each test body runs on the "numpy" and the "strict" backend: plain
tests take the ``backend`` fixture of conftest.py; hypothesis tests, which
cannot take a function-scoped fixture, are parametrized by ``backend_name``.
"""

from __future__ import annotations

import numpy as np
import pytest
import sklearn.metrics as skm
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from tinymtl import metrics
from tinymtl.backend import to_device, use_backend

from .conftest import assert_same as assert_same_as_anywhere

BACKENDS = ("numpy", "strict")
SETTINGS = settings(deadline=None)  # the rest (max_examples, derandomize in CI) from conftest's profile
NAN = float("nan")

PER_TASK = {
    metrics.per_task_accuracy: lambda y, yhat: skm.accuracy_score(y, yhat),
    metrics.per_task_precision: lambda y, yhat: skm.precision_score(y, yhat, zero_division=0),
    metrics.per_task_recall: lambda y, yhat: skm.recall_score(y, yhat, zero_division=0),
    metrics.per_task_f1: lambda y, yhat: skm.f1_score(y, yhat, zero_division=0),
}


# --- helpers ----------------------------------------------------------------------------


def on_backend(backend: str, *arrays):
    """The host ``arrays`` moved to ``backend``'s device (unchanged for "numpy")."""
    return tuple(to_device(a, backend=backend) for a in arrays)


def assert_same(actual, expected, what: str):
    """The shared check of conftest.py, and a metric's result is a host ndarray or a Python float."""
    assert isinstance(actual, float) or type(actual) is np.ndarray, f"{what}: got {type(actual).__name__}"
    assert_same_as_anywhere(actual, expected, what)


def all_metrics(Y, P, threshold=0.5) -> dict:
    """Every public metric of (Y, P), by name."""
    return {
        "count": metrics.labelled_count(Y),
        **{f.__name__: f(Y, P, threshold) for f in PER_TASK},
        "hamming_loss": metrics.hamming_loss(Y, P, threshold),
        "exact_match": metrics.exact_match(Y, P, threshold),
    }


def reference(Y: np.ndarray, P: np.ndarray, threshold: float) -> dict:
    """The same metrics from scikit-learn, on the labelled entries of each task; loops are fine here."""
    Yhat = (P >= threshold).astype(int)  # (n_y, m)
    labelled = ~np.isnan(Y)  # (n_y, m)
    expected = {"count": labelled.sum(axis=1)}
    for f, sk in PER_TASK.items():
        expected[f.__name__] = np.array(
            [sk(y[k].astype(int), yhat[k]) if k.any() else NAN for y, yhat, k in zip(Y, Yhat, labelled)]
        )
    y, yhat = Y[labelled].astype(int), Yhat[labelled]  # every labelled entry: (sum n_j,)
    expected["hamming_loss"] = float(skm.hamming_loss(y, yhat)) if labelled.any() else NAN
    # Exact match: sklearn's subset accuracy over the examples with a label, each seen through its labelled rows.
    right = [np.array_equal(Y[k, i], Yhat[k, i]) for i, k in enumerate(labelled.T) if k.any()]
    expected["exact_match"] = float(np.mean(right)) if right else NAN
    return expected


# --- hypothesis strategies --------------------------------------------------------------

probabilities = st.one_of(st.sampled_from([0.0, 0.3, 0.5, 0.9, 1.0]), st.floats(0.0, 1.0))
thresholds = st.one_of(st.just(0.5), st.floats(0.01, 0.99))


@st.composite
def label_data(draw, unknown: bool):
    """``(Y, P)`` of a random shape; Y of 0/1 (and NaN "?" entries when ``unknown``)."""
    n_y, m = draw(st.integers(1, 5)), draw(st.integers(1, 25))
    labels = st.sampled_from([0.0, 1.0, NAN] if unknown else [0.0, 1.0])
    Y = draw(arrays(np.float64, (n_y, m), elements=labels))
    P = draw(arrays(np.float64, (n_y, m), elements=probabilities))
    return Y, P


# --- against scikit-learn ---------------------------------------------------------------


@pytest.mark.parametrize("backend_name", BACKENDS)
@SETTINGS
@given(data=label_data(unknown=False), threshold=thresholds)
def test_fully_labelled_matches_sklearn(backend_name, data, threshold):
    Y, P = data
    actual = all_metrics(*on_backend(backend_name, Y, P), threshold)
    Yhat = (P >= threshold).astype(int)
    # The whole-matrix metrics straight from sklearn's multilabel API, examples in rows.
    assert actual["hamming_loss"] == skm.hamming_loss(Y.T.astype(int), Yhat.T)
    assert actual["exact_match"] == skm.accuracy_score(Y.T.astype(int), Yhat.T)
    for name, expected in reference(Y, P, threshold).items():
        assert_same(actual[name], expected, name)


@pytest.mark.parametrize("backend_name", BACKENDS)
@SETTINGS
@given(data=label_data(unknown=True), threshold=thresholds)
def test_unknown_labels_are_left_out(backend_name, data, threshold):
    Y, P = data
    actual = all_metrics(*on_backend(backend_name, Y, P), threshold)
    for name, expected in reference(Y, P, threshold).items():
        assert_same(actual[name], expected, name)


@pytest.mark.parametrize("backend_name", BACKENDS)
@SETTINGS
@given(data=label_data(unknown=True), other=st.data())
def test_probabilities_under_unknown_labels_change_nothing(backend_name, data, other):
    Y, P = data
    noise = other.draw(arrays(np.float64, Y.shape, elements=probabilities), label="noise")
    P_changed = np.where(np.isnan(Y), noise, P)  # (n_y, m): new values under "?" only
    before = all_metrics(*on_backend(backend_name, Y, P))
    after = all_metrics(*on_backend(backend_name, Y, P_changed))
    for name in before:
        assert_same(after[name], before[name], name)


@pytest.mark.parametrize(
    "case",
    ["predict all 0", "predict all 1", "labels all 0", "labels all 1", "all right", "all wrong", "at threshold"],
)
def test_degenerate_cases_match_sklearn(backend, case):
    rng = np.random.default_rng(0)
    Y = rng.integers(0, 2, size=(3, 8)).astype(float)  # (n_y, m)
    P = rng.random((3, 8))  # (n_y, m)
    if case == "predict all 0":
        P = np.zeros_like(P)  # precision has 0/0: zero_division=0 gives 0
    elif case == "predict all 1":
        P = np.ones_like(P)
    elif case == "labels all 0":
        Y = np.zeros_like(Y)  # recall has 0/0
    elif case == "labels all 1":
        Y = np.ones_like(Y)
    elif case == "all right":
        P = Y.copy()
    elif case == "all wrong":
        P = 1 - Y  # f1 has TP = 0
    elif case == "at threshold":
        P = np.full_like(P, 0.5)  # Yhat = P >= 0.5: every prediction is 1
    actual = all_metrics(*on_backend(backend, Y, P))
    for name, expected in reference(Y, P, 0.5).items():
        assert_same(actual[name], expected, name)


def test_threshold_is_inclusive():
    # P = 0.5 exactly predicts 1 (>=); just below predicts 0.
    assert metrics.per_task_recall([[1.0, 1.0]], [[0.5, np.nextafter(0.5, 0)]]).tolist() == [0.5]


# --- a hand-worked example (the one in the docstrings) ----------------------------------


def test_hand_worked_example(backend):
    # Two tasks, three examples, one "?".
    #        Y          P                Yhat = P >= 0.5
    # cat:  1  0  1    0.9 0.2 0.4      1 0 0     TP=1 FP=0 FN=1 TN=1   n=3
    # dog:  0  ?  1    0.1 0.7 0.5      0 1 1     TP=1 FP=0 FN=0 TN=1   n=2  (the 0.7 is under "?")
    Y = np.array([[1, 0, 1], [0, NAN, 1]])
    P = np.array([[0.9, 0.2, 0.4], [0.1, 0.7, 0.5]])
    r = metrics.report(*on_backend(backend, Y, P), task_names=["cat", "dog"])
    assert_same(r.count, np.array([3, 2]), "count")
    assert_same(r.accuracy, np.array([2 / 3, 1.0]), "accuracy")  # (TP + TN) / n
    assert_same(r.precision, np.array([1.0, 1.0]), "precision")  # TP / (TP + FP)
    assert_same(r.recall, np.array([0.5, 1.0]), "recall")  # TP / (TP + FN)
    assert_same(r.f1, np.array([2 / 3, 1.0]), "f1")  # 2 TP / (2 TP + FP + FN)
    assert r.hamming_loss == 1 / 5  # one wrong entry (cat, example 3) of 5 labelled
    assert r.exact_match == 2 / 3  # example 3 is wrong; example 2 is judged on "cat" only


# --- edge cases: no labels --------------------------------------------------------------


def test_task_without_labels_gives_nan_and_count_0(backend):
    Y = np.array([[1.0, 0.0, 1.0], [NAN, NAN, NAN]])
    P = np.array([[0.9, 0.1, 0.2], [0.5, 0.5, 0.5]])
    r = metrics.report(*on_backend(backend, Y, P))
    assert_same(r.count, np.array([3, 0]), "count")
    for name in ("accuracy", "precision", "recall", "f1"):
        assert np.isnan(getattr(r, name)[1]), name
    # The mean row skips the unlabelled task: it is the first task's value.
    assert r.mean("accuracy") == r.accuracy[0]
    text = str(r)
    assert "task 1" in text and "nan" in text
    assert text.splitlines()[3].split()[:3] == ["task", "1", "0"]  # name "task 1", count 0


@pytest.mark.parametrize("shape", [(2, 3), (2, 0), (0, 3)])
def test_nothing_labelled_gives_nan_not_an_error(backend, shape):
    Y, P = np.full(shape, NAN), np.full(shape, 0.5)
    r = metrics.report(*on_backend(backend, Y, P))
    assert np.isnan(r.hamming_loss) and np.isnan(r.exact_match)
    assert_same(r.count, np.zeros(shape[0], dtype=np.int64), "count")
    assert np.isnan(r.accuracy).all()
    str(r)  # prints without error


# --- backends and input types -----------------------------------------------------------


@SETTINGS
@given(data=label_data(unknown=True), threshold=thresholds)
def test_strict_backend_gives_identical_numbers(data, threshold):
    Y, P = data
    expected = all_metrics(Y, P, threshold)
    for inputs in (on_backend("strict", Y, P), (Y, on_backend("strict", P)[0]), (Y.tolist(), P.tolist())):
        with use_backend("strict"):  # lists are moved to the active backend
            actual = all_metrics(*inputs, threshold)
        for name in expected:
            assert_same(actual[name], expected[name], name)


def test_integer_and_bool_labels_and_float32_probabilities(backend):
    rng = np.random.default_rng(1)
    Y = rng.integers(0, 2, size=(4, 10))  # (n_y, m) of int
    P = rng.random((4, 10)).astype(np.float32)  # (n_y, m)
    expected = all_metrics(Y.astype(float), P)
    for labels in (Y, Y.astype(bool), Y.tolist()):
        actual = all_metrics(*on_backend(backend, labels, P))
        for name in expected:
            assert_same(actual[name], expected[name], name)


def test_report_fields_match_the_functions_and_the_mean_is_macro():
    rng = np.random.default_rng(2)
    Y = rng.integers(0, 2, size=(3, 20)).astype(float)  # (n_y, m)
    P = rng.random((3, 20))  # (n_y, m)
    r = metrics.report(Y, P, threshold=0.4, task_names=("a", "b", "c"))
    for name, value in all_metrics(Y, P, 0.4).items():
        field = {"per_task_accuracy": "accuracy", "per_task_precision": "precision"}.get(name, name)
        field = {"per_task_recall": "recall", "per_task_f1": "f1"}.get(field, field)
        assert_same(getattr(r, field), value, name)
    Yhat = (P >= 0.4).astype(int).T  # (m, n_y), as sklearn wants
    assert r.mean("precision") == pytest.approx(skm.precision_score(Y.T, Yhat, average="macro", zero_division=0))
    assert r.mean("f1") == pytest.approx(skm.f1_score(Y.T, Yhat, average="macro", zero_division=0))
    lines = str(r).splitlines()
    assert [line.split()[0] for line in lines[2:5]] == ["a", "b", "c"]
    assert lines[6].startswith("mean") and "hamming loss" in lines[8] and "exact match" in lines[9]
    assert len({len(line) for line in lines[:7]}) == 1  # the table is aligned


# --- bad inputs: each error names the argument, what was given and the fix ---------------

GOOD_Y = [[1.0, 0.0, NAN], [0.0, 1.0, 1.0]]  # (n_y, m) = (2, 3)
GOOD_P = [[0.9, 0.1, 0.5], [0.2, 0.8, 0.7]]


@pytest.mark.parametrize(
    "Y, P, message",
    [
        (GOOD_Y, np.array(GOOD_P).T, r"P: got shape \(3, 2\), expected \(2, 3\).*looks transposed: pass P\.T"),
        (GOOD_Y, [[0.5, 0.5], [0.5, 0.5]], r"P: got shape \(2, 2\), expected \(2, 3\), the shape of Y"),
        (GOOD_Y, [0.5, 0.5, 0.5], r"P: got an array of shape \(3,\), expected a 2-D array.*reshape\(-1, 1\)"),
        ([1.0, 0.0], GOOD_P, r"Y: got an array of shape \(2,\), expected a 2-D array.*reshape\(-1, 1\)"),
        ([[1.0, 2.0, 0.0], [0.0, 1.0, 1.0]], GOOD_P, r"Y: labels must be 0, 1 or NaN .*found 2\.0"),
        ([[1.0, 0.5, 0.0], [0.0, 1.0, 1.0]], GOOD_P, r"Y: labels must be 0, 1 or NaN .*found 0\.5"),
        ([[1.0, np.inf, 0.0], [0.0, 1.0, 1.0]], GOOD_P, r"Y: labels must be 0, 1 or NaN .*found inf"),
        (GOOD_Y, [[1.5, 0.1, 0.5], [0.2, 0.8, 0.7]], r"P: probabilities must lie in \[0, 1\]; found 1\.5.*logits"),
        (GOOD_Y, [[-0.1, 0.1, 0.5], [0.2, 0.8, 0.7]], r"P: probabilities must lie in \[0, 1\]; found -0\.1"),
        (GOOD_Y, [[NAN, 0.1, 0.5], [0.2, 0.8, 0.7]], r"P: probabilities must lie in \[0, 1\]; found nan.*diverged"),
    ],
)
def test_bad_arrays_raise_clear_errors(backend, Y, P, message):
    Y, P = to_device(Y), to_device(P)  # onto the backend the fixture made active
    for f in (*PER_TASK, metrics.hamming_loss, metrics.exact_match, metrics.report):
        with pytest.raises(ValueError, match=message):
            f(Y, P)


def test_bad_labels_raise_in_labelled_count():
    with pytest.raises(ValueError, match=r"Y: labels must be 0, 1 or NaN .*found 3"):
        metrics.labelled_count([[0, 3]])


def test_non_numeric_arrays_raise_type_error():
    with pytest.raises(TypeError, match=r"Y: got an array of dtype <U1, expected numbers"):
        metrics.per_task_accuracy([["a", "b"]], [[0.5, 0.5]])


@pytest.mark.parametrize("threshold", [0, 1, 0.0, 1.5, -0.2, NAN, True, "0.5", None])
def test_bad_threshold_raises(threshold):
    with pytest.raises(ValueError, match=r"threshold: got .*, expected a number strictly between 0 and 1"):
        metrics.per_task_accuracy(GOOD_Y, GOOD_P, threshold=threshold)


@pytest.mark.parametrize("task_names", [["a"], ["a", "b", "c"], "ab", [1, 2]])
def test_bad_task_names_raise(task_names):
    with pytest.raises(ValueError, match=r"task_names: got .*, expected a list of 2 strings"):
        metrics.report(GOOD_Y, GOOD_P, task_names=task_names)


# --- AUC --------------------------------------------------------------------------------


def reference_auc(Y: np.ndarray, P: np.ndarray) -> np.ndarray:
    """sklearn's roc_auc_score on the labelled entries of each task; NaN without both classes."""
    rows = []
    for y, p in zip(Y, P):
        known = ~np.isnan(y)
        both = known.any() and 0 < y[known].sum() < known.sum()
        rows.append(skm.roc_auc_score(y[known].astype(int), p[known]) if both else NAN)
    return np.array(rows)


@pytest.mark.parametrize("backend_name", BACKENDS)
@SETTINGS
@given(data=label_data(unknown=True))
def test_auc_matches_sklearn_on_the_labelled_entries_ties_included(backend_name, data):
    Y, P = data
    actual = metrics.per_task_auc(*on_backend(backend_name, Y, P))
    np.testing.assert_allclose(actual, reference_auc(Y, P), rtol=1e-12, atol=1e-12)


def test_auc_ignores_the_scores_under_question_marks():
    Y = np.array([[1.0, 0.0, NAN, 1.0, 0.0]])
    P = np.array([[0.8, 0.3, 0.5, 0.6, 0.7]])
    expected = metrics.per_task_auc(Y, P)  # positives 0.8, 0.6; negatives 0.3, 0.7: 3 of 4 pairs won
    assert expected[0] == 0.75
    for score in (0.0, 0.65, 1.0):  # whatever the network says where the label is "?"
        P[0, 2] = score
        assert metrics.per_task_auc(Y, P)[0] == expected[0]


def test_auc_rejects_logits_and_transposed_scores():
    Y = np.array([[1.0, 0.0, 1.0]])
    with pytest.raises(ValueError, match="not the logits"):
        metrics.per_task_auc(Y, np.array([[2.0, -1.0, 0.5]]))
    with pytest.raises(ValueError, match="transposed"):
        metrics.per_task_auc(Y, np.array([[0.9], [0.1], [0.8]]))
