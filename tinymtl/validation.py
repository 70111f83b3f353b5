"""Argument checks at the API boundary: clear errors instead of silent NaN.

One concept: *every public entry point checks what it was given*. Each error
names the argument, what was given, what was expected and the likely fix.
The checks that look at values (NaN in ``X``, labels other than 0/1/"?") run
on the device and read back one boolean each (a sync, once per call).

The converting checks (:func:`as_inputs`, :func:`as_labels`) are also where
user data is moved to the device, once, in the network's dtype.

What it leaves out: checks inside the training loop (the hot path trusts what
was checked once), and repairing bad input (a NaN in ``X`` is an error, never
imputed).
"""

from __future__ import annotations

from numbers import Integral, Real

import numpy as np

from ._deprecated import moved_names
from .backend import array_module, to_device, to_numpy

DTYPES = ("float64", "float32")


def check_choice(name: str, value, valid: tuple[str, ...]) -> str:
    """``value`` if it is one of ``valid``, else a ValueError that lists them."""
    if not isinstance(value, str) or value not in valid:
        raise ValueError(f"{name}: got {value!r}, expected one of {', '.join(map(repr, valid))}.")
    return value


def check_dtype(dtype) -> np.dtype:
    """``"float64"``/``"float32"`` (or the NumPy types) as a ``numpy.dtype``."""
    try:
        resolved = None if dtype is None else np.dtype(dtype)  # np.dtype(None) would be float64
    except TypeError:
        resolved = None
    if resolved is None or resolved.name not in DTYPES:
        raise ValueError(
            f"dtype: got {dtype!r}, expected one of {', '.join(map(repr, DTYPES))} "
            "(float64 for teaching and gradient checks, float32 for speed)."
        )
    return resolved


def check_positive(name: str, value, integer: bool = False):
    """``value`` if it is a positive number (a positive int when ``integer``)."""
    kind = Integral if integer else Real
    if isinstance(value, bool) or not isinstance(value, kind) or not value > 0 or not np.isfinite(value):
        expected = "a positive integer" if integer else "a positive finite number"
        raise ValueError(f"{name}: got {value!r}, expected {expected}.")
    return value


def check_seed(seed):
    """``seed`` if it is a non-negative integer or None (fresh randomness)."""
    if seed is not None and (isinstance(seed, bool) or not isinstance(seed, Integral) or seed < 0):
        raise ValueError(f"seed: got {seed!r}, expected a non-negative integer (e.g. 0), or None for a random start.")
    return seed


def check_threshold(threshold) -> float:
    """``threshold`` if it is a number strictly between 0 and 1 (Ŷ = P >= threshold)."""
    if isinstance(threshold, bool) or not isinstance(threshold, Real) or not 0 < threshold < 1:
        raise ValueError(
            f"threshold: got {threshold!r}, expected a number strictly between 0 and 1 "
            "(Yhat = P >= threshold; 0.5 is the usual choice)."
        )
    return float(threshold)


def check_nonnegative(name: str, value) -> float:
    """``value`` if it is a finite number >= 0 (e.g. the L2 strength λ)."""
    if isinstance(value, bool) or not isinstance(value, Real) or not 0 <= value < np.inf:
        raise ValueError(f"{name}: got {value!r}, expected a finite number >= 0 (0 turns it off).")
    return float(value)


def check_layer_dims(layer_dims) -> tuple[int, ...]:
    """``[n_x, n_1, ..., n_L]``: at least an input and an output size, all positive ints."""
    try:
        dims = tuple(layer_dims)
    except TypeError:
        dims = None
    if dims is None or len(dims) < 2:
        raise ValueError(
            f"layer_dims: got {layer_dims!r}, expected a list [n_x, n_1, ..., n_L] of at least two sizes, "
            "e.g. [3072, 64, 4] for 32x32 RGB images, one hidden layer and 4 tasks."
        )
    for l, n in enumerate(dims):
        if isinstance(n, bool) or not isinstance(n, Integral) or n < 1:
            raise ValueError(f"layer_dims: entry {l} is {n!r}, expected a positive integer (a layer size n_{l}).")
    return tuple(int(n) for n in dims)


