"""The backend switch: which array library does the math, NumPy (CPU) or CuPy (GPU).

One concept: *where the arrays live*. The math modules never import NumPy or
CuPy for computing; they ask :func:`array_module` which module owns the arrays
they were given (CuPy's ``get_array_module`` idiom), so one code path serves
every backend. This is the only module that imports ``cupy``.

Three backends exist:

``"numpy"``  (default)  arrays are ``numpy.ndarray`` in host memory.
``"cupy"``               arrays are ``cupy.ndarray`` on an NVIDIA GPU.
``"strict"``             a CPU stand-in for CuPy, for tests: NumPy underneath,
                         but it refuses what CuPy refuses (implicit conversion
                         to NumPy, host arrays mixed into device arithmetic).
                         See :mod:`tinymtl.strict`.

The active backend is chosen by, in order: :func:`set_backend` or
:func:`use_backend`, else the environment variable ``TINYMTL_BACKEND``, else
``"numpy"``.

User inputs (lists, NumPy arrays) are moved to the active device once, at the
API boundary, by :func:`to_device`; results stay there until the user asks for
host arrays with :func:`to_numpy`.

What it leaves out: more than one GPU, streams and memory pools (CuPy's
defaults serve), and other array libraries (JAX, PyTorch tensors).

>>> import tinymtl as tm
>>> tm.get_backend()
'numpy'
>>> with tm.use_backend("strict"):
...     a = tm.to_device([1.0, 2.0])
...     tm.get_backend(), type(a).__name__, tm.to_numpy(a * 2)
('strict', 'StrictArray', array([2., 4.]))
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator

import numpy as np

from . import strict

BACKENDS = ("numpy", "cupy", "strict")
GPU_INSTALL_HINT = 'install CuPy with: pip install "tinymtl[gpu]" (needs an NVIDIA GPU and CUDA 12)'

_active: str | None = None  # None: not chosen yet, read TINYMTL_BACKEND on first use
_cupy = None  # the cupy module, once it has been imported successfully


def check_backend_name(name: object) -> str:
    """``name`` in lower case if it names a backend, else a ValueError that lists them."""
    if not isinstance(name, str) or name.lower() not in BACKENDS:
        raise ValueError(
            f"backend: got {name!r}, expected one of {', '.join(map(repr, BACKENDS))}. "
            'Use "numpy" for the CPU, "cupy" for an NVIDIA GPU.'
        )
    return name.lower()


def _import_cupy():
    """Import CuPy and check that it sees a GPU; a clear error otherwise."""
    global _cupy
    if _cupy is not None:
        return _cupy
    try:
        import cupy
    except ImportError as err:
        raise ImportError(f"backend 'cupy': CuPy is not installed; {GPU_INSTALL_HINT}.") from err
    try:
        n_gpus = cupy.cuda.runtime.getDeviceCount()
    except Exception as err:  # CUDA driver missing or broken
        raise RuntimeError(
            f"backend 'cupy': CuPy is installed but cannot reach a GPU ({err}). "
            f"Use the 'numpy' backend on this machine, or {GPU_INSTALL_HINT}."
        ) from err
    if n_gpus < 1:
        raise RuntimeError("backend 'cupy': CuPy found no GPU on this machine. Use the 'numpy' backend.")
    _cupy = cupy
    return cupy


def set_backend(name: str) -> None:
    """Make ``name`` ("numpy", "cupy" or "strict") the active backend for new arrays."""
    global _active
    name = check_backend_name(name)
    if name == "cupy":
        _import_cupy()
    _active = name


def get_backend() -> str:
    """The name of the active backend: "numpy", "cupy" or "strict"."""
    global _active
    if _active is None:
        from_env = os.environ.get("TINYMTL_BACKEND", "numpy")
        try:
            set_backend(from_env)
        except (ValueError, ImportError, RuntimeError) as err:
            raise type(err)(f"environment variable TINYMTL_BACKEND={from_env!r}: {err}") from None
    return _active


@contextlib.contextmanager
def use_backend(name: str) -> Iterator[str]:
    """Run a ``with`` block under backend ``name``, then restore the previous one."""
    previous = get_backend()
    set_backend(name)
    try:
        yield get_backend()
    finally:
        set_backend(previous)


def backend_module(name: str | None = None):
    """The array module of backend ``name`` (default: the active one)."""
    name = get_backend() if name is None else check_backend_name(name)
    if name == "cupy":
        return _import_cupy()
    return strict.xp if name == "strict" else np


def array_module(*arrays):
    """The array module (numpy, cupy or the strict stand-in) that owns ``arrays``.

    Math functions start with ``xp = array_module(Z)`` and then write ``xp.exp``,
    ``xp.where``... so that the same line runs on every backend.
    """
    for a in arrays:
        if isinstance(a, strict.StrictArray):
            return strict.xp
        if _cupy is not None and isinstance(a, _cupy.ndarray):
            return _cupy
    return np


def backend_of(array) -> str:
    """The name of the backend that owns ``array``."""
    xp = array_module(array)
    return "strict" if xp is strict.xp else "cupy" if xp is _cupy else "numpy"


def to_device(a, dtype=None, order: str = "K", backend: str | None = None):
    """Move ``a`` (list, NumPy or device array) onto the device of ``backend`` (default: active).

    This is the one host-to-device transfer at the API boundary. ``dtype`` and
    ``order`` ("C", "F" or "K") are applied in the same step; nothing is copied
    when ``a`` already lives there with that dtype and layout.
    """
    xp = backend_module(backend)
    if array_module(a) is not xp and not isinstance(a, np.ndarray):
        a = to_numpy(a) if array_module(a) is not np else np.asarray(a)
    return xp.asarray(a, dtype=dtype, order=order)


def to_numpy(a) -> np.ndarray:
    """A host ``numpy.ndarray`` holding the values of ``a``.

    From a device (CuPy, strict) this is a copy; a NumPy array is returned
    as it is (no copy), so writing into the result writes into ``a``.
    """
    if isinstance(a, strict.StrictArray) or (_cupy is not None and isinstance(a, _cupy.ndarray)):
        return a.get()
    return np.asarray(a)
