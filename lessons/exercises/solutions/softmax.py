"""Solution: softmax, its cross-entropy and gradient, and its one answer per image.

    A_k   = e^{Z_k} / Σ_c e^{Z_c} = e^{Z_k − max} / Σ_c e^{Z_c − max}       A: (C, m), each column sums to 1
    J     = −(1/m) Σ_i Σ_k Y_k log A_k,  log A = Z − max − log Σ_c e^{Z_c − max}
    dZ[L] = (A − Y) / m                                                      (C, m), 0 in a "?" column

Grade it: python -m tinymtl.grade softmax lessons/exercises/solutions/softmax.py
Then `python lessons/exercises/solutions/softmax.py` also runs the comparison on road scenes.
"""

import numpy as np

from tinymtl.grade import assert_passes, main


def softmax(Z):
    """A = softmax(Z) down each column.  Z, A: (C, m)."""
    E = np.exp(Z - Z.max(axis=0, keepdims=True))  # e^{Z − max}: (C, m), entries in (0, 1], no overflow
    return E / E.sum(axis=0, keepdims=True)  # A: (C, m)


def softmax_cross_entropy_and_grad(Z, Y):
    """J = −(1/m) Σ_i Σ_k Y_k log A_k (one number) and dZ[L] = (A − Y) / m (C, m); "?" columns left out.

    Z: (C, m) logits; Y: (C, m) one-hot columns, or a column of NaN where the class is unknown ("?").
    Assumption of dZ[L]: softmax outputs with this loss (∂J/∂Z_k = A_k − Y_k, because Σ_k Y_k = 1).
    """
    m = Z.shape[1]  # m: the number of examples
    known = ~np.isnan(Y[:1])  # (1, m): True in the columns whose class is known
    Y0 = np.where(known, Y, 0)  # Y with the "?" columns set to 0: (C, m)
    shifted = Z - Z.max(axis=0, keepdims=True)  # Z − max: (C, m)
    log_A = shifted - np.log(np.exp(shifted).sum(axis=0, keepdims=True))  # log A: (C, m), finite for any Z
    J = -(Y0 * log_A).sum() / m  # J: one number
    dZ = np.where(known, np.exp(log_A) - Y0, 0) / m  # dZ[L] = (A − Y) / m: (C, m), 0 in the "?" columns
    return J, dZ


def softmax_predictions(A):
    """The 0/1 answers (n_y, m) from softmax probabilities A (n_y + 1, m) over the n_y objects and "none".

    Softmax names one class per image, the largest A_k: a 1 at that object, or no 1 at all when it is "none".
    """
    C, m = A.shape
    named = A.argmax(axis=0)  # the class softmax names, per image: (m,)
    answers = np.zeros((C, m))
    answers[named, np.arange(m)] = 1  # one 1 per column: (n_y + 1, m)
    return answers[:-1]  # drop the "none" row: (n_y, m)


def compare_on_road_scenes(m=4000, epochs=8, seed=0):
    """Not graded: softmax against sigmoid outputs on road scenes, scored on images with 2+ objects."""
    import tinymtl as tm
    from tinymtl.baselines import softmax_targets
    from tinymtl.datasets import holdout, road_scenes

    data = road_scenes(m=m, seed=seed, dtype="float32")
    (X_train, Y_train), (X_test, Y_test) = holdout(data.X, data.Y, 0.2)  # X: (n_x, m), Y: (4, m)
    n_x, n_y = X_train.shape[0], Y_train.shape[0]
    training = {"optimizer": tm.Adam(lr=2e-3), "epochs": epochs, "batch_size": 64, "seed": seed, "progress": False}
    sigmoid_net = tm.MLP([n_x, 64, n_y], output="sigmoid", seed=seed, dtype="float32")
    tm.fit(sigmoid_net, X_train, Y_train, **training)
    training["optimizer"] = tm.Adam(lr=2e-3)
    softmax_net = tm.MLP([n_x, 64, n_y + 1], output="softmax", seed=seed, dtype="float32")
    tm.fit(softmax_net, X_train, softmax_targets(Y_train, seed), **training)  # one class per image: (5, m)
    Z_L, _ = softmax_net.forward(X_test)  # logits Z[L]: (n_y + 1, m_test)
    answers = {
        "sigmoid": tm.to_numpy(sigmoid_net.predict_proba(X_test)),  # (n_y, m_test), probabilities
        "softmax": softmax_predictions(softmax(tm.to_numpy(Z_L).astype(float))),  # (n_y, m_test), your functions
    }
    multi = Y_test.sum(axis=0) >= 2  # held-out images with two or more objects: (m_test,)
    print(f"\nheld-out images with 2 or more objects: {int(multi.sum())} of {multi.size}")
    print(f"{'outputs':<8} {'exact match':>11} {'names 2+ objects':>17}")
    for name, P in answers.items():
        exact = tm.metrics.exact_match(Y_test[:, multi], P[:, multi])  # all four answers right
        several = np.mean((P[:, multi] >= 0.5).sum(axis=0) >= 2)  # share of images where it names 2+ objects
        print(f"{name:<8} {exact:>11.3f} {several:>17.3f}")


def test_exercise():
    """``python -m pytest lessons/exercises/solutions/softmax.py`` grades this file."""
    assert_passes("softmax", __file__)


if __name__ == "__main__":
    status = main(["softmax", __file__])
    if status == 0:
        compare_on_road_scenes()
    raise SystemExit(status)
