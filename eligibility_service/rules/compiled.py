"""Immutable compiled rule sets: what the loader produces and the engine evaluates.

A compiled rule set is built once at start-up and shared by every request and thread. It
holds closures and frozen data only; per-request state lives in :class:`~.expr.compiler.Env`.
Nothing here depends on the evaluator, so a second engine (durable-rules, for cross-checks)
can work from the same objects.
"""

from __future__ import annotations

import bisect
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import cached_property
from typing import Any

from .expr import ast
from .expr.compiler import CompiledExpr
from .model import (
    Example,
    Outcome,
    Parameter,
    Period,
    PolicyChoice,
    RuleSetInfo,
    Verification,
    VersionManifest,
)
from .provisions import LocatedProvision
from .question import QuestionSpec


@dataclass(frozen=True)
class SourceRef:
    file: str
    line: int | None

    def __str__(self) -> str:
        return f"{self.file}:{self.line}" if self.line else self.file


@dataclass(frozen=True)
class ParameterTable:
    """A parameter's dated values, for lookup by date (the value in force that day)."""

    name: str
    spec: Parameter
    starts: tuple[date, ...]
    values: tuple[Any, ...]
    source: SourceRef

    def on(self, day: date) -> Any:
        i = bisect.bisect_right(self.starts, day) - 1
        return self.values[i] if i >= 0 else None


@dataclass(frozen=True)
class MessagePart:
    text: str
    expr: CompiledExpr | None = None


@dataclass(frozen=True, eq=False)
class CompiledRule:
    id: str
    title: str
    implements: tuple[str, ...]
    period: Period
    condition: CompiledExpr
    outcome: Outcome
    message: tuple[MessagePart, ...]
    sets: tuple[tuple[str, CompiledExpr], ...]
    fact_refs: tuple[str, ...]  # every fact the rule reads, directly or through definitions
    value_refs: tuple[str, ...]  # definitions it reads, directly or indirectly
    module: str
    source: SourceRef
    when_text: str
    sets_text: tuple[tuple[str, str], ...]
    notes: str | None = None
    confidence: str | None = None
    family: str | None = None  # dated versions of one rule share a family (checked by lint)
    verified: Verification | None = None  # the check against the text it cites (lint, book)


@dataclass(frozen=True)
class CompiledDefinition:
    name: str
    title: str
    expr: CompiledExpr
    implements: tuple[str, ...]
    source: SourceRef
    text: str


@dataclass(frozen=True)
class Guard:
    path: tuple[str, ...]
    allowed: dict[str, frozenset[Any]]  # rule id -> the values of the fact it can apply to


def _guard_terms(node: ast.Node, fact_roots: frozenset[str]) -> list[tuple[str, frozenset[Any]]]:
    """``(fact path, allowed values)`` for each top-level conjunct testing a fact for
    constants."""
    if isinstance(node, ast.Binary) and node.op == "and":
        return _guard_terms(node.left, fact_roots) + _guard_terms(node.right, fact_roots)
    if (
        isinstance(node, ast.Binary)
        and node.op == "=="
        and isinstance(node.left, ast.Path)
        and node.left.parts[0] in fact_roots
        and isinstance(node.right, ast.Literal)
        and node.right.value is not None
    ):
        return [(".".join(node.left.parts), frozenset([node.right.value]))]
    if (
        isinstance(node, ast.InList)
        and not node.negated
        and isinstance(node.item, ast.Path)
        and node.item.parts[0] in fact_roots
        and all(isinstance(o, ast.Literal) and o.value is not None for o in node.options)
    ):
        values = frozenset(o.value for o in node.options if isinstance(o, ast.Literal))
        return [(".".join(node.item.parts), values)]
    return []


def find_guard(rules: tuple[CompiledRule, ...], fact_roots: frozenset[str]) -> Guard | None:
    per_path: dict[str, dict[str, frozenset[Any]]] = {}
    for rule in rules:
        for path, values in _guard_terms(rule.condition.node, fact_roots):
            allowed = per_path.setdefault(path, {})
            allowed[rule.id] = allowed[rule.id] & values if rule.id in allowed else values
    if not per_path:
        return None
    path, allowed = max(per_path.items(), key=lambda item: (len(item[1]), item[0]))
    if len(allowed) < 4:  # not worth a lookup
        return None
    return Guard(tuple(path.split(".")), allowed)


