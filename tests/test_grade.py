"""The classroom grader: it passes every solution, fails every untouched stub, and names each planted mistake.

A planted mistake is a solution with one piece of code replaced (``old`` -> ``new``),
written to a temporary file and graded like a student's file. The blame tests check
more than the diagnosis: that the check owning the mistake names it, that the checks
that fail because of it say they follow from it, that the checks it does not concern
pass, and that no cause the student did not commit is named.
"""

import csv
import json
import os
import runpy
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from tinymtl.grade import CHECK_MODULES, EXERCISES, GradeError, assert_passes, classroom, grade, grade_submission, main
from tinymtl.grade.checks import load, multiplies_by_mask
from tinymtl.grade.handout import student_copy
from tinymtl.grade.hints import HINT_FILE
from tinymtl.grade.own_code import UsesTinymtl, tinymtl_use, watched

EXERCISE_DIR = Path(__file__).resolve().parents[1] / "lessons" / "exercises"
SOLUTIONS = EXERCISE_DIR / "solutions"
GRADESCOPE = EXERCISE_DIR / "gradescope"


def failures(exercise: str, path) -> str:
    """The FAIL lines of grading ``path`` (empty when every check passes)."""
    return "\n".join(result.line() for result in grade(exercise, path) if not result.passed)


def planted(tmp_path, exercise: str, old: str, new: str, *more: tuple[str, str]) -> Path:
    """The solution of ``exercise`` with ``old`` replaced by ``new`` (and each further (old, new)), in ``tmp_path``."""
    source = (SOLUTIONS / f"{exercise}.py").read_text()
    for before, after in ((old, new), *more):
        assert before in source, f"the solution of {exercise} no longer contains {before!r}"
        source = source.replace(before, after)
    path = tmp_path / f"{exercise}.py"
    path.write_text(source)
    return path


@pytest.mark.parametrize("exercise", EXERCISES)
def test_every_solution_passes(exercise):
    assert failures(exercise, SOLUTIONS / f"{exercise}.py") == ""


@pytest.mark.parametrize("exercise", EXERCISES)
def test_every_untouched_stub_fails_as_not_written_yet(exercise):
    results = grade(exercise, EXERCISE_DIR / f"{exercise}.py")
    assert results and not any(result.passed for result in results)
    assert all("not written yet (NotImplementedError: TODO" in result.message for result in results)


# fmt: off
MISTAKES = [
    # masked_loss: J = (1/m) Σ_i Σ_{j labelled} L
    ("masked_loss", "np.where(M, L, 0).sum() / m", "np.where(M, L, 0).sum(axis=0) / m", "expected one number"),
    ("masked_loss", "np.where(M, L, 0).sum() / m", "np.where(M, L, 0).sum()", "forgot the 1/m"),
    ("masked_loss", "np.where(M, L, 0).sum() / m", "np.where(M, L, 0).sum() / M.sum()",
     "number of labelled entries instead of m"),
    ("masked_loss", "np.where(M, L, 0).sum() / m", "np.where(M, L, 0).sum() / max(M.sum(), 1)",
     "number of labelled entries instead of m"),
    ("masked_loss", "np.where(M, L, 0).sum() / m", "np.where(M, L, 0).sum() / Z.size", "divided by n_y·m"),
    ("masked_loss", "np.where(M, L, 0).sum() / m", "-np.where(M, L, 0).sum() / m", "sign is flipped"),
    ("masked_loss", "np.where(M, L, 0).sum() / m", "L.sum() / m", '"?" counted as label 0'),
    ("masked_loss", "np.where(M, L, 0).sum() / m", "(M * (np.maximum(Z, 0) - Y * Z + np.log1p(np.exp(-np.abs(Z))))).sum() / m",
     "you multiply by the mask, but NaN · 0 is NaN"),
    ("masked_loss", "Y0 = np.where(M, Y, 0)", "Y0 = np.where(M, Y, 1); M = np.ones_like(M)", '"?" counted as label 1'),
    ("masked_loss", "L = np.maximum(Z, 0) - Y0 * Z + np.log1p(np.exp(-np.abs(Z)))",
     "A = 1 / (1 + np.exp(-Z)); L = -Y0 * np.log(A) - (1 - Y0) * np.log(1 - A)", "unstable for large logits"),
    ("masked_loss", "L = np.maximum(Z, 0) - Y0 * Z + np.log1p(np.exp(-np.abs(Z)))",
     "A = np.clip(1 / (1 + np.exp(-Z)), 1e-15, 1 - 1e-15); L = -Y0 * np.log(A) - (1 - Y0) * np.log(1 - A)",
     "inaccurate for large logits"),
    ("masked_loss", "np.where(M, L, 0).sum() / m", "np.where(M, L, 0).sum() / m * 1.01", "term by term"),
    ("masked_loss", "np.where(M, L, 0).sum() / m", "'J'", "is 'J', expected one number"),
    ("masked_loss", "Y0 = np.where(M, Y, 0)", "Y[~M] = 0; Y0 = Y", "changed its argument Y in place"),
    ("masked_loss", "def masked_logistic_loss(Z, Y):", "def masked_loss(Z, Y):", "has no function masked_logistic_loss"),
    ("masked_loss", "    m = Z.shape[1]", "    m = Z.shape[1]; Z.reshape(m + 1)", "your code raised ValueError"),
    # output_backward: dZ[L] = (A[L] − Y) ⊙ M / m, dW[L] = dZ[L] A[L−1]ᵀ, db[L] = Σ_i dZ[L]
    ("output_backward", "return dZ, dW, db", "return dZ, dW", "expected three arrays"),
    ("output_backward", "dZ.sum(axis=1, keepdims=True)", "dZ.sum(axis=1)", "keepdims=True"),
    ("output_backward", "return dZ, dW, db", "return dZ.tolist(), dW, db", "is a list, expected a NumPy array"),
    ("output_backward", "dZ.sum(axis=1, keepdims=True)", "dZ.sum(axis=0, keepdims=True)", "sums over the tasks"),
    ("output_backward", "dW = dZ @ A_prev.T", "dW = A_prev @ dZ.T", "transposed"),
    ("output_backward", "dW = dZ @ A_prev.T", "dW = dZ @ A_prev.T / m", "already inside dZ[L]"),
    ("output_backward", "dZ.sum(axis=1, keepdims=True)", "dZ.mean(axis=1, keepdims=True)", "already inside dZ[L]"),
    ("output_backward", "np.where(M, A_L - Y, 0) / m", "np.where(M, Y - A_L, 0) / m", "sign is flipped"),
    ("output_backward", "np.where(M, A_L - Y, 0) / m", "np.where(M, A_L - Y, 0)", "forgot the 1/m"),
    ("output_backward", "np.where(M, A_L - Y, 0) / m", "np.where(M, A_L - Y, 0) / M.sum()",
     "number of labelled entries instead of m"),
    ("output_backward", "np.where(M, A_L - Y, 0) / m", "np.where(M, A_L - Y, 0) / Y.size", "divided by n_y·m"),
    ("output_backward", "np.where(M, A_L - Y, 0) / m", "(A_L - np.nan_to_num(Y)) / m", '"?" counted as label 0'),
    ("output_backward", "np.where(M, A_L - Y, 0) / m", "(A_L - np.nan_to_num(Y, nan=1.0)) / m",
     '"?" counted as label 1'),
    ("output_backward", "np.where(M, A_L - Y, 0) / m", "M * (A_L - Y) / m", "you multiply by the mask, but NaN · 0 is NaN"),
    ("output_backward", "np.where(M, A_L - Y, 0) / m", "(A_L - Y) / m", 'dZ[L] is NaN at the "?" entries'),
    ("output_backward", "np.where(M, A_L - Y, 0) / m", "np.where(M, A_L - Y, 1e-3) / m",
     "not 0 at the"),
    ("output_backward", "np.where(M, A_L - Y, 0) / m", "np.where(M, A_L - Y, 0) / m * 1.01",
     "differs from (A[L] − Y) ⊙ M / m"),
    ("output_backward", "return dZ, dW, db", "return dZ.T, dW, db", "transposed"),
    ("output_backward", "    M = ~np.isnan(Y)", "    Y[np.isnan(Y)] = 0; M = ~np.isnan(Y)", "changed its argument Y"),
    # softmax: A = e^Z / Σ e^Z down each column, J, dZ[L] = (A − Y) / m, one answer per image
    ("softmax", "E / E.sum(axis=0, keepdims=True)", "E / E.sum(axis=1, keepdims=True)", "wrong axis"),
    ("softmax", "np.exp(Z - Z.max(axis=0, keepdims=True))", "np.exp(Z)", "subtract each column's max"),
    ("softmax", "E / E.sum(axis=0, keepdims=True)", "(E / E.sum(axis=0, keepdims=True)).T", "transposed"),
    ("softmax", "E / E.sum(axis=0, keepdims=True)", "E / E.sum(axis=0, keepdims=True) ** 2", "differs from"),
    ("softmax", "J = -(Y0 * log_A).sum() / m", "J = -(Y0 * np.log(softmax(Z))).sum() / m", "never log of a probability"),
    ("softmax", "J = -(Y0 * log_A).sum() / m", "J = -(Y0 * log_A).sum()", "forgot the 1/m"),
    ("softmax", "J = -(Y0 * log_A).sum() / m", "J = (Y0 * log_A).sum() / m", "sign is flipped"),
    ("softmax", "J = -(Y0 * log_A).sum() / m", "J = -(Y0 * log_A).sum(axis=0) / m", "expected one number"),
    ("softmax", "J = -(Y0 * log_A).sum() / m", "J = -(Y0 * log_A).sum() / known.sum()", "0/0"),
    ("softmax", "J = -(Y0 * log_A).sum() / m", "J = -(Y0 * log_A).sum() / max(known.sum(), 1)",
     "known class instead of m"),
    ("softmax", "J = -(Y0 * log_A).sum() / m", "J = -(Y0 * log_A).sum() / m * 1.01", "differs from tinymtl's"),
    ("softmax", "J = -(Y0 * log_A).sum() / m", "J = -(Y * log_A).sum() / m", 'J is NaN when a class is "?"'),
    ("softmax", "np.where(known, np.exp(log_A) - Y0, 0) / m", "(np.exp(log_A) - Y0) / m", "counted as label 0"),
    ("softmax", "return J, dZ", "return J", "expected two things"),
    ("softmax", "return answers[:-1]", "return answers", 'keeps the "none" row'),
    ("softmax", "return answers[:-1]", "return A[:-1]", "not 0/1"),
    ("softmax", "return answers[:-1]", "return (A[:-1] >= 0.1).astype(float)", "more than one 1"),
    ("softmax", "return answers[:-1]", "return (A[:-1] >= 0.5).astype(float)", "largest probability is below 0.5"),
    ("softmax", "return answers[:-1]", "return answers[:-1] + answers[-1:] * (np.arange(C - 1)[:, None] == 0)", '"none" has the largest A'),
    ("softmax", "    C, m = A.shape", "    C, m = A.shape; A *= 2", "changed its argument A"),
]

