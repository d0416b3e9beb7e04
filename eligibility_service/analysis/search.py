"""The witness search: run many concrete cases through the engine and watch what happens.

Where the exact reasoning cannot decide (conditions that compare computed dates, count
list items, …) the analysis looks for a *witness*: a concrete case showing the problem.
Cases come, in this order, from

1. **directed** attempts: the exact part of an undecided cube (say "event.type is
   'marriage', the choice is 'marriage_date', received before 2011") laid over generated
   cases of suitable months, so only the opaque part is left to chance;
2. the question's **sweep cases** for a sample of months (every quarter from 2000, like the
   sweep test, and the months around each date where a rule or parameter changes), with
   the default policy choices and then with each other alternative;
3. **perturbations** of those cases: one or two facts changed at a time — every value of a
   yes/no or enumerated fact, numbers at and beside the constants and parameter values the
   rules compare with, dates moved by a day, a month or a year or copied from another date
   of the case, dates the rules compare with (within ten years of the case, to stay
   plausible), facts removed — with policy choices drawn at random. Items of lists
   (dependents, covered members) are left as the generated case has them.

Everything is seeded, so a run is reproducible; the number of evaluations is capped by the
budget, and the search stops early at a deadline. Each evaluation is checked for an
approving and a denying rule applying together, for two rules setting a date to different
values (the engine reports the conflict), and for a *gap*: a complete case (the engine names
no missing fact) that ends undetermined because no decision-bearing rule applied, or
because an approval lacks a date the question requires.
"""

from __future__ import annotations

import random
import re
import time
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from ..rules import dates
from ..rules.engine import Evaluation
from ..rules.expr import ast
from .cases import Case, Cases, get_path, set_path
from .context import QuestionContext
from .solver import Pick

PLAUSIBLE_YEARS = 10  # absolute dates tried in a case stay this close to the case's month
FIRST_SWEPT = date(2000, 1, 1)  # like tests/test_sweep.py; earlier only around law changes

_CONFLICT = re.compile(r"^(\w+): rule (\S+) gives \S+ but rule (\S+) gave \S+$")


@dataclass(frozen=True)
class Target:
    """Something the directed search tries to show, with the exact parts to start from."""

    key: tuple[str, ...]  # ("overlap", A, B) | ("conflict", out, A, B) | ("applies", R)
    starts: tuple[dict[str, Pick], ...]


@dataclass
class Observations:
    overlaps: dict[tuple[str, str], tuple[Case, Evaluation]] = field(default_factory=dict)
    conflicts: dict[tuple[str, str, str], tuple[Case, Evaluation]] = field(default_factory=dict)
    gaps: dict[tuple[str, ...], tuple[Case, Evaluation, int]] = field(default_factory=dict)
    applied: Counter[str] = field(default_factory=Counter)
    approved_shown: set[str] = field(default_factory=set)  # approvals that were the outcome
    cases: int = 0
    stopped_early: bool = False

    def found(self, key: tuple[str, ...]) -> bool:
        if key[0] == "overlap":
            return (key[1], key[2]) in self.overlaps
        if key[0] == "conflict":
            return (key[1], key[2], key[3]) in self.conflicts or (
                key[1],
                key[3],
                key[2],
            ) in self.conflicts
        return self.applied[key[1]] > 0


