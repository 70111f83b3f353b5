r"""The costs: the masked logistic loss (multi-task) and softmax cross-entropy (one label).

One concept: *the cost J and its gradient with respect to the logits*
``dZ[L] = ∂J/∂Z[L]``, which is where backprop starts. Both are computed from
the logits ``Z[L]`` (never from probabilities), so they are exact and finite for
any logit: no ``log(0)``, no overflow at ``|z| = 1e4``.

The masked logistic loss (the lecture's cost)
---------------------------------------------
``Y`` is ``(n_y, m)``; an unknown label "?" is stored as NaN. With the mask
``M[j, i] = 1`` where ``Y[j, i]`` is 0 or 1 and ``0`` where it is "?"::

    J = (1/m) Σ_i Σ_{j: M[j,i]=1} L(ŷ_j^(i), y_j^(i)),    ŷ = σ(z)
    L(ŷ, y) = −y log ŷ − (1 − y) log(1 − ŷ)
            = max(z, 0) − y·z + log(1 + e^{−|z|})          (the same, from the logit z)

The second line is the first with ``log σ(z) = −log(1 + e^{−z})``, rearranged so
that no exponential can overflow. Masking uses ``where``, never a product with
``M``: NaN · 0 is NaN.

The normaliser (a named choice; frameworks differ)
--------------------------------------------------
``J = Σ_j Σ_i c_j M[j,i] L[j,i]`` with a per-task scale ``c_j = w_j / d_j``:

============  =======================  ==========================================
normalizer    d_j                      step size compared with ``"m"``
============  =======================  ==========================================
``"m"``       m (the lecture)          1
``"labelled"`` N = Σ M (all labelled)   m / N: 30% "?" makes steps 1/0.7 ≈ 1.43× larger
``"per_task"`` N_j = Σ_i M[j, i]        m / N_j for task j: rarely labelled tasks get
                                        larger steps (each task's mean loss, summed)
============  =======================  ==========================================

"labelled" is what "ignore index"/"mean over non-ignored" losses in frameworks
do. With plain gradient descent the normaliser rescales the effective
learning rate as in the last column; Adam and RMSprop divide the scale out.
``w_j`` are optional per-task weights (default 1). A batch, or a task, with no
label at all gives J = 0 and a zero gradient: its count is replaced by 1,
which changes nothing because every term is masked.

The gradient (assumption: sigmoid outputs with the logistic loss)
-----------------------------------------------------------------
``∂L/∂z = σ(z) − y`` (differentiate ``max(z,0) − yz + log(1 + e^{−|z|})``, or
note ``σ' = σ(1−σ)`` cancels the denominators of ``∂L/∂ŷ``), so::

    dZ[L] = c ⊙ M ⊙ (A[L] − Y)        # (n_y, m); exactly 0 at every "?"

With ``normalizer="m"`` and no weights this is the lecture's
``dZ[L] = (A[L] − Y) ⊙ M / m``.

What it leaves out: the L2 cost (:mod:`tinymtl.regularization`), losses for
regression outputs, class-balanced or focal weighting, and label smoothing.

>>> import numpy as np
>>> Z = np.array([[2.0, -1.0], [0.0, 3.0]])           # logits: (n_y, m) = (2, 2)
>>> Y = np.array([[1.0, np.nan], [0.0, 1.0]])         # one "?"
>>> J, dZ = masked_logistic_loss_and_grad(Z, Y)
>>> round(float(J), 6)                                 # (L(2,1) + L(0,0) + L(3,1)) / 2
0.434331
>>> dZ[0, 1]                                           # no gradient under "?"
np.float64(0.0)
"""

from __future__ import annotations

from .activations import sigmoid
from .backend import array_module
from .validation import DTYPES, as_inputs, as_labels, as_task_weights, check_choice

NORMALIZERS = ("m", "labelled", "per_task")


def _count(known, dtype, axis=None):
    """How many entries are labelled (along ``axis``), at least 1, in ``dtype`` so float32 stays float32."""
    xp = array_module(known)
    keepdims = axis is not None
    return xp.maximum(known.sum(axis=axis, keepdims=keepdims), 1).astype(dtype)