GRADIENT_CHECKER_MISTAKES = [
    ("gradient_checker", "(J_plus - J_minus) / (2 * epsilon)", "(J_plus - J(theta)) / epsilon", "one-sided"),
    ("gradient_checker", "theta[k] = saved - epsilon", "theta[k] = saved", "one-sided"),
    ("gradient_checker", "    dtheta_approx = np.zeros_like(theta)", "    epsilon = 1e-7\n    dtheta_approx = np.zeros_like(theta)",
     "epsilon argument"),
    ("gradient_checker", "        theta[k] = saved  # put θ_k back exactly\n", "", "θ (or dθ) is not what it was"),
    ("gradient_checker", "return np.linalg.norm(dtheta_approx - dtheta) / denominator",
     "return np.linalg.norm(dtheta_approx - dtheta)", "the denominator"),
    ("gradient_checker", "return np.linalg.norm(dtheta_approx - dtheta) / denominator",
     "return np.linalg.norm(dtheta_approx - dtheta) / np.linalg.norm(dtheta)", "the denominator"),
    ("gradient_checker", "return np.linalg.norm(dtheta_approx - dtheta) / denominator",
     "return np.linalg.norm(dtheta_approx - dtheta) / np.linalg.norm(dtheta_approx)", "the denominator"),
    ("gradient_checker", "return np.linalg.norm(dtheta_approx - dtheta) / denominator",
     "return np.linalg.norm(dtheta_approx - dtheta) / denominator ** 2", "you computed ‖dθ_approx − dθ‖ / (‖dθ_approx‖ + ‖dθ‖)²"),
    ("gradient_checker", "return np.linalg.norm(dtheta_approx - dtheta) / denominator",
     "return np.linalg.norm(dtheta_approx - dtheta) / denominator * 1.5", "wrong gradient gave"),
    ("gradient_checker", "return np.linalg.norm(dtheta_approx - dtheta) / denominator",
     "return np.linalg.norm(dtheta_approx + dtheta) / denominator", "a correct gradient gave 1, expected below 1e-7"),
    ("gradient_checker", "return np.linalg.norm(dtheta_approx - dtheta) / denominator", "return 0.0",
     "does not notice a wrong gradient"),
    ("gradient_checker", "return np.linalg.norm(dtheta_approx - dtheta) / denominator",
     "return np.abs(dtheta_approx - dtheta) / denominator", "expected one number"),
    ("gradient_checker", "        return 0.0  # both", "        return np.nan  # both", "return 0"),
    ("gradient_checker", "        return 0.0  # both", "        return 1.0  # both", "return 0"),
    ("gradient_checker", "J_plus = J(theta)", "J_plus = J(theta) + 1e-8", "a correct gradient gave"),
]
# fmt: on


