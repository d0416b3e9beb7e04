"""Facts of a later enrollment opportunity: an employee who was not insured may enroll because
their status changed after hire (State or Local program).

The caller names the change and its date; the rules decide whether it opens an enrollment
opportunity, whether the application came in time, and the dates that follow:

* ``wrs_lookback_participation`` (both programs): an employee who did not qualify for the WRS at
  hire becomes a participant by the look-back test (Wis. Stat. § 40.22(2m)). Hours histories are
  not facts here: the caller supplies the first day on which both tests were met (employed a
  year, and the hours of the 12 months before reach the threshold) and the hours of those 12
  months, which the rules check against the threshold in force.
* ``wrs_appointment_after_non_wrs`` (both): someone employed in a non-WRS appointment who moves
  into a WRS appointment (a rehire or a change of appointment).
* ``local_higher_contribution_tier`` (Local): an under-half-time employee who declined coverage
  becomes eligible for the higher employer contribution tier.
* ``state_contribution_eligibility`` (State): a WRS-eligible limited-term or part-time employee
  becomes eligible for the employer contribution.
* ``state_larger_contribution`` (State): an employee receiving the partial contribution of
  Wis. Stat. § 40.05(4)(ag)1 becomes eligible for the larger (ag)2 contribution.

Employees who are already insured change coverage through the life-event question. Every fact
is optional; a rule that needs a missing one makes the decision *undetermined* and names it.
No names, SSNs or birth dates are asked for.
"""

from __future__ import annotations

import random
from datetime import date
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from ...rules import dates
from ...rules.question import QuestionSpec
from ..types import CaseDate, Flag, Number

OpportunityType = Literal[
    "wrs_lookback_participation",
    "wrs_appointment_after_non_wrs",
    "local_higher_contribution_tier",
    "state_contribution_eligibility",
    "state_larger_contribution",
]


