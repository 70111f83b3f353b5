"""Hints behind ``--hint``: ``python -m tinymtl.grade EXERCISE FILE --hint`` gives one more hint per call.

One concept: *the stubs state the math, the shapes and what to return; the
steps towards the answer come one at a time, when a student asks*. Each
exercise's module of checks lists its hints per function (``HINTS``), from a
nudge to the key line. ``--hint`` grades FILE quietly, takes the first function
of the exercise with a failing check, and prints its hints up to one more than
last time (``--hint N``: the first N).

The count is kept per file and function in :data:`HINT_FILE`, a small JSON file
beside FILE (``{"softmax.py": {"softmax": 2}}``); delete it to start over. A
folder where it cannot be written gets the next hint anyway, once more on the
next call.

What it leaves out: penalties for hints, and hints chosen from the exact
diagnosis (the FAIL lines already give that).

>>> import tempfile
>>> folder = Path(tempfile.mkdtemp())
>>> [take_hint(folder / "softmax.py", "softmax", 3)[0] for _ in range(4)]
[1, 2, 3, 3]
>>> json.loads((folder / HINT_FILE).read_text())
{'softmax.py': {'softmax': 3}}
"""

from __future__ import annotations

import json
from pathlib import Path

HINT_FILE = ".tinymtl-hints.json"  # beside the student's file: how many hints each function has had


def _counts(store: Path) -> dict:
    """The counts kept in ``store``; {} when it is missing or not what this module writes."""
    try:
        counts = json.loads(store.read_text())
    except (OSError, ValueError):
        return {}
    return counts if isinstance(counts, dict) else {}


def take_hint(path, function: str, total: int, upto: int | None = None) -> tuple[int, Path | None]:
    """How many hints to show for ``function`` of the file ``path``: one more than before, or ``upto``.

    The count (at most ``total``) is remembered in :data:`HINT_FILE` beside
    ``path``; returns it and that file, or None as the file when it could not be
    written.
    """
    path = Path(path)
    store = path.parent / HINT_FILE
    counts = _counts(store)
    mine = counts.get(path.name) if isinstance(counts.get(path.name), dict) else {}
    taken = mine.get(function, 0) if isinstance(mine.get(function, 0), int) else 0
    count = max(1, min(total, upto if upto else taken + 1))
    counts[path.name] = {**mine, function: max(taken, count)}
    try:
        store.write_text(json.dumps(counts, indent=2, sort_keys=True) + "\n")
    except OSError:
        return count, None
    return count, store


def hint_text(function: str, hints: list[str], count: int, store: Path | None) -> str:
    """The lines a student reads: the first ``count`` hints of ``function``, numbered, and what comes next."""
    where = f"counted in {store}" if store else f"could not write {HINT_FILE} beside your file, so it is not counted"
    lines = [f"hint {count} of {len(hints)} for {function} ({where}):"]
    lines += [f"{number}. {hint}" for number, hint in enumerate(hints[:count], start=1)]
    if count == len(hints):
        lines.append("That was the last hint: the key line. Write it in your own file, then grade it again.")
    else:
        lines.append("Try it, grade again; run with --hint once more for the next hint.")
    return "\n".join(lines)