@pytest.mark.parametrize(("exercise", "old", "new", "diagnosis"), MISTAKES + GRADIENT_CHECKER_MISTAKES,
                         ids=lambda value: value if isinstance(value, str) and len(value) < 40 else None)  # fmt: skip
def test_a_planted_mistake_fails_with_its_diagnosis(tmp_path, exercise, old, new, diagnosis):
    report = failures(exercise, planted(tmp_path, exercise, old, new))
    assert diagnosis in report, f"expected {diagnosis!r} among the failures:\n{report}"


def test_unknown_exercise_lists_the_valid_names(capsys):
    with pytest.raises(GradeError, match="expected one of masked_loss, output_backward, softmax, gradient_checker"):
        grade("masked_los", SOLUTIONS / "masked_loss.py")
    assert main(["masked_los", str(SOLUTIONS / "masked_loss.py")]) == 2
    assert "EXERCISE: got 'masked_los'" in capsys.readouterr().err


def test_a_missing_file_is_named(tmp_path, capsys):
    assert main(["masked_loss", str(tmp_path / "nothing.py")]) == 2
    assert "nothing.py' is not a file" in capsys.readouterr().err


def test_main_exit_status_and_report(capsys):
    assert main(["softmax", str(SOLUTIONS / "softmax.py")]) == 0
    out = capsys.readouterr().out
    assert out.startswith("grading softmax:\nPASS  1/1  ") and out.rstrip().endswith("8 of 8 checks pass.")
    assert "\nscore: 8 of 8 points; 8 of 8 checks pass." in out
    assert main(["softmax", str(EXERCISE_DIR / "softmax.py")]) == 1
    out = capsys.readouterr().out
    assert "FAIL  0/1  softmax(Z)" in out and out.rstrip().endswith("score: 0 of 8 points; 0 of 8 checks pass.")


def test_assert_passes_raises_with_the_failures(capsys):
    assert_passes("output_backward", SOLUTIONS / "output_backward.py")
    with pytest.raises(AssertionError, match="FAIL  dZ"):
        assert_passes("output_backward", EXERCISE_DIR / "output_backward.py")


def test_the_module_entry_point(monkeypatch, capsys):
    monkeypatch.setattr(sys, "argv", ["tinymtl.grade", "masked_loss", str(SOLUTIONS / "masked_loss.py")])
    with pytest.raises(SystemExit) as exited:
        runpy.run_module("tinymtl.grade", run_name="__main__")
    assert exited.value.code == 0 and "5 of 5 checks pass." in capsys.readouterr().out


def test_the_command_runs_as_a_module():
    command = [sys.executable, "-m", "tinymtl.grade", "gradient_checker"]
    passed = subprocess.run(
        [*command, str(SOLUTIONS / "gradient_checker.py")], capture_output=True, text=True, check=False
    )
    assert passed.returncode == 0 and "5 of 5 checks pass." in passed.stdout, passed.stdout + passed.stderr
    stub = subprocess.run(
        [*command, str(EXERCISE_DIR / "gradient_checker.py")], capture_output=True, text=True, check=False
    )
    assert stub.returncode == 1 and "0 of 5 checks pass." in stub.stdout


@pytest.mark.parametrize(("path", "status"), [(SOLUTIONS / "masked_loss.py", 0), (EXERCISE_DIR / "masked_loss.py", 1)])
def test_pytest_over_an_exercise_file_grades_it(path, status):
    """``python -m pytest FILE`` from the repository root, as the exercise README says."""
    result = subprocess.run([sys.executable, "-m", "pytest", "-q", str(path.relative_to(EXERCISE_DIR.parents[1]))],
                            capture_output=True, text=True, check=False, cwd=EXERCISE_DIR.parents[1], timeout=120)  # fmt: skip
    assert result.returncode == status, result.stdout[-2000:]
    assert ("1 passed" if status == 0 else "not written yet") in result.stdout


# Gradescope's results.json (``--json``, ``--gradescope``, run_autograder) and ``--student-copy``.


def main_json(capsys, *argv) -> tuple[int, dict, str]:
    """The exit status of ``main(argv)``, its stdout read as JSON (the test fails if it is not JSON), its stderr."""
    status = main([str(arg) for arg in argv])
    captured = capsys.readouterr()
    return status, json.loads(captured.out), captured.err


@pytest.mark.parametrize("exercise", EXERCISES)
def test_json_of_every_solution_has_full_marks(capsys, exercise):
    status, results, _ = main_json(capsys, exercise, SOLUTIONS / f"{exercise}.py", "--json")
    assert status == 0 and results["score"] == results["max_score"] == len(results["tests"]) > 0
    for test in results["tests"]:
        assert test == {"name": test["name"], "score": 1.0, "max_score": 1.0, "output": f"PASS  {test['name']}",
                        "visibility": "visible"}  # fmt: skip


@pytest.mark.parametrize("exercise", EXERCISES)
def test_json_of_every_untouched_stub_scores_0(capsys, exercise):
    status, results, _ = main_json(capsys, exercise, EXERCISE_DIR / f"{exercise}.py", "--json")
    assert status == 1 and results["score"] == 0 and results["max_score"] == len(results["tests"]) > 0
    assert all(test["score"] == 0 and test["output"].startswith(f"FAIL  {test['name']}: not written yet")
               for test in results["tests"])  # fmt: skip


def test_json_of_one_planted_mistake_gives_partial_credit(tmp_path, capsys):
    path = planted(tmp_path, "masked_loss", "np.where(M, L, 0).sum() / m", "L.sum() / m")
    status, results, _ = main_json(capsys, "masked_loss", path, "--json")
    assert status == 1 and 0 < results["score"] < results["max_score"] == 5
    assert results["output"] == f"masked_loss: {results['score']:g} of 5 checks pass."
    failed = "\n".join(test["output"] for test in results["tests"] if test["score"] == 0)
    assert '"?" counted as label 0' in failed


def test_json_stays_the_only_stdout_when_the_student_code_prints(tmp_path, capsys):
    path = planted(tmp_path, "masked_loss", "    m = Z.shape[1]", '    print("debugging"); m = Z.shape[1]')
    status, results, err = main_json(capsys, "masked_loss", path, "--json")
    assert status == 0 and results["score"] == 5 and "debugging" in err


