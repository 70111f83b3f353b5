"""The linear (dense) step of a layer, beside its backward step.

One concept: *Z[l] = W[l] A[l−1] + b[l]* for all m examples at once, and the
three gradients backprop needs from it. Activations live in
:mod:`tinymtl.activations`; the loop over layers in :mod:`tinymtl.network`.

What it leaves out: the parameters' initial values (:mod:`tinymtl.initialization`),
the L2 term of dW (:mod:`tinymtl.regularization`) and any layer but the dense one.

Shapes: ``A_prev`` is ``A[l−1]``: ``(n_{l−1}, m)``; ``W`` is ``(n_l, n_{l−1})``;
``b`` is ``(n_l, 1)`` and broadcasts over the m columns; ``Z`` is ``(n_l, m)``.

>>> import numpy as np
>>> W, b = np.array([[1.0, 2.0]]), np.array([[0.5]])   # n_1 = 1, n_0 = 2
>>> A_prev = np.array([[1.0, 0.0], [0.0, 1.0]])        # m = 2 examples
>>> linear_forward(A_prev, W, b)
array([[1.5, 2.5]])
"""

from __future__ import annotations

from .backend import array_module


def linear_forward(A_prev, W, b):
    """Z[l] = W[l] A[l−1] + b[l].  Z: (n_l, m)."""
    Z = W @ A_prev  # (n_l, n_{l-1}) @ (n_{l-1}, m) -> (n_l, m)
    Z += b  # b: (n_l, 1) broadcast over the m columns, in place (no second (n_l, m) array)
    return Z


def linear_backward(dZ, A_prev, W, need_dA_prev: bool = True, out: tuple | None = None):
    """The gradients of the linear step, given dZ[l] = ∂J/∂Z[l]: (n_l, m).

    dW[l]   = dZ[l] A[l−1]ᵀ             (n_l, n_{l−1})
    db[l]   = Σ_i dZ[l][:, i]           (n_l, 1)
    dA[l−1] = W[l]ᵀ dZ[l]               (n_{l−1}, m), or None when not needed

    The 1/m of the cost is already inside dZ (see :mod:`tinymtl.losses`), so
    it does not appear here. ``need_dA_prev=False`` skips dA[0] = ∂J/∂X,
    which training never uses (it is one GEMM as large as dW[1]).

    ``out``: None (new arrays), or the pair of arrays ``(dW, db)`` to write the
    results into: :func:`tinymtl.fit` passes views of one flat dθ, so that its
    optimizer step needs no copy of the gradients (:mod:`tinymtl.flat`).
    """
    if out is None:
        dW = dZ @ A_prev.T  # (n_l, m) @ (m, n_{l-1}) -> (n_l, n_{l-1})
        db = dZ.sum(axis=1, keepdims=True)  # (n_l, 1)
    else:
        dW = array_module(dZ).matmul(dZ, A_prev.T, out=out[0])  # the same dW, written into out[0]
        db = dZ.sum(axis=1, keepdims=True, out=out[1])  # the same db, written into out[1]
    dA_prev = W.T @ dZ if need_dA_prev else None  # (n_{l-1}, n_l) @ (n_l, m) -> (n_{l-1}, m)
    return dW, db, dA_prev
