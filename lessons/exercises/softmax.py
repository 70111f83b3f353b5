"""Exercise: softmax, its cross-entropy and gradient, then softmax against sigmoid outputs.

Softmax turns the C logits of an example (one column of Z, shape (C, m)) into
C probabilities that sum to 1; the answer is the largest one, so softmax
names exactly one class per image:

    A_k = e^{Z_k} / Σ_c e^{Z_c}                                   A: (C, m), each column sums to 1
    J   = −(1/m) Σ_i Σ_k Y_k log A_k                              Y: (C, m) one-hot, one number J
    dZ[L] = (A − Y) / m                                           (C, m)

A column of Y that is all NaN is an example whose class is unknown ("?"): it
adds nothing to J and gets dZ[L] = 0. The grader also uses logits up to
|z| = 1000, where e^z overflows and a probability can underflow to 0: your
functions must stay finite and right there too.

Then the lecture's comparison: road images often hold several objects ("car
AND stop sign"), but softmax over the 4 objects and "none" names one.
softmax_predictions turns its probabilities into the 0/1 answers per object,
and `python lessons/exercises/softmax.py` (once the checks pass) trains a
softmax and a sigmoid network and scores both on images with 2+ objects.

Your task: write softmax, softmax_cross_entropy_and_grad and softmax_predictions below.

Grade it (from the repository root):
    python -m tinymtl.grade softmax lessons/exercises/softmax.py
    python -m pytest lessons/exercises/softmax.py

Stuck? Ask for a hint, one more each time (the last one is the key line):
    python -m tinymtl.grade softmax lessons/exercises/softmax.py --hint
"""

import numpy as np

from tinymtl.grade import assert_passes, main


def softmax(Z):
    """A = softmax(Z) down each column.  Z, A: (C, m); each column of A sums to 1."""
    raise NotImplementedError("TODO: write softmax(Z); stuck? grade this file with --hint")


def softmax_cross_entropy_and_grad(Z, Y):
    """J = −(1/m) Σ_i Σ_k Y_k log A_k (one number) and dZ[L] = (A − Y) / m (C, m); "?" columns left out.

    Z: (C, m) logits; Y: (C, m) one-hot columns, or a column of NaN where the class is unknown ("?").
    Returns J, one number divided by m (the number of examples), and dZ[L] (C, m), 0 in the "?" columns;
    a batch whose classes are all "?" gives J = 0 and dZ[L] = 0.
    """
    raise NotImplementedError("TODO: write softmax_cross_entropy_and_grad(Z, Y); stuck? grade this file with --hint")


def softmax_predictions(A):
    """The 0/1 answers (n_y, m) from softmax probabilities A (n_y + 1, m) over the n_y objects and "none".

    Softmax names one class per image, the one with the largest A_k: its row gets a 1 in that column, the
    others 0, and an image where "none" wins gets no 1 at all (the "none" row is not returned).
    """
    raise NotImplementedError("TODO: write softmax_predictions(A); stuck? grade this file with --hint")


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
    """``python -m pytest lessons/exercises/softmax.py`` grades this file."""
    assert_passes("softmax", __file__)


if __name__ == "__main__":
    status = main(["softmax", __file__])
    if status == 0:
        compare_on_road_scenes()
    raise SystemExit(status)
