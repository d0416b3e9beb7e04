"""Impact of a new version before it is published: which decisions on a set of cases change.

Every case is decided twice, by version A and by version B, pinned through
``options.rule_set_version`` with everything else (as-of date, policy choices) the same, and
the two answers are compared: the outcome, each date, and which rules (with their reason
codes) applied. Cases are read one line at a time and only counts and a few examples are
kept, so a case file may be as large as the stored cases of a year.

Case files are JSON Lines: one API request body per line, plus an optional ``question``
(name or endpoint slug; default ``new_hire_enrollment``) and an optional ``id`` to name the
case in the report. Reports name cases by line and id only, never by their facts.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from pydantic import BaseModel, Field, ValidationError

from ..decisions.questions import QUESTIONS
from ..decisions.requests import request_model
from ..decisions.service import DecisionInputError, DecisionService
from ..rules.compiled import CompiledRuleSet
from ..rules.question import QuestionSpec
from ..rules.registry import Registry
from .diff import FieldChange, VersionRef, version_ref

DEFAULT_QUESTION = "new_hire_enrollment"
MAX_EXAMPLES = 12
MAX_ERRORS = 20
OUTCOME = "the outcome changes"
DATES = "a date changes, not the outcome"
REASONS = "only the reasons change"


class CaseError(BaseModel):
    line: int
    field: str
    message: str


class Count(BaseModel):
    label: str
    count: int


class RuleChange(BaseModel):
    rule_id: str
    reason_code: str
    title: str
    change: str = Field(description="'appears' (applies under B only) or 'disappears' (A only)")
    count: int


class DateChange(BaseModel):
    date: str
    count: int
    set_by: list[Count] = Field(description="Rules that set the date in B (else A), by count.")


class ChangedCase(BaseModel):
    line: int
    case_id: str | None
    question: str
    as_of: date
    outcome_before: str
    outcome_after: str
    dates: list[FieldChange]
    reasons_added: list[str]
    reasons_removed: list[str]


class QuestionCounts(BaseModel):
    evaluated: int = 0
    changed: int = 0


class ImpactReport(BaseModel):
    rule_set: str
    from_version: VersionRef
    to_version: VersionRef
    cases_file: str
    cases_read: int
    evaluated: int
    changed: int
    unchanged: int
    by_kind: list[Count] = Field(
        description="Changed cases by the biggest change: the outcome, else a date, else only "
        "the rules (reasons) behind the same outcome and dates."
    )
    errors: int
    error_samples: list[CaseError]
    by_question: dict[str, QuestionCounts]
    outcome_changes: list[Count]
    date_changes: list[DateChange]
    rule_changes: list[RuleChange]
    examples: list[ChangedCase]


@dataclass(frozen=True)
class Case:
    line: int
    case_id: str | None
    question: QuestionSpec
    request: Any  # the question's request model


@dataclass
class _Tally:
    read: int = 0
    evaluated: int = 0
    changed: int = 0
    errors: list[CaseError] = field(default_factory=list)
    error_count: int = 0
    by_question: dict[str, QuestionCounts] = field(default_factory=dict)
    kinds: Counter[str] = field(default_factory=Counter)
    outcomes: Counter[tuple[str, str]] = field(default_factory=Counter)
    dates: Counter[str] = field(default_factory=Counter)
    date_rules: dict[str, Counter[str]] = field(default_factory=dict)
    rules: Counter[tuple[str, str, str]] = field(default_factory=Counter)  # (id, code, change)
    examples: list[ChangedCase] = field(default_factory=list)
    shown: Counter[tuple[Any, ...]] = field(default_factory=Counter)  # examples per kind

    def error(self, line: int, where: str, message: str) -> None:
        self.error_count += 1
        if len(self.errors) < MAX_ERRORS:
            self.errors.append(CaseError(line=line, field=where, message=message))


_BY_SLUG = {q.slug: q for q in QUESTIONS.values()}


def read_cases(lines: Iterable[str]) -> Iterator[Case | CaseError]:
    """Parse JSON Lines lazily; a bad line yields a :class:`CaseError` (no submitted values)."""
    for number, text in enumerate(lines, start=1):
        if not text.strip():
            continue
        try:
            raw = json.loads(text)
        except json.JSONDecodeError as exc:
            yield CaseError(line=number, field="(line)", message=f"invalid JSON: {exc.msg}")
            continue
        if not isinstance(raw, dict):
            yield CaseError(line=number, field="(line)", message="expected a JSON object")
            continue
        qname = raw.pop("question", DEFAULT_QUESTION)
        case_id = raw.pop("id", None)
        spec = (QUESTIONS.get(qname) or _BY_SLUG.get(qname)) if isinstance(qname, str) else None
        if spec is None:
            yield CaseError(line=number, field="question", message="unknown decision question")
            continue
        try:
            request = request_model(spec).model_validate(raw)
        except ValidationError as exc:
            first = exc.errors()[0]
            where = ".".join(str(p) for p in first["loc"]) or "(line)"
            yield CaseError(line=number, field=where, message=str(first["msg"]))
            continue
        yield Case(number, str(case_id) if case_id is not None else None, spec, request)


def _reasons(decision: dict[str, Any]) -> dict[str, str]:
    return {r["rule_id"]: r["reason_code"] for r in decision["reasons"]}


def _label(rule_id: str, code: str) -> str:
    return f"{rule_id} ({code})"


def assess(
    registry: Registry,
    rule_set_id: str,
    version_a: str,
    version_b: str,
    lines: Iterable[str],
    cases_file: str,
) -> ImpactReport:
    """Decide every case under both versions and tally what changes."""
    a = registry.get(rule_set_id, version_a)
    b = registry.get(rule_set_id, version_b)
    service = DecisionService(registry)
    tally = _Tally()
    for item in read_cases(lines):
        tally.read += 1
        if isinstance(item, CaseError):
            tally.error(item.line, item.field, item.message)
            continue
        request = item.request
        if request.program != a.info.program or rule_set_id != request.program:
            tally.error(item.line, "program", f"case is not for rule set {rule_set_id!r}")
            continue
        facts = request.facts.model_dump()
        try:
            answers = [
                service.decide(
                    item.question.name,
                    request.program,
                    facts,
                    request.options.model_copy(update={"rule_set_version": v, "trace": False}),
                )
                for v in (version_a, version_b)
            ]
        except DecisionInputError as exc:
            tally.error(item.line, exc.field, str(exc))
            continue
        _compare(tally, item, answers[0], answers[1], a, b)
    return _report(tally, rule_set_id, a, b, cases_file)


def _compare(
    tally: _Tally,
    case: Case,
    before: dict[str, Any],
    after: dict[str, Any],
    a: CompiledRuleSet,
    b: CompiledRuleSet,
) -> None:
    tally.evaluated += 1
    q = tally.by_question.setdefault(case.question.name, QuestionCounts())
    q.evaluated += 1
    dates = [
        FieldChange(
            field=name, before=_iso(before["dates"].get(name)), after=_iso(after["dates"].get(name))
        )
        for name in dict.fromkeys([*before["dates"], *after["dates"]])
        if before["dates"].get(name) != after["dates"].get(name)
    ]
    ra, rb = _reasons(before), _reasons(after)
    added = {r: c for r, c in rb.items() if r not in ra or ra[r] != c}
    removed = {r: c for r, c in ra.items() if r not in rb or rb[r] != c}
    outcome_changed = before["outcome"] != after["outcome"]
    if not (dates or added or removed or outcome_changed):
        return
    tally.changed += 1
    q.changed += 1
    if outcome_changed:
        tally.outcomes[(before["outcome"], after["outcome"])] += 1
        tally.kinds[OUTCOME] += 1
    else:
        tally.kinds[DATES if dates else REASONS] += 1
    for rule_id, code in added.items():
        tally.rules[(rule_id, code, "appears")] += 1
    for rule_id, code in removed.items():
        tally.rules[(rule_id, code, "disappears")] += 1
    for change in dates:
        tally.dates[change.field] += 1
        setters = _setters(b, case.question.name, rb, change.field) or _setters(
            a, case.question.name, ra, change.field
        )
        tally.date_rules.setdefault(change.field, Counter()).update(setters or ["(no rule)"])
    # examples: at most two of each kind of change, so rarer kinds are shown too
    kind = (
        (before["outcome"], after["outcome"]),
        tuple(d.field for d in dates),
        tuple(sorted(added)),
        tuple(sorted(removed)),
    )
    tally.shown[kind] += 1
    if len(tally.examples) < MAX_EXAMPLES and tally.shown[kind] <= 2:
        tally.examples.append(
            ChangedCase(
                line=case.line,
                case_id=case.case_id,
                question=case.question.name,
                as_of=before["as_of"],
                outcome_before=before["outcome"],
                outcome_after=after["outcome"],
                dates=dates,
                reasons_added=[_label(r, c) for r, c in added.items()],
                reasons_removed=[_label(r, c) for r, c in removed.items()],
            )
        )


def _iso(value: Any) -> Any:
    return value.isoformat() if isinstance(value, date) else value


def _setters(rs: CompiledRuleSet, question: str, applied: dict[str, str], name: str) -> list[str]:
    return [
        r.id
        for r in rs.questions[question].rules
        if r.id in applied and any(out == name for out, _ in r.sets)
    ]


def _report(
    tally: _Tally, rule_set_id: str, a: CompiledRuleSet, b: CompiledRuleSet, cases_file: str
) -> ImpactReport:
    titles = {r.id: r.title for rs in (a, b) for q in rs.questions.values() for r in q.rules}
    return ImpactReport(
        rule_set=rule_set_id,
        from_version=version_ref(a),
        to_version=version_ref(b),
        cases_file=cases_file,
        cases_read=tally.read,
        evaluated=tally.evaluated,
        changed=tally.changed,
        unchanged=tally.evaluated - tally.changed,
        by_kind=[Count(label=k, count=tally.kinds[k]) for k in (OUTCOME, DATES, REASONS)],
        errors=tally.error_count,
        error_samples=tally.errors,
        by_question=dict(sorted(tally.by_question.items())),
        outcome_changes=[
            Count(label=f"{x} -> {y}", count=n) for (x, y), n in tally.outcomes.most_common()
        ],
        date_changes=[
            DateChange(
                date=name,
                count=n,
                set_by=[Count(label=r, count=c) for r, c in tally.date_rules[name].most_common()],
            )
            for name, n in tally.dates.most_common()
        ],
        rule_changes=[
            RuleChange(
                rule_id=rid, reason_code=code, title=titles.get(rid, ""), change=change, count=n
            )
            for (rid, code, change), n in sorted(
                tally.rules.items(), key=lambda kv: (-kv[1], kv[0][2], kv[0][0])
            )
        ],
        examples=tally.examples,
    )
