"""Grade a class: ``python -m tinymtl.grade EXERCISE --folder DIR [--csv FILE]``.

One concept: *every student file of a folder graded the same way, one line
each, and a table for the gradebook*. The student files are the ``*.py`` files
of DIR (``alice.py``, ``bob_softmax.py``...), and, in each subfolder of DIR (one
per student, e.g. a Gradescope or LMS download), the file named EXERCISE.py,
found by name wherever it sits inside. Each file is graded in a process of its
own, by the same code as ``EXERCISE FILE --json``, with a time limit, so that a
student's endless loop, ``exit()`` or change to NumPy cannot touch the rest of
the class.

Each row: the file, its score and the maximum, how many checks pass, the
status (graded, refused, cannot start, timed out) and the first failed check
with its diagnosis. The CSV has one row per file with these columns
(:data:`COLUMNS`).

What it leaves out: grading several exercises in one call (run it once per
exercise) and comparing files with each other.
"""

from __future__ import annotations

import csv
import json
import os
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass, fields
from pathlib import Path

from .checks import GradeError
from .gradescope import submitted_files

TIMEOUT_S = 120  # per student file; the solutions take about a second
SKIPPED = ("__init__.py", "conftest.py")  # not student files
# `python -m tinymtl.grade EXERCISE FILE --json` in the student's folder, with that folder off sys.path, so that a
# student file named like a module (numpy.py, json.py...) cannot stand in for it.
GRADE_ONE = "import sys; del sys.path[0]; from tinymtl.grade import main; raise SystemExit(main(sys.argv[1:]))"


@dataclass
class Row:
    """One student file's grade."""

    file: str  # relative to the folder graded
    score: float
    max_score: float
    passed: int  # checks that pass
    checks: int
    status: str  # "graded", "refused", "cannot start", "timed out"
    first_failed: str = ""  # the name of the first failed check
    diagnosis: str = ""  # what it says (or why grading did not start)


COLUMNS = tuple(field.name for field in fields(Row))


def student_files(folder, exercise: str) -> list[Path]:
    """The student files of ``folder``: its ``*.py`` files, then each subfolder's EXERCISE.py, sorted by name."""
    folder = Path(folder)
    if not folder.is_dir():
        raise GradeError(f"DIR: {str(folder)!r} is not a folder. Give the folder that holds the students' files.")
    files = [path for path in folder.glob("*.py") if path.name not in SKIPPED and not path.name.startswith(".")]
    for sub in folder.iterdir():
        if sub.is_dir() and not sub.name.startswith((".", "__")):
            files += submitted_files(sub, [exercise]).values()
    if not files:
        raise GradeError(f"DIR: {str(folder)!r} holds no student file: expected *.py files in it, or subfolders "
                         f"(one per student) that hold a {exercise}.py.")  # fmt: skip
    return sorted(files, key=lambda path: str(path.relative_to(folder)))


def grade_file(exercise: str, path: Path, folder: Path, max_score: float, timeout: float | None = None) -> Row:
    """Grade one file in a process of its own (``EXERCISE FILE --json``), stopped after ``timeout`` s; its row."""
    name, timeout = str(path.relative_to(folder)), timeout or TIMEOUT_S
    package_root = str(Path(__file__).resolve().parents[2])  # so that the process imports this very tinymtl
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [package_root, os.environ.get("PYTHONPATH")]))}
    command = [sys.executable, "-c", GRADE_ONE, exercise, path.name, "--json"]  # run in the file's folder
    try:
        done = subprocess.run(command, capture_output=True, text=True, timeout=timeout, cwd=path.parent, env=env,
                              check=False)  # fmt: skip
    except subprocess.TimeoutExpired:
        why = f"stopped after {timeout:g} s (an endless loop?)"
        return Row(name, 0.0, max_score, 0, 0, "timed out", diagnosis=why)
    try:
        results = json.loads(done.stdout)
    except ValueError:
        why = (done.stderr.strip().splitlines() or [f"exit status {done.returncode}"])[-1]
        return Row(name, 0.0, max_score, 0, 0, "cannot start", diagnosis=why)
    return _row(name, results, exercise)


def _row(name: str, results: dict, exercise: str) -> Row:
    """A row from one file's results.json."""
    tests = results["tests"]
    passed = sum(test["score"] >= test["max_score"] for test in tests)
    output = results["output"].removeprefix(f"{exercise}: ")
    if not tests:
        return Row(name, 0.0, results["max_score"], 0, 0, "cannot start", diagnosis=output)
    status = "refused" if output.startswith("refused:") else "graded"
    failed = next((test for test in tests if test["score"] < test["max_score"]), None)
    first, diagnosis = "", ""
    if failed is not None:
        first = failed["name"]
        diagnosis = output if status == "refused" else failed["output"].removeprefix(f"FAIL  {first}: ")
    return Row(name, results["score"], results["max_score"], passed, len(tests), status, first, diagnosis)


def grade_folder(exercise: str, folder, max_score: float, jobs: int | None = None) -> list[Row]:
    """Every student file of ``folder`` graded (several at a time), one row each, in the order of the files."""
    folder = Path(folder)
    files = student_files(folder, exercise)
    jobs = jobs or min(8, os.cpu_count() or 1)
    with ThreadPoolExecutor(max_workers=jobs) as pool:
        return list(pool.map(lambda path: grade_file(exercise, path, folder, max_score), files))


def folder_report(exercise: str, folder, rows: list[Row]) -> str:
    """One line per student file (file, score of max, the first failed check), then the class mean."""
    width = max(len(row.file) for row in rows)
    lines = [f"grading {exercise} in {folder}: {len(rows)} file{'s' * (len(rows) != 1)}"]
    for row in rows:
        if row.status == "graded":
            verdict = f"first failed: {row.first_failed}" if row.first_failed else "all checks pass"
        else:
            verdict = f"{row.status}: {_short(row.diagnosis.removeprefix('refused: '))}"
        lines.append(f"{row.file:<{width}}  {row.score:g} of {row.max_score:g}  {verdict}")
    mean = sum(row.score for row in rows) / len(rows)
    lines.append(f"mean score: {mean:.3g} of {rows[0].max_score:g}")
    return "\n".join(lines)


def _short(text: str, limit: int = 100) -> str:
    """``text`` cut to ``limit`` characters (the CSV keeps it whole)."""
    return text if len(text) <= limit else text[: limit - 1] + "…"


def write_csv(rows: list[Row], path) -> Path:
    """The rows as a CSV file with a header (:data:`COLUMNS`); its path."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", newline="") as stream:
        writer = csv.DictWriter(stream, fieldnames=COLUMNS)
        writer.writeheader()
        writer.writerows(asdict(row) for row in rows)
    return path
