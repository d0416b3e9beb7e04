"""Exception reports: one row per discrepancy, for staff (CSV), systems (JSON) and people
(HTML with counts by category, severity and plan as charts).

Values that are PHI (SSNs, birth dates, names) are masked by field name before anything is
written (:mod:`eligibility_service.phi`); each row carries the discrepancy's stable id, when
it was first seen and how many files have shown it.
"""

from __future__ import annotations

import csv
import io
import json
from collections import Counter
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date
from functools import cache
from typing import Any

from jinja2 import ChoiceLoader, Environment, PackageLoader, select_autoescape

from ..phi import masker_for
from ..versioning.render import BarChart
from .discrepancy import CATEGORIES, Discrepancy
from .history import Seen

COLUMNS = (
    "id", "source", "plan", "category", "category_title", "severity", "correct_side",
    "contract_id", "member_id", "relationship", "field", "etf_value", "other_value", "line",
    "first_seen", "times_seen", "message", "provisions", "citations",
)  # fmt: skip


def _masked(value: str, field_name: str) -> str:
    # Fields may be dotted (``HLT.effective_date``, ``etf.ssn``): the last part decides.
    masker = masker_for(field_name.rsplit(".", 1)[-1]) if value else None
    return masker(value) if masker is not None else value


@dataclass
class ExceptionReport:
    source: str  # ffc | monthly
    plan: str
    as_of: date
    input_name: str
    discrepancies: Sequence[Discrepancy]
    citations: dict[str, str]  # provision id -> citation text
    history: dict[str, Seen] = field(default_factory=dict)
    run_id: str = ""
    stats: dict[str, Any] = field(default_factory=dict)  # members read, contracts, timings
    # Compared although the file is incomplete (allow_partial): what it holds only, no
    # missing_at_plan, and not recorded in the exception history.
    partial: bool = False

    def rows(self) -> Iterator[dict[str, Any]]:
        for d in self.discrepancies:
            seen = self.history.get(d.id)
            row = d.as_dict()
            row["etf_value"] = _masked(d.etf_value, d.field)
            row["other_value"] = _masked(d.other_value, d.field)
            row["first_seen"] = seen.first_seen.isoformat() if seen else self.as_of.isoformat()
            row["times_seen"] = seen.times_seen if seen else 1
            row["citations"] = [self.citations.get(p, p) for p in d.provisions]
            yield row

    def counts(self) -> dict[str, Any]:
        ds = self.discrepancies
        return {
            "total": len(ds),
            "by_category": dict(Counter(d.category for d in ds).most_common()),
            "by_severity": dict(Counter(d.severity for d in ds).most_common()),
            "by_correct_side": dict(Counter(d.correct_side for d in ds).most_common()),
            "by_plan": dict(Counter(d.plan for d in ds).most_common()),
            "repeats": sum(1 for d in ds if (s := self.history.get(d.id)) and s.times_seen > 1),
        }

    def as_dict(self) -> dict[str, Any]:
        return {
            "source": self.source,
            "plan": self.plan,
            "as_of": self.as_of.isoformat(),
            "input": self.input_name,
            "run_id": self.run_id,
            "partial": self.partial,
            "stats": self.stats,
            "counts": self.counts(),
            "exceptions": list(self.rows()),
        }


def to_json(report: ExceptionReport) -> bytes:
    return json.dumps(report.as_dict(), indent=2, default=str).encode()


def csv_lines(report: ExceptionReport) -> Iterator[str]:
    """The CSV, a line at a time (streamed by the API)."""
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, COLUMNS, extrasaction="ignore")
    writer.writeheader()
    yield buffer.getvalue()
    for row in report.rows():
        buffer.seek(0)
        buffer.truncate()
        writer.writerow(
            {
                **row,
                "provisions": ";".join(row["provisions"]),
                "citations": "; ".join(row["citations"]),
            }
        )
        yield buffer.getvalue()


def to_csv(report: ExceptionReport) -> str:
    return "".join(csv_lines(report))


@cache
def _env() -> Environment:
    return Environment(
        loader=ChoiceLoader(
            [
                PackageLoader("eligibility_service.reconciliation", "templates"),
                PackageLoader("eligibility_service.versioning", "templates"),
            ]
        ),
        autoescape=select_autoescape(enabled_extensions=("html", "j2"), default=True),
        trim_blocks=True,
        lstrip_blocks=True,
    )


def to_html(report: ExceptionReport, max_rows: int = 2000) -> str:
    counts = report.counts()
    tone = {"error": "remove", "warning": "neutral", "info": "add"}
    charts = [
        BarChart.build(
            "Exceptions by category",
            [(CATEGORIES.get(k, k), n, "neutral") for k, n in counts["by_category"].items()],
        ),
        BarChart.build(
            "By severity",
            [(k, n, tone.get(k, "neutral")) for k, n in counts["by_severity"].items()],
        ),
        BarChart.build(
            "Who should correct them",
            [(k, n, "neutral") for k, n in counts["by_correct_side"].items()],
        ),
        BarChart.build(
            "By plan" if report.source == "ffc" else "By employer",
            [(k or "(none)", n, "neutral") for k, n in counts["by_plan"].items()],
        ),
    ]
    rows = list(report.rows())
    return (
        _env()
        .get_template("exceptions.html.j2")
        .render(
            r=report,
            counts=counts,
            charts=[c for c in charts if c.bars],
            rows=rows[:max_rows],
            hidden=max(0, len(rows) - max_rows),
        )
    )
