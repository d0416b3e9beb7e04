"""Run a rule set's worked examples: each is a test that the rules say what the law says.

Used by the test suite (every example is a test case) and by ``eligibility examples``.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from .compiled import CompiledRuleSet, SourceRef
from .engine import DEFAULT_ENGINE, Engine
from .model import Example


@dataclass(frozen=True)
class ExampleResult:
    rule_set: str
    version: str
    question: str
    example: Example
    source: SourceRef
    failures: tuple[str, ...]

    @property
    def passed(self) -> bool:
        return not self.failures

    @property
    def label(self) -> str:
        return f"{self.rule_set}@{self.version} {self.source}: {self.example.name}"


def iter_examples(rule_set: CompiledRuleSet) -> Iterator[tuple[str, Example, SourceRef]]:
    for qname, question in rule_set.questions.items():
        for example, source in question.examples:
            yield qname, example, source


def check_example(
    rule_set: CompiledRuleSet,
    question: str,
    example: Example,
    source: SourceRef,
    engine: Engine = DEFAULT_ENGINE,
) -> ExampleResult:
    spec = rule_set.questions[question].spec
    facts = spec.facts_model.model_validate(example.facts).model_dump()
    as_of = example.as_of or spec.default_as_of(facts)
    failures: list[str] = []
    if as_of is None:
        failures.append("no as_of given and none can be derived from the facts")
    else:
        result = engine.evaluate(rule_set, question, facts, as_of, example.policy_choices)
        expect = example.expect
        if result.outcome != expect.outcome:
            failures.append(f"outcome: expected {expect.outcome}, got {result.outcome}")
        for name, want in expect.dates.items():
            got = result.dates.get(name)
            if got != want:
                failures.append(f"{name}: expected {want}, got {got}")
        codes = [a.rule.outcome.reason for a in result.applied]
        for code in expect.reasons:
            if code not in codes:
                failures.append(f"reason {code} expected among {codes}")
        if expect.missing_facts and list(expect.missing_facts) != list(result.missing_facts):
            failures.append(
                f"missing facts: expected {list(expect.missing_facts)}, "
                f"got {list(result.missing_facts)}"
            )
        if result.conflicts:
            failures.append("conflicting rules: " + "; ".join(result.conflicts))
    return ExampleResult(rule_set.id, rule_set.version, question, example, source, tuple(failures))


def run_examples(rule_set: CompiledRuleSet, engine: Engine = DEFAULT_ENGINE) -> list[ExampleResult]:
    return [check_example(rule_set, q, ex, src, engine) for q, ex, src in iter_examples(rule_set)]
