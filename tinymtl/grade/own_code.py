"""Refuse a file whose functions use tinymtl's own code: the exercise is to write them.

One concept: *the grader compares a student's functions with tinymtl's, so a
function that calls tinymtl passes every check and proves nothing*. The grader
looks twice:

- before any check, :func:`tinymtl_use` reads the code of the functions to
  write, and of the helpers of the same file they call: a name bound to tinymtl
  or to one of its functions (``tm``, ``softmax`` imported from
  ``tinymtl.activations``...), or an ``import tinymtl`` inside, is a use;
- during every check, :func:`watched` runs the student's function under a
  profiler that notes any call from outside tinymtl into tinymtl's code,
  however the function reached it.

Either one refuses the file: every check fails and the score is 0, with the
reason. Allowed: ``assert_passes`` and ``main`` of :mod:`tinymtl.grade` (the
stubs import them to grade themselves) and what the grader passes in (the cost
J of the gradient checker is tinymtl's masked loss).

What it leaves out: copying tinymtl's source into the file (that is the
solution, written out) and a file that hides the call from both looks (e.g.
``exec`` of a string in a function that the checks never call).

>>> import tinymtl.activations
>>> tinymtl_name(tinymtl.activations.softmax), tinymtl_name(len)
('tinymtl.activations.softmax', None)
"""

from __future__ import annotations

import dis
import functools
import os
import sys
import types

import tinymtl

TINYMTL_DIR = os.path.dirname(os.path.realpath(tinymtl.__file__)) + os.sep
ALLOWED = ("tinymtl.grade.assert_passes", "tinymtl.grade.main")  # what the stubs import to grade themselves


class UsesTinymtl(Exception):
    """The student's function uses tinymtl's own code; the message says where."""


def tinymtl_name(value) -> str | None:
    """The dotted name of ``value`` if it is tinymtl's (a module, a function, a class or an object of it), else None."""
    if isinstance(value, functools.partial):
        return tinymtl_name(value.func)
    try:
        if isinstance(value, types.ModuleType):
            module, name = value.__name__, ""
        else:
            module = getattr(value, "__module__", None)
            name = getattr(value, "__qualname__", None) or type(value).__qualname__
    except Exception:  # noqa: BLE001  an odd object of the student's (a __getattr__ that raises): not tinymtl's
        return None
    if not isinstance(module, str) or not (module == "tinymtl" or module.startswith("tinymtl.")):
        return None
    full = f"{module}.{name}" if name else module
    return None if full in ALLOWED else full


def tinymtl_use(module, names) -> list[str]:
    """Where the functions ``names`` of the student's ``module`` use tinymtl, e.g. "softmax uses tinymtl.… (line 6)"."""
    uses = []
    for name in names:
        function = getattr(module, name, None)
        itself = tinymtl_name(function) if function is not None else None
        if itself:
            uses.append(f"{name} is {itself} itself")
        elif function is not None:
            found = dict.fromkeys(_value_uses(function, "", None, vars(module), set()))
            uses += [f"{name} {'imports ' + used[7:] if used.startswith('import ') else 'uses ' + used}"
                     for used in found]  # fmt: skip
    return uses


def _uses(function, seen: set):
    """The tinymtl names ``function`` reaches in its code, closure, defaults and same-file helpers ("… (line 6)")."""
    code = getattr(function, "__code__", None)
    if code is None or code in seen:
        return
    seen.add(code)
    scope = function.__globals__
    bound = [cell.cell_contents for cell in function.__closure__ or () if _filled(cell)]
    bound += [*(function.__defaults__ or ()), *(function.__kwdefaults__ or {}).values()]
    for value in bound:
        yield from _value_uses(value, "", None, scope, seen)
    for nested in _code_objects(code):
        imported, instructions = None, list(_instructions(nested))
        for index, (instruction, line) in enumerate(instructions):
            if instruction.opname in ("LOAD_GLOBAL", "LOAD_NAME") and instruction.argval in scope:
                value, chain = _attributes(scope[instruction.argval], instruction.argval, instructions[index + 1 :])
                yield from _value_uses(value, chain, line, scope, seen)
            elif instruction.opname == "IMPORT_NAME":
                imported = instruction.argval
                if imported.split(".")[0] == "tinymtl" and imported != "tinymtl.grade":
                    yield f"import {imported}{_at(line)}"
            elif instruction.opname == "IMPORT_FROM" and imported == "tinymtl.grade":
                if f"tinymtl.grade.{instruction.argval}" not in ALLOWED:
                    yield f"tinymtl.grade.{instruction.argval}{_at(line)}"


