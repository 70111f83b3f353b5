"""The frame every lesson in ``lessons/`` shares: its options, its figures, its closing claim.

One concept: *a lesson is an experiment that must support a claim of the
lecture*, and it runs the same as a script and as a notebook. Each lesson

1. opens with a cell of parameters (``QUICK = False``, ``SEED = 0``, ...: the
   papermill style, tagged ``parameters``), which a notebook reader edits;
2. reads its options with :func:`lesson_options`: in a script the command line
   (``--quick``, ``--seed``, ``--out``) overrides the parameters cell; in a
   notebook the kernel's own command line is ignored; in both, the environment
   variable ``TINYMTL_QUICK=1`` selects the quick run (for CI, and for classrooms
   on slow machines);
3. runs its experiment with the public tinymtl API, and hands each figure to
   :func:`show`: in a notebook it appears under its cell, in a script nothing
   happens (the figures are PNG files in ``options.out``);
4. ends with :func:`claim`, which prints one line ``CLAIM: … MEASURED: …`` whose
   numbers come from the run, and raises :class:`ClaimNotShown` (the script
   exits with an error, the notebook stops) when the measurement does not
   support the claim.

It leaves out everything about the experiments themselves: those are the lessons.

>>> from tinymtl.lesson import claim
>>> claim("1 + 1 is 2", "1 + 1 = 2", holds=1 + 1 == 2)
CLAIM: 1 + 1 is 2 MEASURED: 1 + 1 = 2
>>> claim("1 + 1 is 3", "1 + 1 = 2", holds=1 + 1 == 3)
Traceback (most recent call last):
...
tinymtl.lesson.ClaimNotShown: the measurement does not support the claim "1 + 1 is 3" (measured: 1 + 1 = 2).
"""

from __future__ import annotations

import argparse
import io
import os
import sys
import time
from pathlib import Path

OUT_ROOT = Path("lesson-out")  # default: lesson-out/<lesson name>/ in the current folder
QUICK_VARIABLE = "TINYMTL_QUICK"  # TINYMTL_QUICK=1: the quick run, in scripts and notebooks alike
FIGURE_DPI = 100  # of the figures shown in a notebook (the PNG files keep the plots' own DPI)


class ClaimNotShown(AssertionError):
    """A lesson measured something that does not support its claim."""


def lesson_options(
    name: str, description: str, *, quick: bool = False, seed: int = 0, out=None, argv=None
) -> argparse.Namespace:
    """The options of a lesson: ``quick`` (bool), ``seed`` (int), ``out`` (a Path, created), ``notebook`` (bool).

    name: the lesson's name, e.g. ``"05_training"`` (a path such as ``__file__``
    works too): the default output folder is ``lesson-out/<name>``.
    description: the first line of the script's ``--help``.
    quick, seed, out: the values of the lesson's parameters cell. In a script the
    command line overrides them (``argv``: None reads ``sys.argv``); in a notebook
    kernel the command line is the kernel's, so it is ignored. ``TINYMTL_QUICK=1``
    in the environment makes ``quick`` True in both.
    """
    name = Path(name).stem
    notebook = in_notebook()
    parser = argparse.ArgumentParser(prog=f"python lessons/{name}.py", description=description)
    parser.add_argument("--quick", action="store_true", default=quick, help="a small run of a few seconds (the tests)")
    parser.add_argument("--out", type=Path, default=Path(out) if out else OUT_ROOT / name,
                        help="folder for the figures (default: %(default)s)")  # fmt: skip
    parser.add_argument("--seed", type=int, default=seed, help="seed of the data, the weights and the shuffling")
    options = parser.parse_args([] if notebook and argv is None else argv)
    options.quick = options.quick or os.environ.get(QUICK_VARIABLE, "") not in ("", "0")
    options.notebook = notebook
    options.out.mkdir(parents=True, exist_ok=True)
    options.started = time.perf_counter()
    return options


def in_notebook() -> bool:
    """Whether this code runs in a Jupyter kernel (Jupyter, VS Code's interactive window, Colab, nbclient).

    A kernel is started as ``python -m ipykernel_launcher -f <connection file>``,
    so its command line is not the lesson's.
    """
    shell = getattr(sys.modules.get("IPython"), "get_ipython", lambda: None)()
    return getattr(shell, "kernel", None) is not None


def show(fig) -> None:
    """In a notebook, display the matplotlib figure ``fig`` under the cell (as a PNG); in a script, do nothing.

    The plots are drawn on matplotlib's Agg canvas, never through pyplot, so no
    window opens and no backend needs choosing; in a notebook the figure is
    rendered to PNG bytes and handed to IPython's display.
    """
    if not in_notebook():
        return
    from IPython.display import Image, display

    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=FIGURE_DPI)
    display(Image(data=buffer.getvalue(), format="png"))


def claim(statement: str, measured: str, holds: bool) -> None:
    """Print ``CLAIM: statement MEASURED: measured``; raise :class:`ClaimNotShown` unless ``holds``.

    ``holds`` is the lesson's check, computed from the same numbers as ``measured``.
    """
    print(f"CLAIM: {statement} MEASURED: {measured}", flush=True)
    if not holds:
        raise ClaimNotShown(f'the measurement does not support the claim "{statement}" (measured: {measured}).')


def elapsed(options: argparse.Namespace) -> str:
    """The seconds since :func:`lesson_options`, for a lesson's last line: ``"12.3 s"``."""
    return f"{time.perf_counter() - options.started:.1f} s"
