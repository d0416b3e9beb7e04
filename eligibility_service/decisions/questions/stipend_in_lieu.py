"""Facts of a State employee's election of the $2,000 stipend in lieu of health coverage.

Wis. Stat. § 40.513 (from 2015-07-14): a state employee eligible for the employer
contribution under § 40.05(4)(ag) may take an annual stipend instead of coverage, electing
within 30 days of hire (no coverage that calendar year, stipend prorated) or at open
enrollment (no coverage the next calendar year). The Local program has no stipend.

The engine answers dates only; the stipend amount appears in the reason messages.
Every fact is optional; a rule that needs a missing one makes the decision *undetermined*
and names it. No personal identifiers are asked for.
"""

from __future__ import annotations

import random
from datetime import date
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from ...rules import dates
from ...rules.question import QuestionSpec
from ..types import CaseDate, Flag


class _Facts(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Employee(_Facts):
    hire_date: CaseDate | None = Field(
        None, description="First day of paid work in the position (needed for new-hire elections)."
    )
    eligible_for_contribution: Flag | None = Field(
        None,
        description="The employee is eligible for the employer contribution under Wis. Stat. "
        "§ 40.05(4)(ag).",
    )
    spouse_has_state_coverage: Flag | None = Field(
        None,
        description="The employee's spouse receives State group health coverage under Wis. "
        "Stat. § 40.51(6).",
    )
    declined_coverage_in_2015: Flag | None = Field(
        None,
        description="The employee was eligible for the § 40.05(4)(ag) contribution in 2015 and "
        "chose not to be covered that year (a 2015 stipend election itself does not count).",
    )


class Election(_Facts):
    timing: Literal["new_hire", "open_enrollment"] | None = Field(
        None,
        description="'new_hire': elected within 30 days of hire; 'open_enrollment': elected "
        "during the annual open enrollment for the next calendar year.",
    )
    received_date: CaseDate | None = Field(
        None, description="Date the employer received the election on ETF's form."
    )


class StipendFacts(_Facts):
    employee: Employee = Field(default_factory=Employee)
    election: Election = Field(default_factory=Election)


def sweep_cases(program: str, month: date) -> list[dict[str, Any]]:
    """Complete stipend elections received in one month: new hires on the 1st, 15th, 16th and
    last day electing on time, on day 30 and on day 31; open-enrollment elections on the 1st
    and the 20th; mostly eligible employees, some barred."""
    rng = random.Random(f"stipend-in-lieu/{program}/{month.isoformat()}")
    last = dates.end_of_month(month)
    cases: list[dict[str, Any]] = []

    def employee(hire: date) -> dict[str, Any]:
        return {
            "hire_date": hire,
            "eligible_for_contribution": rng.random() < 0.9,
            "spouse_has_state_coverage": rng.random() < 0.1,
            "declined_coverage_in_2015": rng.random() < 0.05,
        }

    for hire in (month, month.replace(day=15), month.replace(day=16), last):
        delay = rng.choice([0, 10, 30, 31])
        cases.append(
            {
                "employee": employee(hire),
                "election": {"timing": "new_hire", "received_date": dates.add_days(hire, delay)},
            }
        )
    for day in (month, month.replace(day=20)):
        cases.append(
            {
                "employee": employee(dates.add_years(month, -rng.randrange(1, 20))),
                "election": {"timing": "open_enrollment", "received_date": day},
            }
        )
    return cases


STIPEND_IN_LIEU = QuestionSpec(
    name="stipend_in_lieu",
    title="Stipend in lieu of State group health coverage (Wis. Stat. § 40.513)",
    facts_model=StipendFacts,
    outputs={
        "coverage_ineligible_from": "First day the employee may not be covered because of the "
        "stipend election.",
        "no_coverage_until": "Last day of the calendar year without coverage (December 31).",
        "election_deadline": "New-hire elections: last day the employer may receive the "
        "election (30 days after hire).",
    },
    required_for_approval=("coverage_ineligible_from", "no_coverage_until"),
    as_of_facts=("election.received_date", "employee.hire_date"),
    sweep_cases=sweep_cases,
)

QUESTION = STIPEND_IN_LIEU