class _Facts(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Employee(_Facts):
    hire_date: CaseDate | None = Field(
        None,
        description="First day of paid work with this employer (look-back: the one-year test "
        "counts from it).",
    )
    first_wrs_employment_date: CaseDate | None = Field(
        None,
        description="Date first employed by any WRS employer; under the 2011 Act 32 text it "
        "decides the hours "
        "threshold. Defaults to hire_date.",
    )
    wrs_participating_before_2011_07_01: Flag | None = Field(
        None,
        description="The employee was a WRS participating employee at any time before "
        "2011-07-01 (Wis. Stat. § 40.22(2)(a), (am) as amended by 2013 Wis. Act 20 and 2017 Wis. "
        "Act 362). Needed only for someone first employed by a WRS employer before that date.",
    )
    is_teacher: Flag | None = Field(
        None, description="Teacher or UW academic staff (lower WRS hours threshold)."
    )
    currently_insured: Flag | None = Field(
        None,
        description="The employee already has group health coverage in the program. Omitted "
        "means not insured, the situation this question is about.",
    )
    rehired_annuitant: Flag | None = Field(
        None, description="The employee is a WRS annuitant who has been rehired."
    )
    expected_annual_hours: Number | None = Field(
        None,
        ge=0,
        le=8784,
        description="Rehired annuitants: expected annual hours in the new employment.",
    )


class Opportunity(_Facts):
    type: OpportunityType | None = Field(None, description="The change of status.")
    date: CaseDate | None = Field(
        None,
        description="Look-back: the first day on which the employee had been employed a year "
        "and the hours of the previous 12 months reached the threshold (participation starts "
        "the next day). WRS appointment: first day of paid work in it. Local tier: the date "
        "the employee becomes eligible for the higher contribution tier. State contribution "
        "types: the date the employer contribution (or the larger one) starts.",
    )
    lookback_hours_previous_12_months: Number | None = Field(
        None,
        ge=0,
        le=8784,
        description="Look-back: hours worked in the 12 months ending on the date above.",
    )


class Application(_Facts):
    received_date: CaseDate | None = Field(
        None, description="Date the employer received the application (ET-2301)."
    )
    signed: Flag | None = None
    coverage_level: Literal["individual", "family"] | None = None


class LaterEnrollmentFacts(_Facts):
    employee: Employee = Field(default_factory=Employee)
    opportunity: Opportunity = Field(default_factory=Opportunity)
    application: Application = Field(default_factory=Application)


def sweep_cases(program: str, month: date) -> list[dict[str, Any]]:
    """Complete later-enrollment cases for one month: status changes on the 1st, the 15th, the
    16th and the month's last day; applications on time, on a window's last day, the day after
    and late; hours just under and over the thresholds; some already insured employees and
    rehired annuitants; the other program's types now and then."""
    rng = random.Random(f"later-enrollment-opportunity/{program}/{month.isoformat()}")
    last = dates.end_of_month(month)
    d15, d16 = month.replace(day=15), month.replace(day=16)
    cases: list[dict[str, Any]] = []

    def case(
        kind: str,
        when: date,
        received: date,
        *,
        hire: date,
        hours: float | None = None,
        insured: bool = False,
        annuitant: bool = False,
    ) -> dict[str, Any]:
        teacher = rng.random() < 0.2
        first_wrs = hire if rng.random() < 0.6 else min(hire, date(2005, 3, 14))
        return {
            "employee": {
                "hire_date": hire,
                "first_wrs_employment_date": first_wrs,
                "wrs_participating_before_2011_07_01": first_wrs < date(2011, 7, 1)
                and rng.random() < 0.8,
                "is_teacher": teacher,
                "currently_insured": insured,
                "rehired_annuitant": annuitant,
                "expected_annual_hours": float(rng.choice([600, 879, 1000, 1199, 1200, 1800])),
            },
            "opportunity": {
                "type": kind,
                "date": when,
                "lookback_hours_previous_12_months": hours,
            },
            "application": {
                "received_date": received,
                "signed": True,
                "coverage_level": rng.choice(["individual", "family"]),
            },
        }

    # look-back participation: tests met on the 1st, the 15th, the 16th or the month's end
    for met in (month, rng.choice([d15, d16]), last):
        hire = dates.add_days(dates.add_years(met, -1), rng.choice([2, 1, 0, -1, -40, -400]))
        participation = dates.add_days(met, 1)
        cases.append(
            case(
                "wrs_lookback_participation",
                met,
                dates.add_days(participation, rng.choice([0, 1, 30, 31, 90])),
                hire=hire,
                hours=float(rng.choice([439, 440, 599, 600, 880, 1199, 1200, 1500])),
            )
        )
    # move from a non-WRS appointment into a WRS appointment (sometimes a rehired annuitant)
    start = rng.choice([month, d15, d16, last])
    cases.append(
        case(
            "wrs_appointment_after_non_wrs",
            start,
            dates.add_days(start, rng.choice([0, 15, 30, 31, 60])),
            hire=dates.add_years(start, -rng.randrange(1, 10)),
            annuitant=rng.random() < 0.3,
        )
    )
    # the program's own contribution changes
    if program == "local":
        for when in (month, rng.choice([d15, d16, last])):
            cases.append(
                case(
                    "local_higher_contribution_tier",
                    when,
                    dates.add_days(when, rng.choice([0, 1, 29, 30, 31, 75])),
                    hire=dates.add_years(when, -rng.randrange(1, 6)),
                )
            )
    else:
        for kind in ("state_contribution_eligibility", "state_larger_contribution"):
            start = rng.choice([month, dates.first_of_next_month(month)])
            cases.append(
                case(
                    kind,
                    start,
                    dates.add_days(start, rng.choice([-45, -1, 0, 1, 30, 31, 50])),
                    hire=dates.add_months(start, -rng.choice([2, 6, 14])),
                )
            )
    # the other program's type, and an employee who is already insured
    other = rng.choice(
        ["state_contribution_eligibility", "state_larger_contribution"]
        if program == "local"
        else ["local_higher_contribution_tier"]
    )
    cases.append(case(other, d15, dates.add_days(d15, 3), hire=dates.add_years(d15, -2)))
    cases.append(
        case(
            "wrs_appointment_after_non_wrs",
            last,
            dates.add_days(last, 5),
            hire=dates.add_years(last, -3),
            insured=True,
        )
    )
    return cases


LATER_ENROLLMENT_OPPORTUNITY = QuestionSpec(
    name="later_enrollment_opportunity",
    title="Enrollment opportunity after hire for an uninsured employee whose status changed",
    facts_model=LaterEnrollmentFacts,
    outputs={
        "coverage_effective_date": "The date coverage starts.",
        "wrs_participation_date": "Look-back or WRS appointment: the first day the employee is "
        "a WRS participant (and so eligible for health coverage).",
        "enrollment_deadline": "Last day the employer may receive a timely application.",
        "contribution_start_election_deadline": "State contribution changes: last day an "
        "application may arrive for coverage that starts when the (larger) employer "
        "contribution starts.",
    },
    required_for_approval=("coverage_effective_date",),
    as_of_facts=("application.received_date", "opportunity.date"),
    sweep_cases=sweep_cases,
)

QUESTION = LATER_ENROLLMENT_OPPORTUNITY
