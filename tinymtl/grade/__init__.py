"""The classroom grader: ``python -m tinymtl.grade EXERCISE FILE`` checks a student's exercise file.

One concept: *check a student's functions against tinymtl's own, and say in
plain words what is wrong*. Each exercise in ``lessons/exercises/`` has a
module of checks here (one module per exercise, each check a short function);
:mod:`tinymtl.grade.checks` holds the shared part (loading the file, running a
check, the PASS/FAIL line). The inputs are random but seeded, of several
shapes (m = 1 and n_y = 1 included), with "?" labels, all-"?" batches and
logits up to |z| = 1000.

Exit status of the command: 0 when every check passes, 1 when one fails (or
the file is refused), 2 when grading cannot start (an unknown exercise, a
missing file, a file that does not import). A student file can also be graded with pytest: its ``test_exercise``
calls :func:`assert_passes`.

Each check is worth :data:`~tinymtl.grade.checks.POINTS` point; the report
prints the points of each check and the score. A mistake is named once, by
the check that owns it; later checks that fail because of it say so
(:mod:`tinymtl.grade.checks`). A file whose functions use tinymtl's own code
is refused: every check fails, score 0 (:mod:`tinymtl.grade.own_code`).
``--hint`` gives one more hint per call (:mod:`tinymtl.grade.hints`).

For teachers: ``--json`` prints the same grading as Gradescope's results.json
(:mod:`tinymtl.grade.gradescope`), ``--gradescope`` grades a submission folder
(what ``lessons/exercises/gradescope/run_autograder`` runs), ``--folder DIR``
grades every student file of a folder, one line each, with ``--csv FILE`` for
the table (:mod:`tinymtl.grade.classroom`), and ``--student-copy DIR`` hands out
the stubs without the solutions (:mod:`tinymtl.grade.handout`).

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
from .checks import POINTS, GradeError, Reported, Result, check_name, load, run_check
from .classroom import folder_report, grade_folder, write_csv
from .gradescope import cannot_start, gradescope_results, merged, submitted_files
from .handout import student_copy
from .hints import hint_text, take_hint
from .own_code import refusal, tinymtl_use

CHECK_MODULES = {  # exercise name -> its module of checks; each module lists them in CHECKS
    "masked_loss": masked_loss,
    "output_backward": output_backward,
    "softmax": softmax,
    "gradient_checker": gradient_checker,
}
EXERCISES = tuple(CHECK_MODULES)


def grade(exercise: str, path) -> list[Result]:
    """Load the student's file at ``path`` and run every check of ``exercise``; one :class:`Result` per check.

    The checks run in order and share what they reported, so a mistake is named
    once. A file whose functions use tinymtl's own code is refused: every
    result fails, with ``refused`` set and the reason as its message.
    """
    checks = _checks(exercise)
    module = load(path)
    uses = tinymtl_use(module, checks.FUNCTIONS)
    if not uses:
        reported = Reported()
        results = [run_check(check, module, reported) for check in checks.CHECKS]
        uses = [result.message for result in results if result.refused][:1]
        if not uses:
            return results
    return [Result(check_name(check), False, refusal(uses), refused=True) for check in checks.CHECKS]


def _checks(exercise: str):
    """The module of checks of ``exercise``; :class:`GradeError` naming the exercises when there is none."""
    if exercise not in CHECK_MODULES:
        raise GradeError(f"EXERCISE: got {exercise!r}, expected one of {', '.join(EXERCISES)} "
                         "(the name of the file in lessons/exercises/, without .py).")  # fmt: skip
    return CHECK_MODULES[exercise]


def report(exercise: str, results: list[Result]) -> str:
    """The lines a student reads: the refusal if any, one PASS/FAIL line per check with its points, the score."""
    passed = sum(result.passed for result in results)
    score, most = sum(result.score for result in results), sum(result.points for result in results)
    refused = [f"REFUSED  {result.message.removeprefix('refused: ')}" for result in results if result.refused][:1]
    lines = [f"grading {exercise}:", *refused, *(result.scored_line() for result in results)]
    return "\n".join([*lines, f"score: {score:g} of {most:g} points; {passed} of {len(results)} checks pass."])


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
    """The points of ``exercise``, in the report and on Gradescope: one per check (0 for an unknown exercise)."""
    return POINTS * len(CHECK_MODULES[exercise].CHECKS) if exercise in CHECK_MODULES else 0.0


def main(argv=None) -> int:
    """The command ``python -m tinymtl.grade``; returns the exit status. Six ways to call it:

    - ``EXERCISE FILE``: grade FILE, print the PASS/FAIL lines with their points and the score; 0 when all
      pass, 1 when one fails (or the file is refused), 2 when grading cannot start.
    - ``EXERCISE FILE --json``: the same grading and statuses, printed as Gradescope's results.json (the
      only thing on stdout: what the student's code prints goes to stderr). When grading cannot start,
      the JSON has score 0 and says why in its top-level ``output``.
    - ``EXERCISE FILE --hint [N]``: the next hint for the first function of FILE with a failing check
      (or the first N), counted in ``.tinymtl-hints.json`` beside FILE (:mod:`tinymtl.grade.hints`); 0.
    - ``EXERCISE --folder DIR [--csv CSV_FILE]``: grade every student file of DIR, one line each, and write
      the table to CSV_FILE (:mod:`tinymtl.grade.classroom`); 0 once graded, 2 when DIR holds no file.
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
    if options.folder is not None:
        return _grade_class(options.exercise, options.folder, options.csv)
    if options.hint is not None:
        return _hint(options.exercise, options.file, options.hint)
    return _grade_file(options.exercise, options.file, options.json)


