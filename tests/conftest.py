"""Shared fixtures: the repository's real rule sets, loaded once per test session."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import pytest

# Every app a test creates (and every service it starts) keeps its SQLite store and key in a
# folder of its own, never in the repository's var/. Set before test modules import the app.
os.environ.setdefault("ELIGIBILITY_DATA_DIR", tempfile.mkdtemp(prefix="eligibility-tests-"))
# The parallel test workers share that folder and one client id ("tests"): the per-client
# limit of heavy requests (held across processes) would refuse one worker's replay because
# another's runs. tests/test_heavy_limit.py sets its own limit in a folder of its own.
os.environ.setdefault("ELIGIBILITY_HEAVY_REQUESTS_PER_CLIENT", "64")

from eligibility_service.decisions.questions import QUESTIONS
from eligibility_service.rules.registry import Registry, load_registry

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="session")
def registry() -> Registry:
    return load_registry(ROOT, QUESTIONS)
