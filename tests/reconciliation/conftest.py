"""The public 834 samples: a byte-for-byte copy of ``shared/samples/x12`` in
``tests/fixtures/x12`` (sources and licence notices in its README), so the tests read them
on any checkout and never skip."""

from __future__ import annotations

from pathlib import Path

import pytest

SAMPLES = Path(__file__).resolve().parents[1] / "fixtures" / "x12"


@pytest.fixture(scope="session")
def samples() -> Path:
    assert SAMPLES.is_dir(), f"the 834 samples are missing from {SAMPLES}"
    return SAMPLES