@pytest.mark.parametrize(
    ("exercise", "content", "max_score", "why"),
    [
        ("masked_los", None, 0, "EXERCISE: got 'masked_los'"),
        ("softmax", None, 8, "is not a file"),
        (
            "gradient_checker",
            "def gradient_check(J, theta, dtheta, epsilon)\n",
            5,
            "does not import, it raised SyntaxError",
        ),
        ("masked_loss", "import numpy_typo\n", 5, "does not import, it raised ModuleNotFoundError"),
    ],
)
def test_json_when_grading_cannot_start_scores_0_and_says_why(tmp_path, capsys, exercise, content, max_score, why):
    path = tmp_path / "student.py"
    if content is not None:
        path.write_text(content)
    status, results, err = main_json(capsys, exercise, path, "--json")
    assert status == 2 and (results["score"], results["max_score"], results["tests"]) == (0, max_score, [])
    assert why in results["output"] and err == f"error: {results['output']}\n"


def test_a_file_that_does_not_import_stops_the_plain_command_too(tmp_path, capsys):
    (tmp_path / "softmax.py").write_text("def softmax(Z):\nreturn Z\n")
    assert main(["softmax", str(tmp_path / "softmax.py")]) == 2
    assert "does not import, it raised IndentationError" in capsys.readouterr().err


def test_the_json_command_prints_only_json():
    result = subprocess.run([sys.executable, "-m", "tinymtl.grade", "gradient_checker", str(SOLUTIONS / "gradient_checker.py"),
                             "--json"], capture_output=True, text=True, check=False, timeout=120)  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["score"] == 5


def test_grade_submission_merges_the_exercises_found_and_scores_the_rest_0(tmp_path):
    (tmp_path / "lessons" / "exercises").mkdir(parents=True)  # a repository submitted from GitHub
    shutil.copy(SOLUTIONS / "masked_loss.py", tmp_path / "lessons" / "exercises" / "masked_loss.py")
    shutil.copy(EXERCISE_DIR / "output_backward.py", tmp_path / "output_backward.py")
    (tmp_path / "softmax.py").write_text("def softmax(Z)\n")
    results = grade_submission(tmp_path)
    assert (results["score"], results["max_score"], len(results["tests"])) == (5, 5 + 7 + 8, 5 + 7)
    lines = results["output"].splitlines()
    assert lines[:2] == ["masked_loss: 5 of 5 checks pass.", "output_backward: 0 of 7 checks pass."]
    assert lines[2].startswith("softmax: FILE:") and "does not import" in lines[2]


def test_a_submission_without_an_exercise_file_scores_0_and_names_the_files_expected(tmp_path, capsys):
    (tmp_path / "submission").mkdir()
    (tmp_path / "submission" / "masked_loss (1).py").write_text("")
    results_file = tmp_path / "results" / "results.json"
    assert main(["--gradescope", str(tmp_path / "submission"), str(results_file)]) == 0
    assert capsys.readouterr().out == f"wrote {results_file}: score 0 of 0\n"
    results = json.loads(results_file.read_text())
    assert (results["score"], results["tests"]) == (0, [])
    assert "(got masked_loss (1).py)" in results["output"] and "masked_loss.py, output_backward.py" in results["output"]


def test_the_gradescope_scripts_are_executable():
    for name in ("setup.sh", "run_autograder"):
        assert os.access(GRADESCOPE / name, os.X_OK), f"chmod +x lessons/exercises/gradescope/{name}"
        if shutil.which("bash"):
            check = subprocess.run(["bash", "-n", str(GRADESCOPE / name)], capture_output=True, text=True, check=False)
            assert check.returncode == 0, check.stderr


def run_autograder(submission: Path, results: Path) -> dict:
    """Run ``run_autograder`` as Gradescope would, with its folders in ``tmp_path``; the results.json it wrote."""
    env = {**os.environ, "SUBMISSION_DIR": str(submission), "RESULTS_DIR": str(results), "PYTHON": sys.executable}
    done = subprocess.run(["bash", str(GRADESCOPE / "run_autograder")], env=env, capture_output=True, text=True,
                          check=False, timeout=120)  # fmt: skip
    assert done.returncode == 0, done.stdout + done.stderr
    return json.loads((results / "results.json").read_text())


@pytest.mark.skipif(shutil.which("bash") is None, reason="run_autograder is a bash script")
def test_run_autograder_gives_a_solution_full_marks_and_an_empty_submission_0(tmp_path):
    (tmp_path / "submission").mkdir()
    shutil.copy(SOLUTIONS / "softmax.py", tmp_path / "submission" / "softmax.py")
    results = run_autograder(tmp_path / "submission", tmp_path / "results")
    assert results["score"] == results["max_score"] == len(results["tests"]) == 8
    (tmp_path / "empty").mkdir()
    results = run_autograder(tmp_path / "empty", tmp_path / "results")
    assert (
        results["score"] == 0
        and results["tests"] == []
        and "expected one or more of masked_loss.py" in results["output"]
    )


def test_student_copy_copies_the_stubs_and_readme_not_the_solutions(tmp_path, capsys):
    target = tmp_path / "class"
    assert main(["--student-copy", str(target)]) == 0
    names = sorted(path.name for path in target.iterdir())
    assert names == sorted([f"{exercise}.py" for exercise in EXERCISES] + ["README.md", "pytest.ini"])
    assert (target / "softmax.py").read_text() == (EXERCISE_DIR / "softmax.py").read_text()
    out = capsys.readouterr().out
    assert out.startswith(f"copied into {target}:") and "  README.md" in out and "solutions" not in out
    assert main(["--student-copy", str(target)]) == 2
    assert "exists and is not an empty folder" in capsys.readouterr().err


def test_student_copy_names_a_missing_exercises_folder(tmp_path):
    with pytest.raises(GradeError, match="the exercises folder .*missing' is not there: .*pip install -e"):
        student_copy(tmp_path / "class", source=tmp_path / "missing")
    assert not (tmp_path / "class").exists()


def test_the_teacher_options_go_alone(tmp_path, capsys):
    with pytest.raises(SystemExit) as exited:
        main(["--student-copy", str(tmp_path), "masked_loss"])
    assert (
        exited.value.code == 2 and "--student-copy goes alone: got --student-copy, EXERCISE" in capsys.readouterr().err
    )
    with pytest.raises(SystemExit):
        main(["masked_loss"])
    assert "expected EXERCISE FILE" in capsys.readouterr().err


# Blame: the check that owns a mistake names it, the checks that fail because of it say they follow from it,
# the checks it does not concern pass, and no cause the student did not commit is named (issue 13, item 1).

