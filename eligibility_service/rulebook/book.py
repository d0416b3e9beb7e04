"""The rule book's content: one rule-set version arranged for reading, not for evaluation.

Policy staff read a version question by question, each rule beside the provisions it
implements, with the parameters, policy choices, definitions and worked examples it relies
on. This module turns a :class:`CompiledRuleSet` into plain, already-resolved view objects
(citations looked up, dates formatted, search text gathered) so the templates only lay out
text and never reach into the rules model.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from ..rules.compiled import CompiledQuestion, CompiledRuleSet
from ..rules.model import Period, Verification
from ..rules.provisions import LocatedProvision
from ..rules.verification_records import VERDICTS, tally


@dataclass(frozen=True)
class Citation:
    """A provision as the rule book shows it: citation text linked to its source."""

    id: str
    anchor: str
    citation: str
    title: str
    summary: str
    url: str | None  # only http(s) URLs are ever linked
    in_force: str
    kind: str

    @property
    def search(self) -> str:
        return search_text(["provision", self.id, self.citation, self.title])


@dataclass(frozen=True)
class Check:
    """A verification record as the rule book shows it, beside the item it verifies."""

    verdict: str
    verdict_text: str
    source: Citation
    text: str
    read_on: str
    quote: str | None
    why: str | None


VERDICT_TEXT = {
    "agrees": "agrees with the primary text",
    "guidance_only": "only ETF guidance speaks",
    "beyond_source": "goes beyond its source",
    "not_found": "source text not found",
    "disagrees": "disagrees with its source",
    "missing": "not verified",
}


@dataclass(frozen=True)
class DatedValue:
    value: str
    period: str
    cites: tuple[Citation, ...]
    note: str | None
    check: Check | None = None


@dataclass(frozen=True)
class ParameterEntry:
    name: str
    anchor: str
    title: str
    unit: str | None
    description: str | None
    values: tuple[DatedValue, ...]
    search: str


@dataclass(frozen=True)
class AlternativeEntry:
    name: str
    title: str
    description: str
    cites: tuple[Citation, ...]
    is_default: bool  # the default this version applies


@dataclass(frozen=True)
class ChoiceEntry:
    name: str
    anchor: str
    title: str
    conflict: str
    default: str  # the rule files' default
    version_default: str  # what this version applies (policy_defaults may differ)
    rationale: str
    alternatives: tuple[AlternativeEntry, ...]
    questions: tuple[str, ...]
    search: str
    check: Check | None = None


@dataclass(frozen=True)
class DefinitionEntry:
    name: str
    anchor: str
    title: str
    expr: str
    cites: tuple[Citation, ...]
    search: str


@dataclass(frozen=True)
class DateSet:
    name: str
    expr: str
    meaning: str


@dataclass(frozen=True)
class ExampleRef:
    anchor: str
    name: str


@dataclass(frozen=True)
class RuleEntry:
    id: str
    anchor: str
    title: str
    in_force: str
    when: str
    decision: str | None
    reason: str
    message: str
    sets: tuple[DateSet, ...]
    cites: tuple[Citation, ...]
    confidence: str | None
    notes: str | None
    source: str
    examples: tuple[ExampleRef, ...]  # worked examples that expect this rule's reason
    search: str
    check: Check | None = None


@dataclass(frozen=True)
class FactLine:
    path: str
    value: str


@dataclass(frozen=True)
class ExpectedReason:
    code: str
    rule_anchor: str | None


@dataclass(frozen=True)
class ExampleEntry:
    anchor: str
    name: str
    description: str | None
    as_of: str | None
    policy_choices: tuple[tuple[str, str], ...]
    facts: tuple[FactLine, ...]
    outcome: str
    dates: tuple[tuple[str, str], ...]
    reasons: tuple[ExpectedReason, ...]
    missing_facts: tuple[str, ...]
    source: str
    search: str


@dataclass(frozen=True)
class QuestionEntry:
    name: str
    anchor: str
    title: str
    endpoint: str
    outputs: tuple[tuple[str, str], ...]
    choices: tuple[str, ...]
    rules: tuple[RuleEntry, ...]
    definitions: tuple[DefinitionEntry, ...]
    examples: tuple[ExampleEntry, ...]


@dataclass(frozen=True)
class Book:
    """One rule-set version, ready to lay out."""

    rule_set: str
    program: str
    rule_set_title: str
    rule_set_description: str
    version: str
    version_title: str
    status: str
    in_force: str
    content_hash: str
    changes: str | None
    questions: tuple[QuestionEntry, ...]
    parameters: tuple[ParameterEntry, ...]
    choices: tuple[ChoiceEntry, ...]
    provisions: tuple[Citation, ...]
    cited_by: Mapping[str, tuple[str, ...]]  # provision id -> ids of rules implementing it
    param_names: frozenset[str]
    choice_names: frozenset[str]
    verification: tuple[tuple[str, str, int], ...] = ()  # (verdict, words, count), all items

    @property
    def verified_count(self) -> int:
        return sum(n for v, _, n in self.verification if v != "missing")

    @property
    def item_count(self) -> int:
        return sum(n for _, _, n in self.verification)

    @property
    def rule_count(self) -> int:
        return sum(len(q.rules) for q in self.questions)

    @property
    def example_count(self) -> int:
        return sum(len(q.examples) for q in self.questions)


def period_text(period: Period) -> str:
    if period.to is None:
        return f"from {period.from_.isoformat()}"
    return f"{period.from_.isoformat()} to {period.to.isoformat()}"


def value_text(value: Any) -> str:
    """A fact or parameter value as an analyst writes it (dates ISO, yes/no as true/false)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if value is None:
        return "null"
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, list):
        return "[" + ", ".join(value_text(v) for v in value) + "]"
    if isinstance(value, Mapping):
        return "{" + ", ".join(f"{k}: {value_text(v)}" for k, v in value.items()) + "}"
    return str(value)


