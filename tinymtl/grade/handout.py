"""Hand out the exercises: ``python -m tinymtl.grade --student-copy DIR``.

One concept: *copy what students get, and nothing else*: the exercise stubs
(``lessons/exercises/*.py``), their ``pytest.ini`` and ``README.md``, but not
``solutions/`` and not ``gradescope/`` (the teacher's autograder). The stubs are
found in the repository checkout tinymtl is installed from (``pip install -e .``):
``lessons/exercises/`` beside the ``tinymtl/`` package folder.

What it leaves out: copying the tinymtl package itself (students install it)
and overwriting anything (the target must be new or empty).
"""

from __future__ import annotations

import shutil
from pathlib import Path

import tinymtl

from .checks import GradeError

EXERCISE_DIR = Path(tinymtl.__file__).resolve().parents[1] / "lessons" / "exercises"
EXTRA_FILES = ("pytest.ini", "README.md")  # beside the stubs: grading with pytest, and what to do


def student_files(source=EXERCISE_DIR) -> list[Path]:
    """The files students get from ``source``: its ``*.py`` stubs, then ``pytest.ini`` and ``README.md``."""
    source = Path(source)
    if not source.is_dir():
        raise GradeError(f"the exercises folder {str(source)!r} is not there: --student-copy copies from the "
                         "repository checkout tinymtl is installed from; install it with `pip install -e .` "
                         "from a clone of the repository.")  # fmt: skip
    return sorted(source.glob("*.py")) + [source / name for name in EXTRA_FILES if (source / name).is_file()]


def student_copy(target, source=EXERCISE_DIR) -> list[Path]:
    """Copy :func:`student_files` into the folder ``target`` (created if missing); the copies' paths.

    :class:`GradeError` when ``target`` is a file or a folder that is not empty:
    a copy never overwrites a student's work.
    """
    target = Path(target)
    if target.exists() and not (target.is_dir() and not any(target.iterdir())):
        raise GradeError(f"DIR: {str(target)!r} exists and is not an empty folder; expected a new or empty "
                         "folder. Choose another DIR, or empty this one first.")  # fmt: skip
    files = student_files(source)
    target.mkdir(parents=True, exist_ok=True)
    return [Path(shutil.copy2(path, target / path.name)) for path in files]