SHAPES_CHECK, FULLY, UNKNOWN, NO_LABEL = (
    "dZ[L] (n_y, m)",
    "dZ[L] = (A[L] − Y) / m when",
    'dZ[L] is 0 at every "?"',
    "dZ[L] is 0 for a batch",
)
DW, DB, KEEPS = "dW[L] = dZ[L] A[L−1]ᵀ", "db[L] = Σ_i", "A[L], Y and A[L−1]"
DZ_FOLLOWS = "follows from the dZ[L] failure above"
SM_COLUMNS, SM_LARGE, CE, CE_UNKNOWN = (
    "softmax(Z): each column",
    "softmax(Z) is finite",
    "J and dZ[L] = (A − Y) / m",
    'columns of "?"',
)
CE_NO_LABEL, CE_LARGE, PREDICTIONS = "J = 0 and dZ[L] = 0", "J and dZ[L] are finite", "softmax_predictions(A)"
ML_FULLY, ML_UNKNOWN, ML_NO_LABEL, ML_LARGE = (
    "J on labels without",
    "J leaves the",
    "J = 0 for a batch",
    "J is finite and right",
)
GC_CORRECT, GC_WRONG, GC_TWO_SIDED, GC_RESTORES, GC_ZERO = (
    "a correct gradient",
    "a wrong gradient",
    "two-sided",
    "θ and dθ",
    "0 when both",
)

# (exercise, [(old, new), ...], {check (start of its name): what its FAIL line must hold}, texts no line may hold);
# every check not named must pass.
BLAMES = [
    pytest.param("output_backward", [("np.where(M, A_L - Y, 0) / m", "(A_L - Y) / m")],
                 {UNKNOWN: 'dZ[L] is NaN at the "?" entries: A[L] − Y is NaN where Y is "?", and nothing sets',
                  NO_LABEL: DZ_FOLLOWS},
                 ["labelled entries", "dW[L] differs", "you multiply by the mask", "0/0"], id="output_backward mask forgotten"),
    pytest.param("output_backward", [("np.where(M, A_L - Y, 0) / m", "(A_L - Y) * M / m")],
                 {UNKNOWN: "you multiply by the mask, but NaN · 0 is NaN", NO_LABEL: DZ_FOLLOWS},
                 ["labelled entries", "dW[L] differs", "nothing sets", "0/0"], id="output_backward mask multiplied"),
    pytest.param("output_backward", [("np.where(M, A_L - Y, 0) / m", "np.where(M, A_L - Y, 0) / M.sum()")],
                 {FULLY: "divided by the number of labelled entries instead of m", UNKNOWN: DZ_FOLLOWS,
                  NO_LABEL: DZ_FOLLOWS + ": with nothing labelled, the number of labelled entries is 0"},
                 ["n_y·m", "NaN at the"], id="output_backward divided by the labelled entries"),
    pytest.param("output_backward", [("dW = dZ @ A_prev.T", "dW = A_prev @ dZ.T"),
                                     ("dZ.sum(axis=1, keepdims=True)", "dZ.sum(axis=1)")],
                 {SHAPES_CHECK: "dW[L] has shape (5, 4), expected (4, 5). It is transposed"},
                 ["follows from"], id="output_backward transposed dW and db without keepdims"),
    pytest.param("output_backward", [("dZ.sum(axis=1, keepdims=True)", "dZ.sum(axis=1)"),
                                     ("np.where(M, A_L - Y, 0) / m", "(A_L - Y) / m")],
                 {SHAPES_CHECK: "db[L] has shape (4,), expected (4, 1)", UNKNOWN: 'dZ[L] is NaN at the "?" entries',
                  NO_LABEL: DZ_FOLLOWS}, ["0/0", "dW[L] differs"], id="output_backward db without keepdims and mask forgotten"),
    pytest.param("output_backward", [("dZ.sum(axis=1, keepdims=True)", "dZ.sum(axis=1)"), ("dW = dZ @ A_prev.T", "dW = dZ @ A_prev.T / m")],
                 {SHAPES_CHECK: "db[L] has shape (4,)", DW: "dW[L] is off by a factor of 1/m: the 1/m of J is already inside dZ[L]"},
                 ["transposed"], id="output_backward db without keepdims and dW divided by m again"),
    pytest.param("output_backward", [("np.where(M, A_L - Y, 0) / m", "np.where(M, Y - A_L, 0) / m"), ("dW = dZ @ A_prev.T", "dW = dZ @ A_prev.T / m")],
                 {FULLY: "the sign is flipped", UNKNOWN: DZ_FOLLOWS, DW: "already inside dZ[L]"},
                 ["dW[L] has the sign flipped"], id="output_backward dW judged from the student's own wrong dZ"),
    pytest.param("output_backward", [("    m = A_L.shape[1]", "    m = A_L.shape[1]; A_L.reshape(m + 1)")],
                 {check: "follows from the ValueError above (line 22 of your file)" for check in (FULLY, UNKNOWN, NO_LABEL, DW, DB, KEEPS)}
                 | {SHAPES_CHECK: "your code raised ValueError: cannot reshape"}, [], id="output_backward a crash said once"),
    pytest.param("softmax", [("J = -(Y0 * log_A).sum() / m", "J = -(Y * log_A).sum() / m"),
                             ("np.where(known, np.exp(log_A) - Y0, 0) / m", "(np.exp(log_A) - Y) / m")],
                 {CE_UNKNOWN: 'J is NaN when a class is "?": Y_k log A_k is NaN in a "?" column, and nothing sets',
                  CE_NO_LABEL: "follows from the J and dZ[L] failures above"},
                 ["0/0", "known columns", "you multiply"], id="softmax NaN mask missing"),
    pytest.param("softmax", [("J = -(Y0 * log_A).sum() / m", "J = -(known * Y * log_A).sum() / m")],
                 {CE_UNKNOWN: "J is NaN when a class is \"?\": you multiply by the mask", CE_NO_LABEL: "follows from the J failure above"},
                 ["0/0", "dZ[L] is NaN"], id="softmax J multiplied by the mask"),
    pytest.param("softmax", [("J = -(Y0 * log_A).sum() / m", "J = -(Y0 * log_A).sum() / known.sum()")],
                 {CE_UNKNOWN: "divided by the number of examples with a known class instead of m",
                  CE_NO_LABEL: "follows from the J failure above: with no known class, the number of known columns is 0"},
                 ["leak", "NaN when"], id="softmax divided by the known columns"),
    pytest.param("softmax", [("E / E.sum(axis=0, keepdims=True)", "E / E.sum(axis=1, keepdims=True)"),
                             ("log_A = shifted - np.log(np.exp(shifted).sum(axis=0, keepdims=True))", "log_A = np.log(softmax(Z))")],
                 {SM_COLUMNS: "wrong axis", SM_LARGE: "follows from the softmax(Z) failure above",
                  CE: "follows from the softmax(Z) failure above", CE_UNKNOWN: "follows from the softmax(Z) failure above",
                  CE_LARGE: "follows from the softmax(Z) failure above"},
                 ["never log of a probability", "differs from tinymtl"], id="softmax cross-entropy through a wrong softmax"),
    pytest.param("softmax", [("np.exp(Z - Z.max(axis=0, keepdims=True))", "np.exp(Z)")],
                 {SM_LARGE: "unstable for large logits"}, ["wrong axis", "follows"], id="softmax unstable only for large logits"),
    pytest.param("masked_loss", [("np.where(M, L, 0).sum() / m", "np.where(M, L, 0).sum() / M.sum()")],
                 {ML_FULLY: "divided by the number of labelled entries instead of m", ML_UNKNOWN: "follows from the J failure above",
                  ML_NO_LABEL: "follows from the J failure above: with nothing labelled", ML_LARGE: "follows from the J failure above"},
                 ["n_y·m", "inaccurate for large logits"], id="masked_loss divided by the labelled entries"),
    pytest.param("masked_loss", [("np.where(M, L, 0).sum() / m", "(M * (np.maximum(Z, 0) - Y * Z + np.log1p(np.exp(-np.abs(Z))))).sum() / m")],
                 {ML_UNKNOWN: "you multiply by the mask, but NaN · 0 is NaN", ML_NO_LABEL: "follows from the J failure above",
                  ML_LARGE: "follows from the J failure above"},
                 ["0/0", "unstable for large logits"], id="masked_loss mask multiplied"),
    pytest.param("masked_loss", [("np.where(M, L, 0).sum() / m", "np.where(M, L, 0).sum()")],
                 {ML_FULLY: "forgot the 1/m", ML_UNKNOWN: "follows from the J failure above", ML_LARGE: "follows from the J failure above"},
                 ["inaccurate for large logits"], id="masked_loss forgot the 1/m"),
    pytest.param("gradient_checker", [("return np.linalg.norm(dtheta_approx - dtheta) / denominator",
                                       "return np.linalg.norm(dtheta_approx - dtheta) / np.linalg.norm(dtheta)")],
                 {GC_WRONG: "the denominator: you computed ‖dθ_approx − dθ‖ / ‖dθ‖"}, ["epsilon argument"],
                 id="gradient_checker denominator, not the step"),
    pytest.param("gradient_checker", [("theta[k] = saved - epsilon", "theta[k] = saved")],
                 {GC_CORRECT: "θ_k is never moved to θ_k − ε", GC_WRONG: "follows from the dθ_approx failure above",
                  GC_TWO_SIDED: "follows from the dθ_approx failure above"}, [], id="gradient_checker half one-sided"),
    pytest.param("gradient_checker", [("J_plus = J(theta)", "J_plus = J(theta) + 1e-8")],
                 {GC_CORRECT: "a correct gradient gave", GC_WRONG: "follows from", GC_TWO_SIDED: "follows from",
                  GC_ZERO: "follows from the correct-gradient failure above"}, ["so return 0"], id="gradient_checker wrong approximation"),
    pytest.param("gradient_checker", [("return np.linalg.norm(dtheta_approx - dtheta) / denominator",
                                       "return np.abs(dtheta_approx - dtheta) / denominator")],
                 {GC_CORRECT: "‖v‖ is one number", GC_WRONG: "follows from the difference failure above",
                  GC_TWO_SIDED: "follows from the difference failure above"}, ["sum over the tasks"], id="gradient_checker not one number"),
]  # fmt: skip


