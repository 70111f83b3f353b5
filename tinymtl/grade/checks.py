"""The grader's shared part: load a student's file, run the checks, say in words what is wrong, and say it once.

One concept: *a check is a short function that returns when the student's
code is right and raises* :class:`Wrong` *with a plain-words diagnosis when it
is not*. The diagnosis comes from comparing the student's answer with
tinymtl's own on the same random inputs, and with tinymtl's answer to the
usual mistakes (a "?" counted as 0, a forgotten 1/m, a flipped sign...).

Each check judges one thing. Where it tests a downstream step it starts from
the student's own upstream values (the dW[L] check multiplies the student's
dZ[L], not tinymtl's), so one mistake fails the check that owns it, and a
later check that meets the same mistake says "follows from the dZ[L] failure
above" instead of naming, or guessing, a cause again. A :class:`Wrong` carries
what it is about (``"dZ[L]"``) and which mistake (``"nan-leak"``) for this;
:class:`Reported` remembers what the checks above said.

What it leaves out: timing, style, and any check that needs a GPU.

>>> wrong_scale(2.0, 1.0, [("forgot 1/m", 2.0, "you forgot the 1/m.")])
('forgot 1/m', 'you forgot the 1/m.')
>>> wrong_scale(3.0, 1.0, [("forgot 1/m", 2.0, "you forgot the 1/m.")]) is None
True
>>> reported = Reported()
>>> reported.say(Wrong("dZ[L] has the wrong sign.", about="dZ[L]", mistake="sign"))
'dZ[L] has the wrong sign.'
>>> reported.say(Wrong("dZ[L] has the wrong sign (again).", about="dZ[L]", mistake="sign"))
'follows from the dZ[L] failure above.'
"""

from __future__ import annotations

import ast
import importlib.util
import inspect
import textwrap
import traceback
import warnings
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from .own_code import UsesTinymtl, watched

RTOL, ATOL = 1e-6, 1e-9  # student against tinymtl: both float64, so only rounding may differ
POINTS = 1.0  # per check, on Gradescope and in the report


@dataclass
class Finding:
    """One mistake a check found: the words for it, what it is about and which mistake (see :class:`Wrong`)."""

    message: str
    about: str | None = None
    mistake: str | None = None
    again: str | None = None  # the words when it follows from a failure above (default: "follows from ...")


class Wrong(Exception):
    """A check found a mistake; the message says what is wrong and how to fix it.

    ``about`` names what is wrong ("dZ[L]", "dW[L] shape", "J"...), ``mistake``
    which mistake it is ("sign", "nan-leak"...). A later check that finds the
    same (about, mistake), or that raises with ``mistake=None`` about something
    that already failed above (its input is wrong, so it cannot be judged),
    prints ``again`` or "follows from the {about} failure above" instead of
    ``message``. Without ``about`` the message is always printed.
    """

    def __init__(self, message: str, about: str | None = None, mistake: str | None = None, again: str | None = None):
        super().__init__(message)
        self.findings = [Finding(message, about, mistake, again)]

    @classmethod
    def joined(cls, wrongs: list[Wrong]) -> Wrong:
        """One Wrong holding every finding of ``wrongs`` (a check that judges two outputs reports both)."""
        joined = cls(" ".join(str(wrong) for wrong in wrongs))
        joined.findings = [finding for wrong in wrongs for finding in wrong.findings]
        return joined


def all_of(*parts) -> None:
    """Run each part (a function of no argument that may raise Wrong); raise one Wrong with every finding."""
    found = []
    for part in parts:
        try:
            part()
        except Wrong as wrong:
            found.append(wrong)
    if found:
        raise Wrong.joined(found)


