"""Diff and impact reports as text (terminals, CI logs), JSON (programs) and HTML (staff).

The HTML is one self-contained page: inline CSS, charts as inline SVG, no scripts, fonts or
other external assets, so it can be mailed or attached to a change request as it is. Jinja2
autoescapes everything that comes from rule files.
"""

from __future__ import annotations

import json
import textwrap
from dataclasses import dataclass
from datetime import date
from functools import cache
from itertools import zip_longest
from typing import Any

from jinja2 import Environment, PackageLoader, select_autoescape

from .diff import KIND_TITLES, KINDS, ItemChange, VersionDiff, VersionRef
from .impact import ImpactReport

WIDTH = 124
FIELD_WIDTH = 34
_MARK = {"added": "+", "removed": "-", "changed": "~"}


# -- values -------------------------------------------------------------------------------------


def _words(value: Any, field: str) -> str | None:
    """Structures that read better in words: parameter values, periods, lists of ids."""
    if field.startswith("value from ") and isinstance(value, dict):
        text = f"{show(value.get('value'))}  (cites {', '.join(value.get('cites') or [])})"
        return text + (f"  note: {show(value['note'])}" if value.get("note") else "")
    if isinstance(value, list) and all(isinstance(v, str) for v in value):
        return ", ".join(value) if value else "(none)"
    if isinstance(value, dict) and "from" in value and set(value) <= {"from", "to"}:
        return f"from {value.get('from')}" + (f" to {value['to']}" if value.get("to") else "")
    return None


def show(value: Any, field: str = "") -> str:
    """A field value on one line: words where they read better, else compact JSON."""
    if value is None:
        return "(none)"
    if isinstance(value, str):
        return " ".join(value.split())
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, date):
        return value.isoformat()
    words = _words(value, field)
    if words is not None:
        return words
    return json.dumps(
        value, ensure_ascii=False, sort_keys=True, separators=(", ", ": "), default=str
    )


def _ref(ref: VersionRef) -> str:
    period = f"in force from {ref.in_force_from}" + (
        f" to {ref.in_force_to}" if ref.in_force_to else ""
    )
    return f"{ref.version} ({ref.status}, {period}, {ref.content_hash[:19]}…)"


def _columns(label: str, left: str, right: str, indent: int = 6) -> list[str]:
    side = (WIDTH - indent - FIELD_WIDTH - 3) // 2
    lcol = textwrap.wrap(left, side) or [""]
    rcol = textwrap.wrap(right, side) or [""]
    lab = textwrap.wrap(label, FIELD_WIDTH - 1) or [""]
    out = []
    for f, x, y in zip_longest(lab, lcol, rcol, fillvalue=""):
        out.append(f"{' ' * indent}{f:<{FIELD_WIDTH}}{x:<{side}} | {y}".rstrip())
    return out


# -- diff -----------------------------------------------------------------------------------------


def diff_text(d: VersionDiff) -> str:
    lines = [
        f"Rule set {d.rule_set}: {_ref(d.from_version)}",
        f"{' ' * (len(d.rule_set) + 8)} -> {_ref(d.to_version)}",
        "",
    ]
    if not d.changes:
        lines.append("No differences.")
        return "\n".join(lines) + "\n"
    summary = [
        f"{KIND_TITLES[k].split(' (')[0].lower()}: "
        + ", ".join(f"{n} {what}" for what, n in c.model_dump().items() if n)
        for k in KINDS
        if (c := d.summary.get(k))
    ]
    lines.append("Summary: " + "; ".join(summary))
    lines.append(
        f"{d.content_changes} change(s) besides the version's own metadata."
        if d.content_changes
        else "Only the version's own metadata differs: both versions decide alike."
    )
    for kind in KINDS:
        items = [c for c in d.changes if c.kind == kind]
        if not items:
            continue
        lines += ["", KIND_TITLES[kind].upper()]
        for item in items:
            lines.extend(_item_text(item, d))
    return "\n".join(lines) + "\n"


def _item_text(c: ItemChange, d: VersionDiff) -> list[str]:
    title = f" — {c.title}" if c.title and c.title not in c.key else ""
    out = [f"  {_MARK[c.change]} {c.key}{title}  [{c.change}]"]
    where = [s for s in (c.source_before, c.source_after) if s]
    if c.source_before and c.source_after and c.source_before != c.source_after:
        out.append(f"      at {c.source_before} | {c.source_after}")
    elif where:
        out.append(f"      at {where[0]}")
    if c.change == "changed" or c.kind not in ("example", "citation", "question"):
        out += _columns("", f"{d.from_version.version}:", f"{d.to_version.version}:")
        for f in c.fields:
            out += _columns(f.field, show(f.before, f.field), show(f.after, f.field))
    return out


def diff_json(d: VersionDiff) -> str:
    return d.model_dump_json(indent=2) + "\n"


# -- impact ---------------------------------------------------------------------------------------


