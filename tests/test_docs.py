"""The README's example and the quick start run as written (so the docs cannot drift from the code)."""

import os
import re
import runpy
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_readme_python_example_runs(tmp_path, monkeypatch, capsys):
    text = (ROOT / "README.md").read_text()
    block = re.search(r"## The API in one example\s+```python\n(.*?)```", text, re.S).group(1)
    monkeypatch.chdir(tmp_path)  # it saves model.npz
    namespace = runpy.run_path(_write(tmp_path / "readme_example.py", block))
    assert (tmp_path / "model.npz").exists()
    assert len(namespace["history"].loss) == 10
    assert "accuracy" in capsys.readouterr().out


def test_quickstart_runs_and_learns():
    result = subprocess.run(
        [sys.executable, str(ROOT / "examples" / "quickstart.py")],
        capture_output=True,
        text=True,
        timeout=120,
        env=os.environ | {"TINYMTL_BACKEND": "numpy"},
    )
    assert result.returncode == 0, result.stderr
    mean_accuracy = float(re.search(r"^mean\s+\d+\s+([\d.]+)", result.stdout, re.M).group(1))
    assert mean_accuracy > 0.8, result.stdout  # a network that learned nothing scores ~0.5


def _write(path, text):
    path.write_text(text)
    return str(path)