class Reported:
    """What the checks above reported, so that a mistake is named once and later checks say what they follow from."""

    def __init__(self):
        self.causes: list[tuple[str, str | None]] = []  # (about, mistake) of each failure named so far

    def _follows(self, finding: Finding) -> bool:
        """Whether a check above already failed for ``finding``'s cause."""
        if finding.about is None:
            return False
        return any(about == finding.about and finding.mistake in (None, mistake) for about, mistake in self.causes)

    def say(self, wrong: Wrong) -> str:
        """The words for ``wrong`` in this check: each finding named, or said to follow from one above; remembered."""
        follows = [self._follows(finding) for finding in wrong.findings]
        if all(follows) and all(finding.again is None for finding in wrong.findings):
            abouts = list(dict.fromkeys(finding.about.removeprefix("the ") for finding in wrong.findings))
            text = f"follows from the {' and '.join(abouts)} failure{'s' * (len(abouts) > 1)} above."
        else:
            parts = []
            for finding, repeated in zip(wrong.findings, follows, strict=True):
                if not repeated:
                    parts.append(finding.message)
                elif finding.again is not None:
                    parts.append(finding.again)
                else:
                    about = finding.about.removeprefix("the ")
                    parts.append(f"{finding.about}: follows from the {about} failure above.")
            text = (
                " ".join(part if part.endswith(".") else f"{part}." for part in parts) if len(parts) > 1 else parts[0]
            )
        for finding, repeated in zip(wrong.findings, follows, strict=True):
            if finding.about is not None and not repeated:
                self.causes.append((finding.about, finding.mistake))
        return text


class GradeError(Exception):
    """The grading cannot start: an unknown exercise name, a file that is not there or that does not import."""


@dataclass
class Result:
    """One check: its name (what it checks), whether it passed, the diagnosis when it did not, and its points.

    ``refused``: the whole file was refused (its functions use tinymtl's own
    code); ``message`` then says why.
    """

    name: str
    passed: bool
    message: str = ""
    points: float = POINTS
    refused: bool = False

    @property
    def score(self) -> float:
        """The points earned: all of them when the check passed, else 0."""
        return self.points if self.passed else 0.0

    def line(self) -> str:
        """``PASS  name`` or ``FAIL  name: message`` (Gradescope's output of the test)."""
        return f"PASS  {self.name}" if self.passed else f"FAIL  {self.name}: {self.message}"

    def scored_line(self) -> str:
        """The report's line: ``PASS  1/1  name``, ``FAIL  0/1  name: message`` (refused: "see above")."""
        points = f"{self.score:g}/{self.points:g}"
        if self.passed:
            return f"PASS  {points}  {self.name}"
        return f"FAIL  {points}  {self.name}: {'refused (see above)' if self.refused else self.message}"


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


def student_function(module, name: str, signature: str, allowed=()):
    """The function ``name`` of the student's module, watched for calls into tinymtl; :class:`Wrong` if missing.

    ``allowed``: functions of the grader that the student's function may reach
    (e.g. a softmax the grader put in place of the student's, see
    :func:`tinymtl.grade.own_code.watched`).
    """
    function = getattr(module, name, None)
    if not callable(function):
        raise Wrong(f"the file has no function {name}: define `def {signature}:` with exactly this name.",
                    about=name, mistake="missing", again=f"follows from the missing {name} above.")  # fmt: skip
    return watched(function, name, allowed)


def check_name(check) -> str:
    """A check's name: the first line of its docstring."""
    return check.__doc__.strip().splitlines()[0]


def run_check(check, module, reported: Reported | None = None) -> Result:
    """Run one check on the student's module; its name is the first line of its docstring.

    ``reported``: what the checks before it reported (:class:`Reported`), so
    that a mistake found again is said to follow from the failure above.
    Warnings (overflow in exp...) are silenced: the check judges the returned
    numbers, and names the instability itself when they are NaN or inf.
    """
    name, reported = check_name(check), reported if reported is not None else Reported()
    try:
        with quiet():
            check(module)
    except UsesTinymtl as used:
        return Result(name, False, str(used), refused=True)
    except NotImplementedError as todo:
        return Result(name, False, f"not written yet (NotImplementedError: {todo})")
    except Wrong as wrong:
        return Result(name, False, reported.say(wrong))
    except Exception as error:  # noqa: BLE001  the student's code crashed: say how, and where
        return Result(name, False, reported.say(_crashed(error, getattr(module, "__file__", None))))
    return Result(name, True)


def _crashed(error: Exception, student_file) -> Wrong:
    """The student's code raised ``error``: a Wrong naming it and the line of the student's file it came from."""
    lines = [frame.lineno for frame in traceback.extract_tb(error.__traceback__) if frame.filename == student_file]
    where = f" (line {lines[-1]} of your file)" if lines else ""
    kind = type(error).__name__
    return Wrong(f"your code raised {kind}: {error}{where}", about=f"{kind}{where}", mistake="raised",
                 again=f"follows from the {kind} above{where}.")  # fmt: skip


