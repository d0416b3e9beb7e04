"""What a replay found: totals, differences grouped by field, rule and reason code, and each
difference side by side with the trace of the new decision.

The report holds counts for every case but details (both decisions and the trace) for the
first ``max_detailed`` differences only, so a run over a million cases whose new version
changes half of them still produces a report a person can open; the counts stay exact.
The JSON form is deterministic: the same cases, version and as-of policy give the same bytes.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any

import orjson

from ..phi import mask
from .compare import FieldDifference


@dataclass(frozen=True)
class ReplayTarget:
    suite: str | None
    rule_set_version: str | None
    """``None``: the published version in force on each case's as-of date."""
    as_of: str
    """``"case"`` (each case's own date) or an ISO date applied to every case."""

    def label(self) -> str:
        version = self.rule_set_version or "version in force"
        return f"{self.suite or 'all cases'} @ {version}, as of {self.as_of}"


@dataclass
class ReplayReport:
    target: ReplayTarget
    max_detailed: int = 200
    cases: int = 0
    matched: int = 0
    differed: int = 0
    errors: int = 0
    by_question: dict[str, Counter[str]] = field(default_factory=dict)
    by_field: Counter[str] = field(default_factory=Counter)
    by_rule: Counter[str] = field(default_factory=Counter)
    by_reason_code: Counter[str] = field(default_factory=Counter)
    versions_used: Counter[str] = field(default_factory=Counter)
    differences: list[dict[str, Any]] = field(default_factory=list)
    error_details: list[dict[str, Any]] = field(default_factory=list)

    def _question(self, question: str) -> Counter[str]:
        found = self.by_question.get(question)
        if found is None:
            found = self.by_question[question] = Counter()
        return found

    def add_matches(self, question: str, version: str, n: int) -> None:
        self.cases += n
        self.matched += n
        self._question(question)["matched"] += n
        self.versions_used[version] += n

    def add_error(self, case_id: str, question: str, where: str, message: str) -> None:
        self.cases += 1
        self.errors += 1
        self._question(question)["errors"] += 1
        if len(self.error_details) < self.max_detailed:
            self.error_details.append(
                {"case_id": case_id, "question": question, "field": where, "message": message}
            )

    def add_difference(
        self,
        question: str,
        version: str,
        fields: list[FieldDifference],
        deciding_rules: list[tuple[str, str]],
        codes_added: list[str],
        codes_removed: list[str],
    ) -> bool:
        """Count a difference; True if its details should be kept (see ``keep``)."""
        self.cases += 1
        self.differed += 1
        self._question(question)["differed"] += 1
        self.versions_used[version] += 1
        for f in fields:
            self.by_field[f.field] += 1
        for rule_id, _code in deciding_rules:
            self.by_rule[rule_id] += 1
        for code in codes_added:
            self.by_reason_code[f"+{code}"] += 1
        for code in codes_removed:
            self.by_reason_code[f"-{code}"] += 1
        return len(self.differences) < self.max_detailed

    def keep(self, detail: dict[str, Any]) -> None:
        self.differences.append(mask(detail))

    @property
    def passed(self) -> bool:
        return self.differed == 0 and self.errors == 0

    def as_dict(self) -> dict[str, Any]:
        def ranked(counter: Counter[str]) -> list[dict[str, Any]]:
            return [
                {"key": k, "count": n}
                for k, n in sorted(counter.items(), key=lambda i: (-i[1], i[0]))
            ]

        return {
            "target": {
                "suite": self.target.suite,
                "rule_set_version": self.target.rule_set_version,
                "as_of": self.target.as_of,
            },
            "totals": {
                "cases": self.cases,
                "matched": self.matched,
                "differed": self.differed,
                "errors": self.errors,
            },
            "passed": self.passed,
            "by_question": {
                q: {k: c.get(k, 0) for k in ("matched", "differed", "errors")}
                for q, c in sorted(self.by_question.items())
            },
            "versions_used": dict(sorted(self.versions_used.items())),
            "differences_by_field": ranked(self.by_field),
            "differences_by_rule": ranked(self.by_rule),
            "differences_by_reason_code": ranked(self.by_reason_code),
            "differences": self.differences,
            "differences_detailed": len(self.differences),
            "errors": self.error_details,
        }

    def to_json(self) -> bytes:
        return orjson.dumps(self.as_dict(), option=orjson.OPT_INDENT_2)
