"""Immutable compiled rule sets: what the loader produces and the engine evaluates.

A compiled rule set is built once at start-up and shared by every request and thread. It
holds closures and frozen data only; per-request state lives in :class:`~.expr.compiler.Env`.
Nothing here depends on the evaluator, so a second engine (durable-rules, for cross-checks)
can work from the same objects.
"""

from __future__ import annotations

import bisect
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from .expr.compiler import CompiledExpr
from .model import Example, Outcome, Parameter, Period, PolicyChoice, RuleSetInfo, VersionManifest
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


@dataclass(frozen=True)
class CompiledDefinition:
    name: str
    title: str
    expr: CompiledExpr
    implements: tuple[str, ...]
    source: SourceRef
    text: str


@dataclass(frozen=True, eq=False)
class CompiledQuestion:
    spec: QuestionSpec
    definitions: tuple[CompiledDefinition, ...]  # in dependency order
    rules: tuple[CompiledRule, ...]
    examples: tuple[tuple[Example, SourceRef], ...]
    choices_used: tuple[str, ...] = ()  # policy choices its rules and definitions read


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