@pytest.mark.parametrize(("exercise", "replacements", "expected", "absent"), BLAMES)
def test_each_mistake_is_blamed_on_its_own_check_and_named_once(tmp_path, exercise, replacements, expected, absent):
    results = grade(exercise, planted(tmp_path, exercise, *replacements[0], *replacements[1:]))
    report = "\n".join(result.line() for result in results)
    for start, text in expected.items():
        owners = [result for result in results if result.name.startswith(start)]
        assert len(owners) == 1, f"no single check starts with {start!r}:\n{report}"
        assert not owners[0].passed and text in owners[0].message, f"{start!r} should say {text!r}:\n{report}"
    for result in results:
        if not any(result.name.startswith(start) for start in expected):
            assert result.passed, f"{result.name!r} should pass:\n{report}"
    for text in absent:
        assert text not in report, f"{text!r} is not what the student did:\n{report}"


def test_the_transposed_dW_is_named_once_and_the_db_bug_beside_it(tmp_path):
    path = planted(tmp_path, "output_backward", "dW = dZ @ A_prev.T", "dW = A_prev @ dZ.T",
                   ("dZ.sum(axis=1, keepdims=True)", "dZ.sum(axis=1)"))  # fmt: skip
    report = "\n".join(result.line() for result in grade("output_backward", path))
    assert report.count("It is transposed") == 1 and "db[L] has shape (4,), expected (4, 1)" in report


def test_the_mask_forgotten_report_has_points_and_a_score_line(tmp_path, capsys):
    path = planted(tmp_path, "output_backward", "np.where(M, A_L - Y, 0) / m", "(A_L - Y) / m")
    assert main(["output_backward", str(path)]) == 1
    lines = capsys.readouterr().out.splitlines()
    assert lines[0] == "grading output_backward:" and lines[-1] == "score: 5 of 7 points; 5 of 7 checks pass."
    assert [line[:10] for line in lines[1:-1]] == ["PASS  1/1 ", "PASS  1/1 ", "FAIL  0/1 ", "FAIL  0/1 ",
                                                  "PASS  1/1 ", "PASS  1/1 ", "PASS  1/1 "]  # fmt: skip
    assert lines[4].endswith(f"{DZ_FOLLOWS}.")


# A file that uses tinymtl's own functions is refused: score 0 and why (issue 13, item 2).

ISSUE_CHEAT = """import numpy as np
import tinymtl.activations
import tinymtl.losses


def softmax(Z):
    return tinymtl.activations.softmax(Z)


def softmax_cross_entropy_and_grad(Z, Y):
    return tinymtl.losses.softmax_cross_entropy_and_grad(Z, Y)


def softmax_predictions(A):
    answers = np.zeros_like(A)
    answers[A.argmax(axis=0), np.arange(A.shape[1])] = 1
    return answers[:-1]
"""
ALIASED_CHEAT = ISSUE_CHEAT.replace("import tinymtl.activations\nimport tinymtl.losses", "import tinymtl as tm").replace(
    "tinymtl.activations.softmax(Z)", "tm.activations.softmax(Z)").replace("tinymtl.losses.softmax_cross", "tm.losses.softmax_cross")  # fmt: skip
HIDDEN_CHEAT = ISSUE_CHEAT.replace("import tinymtl.activations\nimport tinymtl.losses", "import importlib").replace(
    "tinymtl.activations.softmax(Z)", 'importlib.import_module("tiny" + "mtl.activations").softmax(Z)')  # fmt: skip


