"""Every worked example in every rule set runs as its own test."""

from __future__ import annotations

import pytest

from eligibility_service.decisions.questions import QUESTIONS
from eligibility_service.rules.examples import check_example, iter_examples
from eligibility_service.rules.registry import load_registry

from .conftest import ROOT

_REGISTRY = load_registry(ROOT, QUESTIONS)
_CASES = [
    pytest.param(rs, q, ex, src, id=f"{rs.id}@{rs.version}:{q}:{src.line}:{ex.name[:50]}")
    for versions in _REGISTRY.rule_sets.values()
    for rs in versions.values()
    for q, ex, src in iter_examples(rs)
]


def test_every_rule_set_has_examples() -> None:
    for versions in _REGISTRY.rule_sets.values():
        for rs in versions.values():
            assert list(iter_examples(rs)), f"{rs.id}@{rs.version} has no worked examples"


@pytest.mark.parametrize(("rule_set", "question", "example", "source"), _CASES)
def test_worked_example(rule_set, question, example, source) -> None:  # type: ignore[no-untyped-def]
    result = check_example(rule_set, question, example, source)
    assert result.passed, f"{result.label}: " + "; ".join(result.failures)