def as_2d(name: str, a, dtype, what: str, backend: str | None = None):
    """``a`` on the device of ``backend`` (default: active) as a 2-D array; 1-D input is refused, not reshaped.

    ``dtype=None`` keeps a float dtype and makes integer or boolean input
    float64 (so it can hold NaN). The layout becomes Fortran order: column
    slices (mini-batches of examples) are then contiguous.
    """
    if array_module(a) is np and not isinstance(a, np.ndarray):
        try:
            a = np.asarray(a)
        except ValueError as err:  # ragged nested lists
            raise ValueError(f"{name}: could not be read as a 2-D array {what} ({err}).") from None
    if a.dtype.kind not in "biuf":
        raise TypeError(f"{name}: got an array of dtype {a.dtype}, expected numbers ({what}).")
    if a.ndim != 2:
        hint = f" For one example use {name}.reshape(-1, 1)." if a.ndim == 1 else ""
        raise ValueError(f"{name}: got an array of shape {a.shape}, expected a 2-D array {what}.{hint}")
    if dtype is None:
        dtype = a.dtype if a.dtype.kind == "f" else np.float64
    return to_device(a, dtype=dtype, order="F", backend=backend)


def examples_of(values, mask) -> str:
    """Up to three of the ``values`` where ``mask`` holds, as text (error path only: syncs freely)."""
    return ", ".join(str(v) for v in to_numpy(values[mask])[:3].tolist())


def check_label_values(Y, name: str = "Y"):
    """Raise unless every entry of the device array ``Y`` is 0, 1 or NaN ("?"); return the "?" mask."""
    xp = array_module(Y)
    unknown = xp.isnan(Y)  # (n_y, m)
    valid = (Y == 0) | (Y == 1) | unknown
    if not bool(valid.all()):  # sync: one boolean read back
        raise ValueError(
            f"{name}: labels must be 0, 1 or NaN ('?', unknown); found {examples_of(Y, ~valid)}. "
            "Threshold soft labels first, or mark unknown labels with NaN."
        )
    return unknown


def as_inputs(X, n_x: int | None, dtype, name: str = "X") -> object:
    """``X`` checked and moved to the device: shape ``(n_x, m)``, finite, in ``dtype``.

    ``name``: what the caller calls this argument (``"logits"``, ``"X_val"``...).
    """
    X = as_2d(name, X, dtype, "of shape (n_x, m): one example per column")
    if n_x is not None and X.shape[0] != n_x:
        hint = (
            f" It looks transposed (examples in rows): pass {name}.T."
            if X.shape[1] == n_x
            else " Check that the network's layer_dims[0] matches the data."
        )
        raise ValueError(
            f"{name}: got shape {X.shape}, expected ({n_x}, m) with n_x = {n_x} features per column.{hint}"
        )
    if X.shape[1] == 0:
        raise ValueError(f"{name}: got shape {X.shape}, i.e. no examples (m = 0); expected at least one column.")
    xp = array_module(X)
    # NaN spreads into min and max, inf becomes one of them: two reductions check every entry without
    # allocating an isfinite(X) mask (a quarter of a float32 X; it broke fit's memory target).
    if not bool(xp.isfinite(X.min()) & xp.isfinite(X.max())):  # sync: one boolean read back
        raise ValueError(f"{name}: contains NaN or inf; inputs must be finite (only labels Y may be NaN, meaning '?').")
    return X