@pytest.mark.parametrize(
    ("exercise", "source", "why"),
    [
        pytest.param("softmax", ISSUE_CHEAT, "softmax uses tinymtl.activations.softmax (line 7); softmax_cross_entropy_and_grad uses "
                     "tinymtl.losses.softmax_cross_entropy_and_grad (line 11)",
                     id="the issue's file"),
        pytest.param("softmax", ALIASED_CHEAT, "softmax uses tinymtl.activations.softmax (as tm.activations.softmax, line 6)", id="import tinymtl as tm"),
        pytest.param("softmax", HIDDEN_CHEAT, "softmax called tinymtl.activations.softmax", id="found while it runs"),
        pytest.param("softmax", "from tinymtl.activations import softmax\n", "softmax is tinymtl.activations.softmax itself",
                     id="tinymtl's function itself"),
        pytest.param("masked_loss", "def masked_logistic_loss(Z, Y):\n    from tinymtl.losses import masked_logistic_loss_and_grad\n"
                     "    return masked_logistic_loss_and_grad(Z, Y)[0]\n", "masked_logistic_loss imports tinymtl.losses (line 2)",
                     id="an import inside"),
        pytest.param("gradient_checker", "from tinymtl.grade.gradient_checker import relative_difference as gradient_check\n",
                     "gradient_check is tinymtl.grade.gradient_checker.relative_difference itself", id="the grader's own"),
        pytest.param("output_backward", "from tinymtl.grade import output_backward as checks\n\n\ndef output_backward(A_L, Y, A_prev):\n"
                     "    return checks._tinymtl_answer(A_L, Y, A_prev)\n", "output_backward uses tinymtl.grade.output_backward._tinymtl_answer (as checks._tinymtl_answer, line 5)",
                     id="a helper of the grader"),
    ],
)  # fmt: skip
def test_a_file_using_tinymtl_is_refused_with_score_0(tmp_path, capsys, exercise, source, why):
    path = tmp_path / f"{exercise}.py"
    path.write_text(source)
    results = grade(exercise, path)
    assert len(results) == len(CHECK_MODULES[exercise].CHECKS) and all(
        result.refused and not result.passed for result in results
    )
    assert all(result.message.startswith(f"refused: {why}") for result in results), results[0].message
    assert main([exercise, str(path)]) == 1
    out = capsys.readouterr().out
    assert out.splitlines()[1].startswith(f"REFUSED  {why}") and "may not use tinymtl" in out
    assert out.rstrip().endswith(f"score: 0 of {len(results)} points; 0 of {len(results)} checks pass.")
    status, results_json, _ = main_json(capsys, exercise, path, "--json")
    assert status == 1 and results_json["score"] == 0 and results_json["max_score"] == len(results) > 0
    assert results_json["output"].startswith(f"{exercise}: refused: {why}")
    assert all(test["score"] == 0 and ": refused: " in test["output"] for test in results_json["tests"])


def test_the_solutions_may_import_tinymtl_grade_and_use_tinymtl_outside_the_graded_functions():
    source = (SOLUTIONS / "softmax.py").read_text()
    assert "from tinymtl.grade import assert_passes, main" in source and "import tinymtl as tm" in source
    assert not any(result.refused for result in grade("softmax", SOLUTIONS / "softmax.py"))


def test_a_refused_file_scores_0_on_gradescope(tmp_path):
    (tmp_path / "softmax.py").write_text(ISSUE_CHEAT)
    shutil.copy(SOLUTIONS / "masked_loss.py", tmp_path / "masked_loss.py")
    results = grade_submission(tmp_path)
    assert (results["score"], results["max_score"]) == (5, 5 + 8)
    assert "softmax: refused: softmax uses tinymtl" in results["output"]


# Hints behind --hint: one more per call, the last one the key line, counted beside the file (issue 13, item 3).


@pytest.mark.parametrize("exercise", EXERCISES)
def test_the_stubs_keep_the_math_but_not_the_hints(exercise):
    stub, checks = (EXERCISE_DIR / f"{exercise}.py").read_text(), CHECK_MODULES[exercise]
    assert "Hints:" not in stub and f"python -m tinymtl.grade {exercise} lessons/exercises/{exercise}.py --hint" in stub
    assert set(checks.HINTS) == set(checks.FUNCTIONS)
    for function, hints in checks.HINTS.items():
        assert len(hints) >= 3 and hints[-1].startswith("The key line"), function
        assert not any(hint in stub for hint in hints)
    key_lines = {"masked_loss": "np.where(M, L, 0).sum() / m", "output_backward": "np.where(M, A_L - Y, 0)",
                 "softmax": "Z.max(axis=0", "gradient_checker": "np.linalg.norm(approx"}  # fmt: skip
    assert key_lines[exercise] not in stub and key_lines[exercise] in "".join(h[-1] for h in checks.HINTS.values())


def test_hint_gives_one_more_hint_per_call_and_counts_them_beside_the_file(tmp_path, capsys):
    path = tmp_path / "output_backward.py"
    shutil.copy(EXERCISE_DIR / "output_backward.py", path)
    hints = CHECK_MODULES["output_backward"].HINTS["output_backward"]
    for count in range(1, len(hints) + 2):
        assert main(["output_backward", str(path), "--hint"]) == 0
        out = capsys.readouterr().out
        shown = min(count, len(hints))
        assert out.startswith(f"hint {shown} of {len(hints)} for output_backward (counted in {tmp_path / HINT_FILE})")
        assert f"{shown}. {hints[shown - 1]}" in out and f"{shown + 1}. " not in out
    assert "That was the last hint: the key line." in out and "np.where(M, A_L - Y, 0) / m" in out
    assert json.loads((tmp_path / HINT_FILE).read_text()) == {"output_backward.py": {"output_backward": len(hints)}}
    assert main(["output_backward", str(path), "--hint", "1"]) == 0
    out = capsys.readouterr().out
    assert out.startswith(f"hint 1 of {len(hints)}") and "2. " not in out


def test_hint_goes_to_the_first_function_that_fails(tmp_path, capsys):
    path = planted(tmp_path, "softmax", "    return J, dZ", "    raise NotImplementedError")
    assert main(["softmax", str(path), "--hint"]) == 0
    assert capsys.readouterr().out.startswith("hint 1 of 4 for softmax_cross_entropy_and_grad")
    assert main(["softmax", str(SOLUTIONS / "softmax.py"), "--hint"]) == 0
    assert capsys.readouterr().out == "every check of softmax passes: no hint needed.\n"
    assert not (SOLUTIONS / HINT_FILE).exists()


def test_hint_for_a_file_that_does_not_import_yet_starts_with_the_first_function(tmp_path, capsys):
    (tmp_path / "softmax.py").write_text("def softmax(Z)\n")
    assert main(["softmax", str(tmp_path / "softmax.py"), "--hint"]) == 0
    assert capsys.readouterr().out.startswith("hint 1 of 3 for softmax (")


def test_hint_does_not_go_with_json(capsys):
    with pytest.raises(SystemExit) as exited:
        main(["softmax", str(SOLUTIONS / "softmax.py"), "--hint", "--json"])
    assert exited.value.code == 2 and "--hint [N] goes with EXERCISE FILE only" in capsys.readouterr().err