def task_scale(unknown, dtype, normalizer: str = "m", task_weights=None):
    """The per-task scale c = w / d of the module docstring.  unknown: (n_y, m), True at "?"; c: (n_y, 1) or scalar."""
    if normalizer == "m":
        count = unknown.shape[1]  # m
    elif normalizer == "labelled":
        count = _count(~unknown, dtype)  # N: labelled entries in the batch (1 if none)
    else:
        count = _count(~unknown, dtype, axis=1)  # N_j: (n_y, 1)
    weights = 1.0 if task_weights is None else task_weights  # w: (n_y, 1)
    return weights / count


def masked_entry_losses(Z, Y, unknown):
    """M ⊙ L: the logistic loss of every entry from its logit, 0 at "?"; (n_y, m), >= 0.

    ``L = max(z, 0) − y·z + log(1 + e^{−|z|})``; ``unknown = isnan(Y)`` (n_y, m), passed
    in because the callers need it too. No argument checks (the training hot path).
    Shared by :func:`masked_logistic_loss_and_grad` and the per-task losses J_j of
    :func:`masked_task_losses`.
    """
    xp = array_module(Z)
    L = xp.maximum(Z, 0)  # L = max(z, 0) − y·z + log(1 + e^{−|z|}): (n_y, m), >= 0
    L -= Y * Z  # NaN at "?"
    L += xp.log1p(xp.exp(-xp.abs(Z)))
    xp.copyto(L, 0, where=unknown)  # M ⊙ L: 0 at "?"
    return L


def masked_task_losses(Z, Y, normalizer: str = "m"):
    """J_j = Σ_i c_j M[j, i] L[j, i] for each task j: a device array (n_y,) whose sum is the cost J.

    Z: (n_y, m) logits; Y: (n_y, m) of 0, 1 or NaN ("?"); ``c_j = 1/d_j`` as in the
    module docstring (no task weights: these are the parts the weights multiply).
    With ``normalizer="m"``, ``J_j = (1/m) Σ_{i labelled for j} L``, the lecture's
    sum over i for one task. No argument checks (the training hot path of
    :mod:`tinymtl.weighting`).

    >>> import numpy as np
    >>> Z = np.array([[2.0, -1.0], [0.0, 3.0]]); Y = np.array([[1.0, np.nan], [0.0, 1.0]])
    >>> J_tasks = masked_task_losses(Z, Y)              # (L(2, 1) / 2, (L(0, 0) + L(3, 1)) / 2): (n_y,)
    >>> np.round(J_tasks, 6)
    array([0.063464, 0.370867])
    >>> bool(np.isclose(J_tasks.sum(), masked_logistic_loss_and_grad(Z, Y)[0]))   # Σ_j J_j = J
    True
    """
    xp = array_module(Z)
    unknown = xp.isnan(Y)  # "?": (n_y, m)
    L = masked_entry_losses(Z, Y, unknown)  # M ⊙ L: (n_y, m)
    L *= task_scale(unknown, Z.dtype, normalizer)  # c ⊙ M ⊙ L: c is (n_y, 1) or a scalar
    return L.sum(axis=1)  # J_j: (n_y,)


def masked_logistic_loss_and_grad(Z, Y, normalizer: str = "m", task_weights=None):
    """J (a 0-d array) and dZ[L] = c ⊙ M ⊙ (σ(Z) − Y), both from the logits.

    Z: (n_y, m) logits; Y: (n_y, m) of 0, 1 or NaN ("?"); task_weights: (n_y, 1)
    or None. No argument checks (this is the training hot path); the public
    :func:`masked_logistic_loss` checks them.

    Speed choice: the "?" entries are computed like the others (from Y's NaN
    they come out NaN) and then *replaced* by 0 with ``copyto(..., where=unknown)``:
    masked with where, never multiplied by M, and without first building a copy
    ``Y0`` of Y with the NaN set to 0 (the plain version: ``where`` makes new
    arrays, ``copyto`` writes in place). Measured on one batch
    (benchmarks/choices.py): 26.3 → 22.3 µs for workload R2, 41.6 → 36.6 µs for R1.
    """
    xp = array_module(Z)
    unknown = xp.isnan(Y)  # "?": (n_y, m); the mask M is its negation
    c = task_scale(unknown, Z.dtype, normalizer, task_weights)  # c: (n_y, 1), or a scalar
    L = masked_entry_losses(Z, Y, unknown)  # M ⊙ L: (n_y, m), 0 at "?"
    L *= c
    J = L.sum()  # J = Σ_j Σ_i c_j M L: a 0-d array
    dZ = sigmoid(Z)  # A[L]: (n_y, m)
    dZ -= Y  # NaN at "?"
    xp.copyto(dZ, 0, where=unknown)  # M ⊙ (A[L] − Y): 0 at "?"
    dZ *= c  # dZ[L] = c ⊙ M ⊙ (A[L] − Y): (n_y, m)
    return J, dZ


