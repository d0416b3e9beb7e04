"""Facts of a Local (WPE) employer premium-contribution check.

"Is this local employer's share of the health premium within the range the law allows for
this employee on the review date?" The range is ETF 40.10(2) (at least 25 percent of the
lowest-cost qualified plan for part-time employees, 50 to 105 percent for others, optional
for retirees, survivors and employees on leave or layoff) and, from 2012-01-01, the
statutory ceiling of 88 percent of the average tier-1 premium in the employer's county.

The engine answers dates only, so the result is an outcome (approved = within the range,
denied = outside it) with reason codes; the percentages appear in the messages. For the
State program a single rule answers that State contributions are set elsewhere.

Every fact is optional here; a rule that needs a fact the caller did not send makes the
decision *undetermined* and names it. No personal data is asked for.
"""

from __future__ import annotations

import random
from datetime import date
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from ...rules import dates
from ...rules.question import QuestionSpec
from ..types import CaseDate, Number

EmployeeCategory = Literal[
    "active",
    "retiree",
    "surviving_dependent",
    "leave_of_absence",
    "layoff",
]


class _Facts(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Employer(_Facts):
    contribution_method: Literal["standard", "tiered", "public_safety_105_table"] | None = Field(
        None,
        description="How the employer sets its share: 'standard' (the default when not sent), "
        "'tiered' (the tiered option of ETF 40.10(2)(b), which has no 105 percent ceiling "
        "before 2012), or 'public_safety_105_table' (a public-safety bargaining unit still on "
        "the 105 percent table after 2011).",
    )


class Employee(_Facts):
    category: EmployeeCategory | None = Field(
        None,
        description="'active' for an insured employee at work; the other categories are those "
        "for which ETF 40.10(2)(c) makes the employer contribution optional.",
    )
    appointed_annual_hours: Number | None = Field(
        None,
        ge=0,
        le=8784,
        description="Hours a year the employee is appointed (expected) to work.",
    )


class Contribution(_Facts):
    review_date: CaseDate | None = Field(
        None,
        description="The date the contribution is checked for (the premium month); also the "
        "default as-of date, so the law in force that day applies.",
    )
    percent_of_lowest_cost_plan: Number | None = Field(
        None,
        ge=0,
        le=1000,
        description="The employer's monthly contribution as a percentage of the premium of the "
        "lowest-cost qualified plan for the same coverage (the base of the 25, 50 and 105 "
        "percent limits of ETF 40.10(2)).",
    )
    percent_of_average_tier1: Number | None = Field(
        None,
        ge=0,
        le=1000,
        description="The employer's monthly contribution as a percentage of the average premium "
        "of the qualified tier-1 plans in the employer's county for the same coverage (the "
        "base of the 88 percent ceiling from 2012).",
    )


class LocalEmployerContributionFacts(_Facts):
    employer: Employer = Field(default_factory=Employer)
    employee: Employee = Field(default_factory=Employee)
    contribution: Contribution = Field(default_factory=Contribution)


def sweep_cases(program: str, month: date) -> list[dict[str, Any]]:
    """Complete contribution checks for one month: hours on both sides of 1,040 and 1,044,
    shares on both sides of 25, 50, 88 and 105 percent, every employee category and method,
    reviewed on the 1st, the 15th, the 16th and the last day of the month."""
    rng = random.Random(f"local-employer-contribution/{program}/{month.isoformat()}")
    review_days = [month, month.replace(day=15), month.replace(day=16), dates.end_of_month(month)]
    cases: list[dict[str, Any]] = []
    for hours in (600.0, 1039.0, 1040.0, 1043.0, 1044.0, 2080.0):
        lowest = float(rng.choice([20, 25, 30, 49.5, 50, 75, 100, 105, 110]))
        cases.append(
            {
                "employer": {
                    "contribution_method": rng.choice(
                        ["standard", "standard", "tiered", "public_safety_105_table", None]
                    )
                },
                "employee": {"category": "active", "appointed_annual_hours": hours},
                "contribution": {
                    "review_date": rng.choice(review_days),
                    "percent_of_lowest_cost_plan": lowest,
                    "percent_of_average_tier1": float(rng.choice([40, 70, 88, 88.5, 95])),
                },
            }
        )
    for category in ("retiree", "surviving_dependent", "leave_of_absence", "layoff"):
        cases.append(
            {
                "employer": {"contribution_method": "standard"},
                "employee": {"category": category, "appointed_annual_hours": 0.0},
                "contribution": {
                    "review_date": rng.choice(review_days),
                    "percent_of_lowest_cost_plan": float(rng.choice([0, 50, 100])),
                    "percent_of_average_tier1": float(rng.choice([0, 45, 90])),
                },
            }
        )
    return cases


LOCAL_EMPLOYER_CONTRIBUTION = QuestionSpec(
    name="local_employer_contribution",
    title="Local (WPE) employer premium contribution within the allowed range",
    facts_model=LocalEmployerContributionFacts,
    outputs={
        "contribution_cap_effective_date": "Date the 88 percent ceiling on the employer's share "
        "took effect (2012-01-01); set when that ceiling governs the case.",
    },
    required_for_approval=(),
    as_of_facts=("contribution.review_date",),
    sweep_cases=sweep_cases,
)

QUESTION = LOCAL_EMPLOYER_CONTRIBUTION