def impact_text(r: ImpactReport) -> str:
    share = f" ({100 * r.changed / r.evaluated:.1f}%)" if r.evaluated else ""
    lines = [
        f"Impact of rule set {r.rule_set} {r.from_version.version} -> {r.to_version.version} "
        f"on {r.cases_file}",
        f"  from: {_ref(r.from_version)}",
        f"  to:   {_ref(r.to_version)}",
        f"  cases: {r.cases_read} read, {r.evaluated} decided by both versions, "
        f"{r.errors} could not be decided",
        f"  decisions that change: {r.changed}{share}; unchanged: {r.unchanged}",
    ]
    lines += [f"    {c.count:>6}  {c.label}" for c in r.by_kind if c.count]
    if len(r.by_question) > 1:
        for q, counts in r.by_question.items():
            lines.append(f"    {q}: {counts.changed} of {counts.evaluated} change")
    for e in r.error_samples:
        lines.append(f"  line {e.line}: {e.field}: {e.message}")
    if r.outcome_changes:
        lines += ["", "OUTCOME CHANGES (cases)"]
        lines += [f"  {c.count:>6}  {c.label}" for c in r.outcome_changes]
    if r.date_changes:
        lines += ["", "DATE CHANGES (cases, date: rules that set it, with cases)"]
        for dc in r.date_changes:
            by = ", ".join(f"{s.label} {s.count}" for s in dc.set_by)
            lines.append(f"  {dc.count:>6}  {dc.date}: {by}")
    if r.rule_changes:
        lines += [
            "",
            "RULES AND REASON CODES (cases; + applies under the new version only, - old only)",
        ]
        for rc in r.rule_changes:
            mark = "+" if rc.change == "appears" else "-"
            lines.append(f"  {rc.count:>6}  {mark} {rc.rule_id} ({rc.reason_code})")
    if r.examples:
        lines += ["", f"EXAMPLES OF CHANGED CASES (up to {len(r.examples)})"]
        for ex in r.examples:
            name = f" id {ex.case_id}" if ex.case_id else ""
            lines.append(f"  line {ex.line}{name}: {ex.question}, as of {ex.as_of}")
            lines += _columns("outcome", ex.outcome_before, ex.outcome_after)
            for dch in ex.dates:
                lines += _columns(dch.field, show(dch.before), show(dch.after))
            marked = [f"- {x}" for x in ex.reasons_removed] + [f"+ {x}" for x in ex.reasons_added]
            for i, text in enumerate(marked):
                lines.append(f"      {'rules' if i == 0 else '':<{FIELD_WIDTH}}{text}")
    return "\n".join(lines) + "\n"


def impact_json(r: ImpactReport) -> str:
    return r.model_dump_json(indent=2) + "\n"


# -- HTML -----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Bar:
    label: str
    count: int
    y: int
    width: float
    tone: str  # CSS class: add, remove, neutral


@dataclass(frozen=True)
class BarChart:
    """Horizontal bars, laid out here so the template only draws them."""

    title: str
    bars: tuple[Bar, ...]
    label_width: int
    bar_area: int
    height: int
    row: int = 26

    @classmethod
    def build(cls, title: str, rows: list[tuple[str, int, str]], bar_area: int = 360) -> BarChart:
        top = max((n for _, n, _ in rows), default=1) or 1
        # about 8.5 px a character at 13 px (codes are capitals); the SVG scales to the page
        label_width = int(max((len(label) for label, _, _ in rows), default=10) * 8.5) + 16
        bars = tuple(
            Bar(label, n, 8 + i * 26, max(1.0, bar_area * n / top), tone)
            for i, (label, n, tone) in enumerate(rows)
        )
        return cls(title, bars, label_width, bar_area, 16 + 26 * len(rows))


@cache
def _env() -> Environment:
    env = Environment(
        loader=PackageLoader("eligibility_service.versioning", "templates"),
        autoescape=select_autoescape(enabled_extensions=("html", "j2"), default=True),
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["show"] = show
    env.filters["pretty"] = _pretty
    return env


def _pretty(value: Any, field: str = "") -> str:
    """Like :func:`show`, but other structures (facts, expectations) indented, for HTML."""
    if isinstance(value, dict | list) and _words(value, field) is None:
        return json.dumps(value, ensure_ascii=False, indent=2, sort_keys=True, default=str)
    return show(value, field)


def diff_html(d: VersionDiff) -> str:
    sections = [(KIND_TITLES[k], [c for c in d.changes if c.kind == k]) for k in KINDS]
    return (
        _env()
        .get_template("diff.html.j2")
        .render(d=d, sections=[s for s in sections if s[1]], kinds=KINDS, titles=KIND_TITLES)
    )


def impact_html(r: ImpactReport) -> str:
    kinds = [(c.label, c.count, "neutral") for c in r.by_kind]
    dates = [(dc.date, dc.count, "neutral") for dc in r.date_changes]
    rules = [
        (
            f"{'+' if rc.change == 'appears' else '-'} {rc.rule_id} ({rc.reason_code})",
            rc.count,
            "add" if rc.change == "appears" else "remove",
        )
        for rc in r.rule_changes
    ]
    charts = [
        BarChart.build("Changed cases, by the biggest change", kinds) if r.changed else None,
        BarChart.build("Rules and reason codes that appear (+) or disappear (-)", rules)
        if rules
        else None,
        BarChart.build("Dates that change (cases)", dates) if dates else None,
    ]
    return (
        _env()
        .get_template("impact.html.j2")
        .render(r=r, charts=[c for c in charts if c is not None])
    )
