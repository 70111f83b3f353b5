"""tinymtl.lesson: the options every lesson reads, and its elapsed-time line (the claim check has doctests)."""

import re
from pathlib import Path

import numpy as np
import pytest

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
