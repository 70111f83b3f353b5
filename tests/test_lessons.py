"""Every lesson runs in ``--quick`` mode, prints its CLAIM/MEASURED line, and its closing check passes.

Each lesson runs as a student runs it, ``python lessons/NN_name.py --quick``, in a
fresh process; a lesson whose measurement does not support its claim exits with
an error (tinymtl.lesson.ClaimNotShown), which fails its test here.
"""

import subprocess
import sys
from pathlib import Path

import pytest

LESSONS_DIR = Path(__file__).resolve().parents[1] / "lessons"
LESSONS = sorted(LESSONS_DIR.glob("[0-9][0-9]*_*.py"))


def test_the_lessons_are_there():
    numbers = {path.name[:2] for path in LESSONS}
    assert numbers >= {f"{n:02d}" for n in range(1, 14)}, f"missing lessons: found {sorted(numbers)}"


@pytest.mark.parametrize("lesson", LESSONS, ids=[path.stem for path in LESSONS])
def test_lesson_runs_quick_and_supports_its_claim(lesson, tmp_path):
    result = subprocess.run(
        [sys.executable, str(lesson), "--quick", "--out", str(tmp_path)],
        capture_output=True, text=True, timeout=120, cwd=tmp_path,
    )
    assert result.returncode == 0, f"{lesson.name} failed:\n{result.stdout[-3000:]}\n{result.stderr[-3000:]}"
    claims = [line for line in result.stdout.splitlines() if line.startswith("CLAIM: ")]
    assert len(claims) == 1 and " MEASURED: " in claims[0], f"{lesson.name}: expected one CLAIM line:\n{result.stdout}"


@pytest.mark.parametrize("lesson", LESSONS, ids=[path.stem for path in LESSONS])
def test_lesson_is_listed_in_the_lessons_readme(lesson):
    assert lesson.name in (LESSONS_DIR / "README.md").read_text(), f"lessons/README.md does not list {lesson.name}"
