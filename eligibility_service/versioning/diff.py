"""Semantic diff of two versions of a rule set: what an analyst changed, not which lines moved.

Both versions are compared as compiled (the loader has already resolved modules, shared or
copied), item by item — rules by id, parameters and policy choices by name, definitions by
question and name, citations by provision id, worked examples by question and name — and
field by field. A rule that only moved to another file is not a change; a parameter with a
new dated value is, with the value on each side.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import Any, Literal

from pydantic import BaseModel, Field

from ..rules.compiled import CompiledRuleSet

Kind = Literal[
    "version", "question", "parameter", "policy_choice", "rule", "definition", "citation", "example"
]
KINDS: tuple[Kind, ...] = (
    "version",
    "question",
    "parameter",
    "policy_choice",
    "rule",
    "definition",
    "citation",
    "example",
)
KIND_TITLES: dict[str, str] = {
    "version": "Version",
    "question": "Decision questions",
    "parameter": "Parameters",
    "policy_choice": "Policy choices",
    "rule": "Rules",
    "definition": "Definitions",
    "citation": "Citations (provisions cited)",
    "example": "Worked examples",
}
Change = Literal["added", "removed", "changed"]


class FieldChange(BaseModel):
    field: str
    before: Any = Field(None, description="Value in the 'from' version; null if absent.")
    after: Any = Field(None, description="Value in the 'to' version; null if absent.")


class ItemChange(BaseModel):
    kind: Kind
    key: str = Field(description="Rule id, parameter or choice name, provision id, ...")
    change: Change
    title: str
    question: str | None = None
    source_before: str | None = Field(None, description="file:line in the 'from' version")
    source_after: str | None = Field(None, description="file:line in the 'to' version")
    fields: list[FieldChange]


class VersionRef(BaseModel):
    version: str
    status: str
    title: str
    in_force_from: date
    in_force_to: date | None
    content_hash: str


class ChangeCounts(BaseModel):
    added: int = 0
    removed: int = 0
    changed: int = 0


class VersionDiff(BaseModel):
    """Every rule, parameter, policy choice, citation ... added, removed or changed."""

    rule_set: str
    from_version: VersionRef
    to_version: VersionRef
    content_changes: int = Field(
        description="Changes other than the version's own metadata (status, dates, title)."
    )
    summary: dict[str, ChangeCounts] = Field(description="Counts per kind of item.")
    changes: list[ItemChange]


class _Item(BaseModel):
    title: str
    question: str | None = None
    source: str | None = None
    fields: dict[str, Any]


def _json(value: Any) -> Any:
    if isinstance(value, BaseModel):
        return _json(value.model_dump(mode="json", by_alias=True))
    if isinstance(value, dict):
        return {str(k): _json(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_json(v) for v in value]
    if isinstance(value, date):
        return value.isoformat()
    return value


def version_ref(rs: CompiledRuleSet) -> VersionRef:
    m = rs.manifest
    return VersionRef(
        version=m.version,
        status=m.status,
        title=m.title,
        in_force_from=m.in_force.from_,
        in_force_to=m.in_force.to,
        content_hash=rs.content_hash,
    )


def _items(rs: CompiledRuleSet) -> dict[tuple[Kind, str], _Item]:
    """Every comparable item of a version, keyed by (kind, key), with JSON-ready fields."""
    items: dict[tuple[Kind, str], _Item] = {}
    m = rs.manifest
    items[("version", "manifest")] = _Item(
        title=m.title,
        source=f"{rs.folder}/version.yaml",
        fields={
            "status": m.status,
            "title": m.title,
            "in_force": _json(m.in_force),
            "changes": m.changes,
        },
    )
    for name, table in rs.parameters.items():
        spec = table.spec
        fields: dict[str, Any] = {
            "title": spec.title,
            "unit": spec.unit,
            "description": spec.description,
        }
        for v in spec.values:
            fields[f"value from {v.from_.isoformat()}"] = {
                "value": _json(v.value),
                "cites": list(v.cites),
                "note": v.note,
            }
        items[("parameter", name)] = _Item(
            title=spec.title, source=str(table.source), fields=fields
        )
    for name, choice in rs.policy_choices.items():
        fields = {
            "title": choice.title,
            "default (rule file)": choice.default,
            "default in this version": rs.policy_defaults.get(name, choice.default),
            "conflict": choice.conflict,
            "rationale": choice.rationale,
        }
        for alt, a in choice.alternatives.items():
            fields[f"alternative {alt}"] = _json(a)
        items[("policy_choice", name)] = _Item(title=choice.title, fields=fields)
    for qname, q in rs.questions.items():
        items[("question", qname)] = _Item(
            title=q.spec.title, question=qname, fields={"title": q.spec.title}
        )
        for r in q.rules:
            items[("rule", r.id)] = _Item(
                title=r.title,
                question=qname,
                source=str(r.source),
                fields={
                    "title": r.title,
                    "question": qname,
                    "module": r.module,
                    "implements": list(r.implements),
                    "in_force": _json(r.period),
                    "when": r.when_text,
                    "decision": r.outcome.decision,
                    "reason_code": r.outcome.reason,
                    "message": r.outcome.message,
                    "sets": dict(r.sets_text),
                    "confidence": r.confidence,
                    "notes": r.notes,
                },
            )
        for d in q.definitions:
            items[("definition", f"{qname}.{d.name}")] = _Item(
                title=d.title,
                question=qname,
                source=str(d.source),
                fields={"title": d.title, "expr": d.text, "implements": list(d.implements)},
            )
        seen: dict[str, int] = {}
        for ex, src in q.examples:
            seen[ex.name] = seen.get(ex.name, 0) + 1
            key = f"{qname}: {ex.name}" + (f" #{seen[ex.name]}" if seen[ex.name] > 1 else "")
            items[("example", key)] = _Item(
                title=ex.name,
                question=qname,
                source=str(src),
                fields={
                    "description": ex.description,
                    "as_of": _json(ex.as_of),
                    "policy_choices": dict(ex.policy_choices),
                    "facts": _json(ex.facts),
                    "expect": _json(ex.expect),
                },
            )
    for pid, located in rs.provisions.items():
        p = located.provision
        items[("citation", pid)] = _Item(
            title=p.citation,
            source=f"{located.file}:{located.line}" if located.line else located.file,
            fields=_json(p.model_dump(mode="json", by_alias=True, exclude={"id"})),
        )
    return items


def _field_changes(before: dict[str, Any], after: dict[str, Any]) -> list[FieldChange]:
    names = list(before) + [k for k in after if k not in before]
    return [
        FieldChange(field=n, before=before.get(n), after=after.get(n))
        for n in names
        if before.get(n) != after.get(n)
    ]


def diff_versions(a: CompiledRuleSet, b: CompiledRuleSet) -> VersionDiff:
    """What changes from version ``a`` to version ``b`` (usually of the same rule set)."""
    left, right = _items(a), _items(b)
    order = {k: i for i, k in enumerate(KINDS)}
    keys = sorted(set(left) | set(right), key=lambda k: (order[k[0]], k[1]))
    changes: list[ItemChange] = []
    for kind, key in keys:
        old, new = left.get((kind, key)), right.get((kind, key))
        if old is not None and new is not None:
            fields = _field_changes(old.fields, new.fields)
            if not fields:
                continue
            change: Change = "changed"
        elif new is not None:
            fields, change = _field_changes({}, new.fields), "added"
        else:
            assert old is not None
            fields, change = _field_changes(old.fields, {}), "removed"
        shown = new or old
        assert shown is not None
        changes.append(
            ItemChange(
                kind=kind,
                key=key,
                change=change,
                title=shown.title,
                question=shown.question,
                source_before=old.source if old else None,
                source_after=new.source if new else None,
                fields=fields,
            )
        )
    return VersionDiff(
        rule_set=b.id if a.id == b.id else f"{a.id} -> {b.id}",
        from_version=version_ref(a),
        to_version=version_ref(b),
        content_changes=sum(1 for c in changes if c.kind != "version"),
        summary=_summary(changes),
        changes=changes,
    )


def _summary(changes: Iterable[ItemChange]) -> dict[str, ChangeCounts]:
    counts: dict[str, ChangeCounts] = {}
    for c in changes:
        entry = counts.setdefault(c.kind, ChangeCounts())
        setattr(entry, c.change, getattr(entry, c.change) + 1)
    return counts
