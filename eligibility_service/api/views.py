"""Read-only views of rule sets, versions and provisions, as returned by the API."""

from __future__ import annotations

from datetime import date
from typing import Any

from pydantic import BaseModel, Field

from ..rules.compiled import CompiledRuleSet
from ..rules.provisions import LocatedProvision


class PeriodView(BaseModel):
    from_: date = Field(alias="from", serialization_alias="from")
    to: date | None = None

    model_config = {"populate_by_name": True}


class VersionSummary(BaseModel):
    version: str
    status: str
    title: str
    in_force: PeriodView
    content_hash: str


class RuleSetSummary(BaseModel):
    id: str
    program: str
    title: str
    description: str
    versions: list[VersionSummary]


class ParameterValueView(BaseModel):
    from_: date = Field(serialization_alias="from")
    value: Any
    cites: list[str]
    note: str | None = None


class ParameterView(BaseModel):
    name: str
    title: str
    unit: str | None
    description: str | None
    values: list[ParameterValueView]


class AlternativeView(BaseModel):
    name: str
    title: str
    description: str
    cites: list[str]


class PolicyChoiceView(BaseModel):
    name: str
    title: str
    conflict: str
    default: str
    version_default: str
    rationale: str
    alternatives: list[AlternativeView]


class RuleView(BaseModel):
    id: str
    question: str
    title: str
    implements: list[str]
    in_force: PeriodView
    when: str
    decision: str | None
    reason_code: str
    message: str
    sets: dict[str, str]
    confidence: str | None
    notes: str | None
    source: str


class DefinitionView(BaseModel):
    name: str
    question: str
    title: str
    expr: str
    implements: list[str]


class VersionDetail(VersionSummary):
    rule_set: str
    program: str
    changes: str | None
    questions: list[str]
    parameters: list[ParameterView]
    policy_choices: list[PolicyChoiceView]
    definitions: list[DefinitionView]
    rules: list[RuleView]
    examples: int
    cites: list[str]


class ProvisionView(BaseModel):
    id: str
    citation: str
    title: str
    summary: str
    url: str
    kind: str
    catalogue: str
    in_force: PeriodView
    in_force_note: str | None
    confidence: str | None
    source: str


def _period(p: Any) -> PeriodView:
    return PeriodView(from_=p.from_, to=p.to)


def version_summary(rs: CompiledRuleSet) -> VersionSummary:
    m = rs.manifest
    return VersionSummary(
        version=m.version,
        status=m.status,
        title=m.title,
        in_force=_period(m.in_force),
        content_hash=rs.content_hash,
    )


def version_detail(rs: CompiledRuleSet) -> VersionDetail:
    summary = version_summary(rs)
    rules: list[RuleView] = []
    definitions: list[DefinitionView] = []
    examples = 0
    for qname, q in rs.questions.items():
        examples += len(q.examples)
        for d in q.definitions:
            definitions.append(
                DefinitionView(
                    name=d.name,
                    question=qname,
                    title=d.title,
                    expr=_expr_text(rs, qname, d.name),
                    implements=list(d.implements),
                )
            )
        for r in q.rules:
            rules.append(
                RuleView(
                    id=r.id,
                    question=qname,
                    title=r.title,
                    implements=list(r.implements),
                    in_force=_period(r.period),
                    when=r.when_text,
                    decision=r.outcome.decision,
                    reason_code=r.outcome.reason,
                    message=r.outcome.message,
                    sets=dict(r.sets_text),
                    confidence=r.confidence,
                    notes=r.notes,
                    source=str(r.source),
                )
            )
    return VersionDetail(
        **summary.model_dump(by_alias=False),
        rule_set=rs.id,
        program=rs.info.program,
        changes=rs.manifest.changes,
        questions=list(rs.questions),
        parameters=[
            ParameterView(
                name=name,
                title=t.spec.title,
                unit=t.spec.unit,
                description=t.spec.description,
                values=[
                    ParameterValueView(
                        from_=v.from_, value=v.value, cites=list(v.cites), note=v.note
                    )
                    for v in t.spec.values
                ],
            )
            for name, t in rs.parameters.items()
        ],
        policy_choices=[
            PolicyChoiceView(
                name=name,
                title=c.title,
                conflict=c.conflict,
                default=c.default,
                version_default=rs.policy_defaults[name],
                rationale=c.rationale,
                alternatives=[
                    AlternativeView(
                        name=alt, title=a.title, description=a.description, cites=list(a.cites)
                    )
                    for alt, a in c.alternatives.items()
                ],
            )
            for name, c in rs.policy_choices.items()
        ],
        definitions=definitions,
        rules=rules,
        examples=examples,
        cites=sorted(rs.provisions),
    )


def _expr_text(rs: CompiledRuleSet, question: str, name: str) -> str:
    for d in rs.questions[question].definitions:
        if d.name == name:
            return d.text
    return ""


def provision_view(p: LocatedProvision) -> ProvisionView:
    prov = p.provision
    return ProvisionView(
        id=prov.id,
        citation=prov.citation,
        title=prov.title,
        summary=prov.summary,
        url=prov.url,
        kind=p.kind,
        catalogue=p.catalogue,
        in_force=_period(prov.in_force),
        in_force_note=prov.in_force_note,
        confidence=prov.confidence,
        source=f"{p.file}:{p.line}" if p.line else p.file,
    )
