"""The classroom grader: ``python -m tinymtl.grade EXERCISE FILE`` checks a student's exercise file.

One concept: *check a student's functions against tinymtl's own, and say in
plain words what is wrong*. Each exercise in ``lessons/exercises/`` has a
module of checks here (one module per exercise, each check a short function);
:mod:`tinymtl.grade.checks` holds the shared part (loading the file, running a
check, the PASS/FAIL line). The inputs are random but seeded, of several
shapes (m = 1 and n_y = 1 included), with "?" labels, all-"?" batches and
logits up to |z| = 1000.

Exit status of the command: 0 when every check passes, 1 when one fails, 2 when
grading cannot start (an unknown exercise, a missing file, a file that does not
import). A student file can also be graded with pytest: its ``test_exercise``
calls :func:`assert_passes`.

For teachers: ``--json`` prints the same grading as Gradescope's results.json
(:mod:`tinymtl.grade.gradescope`), ``--gradescope`` grades a submission folder
(what ``lessons/exercises/gradescope/run_autograder`` runs), and
``--student-copy DIR`` hands out the stubs without the solutions
(:mod:`tinymtl.grade.handout`).

>>> EXERCISES
('masked_loss', 'output_backward', 'softmax', 'gradient_checker')
"""

from __future__ import annotations

import argparse
import contextlib
import json
import sys
from pathlib import Path

from . import gradient_checker, masked_loss, output_backward, softmax
from .checks import GradeError, Result, load, run_check
from .gradescope import POINTS, cannot_start, gradescope_results, merged, submitted_files
from .handout import student_copy

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


def grade_submission(folder) -> dict:
    """Gradescope's results.json for a submission ``folder``: each exercise file in it (by name) graded, merged.

    A file that cannot be graded (it does not import) scores 0 of its checks and
    says why; a folder with no exercise file scores 0 and names the files expected.
    """
    found = submitted_files(folder, EXERCISES)
    if not found:
        expected = ", ".join(f"{exercise}.py" for exercise in EXERCISES)
        names = ", ".join(sorted(path.name for path in Path(folder).rglob("*") if path.is_file())) or "no file"
        return cannot_start(f"no exercise file was submitted (got {names}): expected one or more of {expected}, "
                            "with exactly these names (not renamed, e.g. not masked_loss (1).py).")  # fmt: skip
    return merged([_graded(exercise, path) for exercise, path in found.items()])


def _graded(exercise: str, path) -> dict:
    """results.json of one exercise file; score 0 of its checks when grading cannot start."""
    try:
        return gradescope_results(exercise, grade(exercise, path))
    except GradeError as error:
        return cannot_start(f"{exercise}: {error}", max_score=max_score(exercise))


def max_score(exercise: str) -> float:
    """The points of ``exercise`` on Gradescope: one per check (0 for an unknown exercise)."""
    return POINTS * len(CHECK_MODULES[exercise].CHECKS) if exercise in CHECK_MODULES else 0.0


def main(argv=None) -> int:
    """The command ``python -m tinymtl.grade``; returns the exit status. Four ways to call it:

    - ``EXERCISE FILE``: grade FILE, print the PASS/FAIL lines; 0 when all pass, 1 when one fails,
      2 when grading cannot start.
    - ``EXERCISE FILE --json``: the same grading and statuses, printed as Gradescope's results.json (the
      only thing on stdout: what the student's code prints goes to stderr). When grading cannot start,
      the JSON has score 0 and says why in its top-level ``output``.
    - ``--gradescope SUBMISSION_DIR RESULTS_FILE``: grade every exercise file in SUBMISSION_DIR and write
      one results.json to RESULTS_FILE (:func:`grade_submission`); 0 once it is written.
    - ``--student-copy DIR``: copy the exercise stubs, pytest.ini and README.md (no solutions) into DIR;
      0, or 2 when DIR is not empty.
    """
    options = _parse(argv)
    if options.student_copy is not None:
        return _hand_out(options.student_copy)
    if options.gradescope is not None:
        return _write_results(*options.gradescope)
    return _grade_file(options.exercise, options.file, options.json)


def _parse(argv) -> argparse.Namespace:
    """The options of :func:`main`; a usage error (exit status 2) when they mix two ways of calling it."""
    parser = argparse.ArgumentParser(
        prog="python -m tinymtl.grade", description="Check an exercise file against tinymtl's own functions."
    )
    parser.add_argument("exercise", metavar="EXERCISE", nargs="?", help=f"one of: {', '.join(EXERCISES)}")
    parser.add_argument("file", metavar="FILE", nargs="?", help="your exercise file, e.g. lessons/exercises/masked_loss.py")  # fmt: skip
    parser.add_argument("--json", action="store_true", help="print Gradescope's results.json instead of the report")
    parser.add_argument("--gradescope", nargs=2, metavar=("SUBMISSION_DIR", "RESULTS_FILE"),
                        help="grade each exercise file in SUBMISSION_DIR, write results.json to RESULTS_FILE")  # fmt: skip
    parser.add_argument("--student-copy", metavar="DIR", help="copy the exercise stubs (no solutions) into DIR")
    options = parser.parse_args(argv)
    values = {"--gradescope": options.gradescope, "--student-copy": options.student_copy, "--json": options.json or None,
              "EXERCISE": options.exercise, "FILE": options.file}  # fmt: skip
    given = [name for name, value in values.items() if value is not None]
    alone = [name for name in ("--gradescope", "--student-copy") if name in given]
    if alone and len(given) > 1:
        parser.error(f"{alone[0]} goes alone: got {', '.join(given)}; run the command once for each.")
    if not alone and not options.file:
        parser.error("expected EXERCISE FILE, e.g. `python -m tinymtl.grade masked_loss lessons/exercises/masked_loss.py`, "
                     "or --student-copy DIR, or --gradescope SUBMISSION_DIR RESULTS_FILE.")  # fmt: skip
    return options


def _grade_file(exercise: str, path, as_json: bool) -> int:
    """Grade one file and print the report (or the JSON); the exit status 0, 1 or 2."""
    try:
        with contextlib.redirect_stdout(sys.stderr) if as_json else contextlib.nullcontext():
            results = grade(exercise, path)
    except GradeError as error:
        print(f"error: {error}", file=sys.stderr)
        if as_json:
            print(json.dumps(cannot_start(str(error), max_score=max_score(exercise)), indent=2))
        return 2
    print(json.dumps(gradescope_results(exercise, results), indent=2) if as_json else report(exercise, results))
    return 0 if all(result.passed for result in results) else 1


def _write_results(submission, results_file) -> int:
    """Grade a submission folder, write its results.json, say where and the score; 0."""
    results = grade_submission(submission)
    path = Path(results_file)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(results, indent=2) + "\n")
    print(f"wrote {path}: score {results['score']:g} of {results['max_score']:g}")
    return 0


def _hand_out(target) -> int:
    """Copy the stubs into ``target`` and list them; 2 when it cannot (the folder is not empty...)."""
    try:
        copies = student_copy(target)
    except GradeError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    print("\n".join([f"copied into {target}:", *(f"  {copy.name}" for copy in copies)]))
    return 0
