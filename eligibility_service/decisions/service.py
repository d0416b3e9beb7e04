"""Answer a decision question: choose the rule-set version, evaluate, explain with citations.

This is the one place that turns an engine :class:`~..rules.engine.Evaluation` into the API
answer. Citation objects are built once per rule set and reused, so a decision costs little
more than the evaluation itself.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from typing import Any, Protocol

import orjson

from ..rules.compiled import CompiledRule, CompiledRuleSet
from ..rules.engine import (
    DEFAULT_ENGINE,
    Engine,
    Evaluation,
    EvaluationError,
    PolicyChoiceError,
)
from ..rules.registry import Registry, VersionNotFound
from .questions import QUESTIONS
from .schema import DecisionOptions, Program


def to_json(decision: Mapping[str, Any], indent: bool = False) -> bytes:
    """Render a decision deterministically: same decision, same bytes."""
    return orjson.dumps(decision, option=orjson.OPT_INDENT_2 if indent else 0)


class DecisionInputError(ValueError):
    """The request cannot be decided as sent; ``field`` names the offending field."""

    def __init__(self, field: str, message: str, status: int = 422) -> None:
        self.field = field
        self.status = status
        super().__init__(message)


class Options(Protocol):
    """What deciding reads from the options: :class:`DecisionOptions` or a lighter object
    (replay builds one per case, where a pydantic model would cost more than it gives)."""

    @property
    def rule_set_version(self) -> str | None: ...
    @property
    def as_of(self) -> date | None: ...
    @property
    def policy_choices(self) -> Mapping[str, str]: ...
    @property
    def trace(self) -> bool: ...


@dataclass(frozen=True, slots=True)
class PlainOptions:
    rule_set_version: str | None
    as_of: date | None
    policy_choices: Mapping[str, str]
    trace: bool = False


@dataclass(frozen=True)
class DecisionService:
    registry: Registry
    engine: Engine = DEFAULT_ENGINE

    def evaluate(
        self, question: str, program: Program, facts: Mapping[str, Any], options: Options
    ) -> tuple[CompiledRuleSet, Evaluation, date]:
        """Choose the rule-set version and evaluate: the engine's result, unformatted."""
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
            field = "options.as_of" if exc.what == "as_of" else "options.rule_set_version"
            raise DecisionInputError(field, str(exc)) from None
        if question not in rule_set.questions:
            raise DecisionInputError(
                "options.rule_set_version",
                f"rule set {rule_set.id}@{rule_set.version} does not answer {question}",
            )
        try:
            result = self.engine.evaluate(
                rule_set, question, facts, as_of, options.policy_choices, options.trace
            )
        except PolicyChoiceError as exc:  # the choice's name when it is one of ours
            field = (
                f"options.policy_choices.{exc.choice}" if exc.choice else "options.policy_choices"
            )
            raise DecisionInputError(field, str(exc)) from None
        except EvaluationError as exc:
            raise DecisionInputError("facts", str(exc)) from None
        return rule_set, result, as_of

    def decide_brief(
        self, question: str, program: Program, facts: Mapping[str, Any], options: Options
    ) -> dict[str, Any]:
        """What replay compares: outcome, dates, and the rules that applied with their codes
        and effects; no messages or citations (the same evaluation as :meth:`decide`)."""
        rule_set, result, as_of = self.evaluate(question, program, facts, options)
        return {
            "outcome": result.outcome,
            "dates": result.dates,
            "reasons": [_view(rule_set).rule_header(a.rule) for a in result.applied],
            "rule_set": _view(rule_set).ref,
            "as_of": as_of,
        }

    def decide(
        self, question: str, program: Program, facts: Mapping[str, Any], options: DecisionOptions
    ) -> dict[str, Any]:
        """The decision as JSON-ready data matching :class:`DecisionResponse` (dates stay
        ``date`` objects; :func:`to_json` renders it). Plain data, not models: building
        response models cost more than evaluating the rules."""
        rule_set, result, as_of = self.evaluate(question, program, facts, options)
        view = _view(rule_set)
        reasons = [
            {
                **view.rule_header(a.rule),
                "message": a.message,
                "citations": view.citations(a.rule.implements, as_of),
            }
            for a in result.applied
        ]
        choices = [
            view.choice(name, applied.alternative, applied.source, as_of)
            for name, applied in result.choices.items()
        ]
        trace = (
            [
                {
                    "rule_id": t.rule_id,
                    "status": t.status,
                    "facts": t.facts,
                    "values": t.values,
                    "sets": t.sets,
                }
                for t in result.trace
            ]
            if result.trace is not None
            else None
        )
        return {
            "question": question,
            "program": program,
            "outcome": result.outcome,
            "dates": result.dates,
            "reasons": reasons,
            "missing_facts": list(result.missing_facts),
            "conflicts": list(result.conflicts),
            "policy_choices": choices,
            "rule_set": view.ref,
            "as_of": as_of,
            "trace": trace,
        }


