"""A discrepancy found by a reconciliation: what differs, how bad, who fixes it, and why.

Both reconciliations produce these: the Full File Compare (a plan's 834 against ETF's
records) and the monthly coverage-report validation (an employer's additions, changes and
deletions against ETF's records and the rules). Each carries a **stable id** built from what
it is about, not from the values found, so the same discrepancy reported next quarter is
recognised as a repeat even if, say, the plan's wrong date has moved again.

Values may be PHI (SSNs, birth dates, names): reports mask them by field name through
:func:`eligibility_service.phi.mask`; never log a discrepancy's values.
"""

from __future__ import annotations

import hashlib
from collections import Counter
from dataclasses import dataclass, replace
from typing import Any, Literal

Severity = Literal["error", "warning", "info"]
Side = Literal["plan", "etf", "employer", "none"]
"""Who should correct it: the health plan, ETF's records, the employer's report; ``none``
for information only (a proposed match for a person to confirm)."""

CATEGORIES: dict[str, str] = {
    # Full File Compare (834 against the system of record)
    "missing_at_plan": "Covered at ETF, not in the plan's file",
    "missing_at_etf": "In the plan's file, not covered at ETF",
    "coverage_level": "Coverage level (single/family) differs",
    "plan_or_group": "Plan, group or employer differs",
    "effective_date": "Coverage effective date differs",
    "end_date": "Coverage end date differs",
    "dependents": "Dependent relationship, student or disabled status differs",
    "demographics": "SSN, name, birth date or gender differs",
    "employee_type": "Employee type or Medicare status differs",
    "duplicate": "The same person or id twice",
    "proposed_match": "Matched only by birth date, name and relationship: confirm",
    "file": "File-level problem (envelope, counts, codes)",
    "malformed_segment": "An element is not what the 834 guide allows; its value was not read",
    # Monthly coverage reports (employer's additions, changes, deletions)
    "report_effective_date": "Addition's effective date is not what the application and rules give",
    "report_end_date": "Deletion's dates do not agree with the termination and its rules",
    "report_coverage_level": "Coverage level does not agree with the dependents",
    "report_program_option": "Program option not valid for the employer",
    "report_plan": "Plan differs from ETF's contract",
    "report_unknown_contract": "No such contract at ETF",
    "report_already_covered": "Addition for someone ETF already covers",
    "report_line": "The report line cannot be read",
}


@dataclass(frozen=True, slots=True)
class Discrepancy:
    category: str  # a key of CATEGORIES
    severity: Severity
    correct_side: Side
    message: str  # plain English, no PHI values in it
    provisions: tuple[str, ...]  # provision ids (statutes/, contracts/, guidance/) saying so
    source: str  # "ffc" or "monthly"
    plan: str = ""  # plan or carrier the file came from (FFC), employer id (monthly)
    contract_id: str = ""  # ETF subscriber/enrolment id (REF*0F)
    member_id: str = ""  # the person, when the discrepancy is about one
    relationship: str = ""  # INS02 code of that person
    field: str = ""  # the field that differs, e.g. "birth_date", "coverage_level"
    etf_value: str = ""  # ETF's value (masked in reports when PHI)
    other_value: str = ""  # the plan's or employer's value
    line: int = 0  # report line, or 834 segment number, when there is one
    # The n-th (n >= 2) discrepancy of one file with the same stable-id fields, e.g. two
    # transaction sets with wrong counts: file-level findings name no contract or member.
    occurrence: int = 0

    def __repr__(self) -> str:  # values may be PHI
        return f"Discrepancy({self.category}, {self.contract_id!r}, {self.field!r})"

    @property
    def key(self) -> tuple[str, ...]:
        """What the stable id is made of, occurrence aside."""
        return (self.source, self.plan, self.category, self.contract_id, self.member_id,
                self.field)  # fmt: skip

    @property
    def id(self) -> str:
        """Stable across runs: source, plan, category, contract, member, field (and the
        occurrence, from the second on, so no two exceptions of one report share an id)."""
        key = "|".join(self.key)
        if self.occurrence > 1:
            key += f"|{self.occurrence}"
        return hashlib.sha256(key.encode()).hexdigest()[:20]

    def as_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "source": self.source,
            "category": self.category,
            "category_title": CATEGORIES.get(self.category, self.category),
            "severity": self.severity,
            "correct_side": self.correct_side,
            "plan": self.plan,
            "contract_id": self.contract_id,
            "member_id": self.member_id,
            "relationship": self.relationship,
            "field": self.field,
            "etf_value": self.etf_value,
            "other_value": self.other_value,
            "line": self.line,
            "message": self.message,
            "provisions": list(self.provisions),
        }


def number_repeats(found: list[Discrepancy]) -> list[Discrepancy]:
    """Number, in place and in order, the discrepancies of one run that share their stable-id
    fields (file-level findings name no contract or member: two transaction sets with wrong
    counts, a guide finding on many segments), so no two exceptions of a report share an id.
    The first keeps occurrence 1, whose id is the plain one; running it again changes
    nothing. Returns ``found``."""
    times: Counter[tuple[str, ...]] = Counter(d.key for d in found)
    if len(times) == len(found):
        return found
    seen: Counter[tuple[str, ...]] = Counter()
    for i, d in enumerate(found):
        key = d.key
        if times[key] > 1:
            seen[key] += 1
            if d.occurrence != seen[key]:
                found[i] = replace(d, occurrence=seen[key])
    return found
