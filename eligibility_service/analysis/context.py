"""Everything the checks need to know about one question of one rule-set version.

Built once per (version, question): the domains of its facts and policy choices, the
parameter *epochs* (spans of as-of dates in which no parameter changes value) and the
rules' conditions in DNF (see :mod:`.logic`), each conjoined with "the as-of date is in the
rule's period" so that a rule that is not in force never applies.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from ..rules.compiled import CompiledQuestion, CompiledRule, CompiledRuleSet
from ..rules.model import Period
from .logic import DNF, FALSE, Compare, Const, Cube, Normalizer, Opaque, TooComplex, Var
from .solver import AS_OF_DOMAIN, Domain, Solution, fact_domains

AS_OF = Var("as_of")
DNF_CAP = 256


@dataclass(frozen=True)
class Epoch:
    start: date
    end: date
    params: dict[str, Any] = field(compare=False, hash=False)

    def literals(self) -> Cube:
        return frozenset(
            {
                (Compare(AS_OF, ">=", Const(self.start)), True),
                (Compare(AS_OF, "<=", Const(self.end)), True),
            }
        )


def period_dnf(period: Period) -> DNF:
    lits = [(Compare(AS_OF, ">=", Const(period.from_)), True)]
    if period.to is not None:
        lits.append((Compare(AS_OF, "<=", Const(period.to)), True))
    return (frozenset(lits),)


def outside_period_dnf(period: Period) -> DNF:
    """The as-of date is outside ``period`` (as-of is always known: plain negation holds)."""
    cubes = [frozenset({(Compare(AS_OF, "<", Const(period.from_)), True)})]
    if period.to is not None:
        cubes.append(frozenset({(Compare(AS_OF, ">", Const(period.to)), True)}))
    return tuple(cubes)


class QuestionContext:
    """One question of one rule-set version, prepared for exact reasoning and search."""

    def __init__(
        self,
        rule_set: CompiledRuleSet,
        question: CompiledQuestion,
        answers_from: date | None = None,
    ) -> None:
        self.rule_set = rule_set
        self.question = question
        self.spec = question.spec
        self.rules = question.rules
        self.decisive = tuple(r for r in question.rules if r.outcome.decision)
        domains: dict[str, Domain] = dict(fact_domains(self.spec.facts_model))
        for name, choice in rule_set.policy_choices.items():
            domains[f"choice.{name}"] = Domain("enum", frozenset(choice.alternatives))
        # As-of dates: from the first date the rule set answers for (its earliest version's
        # start; a request may pin any version for any later date) to the end of this
        # version's period, if it has one.
        low = answers_from or rule_set.manifest.in_force.from_
        high = rule_set.manifest.in_force.to or AS_OF_DOMAIN.high
        domains["as_of"] = Domain("date", low=low, high=high)
        self.domains = domains
        self.solved: dict[Cube, Solution] = {}  # shared by every check of the question
        definitions = {d.name: d for d in question.definitions}
        facts_type = self.spec.facts_type
        self._normalizers = [
            Normalizer(definitions, facts_type, rule_set.parameter_on, DNF_CAP, inline=True),
            Normalizer(definitions, facts_type, rule_set.parameter_on, DNF_CAP, inline=False),
        ]
        self.normalizer = self._normalizers[0]
        self._cond: dict[tuple[str, bool], tuple[DNF, bool]] = {}
        self._epochs: dict[frozenset[str], tuple[Epoch, ...]] = {}
        self.approximate: set[str] = set()  # rules whose condition had to be kept opaque

    def answers_for(self, as_of: date) -> bool:
        """Is ``as_of`` in the period the version answers for?"""
        domain = self.domains["as_of"]
        return bool(domain.low <= as_of <= domain.high)

    @property
    def label(self) -> str:
        return f"{self.rule_set.id}@{self.rule_set.version} {self.spec.name}"

    def condition(self, rule: CompiledRule, positive: bool = True) -> DNF:
        """DNF of "the rule's condition is true" (or "is false"), without its period."""
        key = (rule.id, positive)
        found = self._cond.get(key)
        if found is None:
            found = self._convert(rule, positive)
            self._cond[key] = found
            if not found[1]:
                self.approximate.add(rule.id)
        return found[0]

    def _convert(self, rule: CompiledRule, positive: bool) -> tuple[DNF, bool]:
        node = rule.condition.node
        for norm in self._normalizers:
            try:
                return norm.dnf(node, positive), True
            except TooComplex:
                continue
        return (frozenset({(Opaque(node), positive)}),), False

    def applies(self, rule: CompiledRule) -> DNF:
        """DNF of "the rule applies": in force on the as-of date and its condition true."""
        try:
            return self._normalizers[0].conj(self.condition(rule), period_dnf(rule.period))
        except TooComplex:  # pragma: no cover - the period adds literals, never cubes
            return FALSE

    def does_not_apply_decisively(self, rule: CompiledRule) -> DNF:
        """DNF of "the rule's condition is false, or the rule is not in force".

        The remaining case, a condition that is *unknown*, still makes a decision-bearing
        rule count (the engine answers undetermined), so it is not part of this DNF."""
        return self._normalizers[0].disj(
            self.condition(rule, positive=False), outside_period_dnf(rule.period)
        )

    def epochs(self, params: frozenset[str]) -> tuple[Epoch, ...]:
        """Spans of as-of dates in which none of ``params`` changes value."""
        found = self._epochs.get(params)
        if found is None:
            starts = sorted(
                {
                    d
                    for name in params
                    if (t := self.rule_set.parameters.get(name)) is not None
                    for d in t.starts
                }
            )
            low = self.domains["as_of"].low
            bounds = [low, *[s for s in starts if s > low]]
            spans = []
            for i, start in enumerate(bounds):
                last = self.domains["as_of"].high
                end = bounds[i + 1] - timedelta(days=1) if i + 1 < len(bounds) else last
                values = {
                    name: self.rule_set.parameter_on(name, start)
                    for name in params
                    if name in self.rule_set.parameters
                }
                spans.append(Epoch(start, end, values))
            found = tuple(spans)
            self._epochs[params] = found
        return found