class _RuleSetView:
    """Per-rule-set cache of the static parts of an answer (citations, rule headers).

    A decision is mostly references to things that never change for a rule set: building
    them once keeps a decision's cost close to the evaluation itself.
    """

    def __init__(self, rule_set: CompiledRuleSet) -> None:
        self.rule_set = rule_set
        self.ref = {
            "id": rule_set.id,
            "version": rule_set.version,
            "status": rule_set.manifest.status,
            "content_hash": rule_set.content_hash,
        }
        self._citation: dict[tuple[str, bool], dict[str, Any]] = {}
        self._headers: dict[str, dict[str, Any]] = {}
        self._choices: dict[tuple[str, str, str], dict[str, Any]] = {}
        self._all_in_force: dict[tuple[str, ...], tuple[date, date]] = {}
        self._all_in_force_list: dict[tuple[str, ...], list[dict[str, Any]]] = {}

    def citation(self, pid: str, as_of: date) -> dict[str, Any]:
        located = self.rule_set.provisions[pid]
        in_force = located.in_force_on(as_of)
        key = (pid, in_force)
        found = self._citation.get(key)
        if found is None:
            p = located.provision
            found = {
                "id": pid,
                "citation": p.citation,
                "title": p.title,
                "url": p.url,
                "in_force_on_as_of": in_force,
            }
            self._citation[key] = found
        return found

    def citations(self, ids: Sequence[str], as_of: date) -> list[dict[str, Any]]:
        key = ids if isinstance(ids, tuple) else tuple(ids)
        common = self._all_in_force.get(key)
        if common is None:
            periods = [self.rule_set.provisions[pid].provision.in_force for pid in key]
            start = max(p.from_ for p in periods)
            ends = [p.to for p in periods if p.to is not None]
            common = (start, min(ends) if ends else date.max)
            self._all_in_force[key] = common
            self._all_in_force_list[key] = [self.citation(pid, start) for pid in key]
        if common[0] <= as_of <= common[1]:  # usual case: every cited provision in force
            return self._all_in_force_list[key]
        return [self.citation(pid, as_of) for pid in key]

    def rule_header(self, rule: CompiledRule) -> dict[str, Any]:
        found = self._headers.get(rule.id)
        if found is None:
            found = {
                "rule_id": rule.id,
                "rule_title": rule.title,
                "reason_code": rule.outcome.reason,
                "effect": rule.outcome.decision,
            }
            self._headers[rule.id] = found
        return found

    def choice(self, name: str, alternative: str, source: str, as_of: date) -> dict[str, Any]:
        choice = self.rule_set.policy_choices[name]
        alt = choice.alternatives[alternative]
        citations = self.citations(alt.cites, as_of)
        key = (name, alternative, source)
        cached = self._choices.get(key)
        if cached is not None and cached["citations"] is citations:
            return cached
        found = {
            "choice": name,
            "title": choice.title,
            "alternative": alternative,
            "alternative_title": alt.title,
            "source": source,
            "citations": citations,
        }
        self._choices[key] = found
        return found


@lru_cache(maxsize=64)
def _view(rule_set: CompiledRuleSet) -> _RuleSetView:
    return _RuleSetView(rule_set)
