"""The evaluator: compiled rule set, question, as-of date and facts in; result and trace out.

This is the narrow interface every engine implements (:class:`Engine`). The default one
walks the compiled closures. It is re-entrant and thread-safe (all per-call state lives in an
``Env``) and never reads the clock: the only date it knows is the as-of date it is given.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from functools import cached_property, lru_cache
from typing import Any, Literal, Protocol

from .compiled import CompiledQuestion, CompiledRule, CompiledRuleSet
from .expr.compiler import Env
from .expr.explain import Explainer
from .model import Decision

DECISION_PRECEDENCE: tuple[Decision, ...] = ("denied", "incomplete", "undetermined", "approved")


class PolicyChoiceError(ValueError):
    """A requested policy choice or alternative does not exist in the rule set. ``choice``
    is the choice's name when the rule set has it, else empty; neither it nor the message
    repeats a name or an alternative the rule set does not have (they came from a caller)."""

    def __init__(self, choice: str, message: str) -> None:
        self.choice = choice
        super().__init__(message)


@dataclass(frozen=True)
class AppliedRule:
    """A rule that applied. Its message is formatted when first read: replay and other
    callers that only compare outcomes and codes never pay for it."""

    rule: CompiledRule
    env: Env = field(repr=False, compare=False)

    @cached_property
    def message(self) -> str:
        return CompiledEngine._message(self.rule, self.env)


ChoiceSource = Literal["rule_set_default", "version_default", "request"]
TraceStatus = Literal["applied", "not_applied", "unknown", "not_in_force"]


@dataclass(frozen=True)
class RuleTrace:
    rule_id: str
    status: TraceStatus
    facts: dict[str, Any]
    values: dict[str, Any]
    sets: dict[str, Any]


@dataclass(frozen=True)
class ChoiceApplied:
    alternative: str
    source: ChoiceSource


@dataclass(frozen=True)
class Evaluation:
    outcome: Decision
    dates: dict[str, date | None]
    applied: tuple[AppliedRule, ...]
    missing_facts: tuple[str, ...]
    conflicts: tuple[str, ...]
    choices: dict[str, ChoiceApplied]
    definitions: dict[str, Any]
    trace: tuple[RuleTrace, ...] | None = field(default=None)


class Engine(Protocol):
    def evaluate(
        self,
        rule_set: CompiledRuleSet,
        question: str,
        facts: Mapping[str, Any],
        as_of: date,
        choices: Mapping[str, str] | None = None,
        trace: bool = False,
    ) -> Evaluation: ...


def resolve_choices(
    rule_set: CompiledRuleSet, requested: Mapping[str, str] | None
) -> dict[str, ChoiceApplied]:
    result: dict[str, ChoiceApplied] = {}
    for name, choice in rule_set.policy_choices.items():
        default = rule_set.policy_defaults[name]
        source: ChoiceSource = (
            "rule_set_default" if default == choice.default else "version_default"
        )
        result[name] = ChoiceApplied(default, source)
    for name, alt in (requested or {}).items():
        found = rule_set.policy_choices.get(name)
        if found is None:
            known = ", ".join(sorted(rule_set.policy_choices)) or "none"
            raise PolicyChoiceError("", f"no policy choice of that name (known: {known})")
        if alt not in found.alternatives:
            known = ", ".join(found.alternatives)
            raise PolicyChoiceError(name, f"not an alternative of {name} ({known})")
        result[name] = ChoiceApplied(alt, "request")
    return result


def _plain(value: Any) -> Any:
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def _fact_values(facts: Mapping[str, Any], path: str) -> list[tuple[str, Any]]:
    """Resolve a fact path, expanding ``list[]`` segments into indexed paths."""
    results: list[tuple[str, Any]] = [("", facts)]
    for part in path.split("."):
        nxt: list[tuple[str, Any]] = []
        is_list = part.endswith("[]")
        key = part[:-2] if is_list else part
        for prefix, obj in results:
            here = f"{prefix}.{key}" if prefix else key
            value = obj.get(key) if isinstance(obj, Mapping) else None
            if is_list:
                if isinstance(value, list):
                    nxt.extend((f"{here}[{i}]", item) for i, item in enumerate(value))
                else:
                    nxt.append((here, None))
            else:
                nxt.append((here, value))
        results = nxt
    return results


def _format(value: Any) -> str:
    """How a value reads inside a message (dates ISO, hours with thousands separators)."""
    kind = type(value)
    if kind is date:
        return value.isoformat()  # type: ignore[no-any-return]
    if kind is str:
        return value  # type: ignore[no-any-return]
    if value is None:
        return "unknown"
    if kind is bool:
        return "yes" if value else "no"
    if kind is float:
        return f"{value:,.0f}" if value.is_integer() else f"{value:,}"
    if kind is int:
        return f"{value:,}" if abs(value) >= 10000 else str(value)
    return str(value)


@lru_cache(maxsize=64)
def _default_choices(rule_set: CompiledRuleSet) -> tuple[dict[str, ChoiceApplied], dict[str, str]]:
    applied = resolve_choices(rule_set, None)
    return applied, {k: v.alternative for k, v in applied.items()}


@lru_cache(maxsize=256)
def _default_choices_shown(
    rule_set: CompiledRuleSet, q: CompiledQuestion
) -> dict[str, ChoiceApplied]:
    applied, _ = _default_choices(rule_set)
    return {k: applied[k] for k in q.choices_used}


class EvaluationError(ValueError):
    """The facts drove a rule into arithmetic it cannot do (a date past the calendar's end,
    say). Reported to the caller as unprocessable facts, never as a server error."""


class CompiledEngine:
    """The primary evaluator over compiled closures."""

    name = "compiled"

    def evaluate(
        self,
        rule_set: CompiledRuleSet,
        question: str,
        facts: Mapping[str, Any],
        as_of: date,
        choices: Mapping[str, str] | None = None,
        trace: bool = False,
    ) -> Evaluation:
        try:
            return self._evaluate(rule_set, question, facts, as_of, choices, trace)
        except (ArithmeticError, TypeError) as exc:
            raise EvaluationError(f"the facts cannot be evaluated: {exc}") from exc
        except ValueError as exc:
            if isinstance(exc, PolicyChoiceError):
                raise
            raise EvaluationError(f"the facts cannot be evaluated: {exc}") from exc

    def _evaluate(
        self,
        rule_set: CompiledRuleSet,
        question: str,
        facts: Mapping[str, Any],
        as_of: date,
        choices: Mapping[str, str] | None = None,
        trace: bool = False,
    ) -> Evaluation:
        q: CompiledQuestion = rule_set.questions[question]
        if choices:
            applied_choices = resolve_choices(rule_set, choices)
            choice_values = {k: v.alternative for k, v in applied_choices.items()}
            # only the choices this question reads: the ones that shaped this decision
            shown = {k: applied_choices[k] for k in q.choices_used}
        else:  # the common case: defaults, resolved once per rule set and question
            applied_choices, choice_values = _default_choices(rule_set)
            shown = _default_choices_shown(rule_set, q)
        env = Env(
            facts,
            rule_set.parameters_on(as_of),
            choice_values,
            as_of,
            rule_set.parameter_on,
            rule_set.info.program,
            q.definition_fns,
        )
        values = env.values

        dates: dict[str, date | None] = dict.fromkeys(q.spec.outputs)
        setters: dict[str, str] = {}
        applied: list[AppliedRule] = []
        unknown: list[CompiledRule] = []
        conflicts: list[str] = []
        traces: list[RuleTrace] = []
        if trace:  # every rule in force is tried, so the trace shows each one's status
            to_try = q.rules_in_force(as_of)
            in_force = set(to_try)
            for rule in q.rules:
                if rule not in in_force:
                    traces.append(RuleTrace(rule.id, "not_in_force", {}, {}, {}))
        else:
            to_try = q.rules_to_try(as_of, facts)
        for rule in to_try:
            hit = rule.condition.fn(env)
            set_values: dict[str, Any] = {}
            if hit:
                for out_name, expr in rule.sets:
                    value = expr.fn(env)
                    set_values[out_name] = value
                    if value is None:
                        unknown.append(rule)
                        continue
                    previous = dates.get(out_name)
                    if previous is not None and previous != value:
                        conflicts.append(
                            f"{out_name}: rule {rule.id} gives {value.isoformat()} but rule "
                            f"{setters[out_name]} gave {previous.isoformat()}"
                        )
                        continue
                    dates[out_name] = value
                    setters[out_name] = rule.id
                applied.append(AppliedRule(rule, env))
            elif hit is None:
                unknown.append(rule)
            if trace:
                status: TraceStatus = (
                    "applied" if hit else ("unknown" if hit is None else "not_applied")
                )
                traces.append(
                    RuleTrace(
                        rule.id,
                        status,
                        {
                            p: _plain(v)
                            for ref in rule.fact_refs
                            for p, v in _fact_values(facts, ref)
                        },
                        {name: _plain(values[name]) for name in rule.value_refs},
                        {k: _plain(v) for k, v in set_values.items()},
                    )
                )

        missing: set[str] = set()
        if unknown:
            explainer = Explainer(env, {d.name: d.expr.node for d in q.definitions})
            for rule in unknown:
                missing |= explainer.missing_facts(rule.condition.node)
                if rule.condition.fn(env):
                    for _, expr in rule.sets:
                        missing |= explainer.missing_facts(expr.node)
        outcome = self._outcome(q, applied, unknown, dates, conflicts)
        return Evaluation(
            outcome=outcome,
            dates=dates,
            applied=tuple(applied),
            missing_facts=tuple(sorted(missing)),
            conflicts=tuple(conflicts),
            choices=shown,
            definitions=values,  # this evaluation's own dict: not shared
            trace=tuple(traces) if trace else None,
        )

    @staticmethod
    def _message(rule: CompiledRule, env: Env) -> str:
        if len(rule.message) == 1 and rule.message[0].expr is None:
            return rule.message[0].text
        return "".join(
            [
                part.text if part.expr is None else _format(part.expr.fn(env))
                for part in rule.message
            ]
        )

    @staticmethod
    def _outcome(
        q: CompiledQuestion,
        applied: list[AppliedRule],
        unknown: list[CompiledRule],
        dates: Mapping[str, date | None],
        conflicts: list[str],
    ) -> Decision:
        decisions = {a.rule.outcome.decision for a in applied if a.rule.outcome.decision}
        if conflicts:
            decisions.add("undetermined")
        if any(r.outcome.decision for r in unknown):
            decisions.add("undetermined")
        for name in q.spec.required_for_approval:
            if "approved" in decisions and dates.get(name) is None:
                decisions.add("undetermined")
        for candidate in DECISION_PRECEDENCE:
            if candidate in decisions:
                return candidate
        return "undetermined"


DEFAULT_ENGINE = CompiledEngine()