@dataclass(frozen=True, eq=False)
class CompiledQuestion:
    spec: QuestionSpec
    definitions: tuple[CompiledDefinition, ...]  # in dependency order
    rules: tuple[CompiledRule, ...]
    examples: tuple[tuple[Example, SourceRef], ...]
    choices_used: tuple[str, ...] = ()  # policy choices its rules and definitions read

    @cached_property
    def definition_fns(self) -> dict[str, Callable[[Any], Any]]:
        """Each definition's compiled function by name, for evaluating it on first use."""
        return {d.name: d.expr.fn for d in self.definitions}

    @cached_property
    def _rule_epochs(self) -> tuple[list[date], list[tuple[CompiledRule, ...]]]:
        # the dates where the set of rules in force changes; between two of them it is fixed
        cuts = sorted(
            {r.period.from_ for r in self.rules}
            | {
                r.period.to + timedelta(days=1)
                for r in self.rules
                if r.period.to and r.period.to < date.max
            }
        )
        starts = [date.min, *cuts]
        return starts, [tuple(r for r in self.rules if r.period.covers(d)) for d in starts]

    def rules_in_force(self, as_of: date) -> tuple[CompiledRule, ...]:
        """The rules in force on ``as_of``, in order: a lookup among a few precomputed sets."""
        starts, sets = self._rule_epochs
        return sets[bisect.bisect_right(starts, as_of) - 1]

    @cached_property
    def guard(self) -> Guard | None:
        """The fact most rules test for a constant (``event.type == 'marriage'``), if any."""
        return find_guard(self.rules, frozenset(self.spec.facts_model.model_fields))

    def rules_to_try(self, as_of: date, facts: Mapping[str, Any]) -> tuple[CompiledRule, ...]:
        """The rules in force on ``as_of`` that can apply to these facts, in order.

        A rule whose condition is ``X == c and ...`` is false whenever the fact X is known
        and is not ``c`` (false and anything is false, in three-valued logic too), so it is
        left out without evaluating it: the decision is the same, only faster. With X
        missing every rule is tried, so unknowns are reported exactly as before.
        """
        starts, sets = self._rule_epochs
        epoch = bisect.bisect_right(starts, as_of) - 1
        guard = self.guard
        if guard is None:
            return sets[epoch]
        value: Any = facts
        for part in guard.path:
            value = value.get(part) if isinstance(value, Mapping) else None
        if value is None or not isinstance(value, str | int | bool):
            return sets[epoch]
        key = (epoch, value)
        found: tuple[CompiledRule, ...] | None = self._guarded.get(key)
        if found is None:
            found = tuple(r for r in sets[epoch] if value in guard.allowed.get(r.id, (value,)))
            self._guarded[key] = found
        return found

    @cached_property
    def _guarded(self) -> dict[tuple[int, Any], tuple[CompiledRule, ...]]:
        return {}


@dataclass(frozen=True, eq=False)
class CompiledRuleSet:
    info: RuleSetInfo
    manifest: VersionManifest
    content_hash: str
    folder: str
    parameters: dict[str, ParameterTable]
    policy_choices: dict[str, PolicyChoice]
    policy_defaults: dict[str, str]  # choice -> default alternative for this version
    questions: dict[str, CompiledQuestion]
    provisions: dict[str, LocatedProvision]  # the ones this version cites
    choice_sources: dict[str, SourceRef] = field(default_factory=dict)  # where each is defined
    _epochs: tuple[date, ...] = field(init=False, repr=False, compare=False)
    _snapshots: tuple[dict[str, Any], ...] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        # Every date on which some parameter changes splits time into epochs; within one
        # epoch every parameter has one value, so one snapshot per epoch serves any as-of date.
        starts = sorted({d for table in self.parameters.values() for d in table.starts})
        epochs = tuple(starts)
        snapshots = [{name: None for name in self.parameters}]  # before the first value
        snapshots.extend(
            {name: table.on(start) for name, table in self.parameters.items()} for start in epochs
        )
        object.__setattr__(self, "_epochs", epochs)
        object.__setattr__(self, "_snapshots", tuple(snapshots))

    @property
    def id(self) -> str:
        return self.info.id

    @property
    def version(self) -> str:
        return self.manifest.version

    def parameters_on(self, day: date) -> dict[str, Any]:
        """Every parameter's value in force on ``day`` (shared; treat as read-only)."""
        return self._snapshots[bisect.bisect_right(self._epochs, day)]

    def parameter_on(self, name: str, day: date) -> Any:
        return self.parameters[name].on(day)