def _parse(argv) -> argparse.Namespace:
    """The options of :func:`main`; a usage error (exit status 2) when they mix two ways of calling it."""
    parser = argparse.ArgumentParser(
        prog="python -m tinymtl.grade", description="Check an exercise file against tinymtl's own functions."
    )
    parser.add_argument("exercise", metavar="EXERCISE", nargs="?", help=f"one of: {', '.join(EXERCISES)}")
    parser.add_argument("file", metavar="FILE", nargs="?", help="your exercise file, e.g. lessons/exercises/masked_loss.py")  # fmt: skip
    parser.add_argument("--json", action="store_true", help="print Gradescope's results.json instead of the report")
    parser.add_argument("--hint", nargs="?", type=int, const=0, metavar="N",
                        help="print one more hint for FILE (or the first N); counted in .tinymtl-hints.json beside it")  # fmt: skip
    parser.add_argument("--folder", metavar="DIR", help="grade every student file of DIR (EXERCISE --folder DIR)")
    parser.add_argument("--csv", metavar="CSV_FILE", help="with --folder: write one row per student file to CSV_FILE")
    parser.add_argument("--gradescope", nargs=2, metavar=("SUBMISSION_DIR", "RESULTS_FILE"),
                        help="grade each exercise file in SUBMISSION_DIR, write results.json to RESULTS_FILE")  # fmt: skip
    parser.add_argument("--student-copy", metavar="DIR", help="copy the exercise stubs (no solutions) into DIR")
    options = parser.parse_args(argv)
    values = {"--gradescope": options.gradescope, "--student-copy": options.student_copy, "--json": options.json or None,
              "--hint": options.hint, "--folder": options.folder, "--csv": options.csv, "EXERCISE": options.exercise,
              "FILE": options.file}  # fmt: skip
    given = [name for name, value in values.items() if value is not None]
    alone = [name for name in ("--gradescope", "--student-copy") if name in given]
    if alone and len(given) > 1:
        parser.error(f"{alone[0]} goes alone: got {', '.join(given)}; run the command once for each.")
    if alone:
        return options
    if options.csv is not None and options.folder is None:
        parser.error("--csv goes with --folder: `python -m tinymtl.grade EXERCISE --folder DIR --csv CSV_FILE`.")
    if options.folder is not None:
        extra = [name for name in ("FILE", "--json", "--hint") if name in given]
        if extra or not options.exercise:
            parser.error(f"--folder takes EXERCISE and no {', '.join(extra) or 'FILE'}: "
                         "`python -m tinymtl.grade EXERCISE --folder DIR [--csv CSV_FILE]`.")  # fmt: skip
        return options
    if not options.file:
        parser.error("expected EXERCISE FILE, e.g. `python -m tinymtl.grade masked_loss lessons/exercises/masked_loss.py`, "
                     "or EXERCISE --folder DIR, or --student-copy DIR, or --gradescope SUBMISSION_DIR RESULTS_FILE.")  # fmt: skip
    if options.hint is not None and (options.json or options.hint < 0):
        parser.error("--hint [N] goes with EXERCISE FILE only, N >= 1: e.g. `python -m tinymtl.grade softmax "
                     "lessons/exercises/softmax.py --hint`.")  # fmt: skip
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


def hint_for(exercise: str, path) -> str | None:
    """The function of ``exercise`` to hint at for the file ``path``: the first one with a failing check.

    None when every check passes; the first function when the file cannot be graded yet.
    """
    checks = _checks(exercise)
    try:
        with contextlib.redirect_stdout(sys.stderr):  # what the student's code prints is not the hint
            failing = {result.name for result in grade(exercise, path) if not result.passed}
    except GradeError:
        return checks.FUNCTIONS[0]
    if not failing:
        return None
    checks_of = getattr(checks, "CHECKS_OF", {checks.FUNCTIONS[0]: checks.CHECKS})
    return next((function for function in checks.FUNCTIONS
                 if any(check_name(check) in failing for check in checks_of[function])), checks.FUNCTIONS[0])  # fmt: skip


def _hint(exercise: str, path, upto: int) -> int:
    """Print the next hint (or the first ``upto``) for the file at ``path``; 0, or 2 for an unknown exercise."""
    try:
        function = hint_for(exercise, path)
    except GradeError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    if function is None:
        print(f"every check of {exercise} passes: no hint needed.")
        return 0
    hints = _checks(exercise).HINTS[function]
    count, store = take_hint(path, function, len(hints), upto or None)
    print(hint_text(function, hints, count, store))
    return 0


def _grade_class(exercise: str, folder, csv_file) -> int:
    """Grade every student file of ``folder``, print one line each, write the CSV; 0, or 2 when it cannot start."""
    try:
        _checks(exercise)
        rows = grade_folder(exercise, folder, max_score(exercise))
    except GradeError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    print(folder_report(exercise, folder, rows))
    if csv_file:
        print(f"wrote {write_csv(rows, csv_file)}: {len(rows)} row{'s' * (len(rows) != 1)}")
    return 0


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
