"""The classroom grader: ``python -m tinymtl.grade EXERCISE FILE`` checks a student's exercise file.

One concept: *check a student's functions against tinymtl's own, and say in
plain words what is wrong*. Each exercise in ``lessons/exercises/`` has a
module of checks here (one module per exercise, each check a short function);
:mod:`tinymtl.grade.checks` holds the shared part (loading the file, running a
check, the PASS/FAIL line). The inputs are random but seeded, of several
shapes (m = 1 and n_y = 1 included), with "?" labels, all-"?" batches and
logits up to |z| = 1000.

Exit status of the command: 0 when every check passes, 1 when one fails, 2 when
grading cannot start (an unknown exercise, a missing file). A student file can
also be graded with pytest: its ``test_exercise`` calls :func:`assert_passes`.

>>> EXERCISES
('masked_loss', 'output_backward', 'softmax', 'gradient_checker')
"""

from __future__ import annotations

import argparse
import sys

from . import gradient_checker, masked_loss, output_backward, softmax
from .checks import GradeError, Result, load, run_check

CHECK_MODULES = {  # exercise name -> its module of checks; each module lists them in CHECKS
    "masked_loss": masked_loss,
    "output_backward": output_backward,
    "softmax": softmax,
    "gradient_checker": gradient_checker,
}
EXERCISES = tuple(CHECK_MODULES)


def grade(exercise: str, path) -> list[Result]:
    """Load the student's file at ``path`` and run every check of ``exercise``; one :class:`Result` per check."""
    if exercise not in CHECK_MODULES:
        raise GradeError(f"EXERCISE: got {exercise!r}, expected one of {', '.join(EXERCISES)} "
                         "(the name of the file in lessons/exercises/, without .py).")  # fmt: skip
    module = load(path)
    return [run_check(check, module) for check in CHECK_MODULES[exercise].CHECKS]


def report(exercise: str, results: list[Result]) -> str:
    """The lines a student reads: one PASS/FAIL line per check, then the count."""
    passed = sum(result.passed for result in results)
    lines = [result.line() for result in results]
    return "\n".join([f"grading {exercise}:", *lines, f"{passed} of {len(results)} checks pass."])


def assert_passes(exercise: str, path) -> None:
    """Grade and print; raise AssertionError listing the failed checks (what a student file's ``test_exercise`` calls)."""
    results = grade(exercise, path)
    print(report(exercise, results))
    failed = [result.line() for result in results if not result.passed]
    assert not failed, "\n".join(failed)


def main(argv=None) -> int:
    """The command ``python -m tinymtl.grade EXERCISE FILE``; returns the exit status."""
    parser = argparse.ArgumentParser(
        prog="python -m tinymtl.grade", description="Check an exercise file against tinymtl's own functions."
    )
    parser.add_argument("exercise", metavar="EXERCISE", help=f"one of: {', '.join(EXERCISES)}")
    parser.add_argument("file", metavar="FILE", help="your exercise file, e.g. lessons/exercises/masked_loss.py")
    options = parser.parse_args(argv)
    try:
        results = grade(options.exercise, options.file)
    except GradeError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    print(report(options.exercise, results))
    return 0 if all(result.passed for result in results) else 1