def softmax_cross_entropy_and_grad(Z, Y, normalizer: str = "m"):
    """J = −(1/d) Σ_i Σ_k Y_k log softmax(Z)_k and dZ[L] = (softmax(Z) − Y) / d.

    Z: (C, m) logits; Y: (C, m) one-hot columns, or a column of NaN for an
    example whose class is unknown (left out, like "?"). ``d`` is m
    (``normalizer="m"``) or the number of labelled columns ("labelled").
    ``log softmax(Z) = Z − max − log Σ_c e^{Z_c − max}`` never overflows.
    Assumption of the gradient: softmax outputs with this loss
    (∂J/∂Z_k = softmax_k − y_k, using Σ_k y_k = 1).
    """
    xp = array_module(Z)
    known = ~xp.isnan(Y[:1])  # labelled columns: (1, m)
    count = Z.shape[1] if normalizer == "m" else _count(known, Z.dtype)
    shifted = Z - Z.max(axis=0, keepdims=True)  # (C, m), max 0 per column
    log_probs = shifted - xp.log(xp.exp(shifted).sum(axis=0, keepdims=True))  # log softmax: (C, m)
    Y0 = xp.where(known, Y, 0)  # (C, m)
    J = -(Y0 * log_probs).sum() / count
    dZ = xp.exp(log_probs)  # A[L] = softmax(Z): (C, m), from the log-probabilities already computed
    dZ -= Y0
    dZ = xp.where(known, dZ, 0)
    dZ /= count
    return J, dZ


def loss_and_grad_from_logits(output: str, Z, Y, normalizer: str = "m", task_weights=None):
    """J (a 0-d array) and dZ[L] for a network's output: "sigmoid" takes the masked logistic loss, "softmax" cross-entropy.

    No argument checks: the training hot path (``task_weights`` apply to "sigmoid" only).
    """
    if output == "sigmoid":
        return masked_logistic_loss_and_grad(Z, Y, normalizer, task_weights)
    return softmax_cross_entropy_and_grad(Z, Y, normalizer)


def _checked(logits, Y, output: str):
    """Public-function checks: logits finite, Y of the same shape with valid labels."""
    dtype = getattr(logits, "dtype", None)
    Z = as_inputs(logits, None, dtype=dtype if dtype in DTYPES else "float64", name="logits")
    return Z, as_labels(Y, Z.shape[0], Z.shape[1], Z.dtype, output)


def masked_logistic_loss(logits, Y, normalizer: str = "m", task_weights=None) -> float:
    """The masked logistic loss J of logits ``(n_y, m)`` and labels ``Y`` ``(n_y, m)`` (NaN = "?").

    See the module docstring for the formula and the ``normalizer`` choices
    ("m", "labelled", "per_task"). Returns a Python float (a device sync).

    >>> import numpy as np
    >>> masked_logistic_loss(np.array([[1e4, -1e4]]), np.array([[1, np.nan]]))
    0.0
    """
    Z, Y = _checked(logits, Y, "sigmoid")
    check_choice("normalizer", normalizer, NORMALIZERS)
    weights = None if task_weights is None else as_task_weights(task_weights, Z.shape[0], Z.dtype)
    return float(masked_logistic_loss_and_grad(Z, Y, normalizer, weights)[0])  # sync


def softmax_cross_entropy(logits, Y, normalizer: str = "m") -> float:
    """Categorical cross-entropy of logits ``(C, m)`` and one-hot ``Y`` ``(C, m)``; a Python float.

    >>> import numpy as np
    >>> round(softmax_cross_entropy(np.zeros((4, 3)), np.eye(4)[:, :3]), 6)   # log 4
    1.386294
    """
    Z, Y = _checked(logits, Y, "softmax")
    check_choice("normalizer", normalizer, NORMALIZERS[:2])
    return float(softmax_cross_entropy_and_grad(Z, Y, normalizer)[0])  # sync
