"""Where the public 834 samples are: ``shared/samples/x12`` beside the repository (CI lays
``shared/`` there), or ``ELIGIBILITY_X12_SAMPLES`` for a checkout elsewhere."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SAMPLES = Path(
    os.environ.get("ELIGIBILITY_X12_SAMPLES", str(ROOT.parent / "shared" / "samples" / "x12"))
)


@pytest.fixture(scope="session")
def samples() -> Path:
    if not SAMPLES.is_dir():
        pytest.skip(f"no 834 samples at {SAMPLES} (set ELIGIBILITY_X12_SAMPLES)")
    return SAMPLES
