"""The frame every script in ``lessons/`` shares: its options, its output folder, its closing claim.

One concept: *a lesson is an experiment that must support a claim of the
lecture*. Each lesson script

1. reads its options with :func:`lesson_options` (``--quick`` for a run of a few
   seconds, ``--out`` for the folder its figures go to, ``--seed``),
2. runs its experiment with the public tinymtl API,
3. ends with :func:`claim`, which prints one line ``CLAIM: … MEASURED: …`` whose
   numbers come from the run, and raises :class:`ClaimNotShown` (the script
   exits with an error) when the measurement does not support the claim.

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
import time
from pathlib import Path

OUT_ROOT = Path("lesson-out")  # default: lesson-out/<script name>/ in the current folder


class ClaimNotShown(AssertionError):
    """A lesson measured something that does not support its claim."""


def lesson_options(script: str, description: str, argv=None) -> argparse.Namespace:
    """The options of a lesson script: ``quick`` (bool), ``out`` (a Path, created) and ``seed`` (int).

    script: the lesson's ``__file__`` (names the default output folder,
    ``lesson-out/<script name>``); description: the first line of its help.
    """
    name = Path(script).stem
    parser = argparse.ArgumentParser(prog=f"python lessons/{name}.py", description=description)
    parser.add_argument("--quick", action="store_true", help="a small run of a few seconds (used by the tests)")
    parser.add_argument(
        "--out", type=Path, default=OUT_ROOT / name, help="folder for the figures (default: %(default)s)"
    )
    parser.add_argument("--seed", type=int, default=0, help="seed of the data, the weights and the shuffling")
    options = parser.parse_args(argv)
    options.out.mkdir(parents=True, exist_ok=True)
    options.started = time.perf_counter()
    return options


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