def as_labels(Y, n_y: int, m: int, dtype, output: str = "sigmoid", name: str = "Y") -> object:
    """``Y`` checked and moved to the device: shape ``(n_y, m)``, entries 0, 1 or NaN ("?").

    For ``output="softmax"`` each column must be one-hot, or entirely NaN (an
    example whose class is unknown). ``name``: what the caller calls this argument.
    """
    Y = as_2d(name, Y, dtype, "of shape (n_y, m): one label vector per column")
    if Y.shape != (n_y, m):
        hint = f" It looks transposed: pass {name}.T." if Y.shape == (m, n_y) else ""
        raise ValueError(
            f"{name}: got shape {Y.shape}, expected ({n_y}, {m}): n_y = {n_y} tasks (rows) "
            f"by m = {m} examples (the columns of the inputs).{hint}"
        )
    unknown = check_label_values(Y, name)
    if output == "softmax":
        column_unknown = unknown.all(axis=0)
        one_hot = (Y == 1).sum(axis=0) == 1
        if not bool(((one_hot & ~unknown.any(axis=0)) | column_unknown).all()):  # sync
            raise ValueError(
                f"{name}: a softmax network needs one-hot columns (exactly one 1 per example, or a column of NaN "
                "for an unknown class). For several labels per example use output='sigmoid'."
            )
    return Y


def as_label_matrix(Y, backend: str | None):
    """``Y`` on the device, shape ``(n_y, m)``, entries 0, 1 or NaN ("?")."""
    Y = as_2d("Y", Y, None, "of shape (n_y, m): one label vector per column", backend)
    check_label_values(Y)
    return Y


def as_probabilities(P, shape: tuple[int, int], backend: str | None):
    """``P`` on the device, shape ``shape`` (that of ``Y``), every entry in [0, 1]."""
    P = as_2d("P", P, None, "of shape (n_y, m): one probability vector per column", backend)
    if P.shape != shape:
        hint = " It looks transposed: pass P.T." if P.shape == shape[::-1] else ""
        raise ValueError(
            f"P: got shape {P.shape}, expected {shape}, the shape of Y "
            f"(n_y = {shape[0]} tasks by m = {shape[1]} examples).{hint}"
        )
    valid = (P >= 0) & (P <= 1)  # (n_y, m), False for NaN
    if not bool(valid.all()):  # sync
        raise ValueError(
            f"P: probabilities must lie in [0, 1]; found {examples_of(P, ~valid)}. "
            "Pass the sigmoid outputs A[L], not the logits Z[L]; NaN means the network diverged."
        )
    return P


def check_task_names(task_names, n_y: int) -> tuple[str, ...]:
    """``task_names`` as a tuple of ``n_y`` strings; ``("task 0", ..., "task n_y-1")`` when None."""
    if task_names is None:
        return tuple(f"task {j}" for j in range(n_y))
    names = tuple(task_names) if not isinstance(task_names, str) else None
    if names is None or len(names) != n_y or not all(isinstance(n, str) for n in names):
        raise ValueError(
            f"task_names: got {task_names!r}, expected a list of {n_y} strings, one per row of Y "
            "(or None for 'task 0', 'task 1', ...)."
        )
    return names


def as_task_weights(task_weights, n_y: int, dtype):
    """Per-task weights w as a device column ``(n_y, 1)``; finite and >= 0."""
    try:
        host = to_numpy(task_weights).astype(float).reshape(-1)
    except (TypeError, ValueError):  # strings, ragged lists, None
        host = None
    if host is None or host.shape != (n_y,) or not np.all(np.isfinite(host)) or np.any(host < 0):
        raise ValueError(
            f"task_weights: got {task_weights!r}, expected {n_y} finite weights >= 0, one per task "
            f"(a list or array of shape ({n_y},))."
        )
    return to_device(host.reshape(n_y, 1), dtype=dtype)


__getattr__ = moved_names(
    __name__,
    {
        "HIDDEN_ACTIVATIONS": ("tinymtl.activations", "HIDDEN_ACTIVATIONS"),
        "OUTPUTS": ("tinymtl.activations", "OUTPUTS"),
    },
)
