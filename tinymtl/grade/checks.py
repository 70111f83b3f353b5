"""The grader's shared part: load a student's file, run the checks, say in words what is wrong.

One concept: *a check is a short function that returns when the student's
code is right and raises* :class:`Wrong` *with a plain-words diagnosis when it
is not*. The diagnosis comes from comparing the student's answer with
tinymtl's own on the same random inputs, and with tinymtl's answer to the
usual mistakes (a "?" counted as 0, a forgotten 1/m, a flipped sign...).

What it leaves out: timing, style, and any check that needs a GPU.

>>> wrong_scale(2.0, 1.0, {"forgot the 1/m": 2.0})
'forgot the 1/m'
>>> wrong_scale(3.0, 1.0, {"forgot the 1/m": 2.0}) is None
True
"""

from __future__ import annotations

import importlib.util
import warnings
from dataclasses import dataclass
from pathlib import Path

import numpy as np

RTOL, ATOL = 1e-6, 1e-9  # student against tinymtl: both float64, so only rounding may differ


class Wrong(Exception):
    """A check found a mistake; the message says what is wrong and how to fix it."""


class GradeError(Exception):
    """The grading cannot start: an unknown exercise name, a file that is not there or that does not import."""


@dataclass
class Result:
    """One check: its name (what it checks), whether it passed, and the diagnosis when it did not."""

    name: str
    passed: bool
    message: str = ""

    def line(self) -> str:
        """``PASS  name`` or ``FAIL  name: message``."""
        return f"PASS  {self.name}" if self.passed else f"FAIL  {self.name}: {self.message}"


def load(path):
    """The student's file as a module, loaded from its path (its ``__main__`` block does not run).

    :class:`GradeError` when there is no such file, or when running the file's top level fails
    (a SyntaxError, an ImportError, an exit at import): no check can run then.
    """
    path = Path(path)
    if not path.is_file():
        raise GradeError(f"FILE: {str(path)!r} is not a file. Give the path of your exercise file, "
                         "e.g. lessons/exercises/masked_loss.py.")  # fmt: skip
    spec = importlib.util.spec_from_file_location(f"student_{path.stem}", path)
    module = importlib.util.module_from_spec(spec)
    try:
        spec.loader.exec_module(module)
    except (Exception, SystemExit) as error:  # noqa: BLE001  the file's top level failed: say how
        raise GradeError(f"FILE: {str(path)!r} does not import, it raised {type(error).__name__}: {error}. "
                         f"Fix it until `python {path.name}` runs without an error.") from error  # fmt: skip
    return module


def student_function(module, name: str, signature: str):
    """The function ``name`` of the student's module; :class:`Wrong` if the file does not define it."""
    function = getattr(module, name, None)
    if not callable(function):
        raise Wrong(f"the file has no function {name}: define `def {signature}:` with exactly this name.")
    return function


def run_check(check, module) -> Result:
    """Run one check on the student's module; its name is the first line of its docstring.

    Warnings (overflow in exp...) are silenced: the check judges the returned
    numbers, and names the instability itself when they are NaN or inf.
    """
    name = check.__doc__.strip().splitlines()[0]
    try:
        with warnings.catch_warnings(), np.errstate(all="ignore"):
            warnings.simplefilter("ignore")
            check(module)
    except NotImplementedError as todo:
        return Result(name, False, f"not written yet (NotImplementedError: {todo})")
    except Wrong as wrong:
        return Result(name, False, str(wrong))
    except Exception as error:  # noqa: BLE001  the student's code crashed: say how
        return Result(name, False, f"your code raised {type(error).__name__}: {error}")
    return Result(name, True)


def as_number(value, what: str) -> float:
    """``value`` as a float if it is one number (a Python float or a 0-d array); else :class:`Wrong`."""
    if np.ndim(value) != 0:
        raise Wrong(f"{what} is an array of shape {np.shape(value)}, expected one number: sum over the "
                    "tasks j and the examples i (axis=None).")  # fmt: skip
    try:
        return float(value)
    except (TypeError, ValueError):
        raise Wrong(f"{what} is {value!r}, expected one number.") from None


def as_array(value, what: str, shape: tuple, hints: dict | None = None) -> np.ndarray:
    """``value`` as an array of ``shape``; :class:`Wrong` names the shape it had and, from ``hints``, why."""
    if not hasattr(value, "shape"):
        raise Wrong(f"{what} is a {type(value).__name__}, expected a NumPy array of shape {shape}.")
    if value.shape != shape:
        hint = (hints or {}).get(value.shape, "")
        raise Wrong(f"{what} has shape {value.shape}, expected {shape}. {hint}".strip())
    return np.asarray(value, dtype=float)


def close(a, b) -> bool:
    """a ≈ b elementwise (NaN equals nothing)."""
    return bool(np.allclose(a, b, rtol=RTOL, atol=ATOL))


def wrong_scale(student, reference, factors: dict):
    """The name of the first factor f with student ≈ f · reference (a known mistake), else None."""
    for mistake, factor in factors.items():
        if factor != 1 and close(student, np.multiply(reference, factor)):
            return mistake
    return None


def check_finite(value, what: str, why: str) -> None:
    """:class:`Wrong` with ``why`` if ``value`` holds a NaN or an inf."""
    if not np.all(np.isfinite(value)):
        raise Wrong(f"{what} contains NaN or inf: {why}")


def unchanged(before: dict, after: dict) -> None:
    """:class:`Wrong` if the function changed one of its arguments in place (``before``: copies)."""
    for name, copy in before.items():
        if not np.array_equal(copy, after[name], equal_nan=True):
            raise Wrong(f"your function changed its argument {name} in place (e.g. {name}[...] = ...); the "
                        "caller still needs it: work on a copy, or build new arrays with np.where.")  # fmt: skip


def random_labels(rng, n_y: int, m: int, unknown: float = 0.0) -> np.ndarray:
    """Y (n_y, m) of 0 and 1 with a share ``unknown`` of "?" (NaN), at least one labelled entry and one "?"."""
    Y = (rng.random((n_y, m)) < 0.5).astype(float)  # (n_y, m)
    if unknown > 0:
        hidden = rng.random((n_y, m)) < unknown  # (n_y, m), True at "?"
        hidden.flat[0], hidden.flat[-1] = True, False  # one "?" and one label at least
        Y[hidden] = np.nan
    return Y