def check_entry(
    record: Verification | None, provisions: Mapping[str, LocatedProvision]
) -> Check | None:
    if record is None:
        return None
    return Check(
        verdict=record.verdict,
        verdict_text=VERDICT_TEXT[record.verdict],
        source=citation(record.source, provisions),
        text=record.text,
        read_on=record.read_on.isoformat(),
        quote=record.quote,
        why=record.why,
    )


def search_text(parts: Iterable[str | None]) -> str:
    """Lower-case text the page's search box matches against (whitespace collapsed)."""
    return " ".join(" ".join(p.lower().split()) for p in parts if p)


def citation(provision_id: str, provisions: Mapping[str, LocatedProvision]) -> Citation:
    found = provisions.get(provision_id)
    if found is None:  # the loader rejects unresolved ids; shown plainly just in case
        return Citation(provision_id, f"prov-{provision_id}", provision_id, "", "", None, "", "")
    p = found.provision
    url = p.url if p.url.startswith(("https://", "http://")) else None
    return Citation(
        id=p.id,
        anchor=f"prov-{p.id}",
        citation=p.citation,
        title=p.title,
        summary=p.summary,
        url=url,
        in_force=period_text(p.in_force) + (f" ({p.in_force_note})" if p.in_force_note else ""),
        kind=found.kind.replace("_", " "),
    )


def _cite_search(cites: Iterable[Citation]) -> list[str]:
    return [s for c in cites for s in (c.id, c.citation, c.title)]


def _flatten_facts(facts: Mapping[str, Any], prefix: str = "") -> list[FactLine]:
    lines: list[FactLine] = []
    for key, value in facts.items():
        path = f"{prefix}{key}"
        if isinstance(value, Mapping) and value:
            lines.extend(_flatten_facts(value, f"{path}."))
        else:
            lines.append(FactLine(path, value_text(value)))
    return lines


def _examples(
    qname: str, q: CompiledQuestion, rule_by_reason: Mapping[str, str]
) -> list[ExampleEntry]:
    entries = []
    for i, (ex, source) in enumerate(q.examples, start=1):
        expect = ex.expect
        dates = tuple(
            (k, value_text(v) if v is not None else "none") for k, v in expect.dates.items()
        )
        entries.append(
            ExampleEntry(
                anchor=f"example-{qname}-{i}",
                name=ex.name,
                description=ex.description,
                as_of=ex.as_of.isoformat() if ex.as_of else None,
                policy_choices=tuple(ex.policy_choices.items()),
                facts=tuple(_flatten_facts(ex.facts)),
                outcome=expect.outcome,
                dates=dates,
                reasons=tuple(
                    ExpectedReason(code, rule_by_reason.get(code)) for code in expect.reasons
                ),
                missing_facts=tuple(expect.missing_facts),
                source=str(source),
                search=search_text(["example", ex.name, ex.description, *expect.reasons]),
            )
        )
    return entries


def _question(rs: CompiledRuleSet, qname: str, q: CompiledQuestion) -> QuestionEntry:
    provisions = rs.provisions
    rule_by_reason: dict[str, str] = {}
    for r in q.rules:
        rule_by_reason.setdefault(r.outcome.reason, f"rule-{r.id}")
    examples = _examples(qname, q, rule_by_reason)
    examples_by_reason: dict[str, list[ExampleRef]] = {}
    for ex in examples:
        for reason in ex.reasons:
            examples_by_reason.setdefault(reason.code, []).append(ExampleRef(ex.anchor, ex.name))
    outputs = q.spec.outputs
    rules = []
    for r in q.rules:
        cites = tuple(citation(pid, provisions) for pid in r.implements)
        rules.append(
            RuleEntry(
                id=r.id,
                anchor=f"rule-{r.id}",
                title=r.title,
                in_force=period_text(r.period),
                when=r.when_text,
                decision=r.outcome.decision,
                reason=r.outcome.reason,
                message=r.outcome.message,
                sets=tuple(DateSet(n, e, outputs.get(n, "")) for n, e in r.sets_text),
                cites=cites,
                confidence=r.confidence,
                notes=r.notes,
                source=str(r.source),
                examples=tuple(examples_by_reason.get(r.outcome.reason, ())),
                search=search_text(["rule", r.id, r.outcome.reason, r.title, *_cite_search(cites)]),
                check=check_entry(r.verified, provisions),
            )
        )
    definitions = []
    for d in q.definitions:
        cites = tuple(citation(pid, provisions) for pid in d.implements)
        definitions.append(
            DefinitionEntry(
                name=d.name,
                anchor=f"def-{qname}-{d.name}",
                title=d.title,
                expr=d.text,
                cites=cites,
                search=search_text(["definition", d.name, d.title, *_cite_search(cites)]),
            )
        )
    return QuestionEntry(
        name=qname,
        anchor=f"q-{qname}",
        title=q.spec.title,
        endpoint=f"POST /v1/decisions/{q.spec.slug}",
        outputs=tuple(outputs.items()),
        choices=q.choices_used,
        rules=tuple(rules),
        definitions=tuple(definitions),
        examples=tuple(examples),
    )


