"""A replay report as a terminal summary, JUnit XML (for CI gates) and HTML (with charts).

JUnit: one ``<testsuite>`` per decision question whose ``tests``/``failures``/``errors``
attributes count every case; each differing case is a ``<testcase>`` with a ``<failure>``
(what changed, recorded against replayed), each case that could not be decided is one with an
``<error>``, and the matching cases are summed up in one passing ``<testcase>`` per question,
so a CI job fails exactly when some case differs.
"""

from __future__ import annotations

import json
from functools import cache
from typing import Any
from xml.etree import ElementTree as ET

from jinja2 import ChoiceLoader, Environment, PackageLoader, select_autoescape

from ..versioning.render import BarChart
from .report import ReplayReport


def terminal_summary(report: ReplayReport, top: int = 10) -> str:
    data = report.as_dict()
    t = data["totals"]
    lines = [
        f"replay {report.target.label()}",
        f"  {t['cases']} cases: {t['matched']} match, {t['differed']} differ, "
        f"{t['errors']} could not be decided",
    ]
    for question, counts in data["by_question"].items():
        lines.append(
            f"    {question}: {counts['matched']} match, {counts['differed']} differ, "
            f"{counts['errors']} errors"
        )
    for title, key in (
        ("differences by field", "differences_by_field"),
        ("differences by deciding rule", "differences_by_rule"),
        ("reason codes added (+) / removed (-)", "differences_by_reason_code"),
    ):
        if data[key]:
            lines.append(f"  {title}:")
            lines.extend(f"    {row['count']:>7}  {row['key']}" for row in data[key][:top])
    for d in data["differences"][:top]:
        changes = "; ".join(
            f"{f['field']}: {_short(f['recorded'])} -> {_short(f['replayed'])}" for f in d["fields"]
        )
        lines.append(f"  differs {d['case_id']} ({d['question']}): {changes}")
    for e in data["errors"][:top]:
        lines.append(f"  error {e['case_id']} ({e['question']}): {e['field']}: {e['message']}")
    lines.append("PASSED: every case matches" if report.passed else "FAILED: decisions differ")
    return "\n".join(lines) + "\n"


def _short(value: Any) -> str:
    if isinstance(value, list):
        return "[" + ", ".join(str(v) for v in value) + "]"
    return str(value)


def junit_xml(report: ReplayReport) -> bytes:
    data = report.as_dict()
    root = ET.Element(
        "testsuites",
        name=f"replay {report.target.label()}",
        tests=str(report.cases),
        failures=str(report.differed),
        errors=str(report.errors),
    )
    details_by_question: dict[str, list[dict[str, Any]]] = {}
    for d in data["differences"]:
        details_by_question.setdefault(d["question"], []).append(d)
    errors_by_question: dict[str, list[dict[str, Any]]] = {}
    for e in data["errors"]:
        errors_by_question.setdefault(e["question"], []).append(e)
    for question, counts in data["by_question"].items():
        total = counts["matched"] + counts["differed"] + counts["errors"]
        suite = ET.SubElement(
            root,
            "testsuite",
            name=question,
            tests=str(total),
            failures=str(counts["differed"]),
            errors=str(counts["errors"]),
            skipped="0",
        )
        if counts["matched"]:
            ET.SubElement(
                suite,
                "testcase",
                classname=question,
                name=f"{counts['matched']} cases match their recorded decisions",
            )
        shown = details_by_question.get(question, [])
        for d in shown:
            case = ET.SubElement(suite, "testcase", classname=question, name=d["case_id"])
            message = "; ".join(
                f"{f['field']}: recorded {_short(f['recorded'])}, replayed {_short(f['replayed'])}"
                for f in d["fields"]
            )
            failure = ET.SubElement(case, "failure", message=message, type="DecisionChanged")
            failure.text = json.dumps(
                {k: d[k] for k in ("recorded", "replayed", "deciding_rules")}, indent=2
            )
        hidden = counts["differed"] - len(shown)
        if hidden > 0:
            case = ET.SubElement(
                suite, "testcase", classname=question, name=f"{hidden} more differing cases"
            )
            ET.SubElement(
                case,
                "failure",
                message=f"{hidden} more cases differ (details kept for the first "
                f"{report.max_detailed})",
                type="DecisionChanged",
            )
        for e in errors_by_question.get(question, []):
            case = ET.SubElement(suite, "testcase", classname=question, name=e["case_id"])
            ET.SubElement(case, "error", message=f"{e['field']}: {e['message']}", type="NotDecided")
    ET.indent(root)
    out: bytes = ET.tostring(root, encoding="utf-8", xml_declaration=True)
    return out + b"\n"


@cache
def _env() -> Environment:
    env = Environment(
        loader=ChoiceLoader(
            [
                PackageLoader("eligibility_service.replay", "templates"),
                PackageLoader("eligibility_service.versioning", "templates"),
            ]
        ),
        autoescape=select_autoescape(enabled_extensions=("html", "j2"), default=True),
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["show"] = lambda v: (
        "null" if v is None else ("\n".join(map(str, v)) if isinstance(v, list) else str(v))
    )
    return env


def html_report(report: ReplayReport) -> str:
    data = report.as_dict()
    t = data["totals"]
    charts = [
        BarChart.build(
            "Cases",
            [
                ("match", t["matched"], "add"),
                ("differ", t["differed"], "remove"),
                ("not decided", t["errors"], "neutral"),
            ],
        )
    ]
    if data["differences_by_field"]:
        charts.append(
            BarChart.build(
                "Differences by field",
                [(r["key"], r["count"], "neutral") for r in data["differences_by_field"][:20]],
            )
        )
    if data["differences_by_rule"]:
        charts.append(
            BarChart.build(
                "Differences by the rule that decided the new outcome",
                [(r["key"], r["count"], "neutral") for r in data["differences_by_rule"][:20]],
            )
        )
    if data["differences_by_reason_code"]:
        charts.append(
            BarChart.build(
                "Reason codes added (+) and removed (-)",
                [
                    (r["key"], r["count"], "add" if r["key"].startswith("+") else "remove")
                    for r in data["differences_by_reason_code"][:20]
                ],
            )
        )
    return (
        _env()
        .get_template("replay.html.j2")
        .render(
            r=report, d=data, charts=charts, dumps=lambda v: json.dumps(v, indent=2, default=str)
        )
    )