# Grading a class: one line per student file and a CSV (issue 13, item 7).


def test_folder_grades_every_student_file_with_one_line_each_and_a_csv(tmp_path, capsys):
    folder = tmp_path / "class"
    (folder / "dave").mkdir(parents=True)
    shutil.copy(SOLUTIONS / "output_backward.py", folder / "alice.py")
    planted(tmp_path, "output_backward", "np.where(M, A_L - Y, 0) / m", "(A_L - Y) / m").rename(folder / "bob.py")
    (folder / "carol.py").write_text("def output_backward(A_L, Y, A_prev)\n")
    planted(tmp_path, "output_backward", "dW = dZ @ A_prev.T", "dW = A_prev @ dZ.T").rename(
        folder / "dave" / "output_backward.py"
    )
    (folder / "erin.py").write_text(
        "import tinymtl as tm\n\n\ndef output_backward(A_L, Y, A_prev):\n    return tm.layers\n"
    )
    (folder / "conftest.py").write_text("")  # not a student file
    csv_file = tmp_path / "out" / "grades.csv"
    assert main(["output_backward", "--folder", str(folder), "--csv", str(csv_file)]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0] == f"grading output_backward in {folder}: 5 files"
    assert lines[1].split() == ["alice.py", "7", "of", "7", "all", "checks", "pass"]
    assert lines[2] == 'bob.py                   5 of 7  first failed: dZ[L] is 0 at every "?" and right elsewhere'
    assert lines[3].startswith(
        "carol.py                 0 of 7  cannot start: FILE: 'carol.py' does not import, it raised SyntaxError"
    )
    (folder / "json.py").write_text(
        "raise SystemExit('a student file named like a module is not imported by the grader')\n"
    )
    assert classroom.grade_file("output_backward", folder / "alice.py", folder, 7.0).score == 7
    assert lines[4].startswith("dave/output_backward.py  6 of 7  first failed: dZ[L] (n_y, m)")
    assert lines[5].startswith(
        "erin.py                  0 of 7  refused: output_backward uses tinymtl.layers (as tm.layers, line 5)"
    )
    assert lines[6:] == ["mean score: 3.6 of 7", f"wrote {csv_file}: 5 rows"]
    with csv_file.open(newline="") as stream:
        rows = list(csv.DictReader(stream))
    assert list(rows[0]) == list(classroom.COLUMNS)
    assert [(row["file"], row["score"], row["max_score"], row["status"]) for row in rows] == [
        ("alice.py", "7.0", "7.0", "graded"), ("bob.py", "5.0", "7.0", "graded"), ("carol.py", "0.0", "7.0", "cannot start"),
        ("dave/output_backward.py", "6.0", "7.0", "graded"), ("erin.py", "0.0", "7.0", "refused")]  # fmt: skip
    assert rows[1]["first_failed"].startswith('dZ[L] is 0 at every "?"') and rows[1]["diagnosis"].startswith(
        "dZ[L] is NaN at"
    )
    assert (
        rows[0]["first_failed"] == rows[0]["diagnosis"] == "" and rows[1]["passed"] == "5" and rows[1]["checks"] == "7"
    )


def test_folder_stops_a_student_file_that_runs_forever(tmp_path, capsys, monkeypatch):
    monkeypatch.setattr(classroom, "TIMEOUT_S", 3)
    (tmp_path / "frank.py").write_text("def masked_logistic_loss(Z, Y):\n    while True:\n        pass\n")
    assert main(["masked_loss", "--folder", str(tmp_path)]) == 0
    assert "frank.py  0 of 5  timed out: stopped after 3 s" in capsys.readouterr().out


def test_folder_without_student_files_or_with_wrong_options_says_so(tmp_path, capsys):
    assert main(["softmax", "--folder", str(tmp_path)]) == 2
    assert "holds no student file" in capsys.readouterr().err
    assert main(["softmax", "--folder", str(tmp_path / "missing")]) == 2
    assert "is not a folder" in capsys.readouterr().err
    for argv, says in [(["softmax", "x.py", "--folder", str(tmp_path)], "--folder takes EXERCISE and no FILE"),
                       (["softmax", "x.py", "--csv", "g.csv"], "--csv goes with --folder"),
                       (["--folder", str(tmp_path)], "--folder takes EXERCISE")]:  # fmt: skip
        with pytest.raises(SystemExit) as exited:
            main(argv)
        assert exited.value.code == 2 and says in capsys.readouterr().err


def test_tinymtl_use_looks_into_closures_defaults_nested_functions_and_imports(tmp_path):
    path = tmp_path / "softmax.py"
    path.write_text(
        "import tinymtl.activations as act\n\n\n"
        "def _make():\n    f = act.softmax\n    return lambda Z: f(Z)\n\n\n"
        "softmax = _make()\n\n\n"
        "def softmax_cross_entropy_and_grad(Z, Y, loss=act.sigmoid):\n    return (lambda: act.no_such_name)()\n\n\n"
        "def softmax_predictions(A):\n    from tinymtl.grade import output_backward\n\n    return A\n"
    )
    uses = tinymtl_use(load(path), CHECK_MODULES["softmax"].FUNCTIONS)
    assert uses == [
        "softmax uses tinymtl.activations.softmax",
        "softmax_cross_entropy_and_grad uses tinymtl.activations.sigmoid",
        "softmax_cross_entropy_and_grad uses tinymtl.activations (as act, line 13)",
        "softmax_predictions uses tinymtl.grade.output_backward (line 17)",
    ]


def test_a_function_that_calls_tinymtl_and_then_crashes_is_still_refused():
    def cheat(Z):
        import tinymtl.activations

        tinymtl.activations.softmax(Z)
        raise ValueError("and then a bug")

    with pytest.raises(UsesTinymtl, match="cheat called tinymtl.activations.softmax"):
        watched(cheat, "cheat")(np.zeros((2, 3)))
    with pytest.raises(ZeroDivisionError):  # a bug without tinymtl is the student's own error
        watched(lambda Z: Z / 0, "bug")(1)


def test_multiplies_by_mask_knows_the_usual_spellings():
    def logical_not_and_multiply(A, Y):
        M = np.logical_not(np.isnan(Y))
        return np.multiply(A - Y, M)

    def astype_and_in_place(A, Y):
        M = (~np.isnan(Y)).astype(float)
        out = A - Y
        out *= M
        return out

    def selects(A, Y):
        Y0 = np.where(np.isnan(Y), 0, Y)
        return (A - Y0) * 2

    assert multiplies_by_mask(logical_not_and_multiply) and multiplies_by_mask(astype_and_in_place)
    assert multiplies_by_mask(selects) is False and multiplies_by_mask(len) is None
