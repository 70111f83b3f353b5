"""tinymtl.lesson: the options every lesson reads, and its elapsed-time line (the claim check has doctests)."""

import re
from pathlib import Path

import numpy as np
import pytest

from tinymtl import lesson
from tinymtl.lesson import ClaimNotShown, claim, elapsed, lesson_options


def test_defaults_name_and_create_the_output_folder(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    options = lesson_options("/somewhere/lessons/05_training.py", "Lesson 05", argv=[])
    assert (options.quick, options.seed) == (False, 0)
    assert options.out == Path("lesson-out", "05_training")  # relative to where the student runs it
    assert (tmp_path / "lesson-out" / "05_training").is_dir()


def test_quick_seed_and_out_are_read(tmp_path):
    out = tmp_path / "figures" / "here"
    options = lesson_options("05_training.py", "Lesson 05", argv=["--quick", "--seed", "3", "--out", str(out)])
    assert (options.quick, options.seed, options.out) == (True, 3, out)
    assert out.is_dir()
    assert re.fullmatch(r"\d+\.\d s", elapsed(options))


def test_a_bad_option_stops_with_the_usage(capsys):
    with pytest.raises(SystemExit):
        lesson_options("05_training.py", "Lesson 05", argv=["--seed", "zero"])
    assert "python lessons/05_training.py" in capsys.readouterr().err


def test_the_check_takes_numpy_booleans(capsys):
    claim("x is small", "x = 0.1", holds=np.float64(0.1) < 0.5)
    with pytest.raises(ClaimNotShown, match="x is large"):
        claim("x is large", "x = 0.1", holds=np.float64(0.1) > 0.5)
    assert capsys.readouterr().out.count("CLAIM: ") == 2


# --- the same lesson as a script and as a notebook ----------------------------------------------


def test_the_parameters_cell_gives_the_defaults_and_the_command_line_overrides_them(tmp_path, monkeypatch):
    monkeypatch.delenv("TINYMTL_QUICK", raising=False)
    options = lesson_options("05_training", "Lesson 05", quick=True, seed=5, out=tmp_path, argv=[])
    assert (options.quick, options.seed, options.out, options.notebook) == (True, 5, tmp_path, False)
    options = lesson_options("05_training", "Lesson 05", quick=False, seed=5, out=tmp_path, argv=["--seed", "2"])
    assert (options.quick, options.seed) == (False, 2)


@pytest.mark.parametrize(("value", "quick"), [("1", True), ("yes", True), ("0", False), ("", False)])
def test_tinymtl_quick_in_the_environment_selects_the_quick_run(tmp_path, monkeypatch, value, quick):
    monkeypatch.setenv("TINYMTL_QUICK", value)
    assert lesson_options("05_training", "Lesson 05", out=tmp_path, argv=[]).quick is quick


def test_in_a_notebook_the_kernels_command_line_is_ignored(tmp_path, monkeypatch):
    monkeypatch.delenv("TINYMTL_QUICK", raising=False)
    monkeypatch.setattr(lesson, "in_notebook", lambda: True)
    monkeypatch.setattr("sys.argv", ["ipykernel_launcher.py", "-f", "/tmp/kernel-1234.json"])
    options = lesson_options("05_training", "Lesson 05", seed=3, out=tmp_path)
    assert (options.quick, options.seed, options.notebook) == (False, 3, True)


def test_outside_a_kernel_this_is_not_a_notebook():
    assert lesson.in_notebook() is False


def test_show_draws_nothing_in_a_script_and_a_png_in_a_notebook(monkeypatch):
    display = pytest.importorskip("IPython.display")
    from matplotlib.figure import Figure

    shown = []
    monkeypatch.setattr(display, "display", shown.append)
    fig = Figure(figsize=(2, 1))
    fig.add_subplot().plot([0, 1], [1, 0])
    lesson.show(fig)
    assert shown == [], "a script shows nothing: its figures are PNG files"
    monkeypatch.setattr(lesson, "in_notebook", lambda: True)
    lesson.show(fig)
    assert len(shown) == 1 and shown[0].data.startswith(b"\x89PNG"), "a notebook gets the figure as a PNG"
