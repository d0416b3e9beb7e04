"""The worked examples written from the primary law for issue 17's findings show the fix.

Each example named ``finding-N-...`` in the 2026.2 versions was built from the statute,
act, rule or manual behind finding N. It must pass under 2026.2 (the worked-example tests
run it) and give a different answer under 2026.1, the version the finding was about: an
example that 2026.1 also passes would show nothing.
"""

from __future__ import annotations

import re

import pytest

from eligibility_service.rules.compiled import CompiledRuleSet, SourceRef
from eligibility_service.rules.examples import check_example, iter_examples
from eligibility_service.rules.model import Example
from eligibility_service.rules.registry import Registry

NAME = re.compile(r"^finding-(\d+)-")
FINDINGS_WITH_EXAMPLES = set(range(1, 10))  # finding 10 is about the catalogue, not decisions


def finding_examples(
    registry: Registry,
) -> list[tuple[CompiledRuleSet, str, Example, SourceRef, int]]:
    found = []
    for program in ("state", "local"):
        rs = registry.get(program, "2026.2")
        for question, example, source in iter_examples(rs):
            if m := NAME.match(example.name):
                found.append((rs, question, example, source, int(m[1])))
    return found


def test_every_finding_about_decisions_has_an_example(registry: Registry) -> None:
    covered = {n for *_, n in finding_examples(registry)}
    assert covered >= FINDINGS_WITH_EXAMPLES, sorted(FINDINGS_WITH_EXAMPLES - covered)


def test_each_finding_example_passes_now_and_failed_before(registry: Registry) -> None:
    assert finding_examples(registry)
    for rs, question, example, source, _n in finding_examples(registry):
        now = check_example(rs, question, example, source)
        assert now.passed, f"{now.label}: " + "; ".join(now.failures)
        before_rs = registry.get(rs.id, "2026.1")
        try:
            before = check_example(before_rs, question, example, source)
        except Exception as exc:
            pytest.fail(f"{now.label}: 2026.1 cannot run it ({exc}); show a different answer")
        assert not before.passed, f"{now.label}: 2026.1 gives the same answer; it shows no fix"
