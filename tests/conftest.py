"""Shared test set-up: the hypothesis profile, backends and tolerances.

Tests that must hold on every backend take the ``backend`` fixture; the
"strict" backend is the CPU stand-in for CuPy (see tinymtl/strict.py), so CI
proves that the code never leaves the device implicitly.
"""

import os
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, settings

import tinymtl as tm

settings.register_profile(
    "ci", deadline=None, derandomize=True, max_examples=25, suppress_health_check=[HealthCheck.too_slow]
)
settings.register_profile("dev", deadline=None, max_examples=25)
settings.load_profile("ci" if os.environ.get("CI") else os.environ.get("HYPOTHESIS_PROFILE", "dev"))

# Tolerance of comparisons against an independent reference, by dtype.
TOLERANCE = {np.dtype("float64"): dict(rtol=1e-10, atol=1e-12), np.dtype("float32"): dict(rtol=1e-4, atol=1e-6)}


def assert_same(actual, expected, what: str):
    """Shape, then dtype, then values, bit for bit (NaN equals NaN); device arrays are copied to the host.

    A Python float must come back as a Python float (a device sync happened, as documented).
    """
    if isinstance(expected, float):
        assert isinstance(actual, float), f"{what}: got {type(actual).__name__}, expected a Python float"
        same = actual == expected or (np.isnan(actual) and np.isnan(expected))
        assert same, f"{what}: got {actual!r}, expected {expected!r}"
        return
    actual, expected = tm.to_numpy(actual), tm.to_numpy(expected)
    assert actual.shape == expected.shape, f"{what}: got shape {actual.shape}, expected {expected.shape}"
    assert actual.dtype == expected.dtype, f"{what}: got dtype {actual.dtype}, expected {expected.dtype}"
    np.testing.assert_array_equal(actual, expected, err_msg=f"{what}: actual (left) vs expected (right)")


@pytest.fixture(params=["numpy", "strict"])
def backend(request):
    """Run the test body under each CPU backend (and restore the previous one after)."""
    with tm.use_backend(request.param):
        yield request.param


@pytest.fixture(params=["float64", "float32"])
def dtype(request):
    return np.dtype(request.param)


# --- the lessons, for test_lessons.py and test_notebooks.py --------------------------------------

LESSONS_DIR = Path(__file__).resolve().parents[1] / "lessons"
LESSONS = sorted(LESSONS_DIR.glob("[0-9][0-9]*_*.py"))
OPTIONAL = {"14_pytorch": "torch"}  # lesson -> the optional package it needs (its extra: pip install "tinymtl[torch]")


def skip_without_its_extra(lesson: Path) -> None:
    """Skip a lesson whose optional package is not installed (CI installs every extra, so it runs there)."""
    if lesson.stem in OPTIONAL:
        pytest.importorskip(OPTIONAL[lesson.stem])