def as_number(value, what: str, fix: str = "") -> float:
    """``value`` as a float if it is one number (a Python float or a 0-d array); else :class:`Wrong`.

    ``fix``: how to make one number of it, said when ``value`` is an array.
    """
    if np.ndim(value) != 0:
        raise Wrong(f"{what} is an array of shape {np.shape(value)}, expected one number{': ' + fix if fix else '.'}",
                    about=what, mistake="not one number")  # fmt: skip
    try:
        return float(value)
    except (TypeError, ValueError):
        raise Wrong(f"{what} is {value!r}, expected one number.", about=what, mistake="not a number") from None


def as_array(value, what: str, shape: tuple, hints: dict | None = None) -> np.ndarray:
    """``value`` as an array of ``shape``; :class:`Wrong` (about "``what`` shape") names the shape it had and why."""
    if not hasattr(value, "shape"):
        raise Wrong(f"{what} is a {type(value).__name__}, expected a NumPy array of shape {shape}.",
                    about=f"{what} shape", mistake="not an array")  # fmt: skip
    if value.shape != shape:
        hint = (hints or {}).get(value.shape, "")
        raise Wrong(f"{what} has shape {value.shape}, expected {shape}. {hint}".strip(), about=f"{what} shape",
                    mistake=hint or "wrong shape")  # fmt: skip
    return np.asarray(value, dtype=float)


def as_values(value, what: str, shape: tuple) -> np.ndarray:
    """``value``'s numbers as a float array of ``shape``, for a check of values (the shape check judges the shape).

    A list, a transposed matrix, or a flat vector where a row or a column is
    expected, is turned into ``shape`` here; anything else is :class:`Wrong`
    about "``what`` shape" (so it follows from the shape failure above).

    >>> as_values(np.zeros((3, 2)), "dZ[L]", (2, 3)).shape
    (2, 3)
    >>> as_values([1.0, 2.0], "db[L]", (2, 1)).shape
    (2, 1)
    """
    try:
        array = np.asarray(value, dtype=float)
    except (TypeError, ValueError):
        array = None
    if array is not None and array.shape != shape:
        if array.ndim == 2 and array.T.shape == shape:
            array = array.T
        elif array.size == np.prod(shape) and 1 in shape and array.ndim <= 2 and (array.ndim < 2 or 1 in array.shape):
            array = array.reshape(shape)
    if array is None or array.shape != shape:
        got = f"shape {np.shape(array)}" if array is not None else f"a {type(value).__name__}"
        raise Wrong(f"{what} has {got}, expected {shape}: its values cannot be checked.", about=f"{what} shape")
    return array


def close(a, b) -> bool:
    """a ≈ b elementwise (NaN equals nothing)."""
    return bool(np.allclose(a, b, rtol=RTOL, atol=ATOL))


def same(a, b) -> bool:
    """a ≈ b elementwise, where NaN equals NaN (a step computed the same way from the same NaN input)."""
    return bool(np.allclose(a, b, rtol=RTOL, atol=ATOL, equal_nan=True))


def wrong_scale(student, reference, scales) -> tuple[str, str] | None:
    """``(mistake, words)`` of the first ``(mistake, factor, words)`` in ``scales`` with student ≈ factor ·
    reference (a flipped sign, a missing 1/m...), else None; a factor of 1 (it would match a right answer) is skipped.
    """
    for mistake, factor, words in scales:
        if factor != 1 and close(student, np.multiply(reference, factor)):
            return mistake, words
    return None


@contextmanager
def quiet():
    """No warnings and no NumPy floating-point messages inside the block: the checks judge the numbers."""
    with warnings.catch_warnings(), np.errstate(all="ignore"):
        warnings.simplefilter("ignore")
        yield


def check_finite(value, what: str, why: str, mistake: str = "not finite") -> None:
    """:class:`Wrong` (about ``what``) with ``why`` if ``value`` holds a NaN or an inf."""
    if not np.all(np.isfinite(value)):
        raise Wrong(f"{what} contains NaN or inf: {why}", about=what, mistake=mistake)


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