def _parameters(rs: CompiledRuleSet) -> list[ParameterEntry]:
    entries = []
    for name, table in sorted(rs.parameters.items()):
        spec = table.spec
        values = []
        for i, v in enumerate(spec.values):
            nxt = spec.values[i + 1].from_ if i + 1 < len(spec.values) else None
            to = nxt - timedelta(days=1) if nxt else None
            values.append(
                DatedValue(
                    value=value_text(v.value) + (f" {spec.unit}" if spec.unit else ""),
                    period=period_text(Period(from_=v.from_, to=to)),
                    cites=tuple(citation(pid, rs.provisions) for pid in v.cites),
                    note=v.note,
                    check=check_entry(v.verified, rs.provisions),
                )
            )
        all_cites = [c for dv in values for c in dv.cites]
        entries.append(
            ParameterEntry(
                name=name,
                anchor=f"param-{name}",
                title=spec.title,
                unit=spec.unit,
                description=spec.description,
                values=tuple(values),
                search=search_text(["parameter", name, spec.title, *_cite_search(all_cites)]),
            )
        )
    return entries


def _choices(rs: CompiledRuleSet) -> list[ChoiceEntry]:
    used_by: dict[str, list[str]] = {}
    for qname, q in rs.questions.items():
        for c in q.choices_used:
            used_by.setdefault(c, []).append(qname)
    entries = []
    for name, choice in sorted(rs.policy_choices.items()):
        applied = rs.policy_defaults.get(name, choice.default)
        alternatives = tuple(
            AlternativeEntry(
                name=alt,
                title=a.title,
                description=a.description,
                cites=tuple(citation(pid, rs.provisions) for pid in a.cites),
                is_default=alt == applied,
            )
            for alt, a in choice.alternatives.items()
        )
        all_cites = [c for a in alternatives for c in a.cites]
        entries.append(
            ChoiceEntry(
                name=name,
                anchor=f"choice-{name}",
                title=choice.title,
                conflict=choice.conflict,
                default=choice.default,
                version_default=applied,
                rationale=choice.rationale,
                alternatives=alternatives,
                questions=tuple(used_by.get(name, ())),
                check=check_entry(choice.verified, rs.provisions),
                search=search_text(
                    [
                        "policy choice",
                        name,
                        choice.title,
                        *choice.alternatives,
                        *_cite_search(all_cites),
                    ]
                ),
            )
        )
    return entries


def build_book(rs: CompiledRuleSet) -> Book:
    """Arrange one compiled rule-set version for reading."""
    m = rs.manifest
    cited_by: dict[str, list[str]] = {}
    for q in rs.questions.values():
        for r in q.rules:
            for pid in r.implements:
                cited_by.setdefault(pid, []).append(r.id)
    return Book(
        rule_set=rs.id,
        program=rs.info.program,
        rule_set_title=rs.info.title,
        rule_set_description=rs.info.description,
        version=m.version,
        version_title=m.title,
        status=m.status,
        in_force=period_text(m.in_force),
        content_hash=rs.content_hash,
        changes=m.changes,
        questions=tuple(_question(rs, qname, q) for qname, q in rs.questions.items()),
        parameters=tuple(_parameters(rs)),
        choices=tuple(_choices(rs)),
        provisions=tuple(
            citation(pid, rs.provisions)
            for pid in sorted(rs.provisions, key=lambda p: rs.provisions[p].provision.citation)
        ),
        cited_by={pid: tuple(ids) for pid, ids in cited_by.items()},
        param_names=frozenset(rs.parameters),
        choice_names=frozenset(rs.policy_choices),
        verification=_verification(rs),
    )


def _verification(rs: CompiledRuleSet) -> tuple[tuple[str, str, int], ...]:
    counts = tally(rs)
    return tuple(
        (verdict, VERDICT_TEXT[verdict], counts[verdict])
        for verdict in (*VERDICTS, "missing")
        if counts[verdict]
    )
