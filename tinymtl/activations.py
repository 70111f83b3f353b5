"""Activation functions g(Z), each beside its backward step.

One concept: *the elementwise non-linearity* ``A = g(Z)`` of a layer and the
chain-rule step ``dZ = dA ⊙ g'(Z)``.

Every derivative here can be written with the **output** ``A`` instead of the
input ``Z``, so the forward cache keeps only ``A[l]`` (which the next layer
needs anyway as its input): no ``Z[l]`` is stored.

=============  ========================  ==========================
name           A = g(Z)                  g'(Z) written with A
=============  ========================  ==========================
relu           max(Z, 0)                 1[A > 0]
leaky_relu     max(Z, αZ), α = 0.01      1 if A > 0 else α
tanh           tanh(Z)                   1 − A²
sigmoid        σ(Z) = 1 / (1 + e^{−Z})   A (1 − A)
=============  ========================  ==========================

The output activations (sigmoid for multi-task, softmax for one label per
example) are here too; their backward steps are fused with the loss in
:mod:`tinymtl.losses`, where ``dZ[L] = A[L] − Y`` is derived.

Shapes: ``Z`` and ``A`` are ``(n_l, m)``; the dtype of ``Z`` is kept (float32
stays float32). The backward functions overwrite ``dA`` in place (it is a
temporary that nothing else reads) and return it as ``dZ``.

Each forward function returns a new array: ``A[l]`` beside ``Z[l]``, which the
network then drops. (Writing ``A`` over ``Z`` saved 0.06 ms of a 580 ms R1
epoch: not worth a formula that is no longer one line.)

What it leaves out: learnable slopes (PReLU), GELU and friends, and any
activation whose derivative needs Z rather than A.

>>> import numpy as np
>>> Z = np.array([[-2.0, 0.0, 3.0]])
>>> relu(Z)
array([[0., 0., 3.]])
>>> sigmoid(np.array([[0.0, 1e4, -1e4]]))   # no overflow at |z| = 1e4
array([[0.5, 1. , 0. ]])
"""

from __future__ import annotations

from .backend import array_module

LEAKY_SLOPE = 0.01  # α of leaky ReLU


def relu(Z):
    """A = max(Z, 0).  Z, A: (n_l, m)."""
    return array_module(Z).maximum(Z, 0)


def relu_backward(dA, A):
    """dZ = dA ⊙ 1[Z > 0], and Z > 0 exactly where A > 0.  dA, A, dZ: (n_l, m)."""
    dA *= A > 0
    return dA


def leaky_relu(Z):
    """A = max(Z, αZ) with α = 0.01: a small slope for Z < 0 keeps gradients alive."""
    return array_module(Z).maximum(Z, LEAKY_SLOPE * Z)


def leaky_relu_backward(dA, A):
    """dZ = dA ⊙ (1 if Z > 0 else α); Z > 0 exactly where A > 0 (α > 0 keeps the sign)."""
    xp = array_module(A)
    dA *= xp.where(A > 0, 1.0, LEAKY_SLOPE).astype(A.dtype, copy=False)
    return dA


def tanh(Z):
    """A = tanh(Z) = (e^Z − e^{−Z}) / (e^Z + e^{−Z})."""
    return array_module(Z).tanh(Z)


def tanh_backward(dA, A):
    """dZ = dA ⊙ (1 − A²), since tanh'(Z) = 1 − tanh(Z)²."""
    dA *= 1 - A * A
    return dA


def sigmoid(Z):
    """A = σ(Z) = 1 / (1 + e^{−Z}), computed as ½(1 + tanh(Z/2)).

    The two are equal (multiply σ's numerator and denominator by e^{Z/2});
    the tanh form never overflows, for any Z.
    """
    return 0.5 * (1 + array_module(Z).tanh(Z * 0.5))


def sigmoid_backward(dA, A):
    """dZ = dA ⊙ A(1 − A), since σ'(Z) = σ(Z)(1 − σ(Z))."""
    dA *= A * (1 - A)
    return dA


def softmax(Z):
    """A_k = e^{Z_k} / Σ_c e^{Z_c} down each column; subtracting the column max avoids overflow.

    Z, A: (C, m) for C classes; each column of A sums to 1.
    """
    xp = array_module(Z)
    E = xp.exp(Z - Z.max(axis=0, keepdims=True))  # E: (C, m), entries in (0, 1]
    E /= E.sum(axis=0, keepdims=True)
    return E


def predicted_class(A):
    """The softmax prediction as 0/1 columns: 1 at each column's largest A_k (ties: all of them).

    A: (C, m) probabilities; returns (C, m) in A's dtype, so per-class metrics
    can score it like sigmoid outputs.
    """
    return (A == A.max(axis=0, keepdims=True)).astype(A.dtype)


HIDDEN = {
    "relu": (relu, relu_backward),
    "leaky_relu": (leaky_relu, leaky_relu_backward),
    "tanh": (tanh, tanh_backward),
    "sigmoid": (sigmoid, sigmoid_backward),
}
OUTPUT = {"sigmoid": sigmoid, "softmax": softmax}
HIDDEN_ACTIVATIONS = tuple(HIDDEN)  # the names, for argument checks and the command line
OUTPUTS = tuple(OUTPUT)
