"""Concrete cases: the question's generated sweep cases, changed to meet a solution, run.

The decision questions provide ``sweep_cases(program, month)``: complete, plausible cases.
A witness is built by taking such a case and *overlaying* the values a solution needs
(keeping the case's own value wherever the solution accepts it, so the witness stays as
plausible as the constraints allow), then replaying it through the engine exactly as the
service would: facts validated by the question's model, the default as-of date unless the
solution needs another, the policy choices the solution names.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from pydantic import ValidationError

from ..rules import dates
from ..rules.engine import DEFAULT_ENGINE, Evaluation, EvaluationError, PolicyChoiceError
from .context import QuestionContext
from .findings import Witness
from .solver import Pick

FALLBACK_MONTH = date(2020, 1, 1)


@dataclass(frozen=True)
class Case:
    facts: dict[str, Any]  # validated by the question's facts model (model_dump)
    as_of: date
    choices: dict[str, str] = field(default_factory=dict)  # only those that differ


def get_path(facts: Any, path: str) -> Any:
    node = facts
    for part in path.split("."):
        if not isinstance(node, dict):
            return None
        node = node.get(part)
    return node


def set_path(facts: dict[str, Any], path: str, value: Any) -> None:
    parts = path.split(".")
    node = facts
    for part in parts[:-1]:
        child = node.get(part)
        if not isinstance(child, dict):
            child = {}
            node[part] = child
        node = child
    node[parts[-1]] = value


class Cases:
    """Makes, changes and runs cases of one question of one rule-set version."""

    def __init__(self, ctx: QuestionContext) -> None:
        self.ctx = ctx
        self.program = ctx.rule_set.info.program
        self._base: dict[date, list[dict[str, Any]]] = {}
        self.evaluations = 0
        self.errors = 0  # cases the engine could not evaluate (date arithmetic overflow, …)

    def base(self, month: date) -> list[dict[str, Any]]:
        """The question's generated cases for a month (raw dicts; empty without a generator)."""
        month = dates.first_of_month(month)
        found = self._base.get(month)
        if found is None:
            generator = self.ctx.spec.sweep_cases
            found = generator(self.program, month) if generator is not None else []
            self._base[month] = found
        return found

    def make(
        self,
        raw: dict[str, Any],
        as_of: date | None = None,
        choices: dict[str, str] | None = None,
        month: date | None = None,
    ) -> Case | None:
        """Validate raw facts like the service does; None if the model rejects them."""
        try:
            facts = self.ctx.spec.facts_model.model_validate(raw).model_dump()
        except (ValidationError, ValueError, TypeError):
            return None
        when = as_of or self.ctx.spec.default_as_of(facts) or month or FALLBACK_MONTH
        return Case(facts, when, dict(choices or {}))

    def overlay(self, raw: dict[str, Any], picks: dict[str, Pick], month: date) -> Case | None:
        """``raw`` changed as little as possible to meet ``picks``."""
        facts = copy.deepcopy(raw)
        choices: dict[str, str] = {}
        for var, pick in picks.items():
            if var == "as_of":
                continue
            if var.startswith("choice."):
                name = var.removeprefix("choice.")
                value = pick.choose(self.ctx.rule_set.policy_defaults.get(name))
                if value is not None:
                    choices[name] = value
                continue
            set_path(facts, var, pick.choose(get_path(facts, var)))
        case = self.make(facts, None, choices, month)
        if case is None:
            return None
        as_of_pick = picks.get("as_of")
        if as_of_pick is not None and not as_of_pick.accepts(case.as_of):
            case = Case(case.facts, as_of_pick.default, case.choices)
        return case

    def months_for(self, picks: dict[str, Pick], count: int = 3) -> list[date]:
        """Months whose generated cases suit a solution's as-of range (recent ones first)."""
        pick = picks.get("as_of")
        candidates = [date(y, m, 1) for y in (2020, 2012, 2005, 1998, 2024) for m in (1, 7)]
        if pick is not None:
            suited = [d for d in candidates if pick.accepts(d)]
            if not suited and isinstance(pick.default, date):
                suited = [dates.first_of_month(pick.default)]
            candidates = suited
        return candidates[:count]

    def run(self, case: Case) -> Evaluation | None:
        self.evaluations += 1
        try:
            return DEFAULT_ENGINE.evaluate(
                self.ctx.rule_set, self.ctx.spec.name, case.facts, case.as_of, case.choices
            )
        except (EvaluationError, PolicyChoiceError):
            self.errors += 1
            return None

    def confirm(self, picks: dict[str, Pick], rule_ids: tuple[str, ...]) -> Witness:
        """A concrete case meeting ``picks``, preferably one where the engine applies every
        rule in ``rule_ids`` (else the first one built, else the bare values)."""
        highlights = tuple(sorted(v for v in picks if v != "as_of" and not v.startswith("choice.")))
        first = None
        for month in self.months_for(picks):
            for raw in [*self.base(month)[:6], {}]:
                case = self.overlay(raw, picks, month)
                result = self.run(case) if case is not None else None
                if case is None or result is None:
                    continue
                witness = self.witness(case, describe(result), highlights)
                applied = {a.rule.id for a in result.applied}
                if all(r in applied for r in rule_ids):
                    return witness
                first = first or witness
        if first is not None:
            return first
        values = {v: p.choose() for v, p in picks.items()}
        as_of = values.pop("as_of", None)
        facts: dict[str, Any] = {}
        for var in highlights:
            set_path(facts, var, values[var])
        return Witness(
            rule_set=self.ctx.rule_set.id,
            version=self.ctx.rule_set.version,
            question=self.ctx.spec.name,
            as_of=as_of if isinstance(as_of, date) else FALLBACK_MONTH,
            facts=facts,
            choices={
                k.removeprefix("choice."): v for k, v in values.items() if k.startswith("choice.")
            },
            observed="not replayed: no valid case could be built from these values",
            highlights=highlights,
            program=self.program,
        )

    def witness(self, case: Case, observed: str = "", highlights: tuple[str, ...] = ()) -> Witness:
        return Witness(
            rule_set=self.ctx.rule_set.id,
            version=self.ctx.rule_set.version,
            question=self.ctx.spec.name,
            as_of=case.as_of,
            facts=_pruned(case.facts),
            choices=dict(case.choices),
            observed=observed,
            highlights=highlights,
            program=self.program,
        )


def _pruned(facts: Any) -> Any:
    """The facts without the unset ones (a shorter witness, same meaning)."""
    if isinstance(facts, dict):
        out = {k: _pruned(v) for k, v in facts.items()}
        return {k: v for k, v in out.items() if v not in (None, {}, [])}
    if isinstance(facts, list):
        return [_pruned(v) for v in facts]
    return facts


def describe(result: Evaluation) -> str:
    """What the engine decided, in one line."""
    applied = [a.rule.id for a in result.applied if a.rule.outcome.decision]
    text = f"outcome {result.outcome}"
    if applied:
        text += "; decisive rules applied: " + ", ".join(applied)
    else:
        text += "; no decision-bearing rule applied"
    if result.missing_facts:
        text += "; missing facts: " + ", ".join(result.missing_facts)
    if result.conflicts:
        text += "; conflicts: " + "; ".join(result.conflicts)
    return text
