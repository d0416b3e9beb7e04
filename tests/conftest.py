"""Shared fixtures: the repository's real rule sets, loaded once per test session."""

from __future__ import annotations

from pathlib import Path

import pytest

from eligibility_service.decisions.questions import QUESTIONS
from eligibility_service.rules.registry import Registry, load_registry

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="session")
def registry() -> Registry:
    return load_registry(ROOT, QUESTIONS)
