"""Answer a decision question: choose the rule-set version, evaluate, explain with citations.

This is the one place that turns an engine :class:`~..rules.engine.Evaluation` into the API
answer. Citation objects are built once per rule set and reused, so a decision costs little
more than the evaluation itself.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from typing import Any

from ..rules.compiled import CompiledRuleSet
from ..rules.engine import DEFAULT_ENGINE, Engine, PolicyChoiceError
from ..rules.registry import Registry, VersionNotFound
from .questions import QUESTIONS
from .schema import (
    AppliedPolicyChoice,
    Citation,
    DecisionOptions,
    DecisionResponse,
    Program,
    Reason,
    RuleSetRef,
    TraceStep,
)


class DecisionInputError(ValueError):
    """The request cannot be decided as sent; ``field`` names the offending field."""

    def __init__(self, field: str, message: str, status: int = 422) -> None:
        self.field = field
        self.status = status
        super().__init__(message)


@dataclass(frozen=True)
class DecisionService:
    registry: Registry
    engine: Engine = DEFAULT_ENGINE

    def decide(
        self, question: str, program: Program, facts: Mapping[str, Any], options: DecisionOptions
    ) -> DecisionResponse:
        if program not in self.registry.rule_sets:
            raise DecisionInputError("program", f"no rule set for program {program!r}")
        as_of = options.as_of or QUESTIONS[question].default_as_of(facts)
        if as_of is None:
            raise DecisionInputError(
                "options.as_of",
                "as_of is required when the facts give neither the date the application was "
                "received nor the hire date",
            )
        try:
            rule_set = self.registry.select(program, as_of, options.rule_set_version)
        except VersionNotFound as exc:
            raise DecisionInputError("options.rule_set_version", str(exc)) from None
        if question not in rule_set.questions:
            raise DecisionInputError(
                "options.rule_set_version",
                f"rule set {rule_set.id}@{rule_set.version} does not answer {question}",
            )
        try:
            result = self.engine.evaluate(
                rule_set, question, facts, as_of, options.policy_choices, options.trace
            )
        except PolicyChoiceError as exc:
            raise DecisionInputError(f"options.policy_choices.{exc.choice}", str(exc)) from None
        explain = _explainer(rule_set)
        reasons = [
            Reason.model_construct(
                rule_id=a.rule.id,
                rule_title=a.rule.title,
                reason_code=a.rule.outcome.reason,
                effect=a.rule.outcome.decision,
                message=a.message,
                citations=explain.citations(a.rule.implements, as_of),
            )
            for a in result.applied
        ]
        choices = [
            AppliedPolicyChoice.model_construct(
                choice=name,
                title=rule_set.policy_choices[name].title,
                alternative=applied.alternative,
                alternative_title=rule_set.policy_choices[name]
                .alternatives[applied.alternative]
                .title,
                source=applied.source,
                citations=explain.citations(
                    tuple(rule_set.policy_choices[name].alternatives[applied.alternative].cites),
                    as_of,
                ),
            )
            for name, applied in result.choices.items()
        ]
        trace = (
            [
                TraceStep.model_construct(
                    rule_id=t.rule_id, status=t.status, facts=t.facts, values=t.values, sets=t.sets
                )
                for t in result.trace
            ]
            if result.trace is not None
            else None
        )
        return DecisionResponse.model_construct(
            question=question,
            program=program,
            outcome=result.outcome,
            dates=result.dates,
            reasons=reasons,
            missing_facts=list(result.missing_facts),
            conflicts=list(result.conflicts),
            policy_choices=choices,
            rule_set=explain.ref,
            as_of=as_of,
            trace=trace,
        )


class _Explainer:
    """Per-rule-set cache of citation objects (they depend only on the provision and as-of)."""

    def __init__(self, rule_set: CompiledRuleSet) -> None:
        self.rule_set = rule_set
        self.ref = RuleSetRef(
            id=rule_set.id,
            version=rule_set.version,
            status=rule_set.manifest.status,
            content_hash=rule_set.content_hash,
        )
        self._cache: dict[tuple[tuple[str, ...], date], list[Citation]] = {}

    def citations(self, ids: tuple[str, ...], as_of: date) -> list[Citation]:
        key = (ids, as_of)
        found = self._cache.get(key)
        if found is None:
            found = []
            for pid in ids:
                p = self.rule_set.provisions[pid]
                found.append(
                    Citation.model_construct(
                        id=pid,
                        citation=p.provision.citation,
                        title=p.provision.title,
                        url=p.provision.url,
                        in_force_on_as_of=p.in_force_on(as_of),
                    )
                )
            if len(self._cache) < 100_000:
                self._cache[key] = found
        return found


@lru_cache(maxsize=64)
def _explainer(rule_set: CompiledRuleSet) -> _Explainer:
    return _Explainer(rule_set)