def first_finding(check, about: str | None = None) -> Finding | None:
    """The first :class:`Finding` of the Wrong that ``check`` (a function of no argument) raises, or None.

    ``about``: only a finding about this ("J", "dZ[L]"...) counts. Used to learn
    what the student did from their own answer to another input (e.g. whether a
    NaN for an all-"?" batch comes from a "?" that leaks in or from dividing by
    the number of labelled entries). A crash teaches nothing: None.
    """
    try:
        with quiet():
            check()
    except Wrong as wrong:
        return next((finding for finding in wrong.findings if about in (None, finding.about)), None)
    except UsesTinymtl:
        raise
    except Exception:  # noqa: BLE001  the student's code crashed on the other input: nothing learnt
        return None
    return None


def first_mistake(check, about: str | None = None) -> str | None:
    """The ``mistake`` of :func:`first_finding` (None when ``check`` passes)."""
    finding = first_finding(check, about)
    return finding.mistake if finding is not None else None


MASK = "M = ~np.isnan(Y) (True where a label is known)"


def nan_leak(function, what: str, where: str, why: str, mask: str = MASK) -> str:
    """The words for a "?" (NaN) left in ``what``: "you multiply by the mask" only when ``function``'s code does.

    ``where``: where the NaN are ('at the "?" entries'); ``why``: where they come
    from ('A[L] − Y is NaN where Y is "?"'); ``mask``: the mask to use.
    """
    fix = 'select with np.where, so that every "?" gives exactly 0'
    multiplies = multiplies_by_mask(function)
    if multiplies:
        return f'{what} is NaN {where}: you multiply by the mask, but NaN · 0 is NaN, so a "?" stays NaN; {fix}.'
    if multiplies is None:
        return f"{what} is NaN {where}: {why}; {fix} (multiplying by a mask does not remove NaN: NaN · 0 is NaN)."
    return (f"{what} is NaN {where}: {why}, and nothing sets those entries to 0. With the mask {mask}, "
            f"{fix}; multiplying by the mask would not do it, NaN · 0 is NaN.")  # fmt: skip


def multiplies_by_mask(function) -> bool | None:
    """Whether ``function``'s source multiplies by a mask built with ``np.isnan``; None when the source is unknown.

    A mask is a name bound to ``np.isnan(...)``, ``~np.isnan(...)``, ``1 - M``,
    ``M.astype(...)``...; multiplying is ``*``, ``*=`` or ``np.multiply``. It
    picks the words for a NaN that leaks in at a "?": "you multiply by the mask,
    but NaN · 0 is NaN", only when that is what the code does.

    >>> def leaky(A, Y):
    ...     M = ~np.isnan(Y)
    ...     return (A - Y) * M
    >>> def unmasked(A, Y):
    ...     return A - Y
    >>> multiplies_by_mask(leaky), multiplies_by_mask(unmasked)
    (True, False)
    """
    try:
        tree = ast.parse(textwrap.dedent(inspect.getsource(function)))
    except (OSError, TypeError, SyntaxError, IndentationError):
        return None
    masks: set[str] = set()

    def is_mask(node) -> bool:
        if isinstance(node, ast.Name):
            return node.id in masks
        if isinstance(node, ast.Call):
            called = node.func.attr if isinstance(node.func, ast.Attribute) else getattr(node.func, "id", "")
            if called in ("isnan", "isfinite"):
                return True
            if called in ("logical_not", "invert", "asarray", "array") and node.args:
                return is_mask(node.args[0])
            return called == "astype" and isinstance(node.func, ast.Attribute) and is_mask(node.func.value)
        if isinstance(node, ast.UnaryOp) and isinstance(node.op, (ast.Invert, ast.Not)):
            return is_mask(node.operand)
        if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Sub):
            return isinstance(node.left, ast.Constant) and is_mask(node.right)
        return False

    assignments = [node for node in ast.walk(tree) if isinstance(node, ast.Assign)]
    for _ in range(len(assignments) + 1):  # names bound to masks, also through other mask names
        for node in assignments:
            if is_mask(node.value):
                masks.update(target.id for target in node.targets if isinstance(target, ast.Name))
    for node in ast.walk(tree):
        if (
            isinstance(node, ast.BinOp)
            and isinstance(node.op, ast.Mult)
            and (is_mask(node.left) or is_mask(node.right))
        ):
            return True
        if isinstance(node, ast.AugAssign) and isinstance(node.op, ast.Mult) and is_mask(node.value):
            return True
        if isinstance(node, ast.Call) and getattr(node.func, "attr", None) == "multiply":
            if any(is_mask(argument) for argument in node.args):
                return True
    return False