class Search:
    def __init__(
        self, ctx: QuestionContext, cases: Cases, evaluations: int, deadline: float
    ) -> None:
        self.ctx = ctx
        self.cases = cases
        self.limit = evaluations
        self.deadline = deadline
        self.seen = Observations()
        self.rng = random.Random(f"analysis/{ctx.label}")
        self.months = _sample_months(ctx)
        self._perturbations: list[tuple[str, list[Any]]] | None = None
        # gaps are grouped by the (at most two) words or yes/no facts most decisive rules read
        readers: Counter[str] = Counter(
            p
            for rule in ctx.decisive
            for p in rule.fact_refs
            if (d := ctx.domains.get(p)) is not None and d.kind in ("bool", "enum")
        )
        self.kinds = sorted(p for p, _n in sorted(readers.items(), key=lambda kv: -kv[1])[:2])

    # -- running -----------------------------------------------------------------------------

    def _spent(self) -> bool:
        if self.seen.cases >= self.limit:
            return True
        if self.seen.cases % 64 == 0 and time.monotonic() > self.deadline:
            self.seen.stopped_early = True
            return True
        return self.seen.stopped_early

    def try_case(self, case: Case | None) -> Evaluation | None:
        if case is None or not self.ctx.answers_for(case.as_of):
            return None
        self.seen.cases += 1
        result = self.cases.run(case)
        if result is not None:
            self._record(case, result)
        return result

    def _record(self, case: Case, result: Evaluation) -> None:
        seen = self.seen
        approving: list[str] = []
        denying: list[str] = []
        decisive = False
        for applied in result.applied:
            rule = applied.rule
            seen.applied[rule.id] += 1
            decision = rule.outcome.decision
            if decision:
                decisive = True
            if decision == "approved":
                approving.append(rule.id)
            elif decision == "denied":
                denying.append(rule.id)
        if result.outcome == "approved":
            seen.approved_shown.update(approving)
        for a in approving:
            for d in denying:  # keep the first case, or a later one that is complete
                earlier = seen.overlaps.get((a, d))
                if earlier is None or (earlier[1].missing_facts and not result.missing_facts):
                    seen.overlaps[(a, d)] = (case, result)
        for text in result.conflicts:
            match = _CONFLICT.match(text)
            if match:
                out, second, first = match.groups()
                seen.conflicts.setdefault((out, first, second), (case, result))
        if result.outcome != "undetermined" or result.missing_facts or result.conflicts:
            return
        if not decisive:
            signature = ("none", *(f"{p}={get_path(case.facts, p)}" for p in self.kinds))
        elif approving and not any(
            a.rule.outcome.decision in ("undetermined", "incomplete", "denied")
            for a in result.applied
        ):
            lacking = [
                n for n in self.ctx.spec.required_for_approval if result.dates.get(n) is None
            ]
            # without a lacking date, some decisive rule was undecided for want of no fact
            signature = ("no-date", *lacking) if lacking else ("undecided",)
        else:
            return
        group = seen.gaps.get(signature)
        seen.gaps[signature] = (group[0], group[1], group[2] + 1) if group else (case, result, 1)

    # -- phases ------------------------------------------------------------------------------

    def directed(self, targets: list[Target], share: int) -> None:
        """Lay each target's exact parts over generated cases until shown or out of budget."""
        stop = min(self.limit, self.seen.cases + share)
        for target in targets:
            for picks in target.starts:
                for month in self.cases.months_for(picks):
                    for raw in self.cases.base(month)[:6]:
                        if self.seen.found(target.key) or self.seen.cases >= stop or self._spent():
                            break
                        self.try_case(self.cases.overlay(raw, picks, month))

    def sweep(self, share: int) -> None:
        """The generated cases, with the default choices and then each other alternative."""
        stop = min(self.limit, self.seen.cases + share)
        alternatives = [
            (name, alt)
            for name in self.ctx.question.choices_used
            for alt in self.ctx.rule_set.policy_choices[name].alternatives
            if alt != self.ctx.rule_set.policy_defaults.get(name)
        ]
        for choices in [{}, *({n: a} for n, a in alternatives)]:
            months = self.months if not choices else self.months[:: max(1, len(self.months) // 24)]
            for month in months:
                for raw in self.cases.base(month):
                    if self.seen.cases >= stop or self._spent():
                        return
                    self.try_case(self.cases.make(raw, None, choices, month))

    def perturb(self) -> None:
        """Random one- or two-fact changes of generated cases until the budget is spent."""
        catalogue = self.perturbations()
        if not catalogue:
            return
        choices_used = [
            (n, list(self.ctx.rule_set.policy_choices[n].alternatives))
            for n in self.ctx.question.choices_used
        ]
        failures = 0
        while not self._spent() and failures < 1000:
            month = self.rng.choice(self.months)
            base = self.cases.base(month)
            if not base:
                failures += 1
                continue
            raw = _copy(self.rng.choice(base))
            for _ in range(self.rng.choice((1, 1, 2, 2, 3))):
                path, values = self.rng.choice(catalogue)
                set_path(raw, path, self._value(raw, path, values, month))
            choices = {
                n: self.rng.choice(alts) for n, alts in choices_used if self.rng.random() < 0.3
            }
            case = self.cases.make(raw, None, choices, month)
            if case is None or not self.ctx.answers_for(case.as_of):
                failures += 1
                continue
            self.try_case(case)

    def _value(self, raw: dict[str, Any], path: str, values: list[Any], month: date) -> Any:
        choice = self.rng.choice(values)
        if isinstance(choice, date) and abs(choice.year - month.year) > PLAUSIBLE_YEARS:
            return get_path(raw, path)  # a date decades away from the case: not plausible
        if not isinstance(choice, _Shift):
            return choice
        current = get_path(raw, path)
        if choice.copy_from:
            other = get_path(raw, choice.copy_from)
            current = other if isinstance(other, date) else current
        if not isinstance(current, date):
            return current
        try:
            moved = current + timedelta(days=choice.days)
            return dates.add_months(moved, choice.months) if choice.months else moved
        except (OverflowError, ValueError):
            return current

    def perturbations(self) -> list[tuple[str, list[Any]]]:
        if self._perturbations is None:
            self._perturbations = _catalogue(self.ctx)
        return self._perturbations


@dataclass(frozen=True)
class _Shift:
    """A date change relative to the case: ``days``/``months`` from its own or another date."""

    days: int = 0
    months: int = 0
    copy_from: str | None = None


def _copy(raw: Any) -> Any:
    if isinstance(raw, dict):
        return {k: _copy(v) for k, v in raw.items()}
    if isinstance(raw, list):
        return [_copy(v) for v in raw]
    return raw


def _catalogue(ctx: QuestionContext) -> list[tuple[str, list[Any]]]:
    """For every scalar fact the rules read: the values worth trying."""
    numbers, days = _constants(ctx)
    read: set[str] = set()
    for rule in ctx.rules:
        read.update(rule.fact_refs)
    date_facts = [p for p, d in ctx.domains.items() if d.kind == "date" and p in read]
    out: list[tuple[str, list[Any]]] = []
    for path, domain in sorted(ctx.domains.items()):
        if path in ("as_of",) or path.startswith("choice.") or path not in read:
            continue
        values: list[Any]
        if domain.kind in ("bool", "enum"):
            values = [*sorted(domain.values or (), key=str), None]
        elif domain.kind == "number":
            values = sorted(
                {v for n in numbers for v in (n - 1, n, n + 1) if _within(v, domain)} | {0.0}
            )
            values.append(None)
        elif domain.kind == "date":
            values = [
                *(_Shift(days=d) for d in (-366, -61, -31, -30, -1, 1, 29, 30, 31, 60, 61, 366)),
                *(_Shift(months=m) for m in (-12, -6, -1, 1, 6, 12)),
                *(_Shift(days=d, copy_from=o) for o in date_facts if o != path for d in (-1, 0, 1)),
                *(d for d in days if _within(d, domain)),
                None,
            ]
        else:
            values = [None]
        out.append((path, values))
    return out


def _within(value: Any, domain: Any) -> bool:
    if domain.low is not None and value < domain.low:
        return False
    return domain.high is None or value <= domain.high


def _constants(ctx: QuestionContext) -> tuple[set[float], set[date]]:
    """Numbers and dates the rules compare with: literals, parameter values, period ends."""
    numbers: set[float] = set()
    days: set[date] = set()
    nodes: list[ast.Node] = [d.expr.node for d in ctx.question.definitions]
    for rule in ctx.rules:
        nodes.append(rule.condition.node)
        days.add(rule.period.from_)
        days.add(rule.period.from_ - timedelta(days=1))
        if rule.period.to is not None:
            days.update((rule.period.to, rule.period.to + timedelta(days=1)))
    params: set[str] = set()
    for node in nodes:
        for n in _walk(node):
            if isinstance(n, ast.Literal):
                if isinstance(n.value, bool):
                    continue
                if isinstance(n.value, int | float):
                    numbers.add(float(n.value))
                elif isinstance(n.value, date):
                    days.add(n.value)
            elif isinstance(n, ast.Path) and n.parts[0] == "param" and len(n.parts) == 2:
                params.add(n.parts[1])
            elif isinstance(n, ast.ParamAt):
                params.add(n.name)
    for name in params:
        table = ctx.rule_set.parameters.get(name)
        if table is None:
            continue
        for value in table.values:
            if isinstance(value, bool):
                continue
            if isinstance(value, int | float):
                numbers.add(float(value))
            elif isinstance(value, date):
                days.add(value)
    return numbers, {d for d in days if date(1900, 1, 2) <= d <= date(2199, 12, 30)}


def _walk(node: ast.Node) -> Iterator[ast.Node]:
    yield node
    for value in vars(node).values():
        if isinstance(value, ast.Node):
            yield from _walk(value)
        elif isinstance(value, tuple):
            for item in value:
                if isinstance(item, ast.Node):
                    yield from _walk(item)


def _sample_months(ctx: QuestionContext) -> list[date]:
    """Every quarter from 2000 (as the sweep test) to 2026, or to four years into a version
    that starts later, plus the months around each change of law since the rule set's
    first date."""
    low, high = ctx.domains["as_of"].low, ctx.domains["as_of"].high
    first = max(low, FIRST_SWEPT)
    own = ctx.rule_set.manifest.in_force.from_
    last = min(high, max(date(2026, 12, 31), dates.add_years(own, 4)))
    months = {
        date(y, m, 1)
        for y in range(first.year, last.year + 1)
        for m in (1, 4, 7, 10)
        if first <= date(y, m, 28) and date(y, m, 1) <= last
    }
    changes: set[date] = set()
    for rule in ctx.rules:
        changes.add(rule.period.from_)
        if rule.period.to is not None:
            changes.add(rule.period.to + timedelta(days=1))
    for table in ctx.rule_set.parameters.values():
        changes.update(table.starts)
    for day in changes:
        if max(low, date(1982, 2, 1)) <= day <= min(high, date(2030, 12, 1)):
            start = dates.first_of_month(day)
            months.update({dates.add_months(start, -1), start, dates.add_months(start, 1)})
    return sorted(m for m in months if low <= dates.end_of_month(m) and m <= high)
