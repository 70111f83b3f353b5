"""The ``tinymtl`` command: every sub-command runs, prints what it promises, and fails cleanly."""

import json
import subprocess
import sys

import pytest

import tinymtl
from tinymtl.cli import main
from tinymtl.demo import curve_sentence


def run(*args):
    """``python -m tinymtl ARGS`` in a subprocess: (exit status, stdout, stderr)."""
    result = subprocess.run([sys.executable, "-m", "tinymtl", *args], capture_output=True, text=True, timeout=300)
    return result.returncode, result.stdout, result.stderr


@pytest.mark.parametrize("command", [[], ["demo"], ["train"], ["gradcheck"], ["info"]])
def test_help_everywhere(command, capsys):
    with pytest.raises(SystemExit) as exited:
        main([*command, "--help"])
    assert exited.value.code == 0
    assert "usage: tinymtl" in capsys.readouterr().out


def test_version(capsys):
    with pytest.raises(SystemExit):
        main(["--version"])
    assert capsys.readouterr().out.strip() == f"tinymtl {tinymtl.__version__}"


def test_info(capsys):
    assert main(["info"]) == 0
    out = capsys.readouterr().out
    assert "active backend: numpy" in out and "GPU:" in out


def test_gradcheck_passes_and_says_so(capsys):
    assert main(["gradcheck", "--layers", "5", "4", "3", "--activation", "tanh"]) == 0
    out = capsys.readouterr().out
    assert "OK" in out
    difference = float(out.split("= ")[1].split()[0])
    assert difference < 1e-7


def test_gradcheck_softmax(capsys):
    assert main(["gradcheck", "--output", "softmax", "--layers", "4", "6", "3"]) == 0


def test_train_saves_a_model_and_a_summary(tmp_path, capsys):
    out = tmp_path / "run"
    status = main(
        [
            "train",
            "--data",
            "road",
            "--m",
            "600",
            "--image-size",
            "16",
            "--hidden",
            "16",
            "--epochs",
            "2",
            "--no-progress",
            "--out",
            str(out),
        ]
    )
    assert status == 0
    summary = json.loads((out / "summary.json").read_text())
    assert len(summary["history"]["loss"]) == 2
    assert set(summary["test"]) == {"pedestrian", "car", "stop sign", "traffic light"}
    net = tinymtl.MLP.load(out / "model.npz")
    assert net.layer_dims == (16 * 16 * 3, 16, 4)
    assert "saved" in capsys.readouterr().out


def test_demo_quick_prints_the_comparison_and_writes_figures(tmp_path, capsys):
    assert main(["demo", "--quick", "--no-progress", "--out", str(tmp_path)]) == 0
    out = capsys.readouterr().out
    for text in ("multi-task", "separate networks", "softmax", "exact match", "labelled", "labels per task"):
        assert text in out
    curve = [line.split() for line in out.splitlines() if line.split()[:2] in (["50", "200"], ["500", "2,000"])]
    assert len(curve) == 2 and all(len(row) == 5 for row in curve)  # labels per task, images, one, four, difference
    one, four, difference = (float(v) for v in curve[0][2:])
    assert abs(one - four - difference) < 0.0015  # the difference printed is one network − four (rounded)
    sentence = out.split("Labels per task (difference in mean accuracy, one network − four): ")[1]
    assert f"{difference:+.3f}" in sentence  # the sentence quotes the run's own numbers
    pngs = sorted(p.name for p in tmp_path.glob("*.png"))
    assert pngs == [
        "accuracy_by_task.png",
        "cooccurrence.png",
        "examples.png",
        "label_matrix.png",
        "learning_curves.png",
        "one_vs_four.png",
    ]
    assert all((tmp_path / name).stat().st_size > 5_000 for name in pngs)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["train", "--m", "0"], "expected a positive integer"),
        (["train", "--missing", "1.5"], "expected a fraction"),
        (["train", "--activation", "swish"], "invalid choice"),
        (["demo", "--backend", "gpu"], "invalid choice"),
    ],
)
def test_bad_options_exit_2_with_one_line(args, message):
    status, out, err = run(*args)
    assert status == 2
    assert message in err and "Traceback" not in err


def test_library_errors_exit_2_without_traceback():
    status, _, err = run("train", "--image-size", "3", "--m", "50", "--epochs", "1")
    assert status == 2
    assert err.startswith("tinymtl: error:") and "image_size" in err and "Traceback" not in err


def test_cupy_missing_is_a_user_error():
    try:
        import cupy  # noqa: F401
    except ImportError:
        pass
    else:
        pytest.skip("CuPy is installed here: its absence cannot be shown")
    status, _, err = run("gradcheck", "--backend", "cupy")
    assert status == 2
    assert 'pip install "tinymtl[gpu]"' in err and "Traceback" not in err


@pytest.mark.parametrize(("one", "four", "expected"), [
    ([0.80, 0.85, 0.90, 0.91], [0.75, 0.83, 0.898, 0.92],
     ["one network is ahead at 100 (+0.050), 300 (+0.020)", "level (within 0.005) at 1,000 (+0.002)",
      "four networks are ahead at 3,000 (-0.010)", "its lead is largest at 100 labels per task and down to -0.010"]),
    ([0.70, 0.80, 0.85, 0.90], [0.75, 0.82, 0.86, 0.91], ["one network never gets ahead"]),
    ([0.80, 0.85, 0.90, 0.95], [0.79, 0.84, 0.88, 0.90], ["its lead does not shrink"]),
])  # fmt: skip
def test_the_demo_sentence_says_what_the_numbers_say(one, four, expected):
    sentence = curve_sentence({"per_task": [100, 300, 1000, 3000], "multi-task": one, "separate networks": four})
    for text in expected:
        assert text in sentence
