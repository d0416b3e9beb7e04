"""Temporal sweep (Catala's idea): every question, program and month from 2000-01 to the end
of the current year, on generated complete cases, must be decided without error, without a
gap (no rule decides; a rule that answers undetermined on purpose decides) and without two
applicable rules that disagree."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from eligibility_service.decisions.questions import QUESTIONS
from eligibility_service.rules.engine import DEFAULT_ENGINE
from eligibility_service.rules.registry import Registry

FIRST = date(2000, 1, 1)
# to the end of the current year (the test, not the engine, may read the clock): when a new
# year starts, the sweep reaches it and shows any rule or parameter that runs out
LAST_YEAR = max(2026, date.today().year)


def months() -> list[date]:
    return [date(y, m, 1) for y in range(FIRST.year, LAST_YEAR + 1) for m in range(1, 13)]


SWEPT = [
    pytest.param(q, program, id=f"{q.name}-{program}")
    for q in QUESTIONS.values()
    if q.sweep_cases is not None
    for program in ("state", "local")
]


def test_every_question_is_swept() -> None:
    missing = [q.name for q in QUESTIONS.values() if q.sweep_cases is None]
    assert not missing, f"questions without sweep cases: {missing}"


@pytest.mark.parametrize(("question", "program"), SWEPT)
def test_no_gaps_or_conflicts_over_time(registry: Registry, question: Any, program: str) -> None:
    problems: list[str] = []
    evaluated = 0
    for month in months():
        for facts in question.sweep_cases(program, month):
            model = question.facts_model.model_validate(facts).model_dump()
            as_of = question.default_as_of(model) or month
            rule_set = registry.select(program, as_of)
            if question.name not in rule_set.questions:
                problems.append(
                    f"{month:%Y-%m}: {rule_set.id}@{rule_set.version} lacks {question.name}"
                )
                continue
            result = DEFAULT_ENGINE.evaluate(rule_set, question.name, model, as_of)
            evaluated += 1
            where = f"{program} {month:%Y-%m} (as of {as_of})"
            for conflict in result.conflicts:
                problems.append(f"{where}: conflict: {conflict}")
            effects = {
                a.rule.outcome.decision: a.rule.id
                for a in result.applied
                if a.rule.outcome.decision
            }
            if "approved" in effects and "denied" in effects:
                problems.append(
                    f"{where}: rules disagree: {effects['approved']} approves, "
                    f"{effects['denied']} denies"
                )
            # a rule may answer undetermined on purpose (the law for that date was not found,
            # or the text leaves the case to ETF): that is a decision, not a gap
            deliberate = "undetermined" in effects
            if result.outcome == "undetermined" and not result.missing_facts and not deliberate:
                applied = [a.rule.id for a in result.applied]
                problems.append(f"{where}: gap: no rule decides (applied: {applied}) facts={facts}")
            elif result.missing_facts:
                problems.append(f"{where}: complete case still misses {list(result.missing_facts)}")
            if len(problems) > 20:
                break
    assert evaluated > 0
    assert not problems, "\n".join(problems[:20])
