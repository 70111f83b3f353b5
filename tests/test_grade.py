"""The classroom grader: it passes every solution, fails every untouched stub, and names each planted mistake.

A planted mistake is a solution with one piece of code replaced (``old`` -> ``new``),
written to a temporary file and graded like a student's file.
"""

import json
import os
import runpy
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tinymtl.grade import EXERCISES, GradeError, assert_passes, grade, grade_submission, main
from tinymtl.grade.handout import student_copy

EXERCISE_DIR = Path(__file__).resolve().parents[1] / "lessons" / "exercises"
SOLUTIONS = EXERCISE_DIR / "solutions"
GRADESCOPE = EXERCISE_DIR / "gradescope"


def failures(exercise: str, path) -> str:
    """The FAIL lines of grading ``path`` (empty when every check passes)."""
    return "\n".join(result.line() for result in grade(exercise, path) if not result.passed)


def planted(tmp_path, exercise: str, old: str, new: str) -> Path:
    """The solution of ``exercise`` with ``old`` replaced by ``new``, as a file in ``tmp_path``."""
    source = (SOLUTIONS / f"{exercise}.py").read_text()
    assert old in source, f"the solution of {exercise} no longer contains {old!r}"
    path = tmp_path / f"{exercise}.py"
    path.write_text(source.replace(old, new))
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
     "NaN · 0 = NaN"),
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
    ("output_backward", "np.where(M, A_L - Y, 0) / m", "M * (A_L - Y) / m", "NaN · 0 is NaN"),
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
    ("softmax", "J = -(Y0 * log_A).sum() / m", "J = -(Y * log_A).sum() / m", "leaks in"),
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
     "return np.linalg.norm(dtheta_approx - dtheta) / denominator ** 2", "wrong gradient gave"),
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
    assert out.startswith("grading softmax:\nPASS  ") and out.rstrip().endswith("8 of 8 checks pass.")
    assert main(["softmax", str(EXERCISE_DIR / "softmax.py")]) == 1
    assert "FAIL  softmax(Z)" in capsys.readouterr().out


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
    assert (results["score"], results["max_score"], len(results["tests"])) == (5, 5 + 6 + 8, 5 + 6)
    lines = results["output"].splitlines()
    assert lines[:2] == ["masked_loss: 5 of 5 checks pass.", "output_backward: 0 of 6 checks pass."]
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
