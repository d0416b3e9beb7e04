"""Facts of a new-hire (or rehire) health-insurance application, State or Local program.

These models are the API's request schema and the type environment of the rule sets: a rule
can read exactly these facts. Every fact is optional at this level; a rule that needs a fact
the caller did not send makes the decision *undetermined* and names the fact, instead of
assuming a default. No names, SSNs or birth dates are asked for: only whether they were
supplied, which is all the rules need (PHI minimisation).
"""

from __future__ import annotations

import random
from datetime import date
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from ...rules import dates
from ...rules.question import QuestionSpec
from ..types import CaseDate, Flag, Number

PositionType = Literal[
    "regular",
    "limited_term",
    "elected_official",
    "graduate_assistant",
]


class _Facts(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Employer(_Facts):
    wrs_participating: Flag | None = Field(
        None, description="The employer participates in the Wisconsin Retirement System."
    )
    wpe_participating: Flag | None = Field(
        None,
        description="Local only: the employer has elected the Wisconsin Public Employers group "
        "health program by resolution (Wis. Stat. § 40.51(7)).",
    )
    full_time_annual_hours: Number | None = Field(
        None,
        ge=0,
        le=8784,
        description="Local non-WRS employers only: hours of a full-time position, for the "
        "two-thirds-time test of ETF 40.10(1).",
    )
    contribution_start_date: CaseDate | None = Field(
        None,
        description="Local only: the date the employer's premium contribution starts for this "
        "employee under the employer's policy (at most six months after hire).",
    )


class Employee(_Facts):
    hire_date: CaseDate | None = Field(
        None, description="First day of paid work in the position (WRS participation start)."
    )
    first_wrs_employment_date: CaseDate | None = Field(
        None,
        description="Date first employed by any WRS employer; under the 2011 Act 32 text it "
        "decides the hours "
        "threshold. Same as hire_date for someone new to the WRS.",
    )
    wrs_participating_before_2011_07_01: Flag | None = Field(
        None,
        description="The employee was a WRS participating employee at any time before "
        "2011-07-01 (Wis. Stat. § 40.22(2)(a), (am) as amended by 2013 Wis. Act 20 and 2017 Wis. "
        "Act 362). Needed only for someone first employed by a WRS employer before that date.",
    )
    position_type: PositionType | None = None
    is_teacher: Flag | None = Field(
        None, description="Teacher or UW academic staff (lower WRS hours threshold)."
    )
    expected_annual_hours: Number | None = Field(None, ge=0, le=8784)
    expected_to_last_one_year: Flag | None = Field(
        None, description="The employment is expected to last at least one year."
    )
    prior_state_wrs_service_months: Number | None = Field(
        None,
        ge=0,
        le=1200,
        description="State only: months of earlier WRS state service found by the WRS "
        "Previous Service Check (two or more waive the contribution waiting period).",
    )
    teacher_contract_signed_date: CaseDate | None = Field(
        None, description="Local teachers: date the teaching contract was signed."
    )


class Dependent(_Facts):
    relationship: Literal["spouse", "child", "stepchild", "ward", "grandchild"] | None = None
    name_provided: Flag | None = None
    birth_date_provided: Flag | None = None
    has_ssn_or_itin: Flag | None = None
    ssn_affidavit_filed: Flag | None = Field(
        None, description="Employer affidavit (ET-1907) in place of an SSN or ITIN."
    )


class Application(_Facts):
    received_date: CaseDate | None = Field(
        None, description="Date the employer received the application (ET-2301)."
    )
    signed: Flag | None = None
    coverage_level: Literal["individual", "family"] | None = None
    requested_start: Literal["earliest", "employer_contribution_start"] | None = Field(
        None,
        description="'employer_contribution_start' when the employee elects coverage to start "
        "when the employer contribution starts (Wis. Stat. § 40.51(2)).",
    )
    subscriber_has_ssn_or_itin: Flag | None = None
    subscriber_ssn_affidavit_filed: Flag | None = None
    dependents: list[Dependent] = Field(default_factory=list, max_length=50)


class NewHireFacts(_Facts):
    employee: Employee = Field(default_factory=Employee)
    employer: Employer = Field(default_factory=Employer)
    application: Application = Field(default_factory=Application)


def sweep_cases(program: str, month: date) -> list[dict[str, Any]]:
    """Complete new-hire cases for one month: hires on the 1st, mid-month and the last day,
    applications on time, on the window's last day, late and very late, every position."""
    rng = random.Random(f"new-hire/{program}/{month.isoformat()}")
    last = dates.end_of_month(month)
    cases: list[dict[str, Any]] = []
    for hire in (month, month.replace(day=15), last):
        for delay in (0, 30, 31, rng.randrange(32, 200)):
            received = dates.add_days(hire, delay)
            if program == "state":
                position = rng.choice(
                    ["regular", "limited_term", "elected_official", "graduate_assistant"]
                )
                employer: dict[str, Any] = {}
            else:
                position = "regular"
                wrs = rng.random() < 0.8
                employer = {
                    "wpe_participating": rng.random() < 0.95,
                    "wrs_participating": wrs,
                    "full_time_annual_hours": 2080.0,
                    "contribution_start_date": dates.add_months(hire, rng.choice([0, 1, 3, 6, 8])),
                }
            teacher = rng.random() < 0.2
            first_wrs = hire if rng.random() < 0.7 else dates.add_years(hire, -12)
            cases.append(
                {
                    "employee": {
                        "hire_date": hire,
                        "first_wrs_employment_date": first_wrs,
                        "wrs_participating_before_2011_07_01": first_wrs < date(2011, 7, 1)
                        and rng.random() < 0.8,
                        "position_type": position,
                        "is_teacher": teacher,
                        "expected_annual_hours": float(
                            rng.choice([440, 600, 900, 1200, 1400, 2080])
                        ),
                        "expected_to_last_one_year": rng.random() < 0.9,
                        "prior_state_wrs_service_months": float(rng.choice([0, 0, 1, 2, 30])),
                        "teacher_contract_signed_date": dates.add_days(hire, -60)
                        if teacher
                        else None,
                    },
                    "employer": employer,
                    "application": {
                        "received_date": received,
                        "signed": True,
                        "coverage_level": "individual",
                        "requested_start": rng.choice(["earliest", "employer_contribution_start"]),
                        "subscriber_has_ssn_or_itin": True,
                        "subscriber_ssn_affidavit_filed": False,
                        "dependents": [],
                    },
                }
            )
    return cases


NEW_HIRE = QuestionSpec(
    name="new_hire_enrollment",
    title="New-hire (or rehire) enrollment in group health insurance",
    facts_model=NewHireFacts,
    outputs={
        "coverage_effective_date": "The date coverage starts.",
        "employer_contribution_start_date": "The date the employer starts paying its share; "
        "before it the employee pays the whole premium.",
        "enrollment_deadline": "Last day the employer may receive a timely new-hire application.",
        "alternative_enrollment_deadline": "Last day an application may arrive to start coverage "
        "when the employer contribution starts.",
    },
    required_for_approval=("coverage_effective_date", "employer_contribution_start_date"),
    as_of_facts=("application.received_date", "employee.hire_date"),
    sweep_cases=sweep_cases,
)

QUESTION = NEW_HIRE
