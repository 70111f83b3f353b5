"""The speed benchmarks run and print both workloads and the scale tables (figures: benchmarks/README.md)."""

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def run_benchmarks(*args: str) -> str:
    result = subprocess.run(
        [sys.executable, "-m", "benchmarks", *args], cwd=ROOT, capture_output=True, text=True, timeout=300
    )
    assert result.returncode == 0, result.stderr
    return result.stdout


def test_quick_benchmark_times_both_workloads_with_memory():
    out = run_benchmarks("--quick", "--no-torch", "--no-sklearn")
    for expected in (
        "R1: MLP([3072, 256, 128, 4])",
        "R2: MLP([64, 32, 4])",
        "tinymtl fit",
        "GEMM floor",
        "floor / tinymtl",
        "memory:",
        "C-ordered X",
    ):
        assert expected in out, f"{expected!r} missing from:\n{out}"


def test_quick_scale_benchmark_prints_both_tables():
    out = run_benchmarks("--scale", "--quick")
    assert "against m" in out and "against width" in out
    assert "m = 4,096" in out and "w = 256" in out
