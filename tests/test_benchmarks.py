"""The benchmark command runs (its figures are not checked: timings belong in benchmarks/README.md)."""

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_quick_benchmark_prints_its_table():
    result = subprocess.run(
        [sys.executable, "-m", "benchmarks", "--quick", "--epochs", "1"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr
    assert "tinymtl fit" in result.stdout and "GEMM floor" in result.stdout
    assert "floor / tinymtl" in result.stdout


def test_quick_multitask_gain_prints_its_three_parts():
    result = subprocess.run([sys.executable, "-m", "benchmarks.multitask_gain", "--quick", "--seeds", "0"], cwd=ROOT,
                            capture_output=True, text=True, timeout=300)  # fmt: skip
    assert result.returncode == 0, result.stderr
    for text in ("1. one task per image", "2. every label known", "3. every label known", "logistic"):
        assert text in result.stdout
    gains = [line.split() for line in result.stdout.splitlines() if line.split()[2:3] == ["mean"]]
    assert [row[0] for row in gains] == ["True", "False"]  # part 1: the sharing on, then off
    for row in gains:
        one, four, gain = (float(v) for v in row[3:6])
        assert abs(one - four - gain) < 0.0015  # the gain printed is one network − four networks
