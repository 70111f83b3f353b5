"""Gradescope's ``results.json``, built from the grader's results: one test per check, one point each.

One concept: *turn the PASS/FAIL results of* :func:`tinymtl.grade.grade` *into
the JSON Gradescope reads* (https://gradescope-autograders.readthedocs.io/en/latest/specs/)::

    {"score": 2.0, "max_score": 5.0, "output": "masked_loss: 2 of 5 checks pass.",
     "tests": [{"name": <the check>, "score": 1.0, "max_score": 1.0,
                "output": "PASS  <the check>", "visibility": "visible"}, ...]}

A check that passes scores its points (:data:`~tinymtl.grade.checks.POINTS`),
one that fails 0, so a right file gets full marks, an untouched stub 0 and a
partly right one a point per right check. When grading cannot start (no such
file, a file that does not import), the score is 0 and the top-level
``output``, which Gradescope shows above the tests, says why; so it does for a
file that is refused (its functions use tinymtl's own code), whose every test
scores 0.

What it leaves out: running the checks (:func:`tinymtl.grade.grade` does),
visibility other than "visible", timing and leaderboards.

>>> from tinymtl.grade.checks import Result
>>> results = [Result("J is one number", True), Result("J leaves out '?'", False, "'?' counted as label 0")]
>>> out = gradescope_results("masked_loss", results)
>>> out["score"], out["max_score"], out["output"]
(1.0, 2.0, 'masked_loss: 1 of 2 checks pass.')
>>> out["tests"][1]["output"]
"FAIL  J leaves out '?': '?' counted as label 0"
"""

from __future__ import annotations

from pathlib import Path

from .checks import Result

__all__ = ["cannot_start", "gradescope_results", "merged", "submitted_files"]


def gradescope_results(exercise: str, results: list[Result]) -> dict:
    """results.json for one exercise: a test per check (its PASS/FAIL line as output), the score their sum."""
    tests = [_test(result) for result in results]
    passed = sum(result.passed for result in results)
    refused = [result.message for result in results if result.refused][:1]
    return {
        "score": sum(test["score"] for test in tests),
        "max_score": sum(result.points for result in results),
        "output": f"{exercise}: {refused[0] if refused else f'{passed} of {len(results)} checks pass.'}",
        "tests": tests,
    }


def _test(result: Result) -> dict:
    """One Gradescope test: a check's name, its points when it passed (else 0) and its PASS/FAIL line."""
    return {"name": result.name, "score": result.score, "max_score": result.points, "output": result.line(),
            "visibility": "visible"}  # fmt: skip


def cannot_start(why: str, max_score: float = 0.0) -> dict:
    """results.json when grading could not start: score 0, no tests, and ``why`` as the top-level output.

    >>> cannot_start("FILE: 'x.py' is not a file.", max_score=5.0)["score"]
    0.0
    """
    return {"score": 0.0, "max_score": max_score, "output": why, "tests": []}


def merged(parts: list[dict]) -> dict:
    """Several exercises' results.json as one: the scores added, the outputs one per line, the tests in order."""
    return {
        "score": sum(part["score"] for part in parts),
        "max_score": sum(part["max_score"] for part in parts),
        "output": "\n".join(part["output"] for part in parts if part.get("output")),
        "tests": [test for part in parts for test in part["tests"]],
    }


def submitted_files(folder, exercises) -> dict[str, Path]:
    """exercise -> its file in ``folder``, found by name (``masked_loss.py``...), for the exercises submitted.

    The file may sit in a subfolder (a whole repository submitted from GitHub);
    of several with the same name, the one nearest the top of ``folder`` counts.
    """
    found = {}
    for exercise in exercises:
        matches = sorted(Path(folder).rglob(f"{exercise}.py"), key=lambda path: (len(path.parts), str(path)))
        if matches:
            found[exercise] = matches[0]
    return found
