"""Every lesson runs as a real notebook: converted by jupytext, executed by an IPython kernel, in quick mode.

What a student gets who opens a lesson in Jupyter, VS Code or Colab: the
py:percent file becomes a notebook (jupytext), a kernel runs its cells top to
bottom (nbclient, as `jupyter nbconvert --execute` and `pytest --nbmake` do),
``TINYMTL_QUICK=1`` selects the quick run, and each test checks that no cell
failed, that the lesson's closing ``CLAIM: … MEASURED: …`` line was printed
(a measurement that does not support the claim stops the notebook, failing the
test), that every figure appeared inline (an ``image/png`` output for each
``show(...)`` in the lesson), that the first code cell is the parameters cell
and that the last cell is the "Try it" cell.

Needs the notebooks extra (``pip install -e ".[notebooks]"``); skipped without it.
"""

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from .conftest import LESSONS, LESSONS_DIR, skip_without_its_extra

jupytext = pytest.importorskip("jupytext")
nbclient = pytest.importorskip("nbclient")
pytest.importorskip("ipykernel")


SHOW_CALL = re.compile(r"(?<![\w.])show\(")  # tinymtl.lesson.show(...), not ax.imshow(...)
QUICK_AND_ONE_BLAS_THREAD = {"TINYMTL_QUICK": "1", "OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1"}


def outputs_of(notebook) -> tuple[list[str], int]:
    """The printed lines of every code cell, and how many PNG figures were displayed."""
    lines, figures = [], 0
    for cell in notebook.cells:
        for output in cell.get("outputs", []):
            if output.get("output_type") == "stream":
                lines += output["text"].splitlines()
            figures += "image/png" in output.get("data", {})
    return lines, figures


@pytest.mark.parametrize("lesson", LESSONS, ids=[path.stem for path in LESSONS])
def test_lesson_runs_as_a_notebook_with_figures_inline_and_its_claim(lesson, tmp_path, monkeypatch):
    skip_without_its_extra(lesson)
    for name, value in QUICK_AND_ONE_BLAS_THREAD.items():
        monkeypatch.setenv(name, value)  # the kernel inherits the environment
    notebook = jupytext.read(lesson)
    code = [cell for cell in notebook.cells if cell.cell_type == "code"]
    assert "parameters" in code[0].metadata.get("tags", []), (
        f"{lesson.name}: the first code cell is not tagged parameters"
    )
    assert "QUICK = False" in code[0].source and "SEED = 0" in code[0].source
    assert notebook.cells[-1].cell_type == "markdown" and "## Try it" in notebook.cells[-1].source
    client = nbclient.NotebookClient(notebook, timeout=300, kernel_name="python3",
                                     resources={"metadata": {"path": str(tmp_path)}})  # fmt: skip
    client.execute()  # raises CellExecutionError, with the cell and its traceback, if any cell fails
    lines, figures = outputs_of(notebook)
    claims = [line for line in lines if line.startswith("CLAIM: ")]
    assert len(claims) == 1 and " MEASURED: " in claims[0], f"{lesson.name}: expected one CLAIM line"
    shown = sum(len(SHOW_CALL.findall(cell.source)) for cell in code)
    assert figures >= shown > 0, f"{lesson.name}: {figures} figures inline for {shown} show(...) calls"


def test_the_readme_commands_turn_a_lesson_into_an_executed_notebook(tmp_path):
    """`jupytext --to ipynb` then `jupyter execute --inplace`, as README.md says, with the figures inside."""
    target = tmp_path / "05_training.ipynb"
    environment = {**os.environ, **QUICK_AND_ONE_BLAS_THREAD}
    bin_dir = Path(sys.executable).parent  # the commands of this environment
    for command in (
        [bin_dir / "jupytext", "--to", "ipynb", "--output", target, LESSONS_DIR / "05_training.py"],
        [bin_dir / "jupyter", "execute", "--inplace", target],
    ):
        result = subprocess.run([str(part) for part in command], capture_output=True, text=True, timeout=300,
                                cwd=tmp_path, env=environment)  # fmt: skip
        assert result.returncode == 0, f"{command[0].name} failed:\n{result.stderr[-3000:]}"
    lines, figures = outputs_of(jupytext.read(target))
    assert any(line.startswith("CLAIM: ") for line in lines) and figures >= 3