def _attributes(value, name: str, following) -> tuple:
    """``value`` followed through the attributes read right after it (``tm.activations.softmax``), and that chain."""
    for instruction, _ in following:
        if instruction.opname not in ("LOAD_ATTR", "LOAD_METHOD") or not isinstance(value, types.ModuleType):
            break
        try:
            value = getattr(value, instruction.argval)
        except AttributeError:
            break
        name = f"{name}.{instruction.argval}"
    return value, name


def _value_uses(value, alias: str, line, scope, seen):
    """tinymtl's name of ``value`` (a global, a closure cell or a default), or what it reaches if a same-file helper."""
    name = tinymtl_name(value)
    if name:
        where = [f"as {alias}"] if alias and alias != name and not name.endswith("." + alias) else []
        where += [f"line {line}"] if line else []
        yield name + (" (" + ", ".join(where) + ")" if where else "")
    elif isinstance(value, functools.partial):
        yield from _value_uses(value.func, alias, line, scope, seen)
    elif isinstance(value, types.FunctionType) and value.__globals__ is scope:
        yield from _uses(value, seen)


def _filled(cell) -> bool:
    """Whether a closure cell holds a value yet."""
    try:
        cell.cell_contents  # noqa: B018  reading it is the test
    except ValueError:
        return False
    return True


def _code_objects(code):
    """``code`` and every code object nested in it (inner functions, lambdas, comprehensions)."""
    yield code
    for constant in code.co_consts:
        if isinstance(constant, types.CodeType):
            yield from _code_objects(constant)


def _instructions(code):
    """(instruction, line number or None) for each bytecode instruction of ``code``."""
    line = None
    for instruction in dis.get_instructions(code):
        positions = getattr(instruction, "positions", None)  # Python 3.11+
        if positions is not None and positions.lineno is not None:
            line = positions.lineno
        elif isinstance(instruction.starts_line, int) and not isinstance(instruction.starts_line, bool):
            line = instruction.starts_line  # Python 3.10
        yield instruction, line


def _at(line) -> str:
    return f" (line {line})" if line else ""


@functools.lru_cache(maxsize=4096)
def _in_tinymtl(filename: str) -> bool:
    """Whether code from ``filename`` is tinymtl's own (its grader included)."""
    return os.path.realpath(filename).startswith(TINYMTL_DIR)


def watched(function, name: str, allowed=()):
    """``function`` with the same calls and results, but :class:`UsesTinymtl` if it ran tinymtl's code.

    A call into tinymtl's code from code outside tinymtl, while ``function``
    runs, is a use; calls into the functions the grader passes as arguments, or
    lists in ``allowed``, are not (nor what they call in turn).
    """

    @functools.wraps(function)
    def call(*args, **kwargs):
        given = {getattr(value, "__code__", None) for value in (*args, *kwargs.values(), *allowed)}
        entered: list[str] = []

        def profile(frame, event, _):
            code = frame.f_code
            if event == "call" and not entered and code not in given and _in_tinymtl(code.co_filename):
                caller = frame.f_back
                if caller is not None and not _in_tinymtl(caller.f_code.co_filename):
                    entered.append(f"{frame.f_globals.get('__name__', 'tinymtl')}.{code.co_name}")

        previous = sys.getprofile()
        sys.setprofile(profile)
        try:
            return function(*args, **kwargs)
        finally:  # returned or raised: a call into tinymtl's code is the finding either way
            sys.setprofile(previous)
            if entered:
                raise UsesTinymtl(f"{name} called {entered[0]}") from None

    return call


def refusal(uses: list[str]) -> str:
    """The words of a refusal, from the uses found."""
    return (f"refused: {'; '.join(uses)}. The functions you write may not use tinymtl: the grader compares "
            "them with tinymtl's own, so calling those would pass without doing the exercise. Write them with "
            "NumPy; only `from tinymtl.grade import assert_passes, main` may stay in the file. Every check scores "
            "0 until then.")  # fmt: skip
