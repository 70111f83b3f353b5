"""Every lesson runs in ``--quick`` mode, prints its CLAIM/MEASURED line, and its closing check passes.

Each lesson runs as a student runs it, ``python lessons/NN_name.py --quick``, in a
fresh process; a lesson whose measurement does not support its claim exits with
an error (tinymtl.lesson.ClaimNotShown), which fails its test here.

The lessons run with one BLAS thread: the same numbers (up to rounding), and
no slow-down when other jobs share the cores (OpenBLAS threads that spin for a
busy core made a quick lesson ten times slower in our measurements).
"""

import os
import subprocess
import sys

import pytest

from .conftest import LESSONS, LESSONS_DIR, skip_without_its_extra

# the lesson numbers of issue 4, in order: 9 has four parts (a-d)
EXPECTED = [f"{n:02d}" for n in range(1, 9)] + [f"09{part}" for part in "abcde"] + ["10", "11", "12", "13", "14"]
ONE_BLAS_THREAD = {name: "1" for name in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS")}


def test_the_lessons_are_there():
    numbers = [path.name.split("_")[0] for path in LESSONS]
    assert numbers == EXPECTED, f"lessons: found {numbers}, expected {EXPECTED}"


@pytest.mark.parametrize("lesson", LESSONS, ids=[path.stem for path in LESSONS])
def test_lesson_is_a_notebook_in_py_percent_format(lesson):
    text = lesson.read_text()
    assert text.startswith("# %% [markdown]"), f"{lesson.name}: should open with a markdown cell"
    assert text.count("\n# %%\n") >= 2, f"{lesson.name}: expected code cells marked '# %%'"


@pytest.mark.parametrize("lesson", LESSONS, ids=[path.stem for path in LESSONS])
def test_lesson_runs_quick_and_supports_its_claim(lesson, tmp_path):
    skip_without_its_extra(lesson)
    result = subprocess.run(
        [sys.executable, str(lesson), "--quick", "--out", str(tmp_path)],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=tmp_path,
        env={**os.environ, **ONE_BLAS_THREAD},
    )
    assert result.returncode == 0, f"{lesson.name} failed:\n{result.stdout[-3000:]}\n{result.stderr[-3000:]}"
    claims = [line for line in result.stdout.splitlines() if line.startswith("CLAIM: ")]
    assert len(claims) == 1 and " MEASURED: " in claims[0], f"{lesson.name}: expected one CLAIM line:\n{result.stdout}"


@pytest.mark.parametrize("lesson", LESSONS, ids=[path.stem for path in LESSONS])
def test_lesson_is_listed_in_the_lessons_readme(lesson):
    assert lesson.name in (LESSONS_DIR / "README.md").read_text(), f"lessons/README.md does not list {lesson.name}"
