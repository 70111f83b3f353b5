"""The baselines: separate networks and softmax, trained on the same data as the multi-task network."""

import numpy as np
import pytest

import tinymtl as tm
from tinymtl import baselines
from tinymtl.baselines import one_vs_separate, softmax_targets, train_multitask, train_separate, train_softmax

NAN = np.nan


def toy(m=400, seed=0):
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((6, m))
    Y = (rng.standard_normal((3, 6)) @ X > 0).astype(float)  # 3 tasks, often several 1s per column
    Y[rng.random(Y.shape) < 0.3] = NAN
    return X, Y


def test_softmax_targets_keep_one_present_object():
    Y = np.array([[1, 0, NAN, 0, NAN], [1, 0, 1, 0, NAN], [0, 0, 0, NAN, NAN]])
    T = softmax_targets(Y, seed=0)
    assert T.shape == (4, 5)
    assert T[:, 0].tolist() in ([1, 0, 0, 0], [0, 1, 0, 0])  # two objects: one of them, at random
    assert T[:, 1].tolist() == [0, 0, 0, 1]  # every label 0: "none"
    assert T[:, 2].tolist() == [0, 1, 0, 0]  # the one present object, though another label is "?"
    assert np.isnan(T[:, 3]).all() and np.isnan(T[:, 4]).all()  # no 1 seen and some "?": unknown class


def test_softmax_targets_choose_among_objects_at_random():
    Y = np.ones((3, 3000))
    counts = np.nansum(softmax_targets(Y, seed=1), axis=1)
    assert counts[3] == 0
    np.testing.assert_allclose(counts[:3] / 3000, 1 / 3, atol=0.03)


def test_the_three_models_train_and_report_per_task_probabilities(backend):
    X, Y = toy()
    multitask, history = train_multitask(X, Y, [8], epochs=2, progress=False)
    separate = train_separate(X, Y, [8], epochs=2, progress=False)
    softmax = train_softmax(X, Y, [8], epochs=2, progress=False)
    assert len(history.loss) == 2
    assert multitask.n_params == 8 * 7 + 3 * 9
    assert separate.n_params == 3 * (8 * 7 + 1 * 9)  # three networks of one output each
    assert softmax.n_params == 8 * 7 + 4 * 9  # 3 objects + "none"
    for model in (multitask, separate, softmax):
        P = tm.to_numpy(model.predict_proba(X))
        assert P.shape == (3, 400), model.name
        assert np.all((P >= 0) & (P <= 1)), model.name
    P_softmax = tm.to_numpy(softmax.predict_proba(X))
    assert set(np.unique(P_softmax)) <= {0.0, 1.0}
    assert P_softmax.sum(axis=0).max() <= 1  # one object at most: it cannot say "car AND stop sign"


def test_separate_networks_learn_only_from_their_labelled_examples():
    """Changing the inputs of examples unlabelled for task 1 changes nothing in task 1's network."""
    X, Y = toy(m=200, seed=2)
    Y[0, 100:] = NAN
    X_other = X.copy()
    X_other[:, 100:] = 0  # change only examples that are "?" for task 1 (tasks 2 and 3 do see them)
    a = train_separate(X, Y, [4], epochs=3, progress=False)
    b = train_separate(X_other, Y, [4], epochs=3, progress=False)
    P_a, P_b = a.predict_proba(X[:, :50]), b.predict_proba(X[:, :50])
    np.testing.assert_array_equal(P_a[0], P_b[0])
    assert not np.array_equal(P_a[1], P_b[1])


def test_separate_network_of_a_task_without_labels_stays_untrained():
    X, Y = toy(m=100)
    Y[2] = NAN
    model = train_separate(X, Y, [4], epochs=1, progress=False)
    assert model.predict_proba(X).shape == (3, 100)


def test_separate_network_j_is_validated_on_task_j_and_stops_at_its_own_best_epoch():
    X, Y = toy(m=300)
    X_val, Y_val = toy(m=200, seed=1)
    model = train_separate(X, Y, [4], epochs=30, progress=False, validation=(X_val, Y_val), patience=2)
    for j in range(3):  # the same network, trained alone on task j's labelled columns and row j of Y_val
        columns = np.flatnonzero(~np.isnan(Y[j]))
        net = tm.MLP([6, 4, 1], seed=j)
        history = tm.fit(net, X[:, columns], Y[j : j + 1, columns], optimizer=tm.Adam(lr=1e-3), epochs=30,
                         validation=(X_val, Y_val[j : j + 1]), patience=2, progress=False)  # fmt: skip
        assert history.best_epoch < 30
        np.testing.assert_array_equal(model.predict_proba(X_val)[j], net.predict_proba(X_val)[0])


def test_softmax_is_validated_on_the_softmax_targets_of_the_validation_labels(monkeypatch):
    X, Y = toy(m=100)
    X_val, Y_val = toy(m=50, seed=1)
    seen, fit = {}, baselines.fit

    def spy(net, X_train, Y_train, validation=None, **options):
        seen["validation"] = validation
        return fit(net, X_train, Y_train, validation=validation, **options)

    monkeypatch.setattr(baselines, "fit", spy)
    model = train_softmax(X, Y, [4], epochs=3, progress=False, validation=(X_val, Y_val), patience=1)
    assert model.predict_proba(X).shape == (3, 100)
    X_seen, T_seen = seen["validation"]
    assert X_seen is X_val
    np.testing.assert_array_equal(T_seen, softmax_targets(Y_val, seed=0))  # (n_y + 1, m_val), one-hot


def test_one_vs_separate_scores_both_models_on_the_test_pair():
    X, Y = toy(m=300)
    X_test, Y_test = toy(m=100, seed=3)
    scores = one_vs_separate(X, Y, (X, Y), (X_test, Y_test), [8], epochs=3, patience=2, progress=False)
    assert set(scores) == {"multi-task", "separate networks"}
    for model, accuracy in scores.values():
        expected = tm.metrics.per_task_accuracy(Y_test, model.predict_proba(X_test))
        np.testing.assert_array_equal(accuracy, expected)


def test_labels_per_task_curve_trains_on_n_labels_per_task_one_per_example(monkeypatch):
    X, Y = toy(m=400)
    Y = np.nan_to_num(Y)  # fully labelled: the curve hides all but one label per example
    seen = []

    def spy(X_train, Y_train, validation, test, **options):
        seen.append(Y_train)
        return {"multi-task": (None, np.full(3, 0.75)), "separate networks": (None, np.full(3, 0.5))}

    monkeypatch.setattr(baselines, "one_vs_separate", spy)
    curve = baselines.labels_per_task_curve(X, Y, (X, Y), (X, Y), [10, 100], hidden_dims=[4])
    assert curve == {"per_task": [10, 100], "multi-task": [0.75, 0.75], "separate networks": [0.5, 0.5]}
    assert [y.shape for y in seen] == [(3, 30), (3, 300)]
    for y, n in zip(seen, [10, 100]):
        np.testing.assert_array_equal((~np.isnan(y)).sum(axis=1), n)  # n labels per task
        np.testing.assert_array_equal((~np.isnan(y)).sum(axis=0), 1)  # one label per example
    with pytest.raises(ValueError, match="per_task: 200 labels per task need 600 training columns, X has 400"):
        baselines.labels_per_task_curve(X, Y, (X, Y), (X, Y), [200], hidden_dims=[4])
