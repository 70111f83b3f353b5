"""The benchmark command runs (its figures are not checked: timings belong in benchmarks/README.md)."""

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_quick_benchmark_prints_its_table():
    result = subprocess.run([sys.executable, "-m", "benchmarks", "--quick", "--epochs", "1"], cwd=ROOT,
                            capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr
    assert "tinymtl fit" in result.stdout and "GEMM floor" in result.stdout
    assert "floor / tinymtl" in result.stdout
