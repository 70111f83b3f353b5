"""A CPU stand-in for CuPy that refuses what CuPy refuses, so CI can prove GPU-readiness.

One concept: *a device array you cannot silently leave*. CI has no GPU, yet the
code must not contain the two mistakes that only a GPU reveals:

1. **implicit device-to-host conversion**: ``numpy.asarray(cupy_array)`` raises
   ``TypeError`` on CuPy ("Implicit conversion to a NumPy array is not allowed");
   only ``a.get()`` (``tinymtl.to_numpy``) copies to the host;
2. **host arrays mixed into device arithmetic**: ``cupy_array + numpy_array``
   raises ``TypeError``; a host array must first be moved with ``xp.asarray``.

:class:`StrictArray` wraps a ``numpy.ndarray`` and raises ``TypeError`` in both
cases, as CuPy does. :data:`xp` is its array module: ``xp.exp``, ``xp.where``,
``xp.asarray``... are NumPy's functions with the same refusals. Python scalars
and NumPy scalars mix freely with device arrays (as in CuPy), and
``float(a)``/``a.item()`` work: they are the device-to-host syncs of CuPy.

What it leaves out: speed (every call unwraps and rewraps) and CuPy's own
random generator (tinymtl draws random numbers on the host anyway).

>>> a = xp.asarray([1.0, 2.0])          # host -> "device": allowed
>>> (xp.exp(a * 0) + 1).get()           # device math, then an explicit copy back
array([2., 2.])
>>> import numpy as np
>>> a + np.ones(2)
Traceback (most recent call last):
...
TypeError: strict backend: a host numpy.ndarray was mixed into device arithmetic (CuPy refuses this). Move it first with xp.asarray(...) / tinymtl.to_device(...).
>>> np.asarray(a)
Traceback (most recent call last):
...
TypeError: strict backend: implicit conversion of a device array to NumPy is not allowed (CuPy refuses this). Use tinymtl.to_numpy(a) or a.get().
"""

from __future__ import annotations

import operator

import numpy as np

MIXED_MESSAGE = (
    "strict backend: a host numpy.ndarray was mixed into device arithmetic (CuPy refuses this). "
    "Move it first with xp.asarray(...) / tinymtl.to_device(...)."
)
IMPLICIT_MESSAGE = (
    "strict backend: implicit conversion of a device array to NumPy is not allowed "
    "(CuPy refuses this). Use tinymtl.to_numpy(a) or a.get()."
)


def _unwrap(value):
    """StrictArray -> its ndarray; refuse a bare host ndarray; recurse into lists, tuples, dicts."""
    if isinstance(value, StrictArray):
        return value._data
    if isinstance(value, np.ndarray):
        raise TypeError(MIXED_MESSAGE)
    if isinstance(value, (list, tuple)):
        return type(value)(_unwrap(v) for v in value)
    if isinstance(value, dict):
        return {k: _unwrap(v) for k, v in value.items()}
    return value


def _wrap(value):
    """Array results become StrictArray; so do NumPy scalars, as CuPy's reductions return 0-d device arrays."""
    if isinstance(value, np.ndarray):
        return StrictArray(value)
    if isinstance(value, np.generic):
        return StrictArray(np.asarray(value))
    if isinstance(value, tuple):
        return tuple(_wrap(v) for v in value)
    if isinstance(value, list):
        return [_wrap(v) for v in value]
    return value


def _binary(op):
    def forward(self, other):
        return _wrap(op(self._data, _unwrap(other)))

    def reflected(self, other):
        return _wrap(op(_unwrap(other), self._data))

    return forward, reflected


def _inplace(op):
    def method(self, other):
        op(self._data, _unwrap(other))  # numpy's in-place operator mutates self._data
        return self

    return method


