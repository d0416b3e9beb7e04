"""Facts of a State employee whose special status raises the question whether they are still
(or now) an eligible employee for group health coverage.

* ``union_service_leave``: a participating state employee on a union service leave stays an
  eligible employee but pays the whole premium (Wis. Stat. § 40.02(25)(a)5).
* ``wrs_disability_annuity`` / ``duty_disability_benefit``: a state employee who qualifies for
  a WRS disability benefit (Wis. Stat. § 40.63) or a duty disability benefit (§ 40.65) is an
  eligible employee (§ 40.02(25)(b)10).

Both provisions are State rules; the Local program refuses the question. Every fact is
optional; a rule that needs a missing one makes the decision *undetermined* and names it. No
personal identifiers are asked for.
"""

from __future__ import annotations

import random
from datetime import date
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from ...rules import dates
from ...rules.question import QuestionSpec
from ..types import CaseDate, Flag

StatusType = Literal["union_service_leave", "wrs_disability_annuity", "duty_disability_benefit"]


class _Facts(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Employee(_Facts):
    participating_employee: Flag | None = Field(
        None,
        description="Union service leave: the employee was a participating (WRS) state "
        "employee when the leave began.",
    )


class Status(_Facts):
    type: StatusType | None = Field(None, description="The special status.")
    start_date: CaseDate | None = Field(
        None,
        description="Union service leave: first day of the leave. Disability: the date the "
        "benefit is effective.",
    )
    benefit_approved: Flag | None = Field(
        None,
        description="Disability: the employee qualifies for the benefit (its application was "
        "approved).",
    )


class EmployeeStatusFacts(_Facts):
    employee: Employee = Field(default_factory=Employee)
    status: Status = Field(default_factory=Status)


def sweep_cases(program: str, month: date) -> list[dict[str, Any]]:
    """Complete status cases starting in one month: union service leaves and disability
    benefits on the 1st, the 15th, the 16th and the month's last day; mostly participating
    employees and approved benefits, some not."""
    rng = random.Random(f"employee-status-eligibility/{program}/{month.isoformat()}")
    last = dates.end_of_month(month)
    cases: list[dict[str, Any]] = []
    for start in (month, month.replace(day=15), month.replace(day=16), last):
        cases.append(
            {
                "employee": {"participating_employee": rng.random() < 0.85},
                "status": {"type": "union_service_leave", "start_date": start},
            }
        )
        cases.append(
            {
                "employee": {"participating_employee": True},
                "status": {
                    "type": rng.choice(["wrs_disability_annuity", "duty_disability_benefit"]),
                    "start_date": start,
                    "benefit_approved": rng.random() < 0.85,
                },
            }
        )
    return cases


EMPLOYEE_STATUS_ELIGIBILITY = QuestionSpec(
    name="employee_status_eligibility",
    title="Eligibility of a State employee on union service leave or with a disability benefit",
    facts_model=EmployeeStatusFacts,
    outputs={
        "eligible_employee_from": "First day the person counts as an eligible employee in this "
        "status.",
        "full_premium_from": "Union service leave: first day the employee pays the whole "
        "premium, without the State's share.",
    },
    required_for_approval=("eligible_employee_from",),
    as_of_facts=("status.start_date",),
    sweep_cases=sweep_cases,
)

QUESTION = EMPLOYEE_STATUS_ELIGIBILITY
