"""Severity, side to correct and citations for each Full File Compare category.

Kept apart from the matching and comparing so the policy can be read (and reviewed) in one
place. It follows the recommended exception table of the FFC research note (section 4.3):

- ETF's records are the reference and ETF controls resolution (``src-e24``, the 2002 Full File
  Compare bulletin), so almost every difference is for the **plan** to correct;
- the exception is coverage the plan shows and ETF does not have (``missing_at_etf``): ETF
  reviews it (add the enrolment, or tell the plan to terminate it), so the side is **etf**;
- SSN, birth date and gender are errors; names are warnings (as CLER treats them);
- a member matched only by birth date, first name and relationship is **info** for a person
  to confirm (side ``none``); the comparison of that pair is still reported separately;
- one SSN on two people of ETF's own extract is a ``duplicate`` for **etf** to correct (field
  ``etf.ssn``): the plan cannot fix ETF's records, and the later person is matched by id.

Every discrepancy cites ``src-e24`` plus the provision that makes the field matter.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..discrepancy import Discrepancy, Severity, Side

FFC_BULLETIN = "src-e24"  # ETF Employer Bulletin 2002: full file compare; ETF controls it
IDENTIFIERS = "et-1118-401-a"  # identification numbers required on applications
DEPENDENT = "wis-adm-code-etf-10.01-2-b"  # dependent definition for group health
DEPENDENT_STAT = "wis-stat-40.02-20"  # general definition of dependent
ADDING_DEPENDENTS = "et-1118-506"  # adding dependents (documentation and identifiers)
COVERAGE_TYPES = "src-e37"  # FAQ on enrolling and coverage types (single/family)
HEALTH_CONTRACT = "gib-health-contract"  # GIB health plan contract: plans and groups
EMPLOYEE_TYPES = "et-1118-301"  # employee, annuitant and continuant eligibility
MEDICARE = "src-e14"  # life event guide for retirees gaining Medicare
CANCELLATION = "wis-adm-code-etf-40.01-4-b"  # effective date of a cancellation


@dataclass(frozen=True, slots=True)
class Rule:
    severity: Severity
    side: Side
    provisions: tuple[str, ...]


RULES: dict[str, Rule] = {
    "missing_at_plan": Rule("error", "plan", (FFC_BULLETIN,)),
    "missing_at_etf": Rule("error", "etf", (FFC_BULLETIN,)),
    "coverage_level": Rule("error", "plan", (FFC_BULLETIN, COVERAGE_TYPES)),
    "plan_or_group": Rule("error", "plan", (FFC_BULLETIN, HEALTH_CONTRACT)),
    "effective_date": Rule("error", "plan", (FFC_BULLETIN,)),
    "end_date": Rule("error", "plan", (FFC_BULLETIN, CANCELLATION)),
    "dependents": Rule("error", "plan", (FFC_BULLETIN, DEPENDENT, DEPENDENT_STAT)),
    "demographics": Rule("error", "plan", (FFC_BULLETIN, IDENTIFIERS)),
    "employee_type": Rule("error", "plan", (FFC_BULLETIN, EMPLOYEE_TYPES)),
    "duplicate": Rule("error", "plan", (FFC_BULLETIN, IDENTIFIERS)),
    "proposed_match": Rule("info", "none", (FFC_BULLETIN, IDENTIFIERS)),
    "file": Rule("error", "plan", (FFC_BULLETIN,)),
    "malformed_segment": Rule("error", "plan", (FFC_BULLETIN,)),
}

# Field-level exceptions to the category's severity.
WARNING_FIELDS = frozenset({"last_name", "first_name", "student", "disabled"})
FIELD_PROVISIONS: dict[str, tuple[str, ...]] = {
    "medicare": (FFC_BULLETIN, EMPLOYEE_TYPES, MEDICARE),
    "student": (FFC_BULLETIN, DEPENDENT, ADDING_DEPENDENTS),
    "disabled": (FFC_BULLETIN, DEPENDENT, ADDING_DEPENDENTS),
}


def make(
    category: str,
    message: str,
    *,
    plan: str,
    contract_id: str = "",
    member_id: str = "",
    relationship: str = "",
    field: str = "",
    etf_value: str = "",
    other_value: str = "",
    line: int = 0,
    severity: Severity | None = None,
    side: Side | None = None,
) -> Discrepancy:
    """A Discrepancy with the category's severity, side and citations filled in
    (``severity`` and ``side`` override the category's where one kind of it differs, e.g. a
    duplicate SSN inside ETF's own extract is ETF's to correct)."""
    rule = RULES[category]
    base = field.rsplit(".", 1)[-1]
    if severity is None:
        severity = "warning" if base in WARNING_FIELDS else rule.severity
    return Discrepancy(
        category=category,
        severity=severity,
        correct_side=rule.side if side is None else side,
        message=message,
        provisions=FIELD_PROVISIONS.get(base, rule.provisions),
        source="ffc",
        plan=plan,
        contract_id=contract_id,
        member_id=member_id,
        relationship=relationship,
        field=field,
        etf_value=etf_value,
        other_value=other_value,
        line=line,
    )