class StrictArray:
    """A NumPy array posing as a CuPy device array; see the module docstring."""

    __slots__ = ("_data",)
    __array_ufunc__ = None  # numpy_array + StrictArray -> our reflected operator, which refuses

    def __init__(self, data: np.ndarray):
        self._data = data

    # --- refusals -------------------------------------------------------------------
    def __array__(self, dtype=None, copy=None):
        raise TypeError(IMPLICIT_MESSAGE)

    def __iter__(self):
        raise TypeError("strict backend: iterating over a device array is not allowed; use tinymtl.to_numpy(a).")

    # --- explicit copies to the host (CuPy's .get(), and scalar syncs) ---------------
    def get(self) -> np.ndarray:
        return self._data.copy()

    def item(self):
        return self._data.item()

    def __float__(self):
        return float(self._data)

    def __int__(self):
        return int(self._data)

    def __bool__(self):
        return bool(self._data)

    def __index__(self):
        return operator.index(self._data)

    def tolist(self):
        return self._data.tolist()

    def __repr__(self):
        return f"StrictArray({np.array2string(self._data, separator=', ')}, dtype={self._data.dtype})"

    # --- array attributes and methods ----------------------------------------------
    shape = property(lambda self: self._data.shape)
    dtype = property(lambda self: self._data.dtype)
    ndim = property(lambda self: self._data.ndim)
    size = property(lambda self: self._data.size)
    nbytes = property(lambda self: self._data.nbytes)
    flags = property(lambda self: self._data.flags)
    T = property(lambda self: StrictArray(self._data.T))

    def __len__(self):
        return len(self._data)

    def __getattr__(self, name):
        """Array methods (sum, mean, max, astype, reshape, copy, ...) with wrapped results."""
        if name == "_data" or name.startswith("__"):  # no __array_interface__ etc: no back door to NumPy
            raise AttributeError(name)
        method = getattr(self._data, name)
        if not callable(method):
            return method
        return lambda *args, **kwargs: _wrap(method(*_unwrap(args), **_unwrap(kwargs)))

    def __getitem__(self, key):
        return _wrap(self._data[_unwrap(key)])

    def __setitem__(self, key, value):
        self._data[_unwrap(key)] = _unwrap(value)

    def __neg__(self):
        return StrictArray(-self._data)

    def __abs__(self):
        return StrictArray(abs(self._data))

    def __invert__(self):
        return StrictArray(~self._data)

    __add__, __radd__ = _binary(operator.add)
    __sub__, __rsub__ = _binary(operator.sub)
    __mul__, __rmul__ = _binary(operator.mul)
    __truediv__, __rtruediv__ = _binary(operator.truediv)
    __pow__, __rpow__ = _binary(operator.pow)
    __matmul__, __rmatmul__ = _binary(operator.matmul)
    __and__, __rand__ = _binary(operator.and_)
    __or__, __ror__ = _binary(operator.or_)
    __xor__, __rxor__ = _binary(operator.xor)
    __iadd__ = _inplace(operator.iadd)
    __isub__ = _inplace(operator.isub)
    __imul__ = _inplace(operator.imul)
    __itruediv__ = _inplace(operator.itruediv)
    __eq__ = _binary(operator.eq)[0]
    __ne__ = _binary(operator.ne)[0]
    __lt__ = _binary(operator.lt)[0]
    __le__ = _binary(operator.le)[0]
    __gt__ = _binary(operator.gt)[0]
    __ge__ = _binary(operator.ge)[0]
    __hash__ = None


class _StrictModule:
    """``xp`` for the strict backend: NumPy's namespace with CuPy's refusals."""

    __name__ = "tinymtl.strict.xp"
    ndarray = StrictArray

    @staticmethod
    def asarray(a, dtype=None, order="K"):
        """Host -> device: the one place a host array may enter (like ``cupy.asarray``)."""
        data = a._data if isinstance(a, StrictArray) else a
        return StrictArray(np.asarray(data, dtype=dtype, order=order))

    array = asarray

    def __getattr__(self, name):
        attribute = getattr(np, name)
        if not callable(attribute) or isinstance(attribute, type):
            return attribute  # constants, dtypes (xp.float32, xp.newaxis, xp.inf ...)

        def strict_function(*args, **kwargs):
            return _wrap(attribute(*_unwrap(args), **_unwrap(kwargs)))

        strict_function.__name__ = name
        return strict_function

    def __repr__(self):
        return "<array module 'strict' (NumPy with CuPy's refusals)>"


xp = _StrictModule()
