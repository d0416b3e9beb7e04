"""Facts of a dependent-eligibility question, State or Local program.

"Is this person an eligible dependent on the subscriber's contract on the review date, and
when does that eligibility end?" The answer gives the end of coverage under the age or status
limit (a child's 26th-birthday month, a grandchild's parent turning 18, the end of chapter 40
domestic partner coverage on 2017-12-31), the removal and continuation (COBRA) dates that
follow, and the extensions past 26 (disabled adult child, student called to active duty).

These models are the API's request schema. Every fact is optional here; a rule that needs a
fact the caller did not send makes the decision *undetermined* and names it. Birth dates are
asked for because the age rules need them (the dependent's, and for a grandchild the covered
parent's); no names or identifiers are.
"""

from __future__ import annotations

import random
from datetime import date
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from ...rules import dates
from ...rules.question import QuestionSpec
from ..types import CaseDate, Flag, Number

Relationship = Literal[
    "spouse",
    "child",
    "stepchild",
    "ward",
    "grandchild",
    "domestic_partner",
    "domestic_partner_child",
]


class _Facts(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Review(_Facts):
    review_date: CaseDate | None = Field(
        None,
        description="The date on which eligibility is judged; also the default as-of date (the "
        "law in force on this date applies).",
    )
    continuation_notice_date: CaseDate | None = Field(
        None,
        description="Date the dependent received the continuation (COBRA) notice, if one was "
        "sent; the 60-day election period runs from the later of this date and the end of "
        "coverage.",
    )


class Subscriber(_Facts):
    coverage_level: Literal["individual", "family"] | None = Field(
        None, description="The subscriber's current contract: individual or family."
    )
    employment_end_date: CaseDate | None = Field(
        None,
        description="Date the subscriber's employment ended; leave out while still employed. "
        "Used for a child addition left unfinished (ET-1118 §506(B)).",
    )


class Dependent(_Facts):
    relationship: Relationship | None = Field(
        None,
        description="How the person is related to the subscriber. 'child' covers natural and "
        "adopted children and children placed for adoption; 'ward' a legal ward; 'grandchild' "
        "the child of a covered dependent child; 'domestic_partner' and "
        "'domestic_partner_child' chapter 40 domestic partners (2010-2017) and their children "
        "who are not also the subscriber's children.",
    )
    birth_date: CaseDate | None = Field(
        None, description="The dependent's birth date (needed for every child age rule)."
    )
    married: Flag | None = Field(
        None,
        description="The dependent (not the subscriber) is married on the review date. Read "
        "by the disabled adult child rule and, for review dates in 2010 and 2011, by the "
        "age-27 rule of Wis. Stat. § 632.885 (2009 Wis. Act 28), which covered adult "
        "children only while unmarried.",
    )
    own_employer_coverage_available: Flag | None = Field(
        None,
        description="Review dates in 2010 and 2011 only: the adult child is eligible for "
        "coverage under a group health plan of the child's own employer for which the "
        "child's premium contribution is no greater than the premium for the child's coverage "
        "as a dependent (Wis. Stat. § 632.885 as created by 2009 Wis. Act 28; Wis. Admin. "
        "Code § Ins 3.34).",
    )
    covered_on_another_contract: Flag | None = Field(
        None,
        description="The person is already covered in the State or Local program, as a "
        "subscriber or on another contract. Not sent = not known to be covered elsewhere.",
    )
    # legal wards
    permanent_guardianship: Flag | None = Field(
        None, description="Wards: a court awarded permanent guardianship to the subscriber."
    )
    guardianship_date: CaseDate | None = Field(
        None, description="Wards: date the court awarded permanent guardianship."
    )
    # grandchildren
    parent_birth_date: CaseDate | None = Field(
        None, description="Grandchildren: birth date of the parent who is the covered dependent."
    )
    parent_is_covered_dependent: Flag | None = Field(
        None,
        description="Grandchildren: the parent is a dependent child covered on this contract.",
    )
    # chapter 40 domestic partners
    domestic_partnership_affidavit_date: CaseDate | None = Field(
        None,
        description="Domestic partners and their children: date ETF received the Affidavit of "
        "Domestic Partnership (ET-2371).",
    )
    # disabled adult child
    disability_of_long_duration: Flag | None = Field(
        None,
        description="The child has a disability of long duration (claimed for coverage past "
        "26). Not sent = no disability claimed.",
    )
    incapable_of_self_support: Flag | None = None
    support_from_parents_percent: Number | None = Field(
        None,
        ge=0,
        le=100,
        description="Share of the child's support and maintenance provided by the subscriber "
        "or the other parent, in percent.",
    )
    health_plan_disability_approval: Flag | None = Field(
        None, description="The health plan approved the disabled status in writing."
    )
    disability_onset_date: CaseDate | None = Field(
        None,
        description="Date the disability began (read only under the policy choice that "
        "requires it to begin before the child's age limit).",
    )
    # student called to active duty (Wis. Stat. § 632.885)
    called_to_active_duty_date: CaseDate | None = Field(
        None,
        description="Date the child was called to federal active duty (National Guard or "
        "reserves). Not sent = no such call.",
    )
    full_time_student_when_called: Flag | None = None
    full_time_student: Flag | None = Field(
        None, description="The child is a full-time student on the review date."
    )
    # an addition that is not finished
    addition_started_date: CaseDate | None = Field(
        None, description="Date the subscriber started adding this dependent."
    )
    addition_completed: Flag | None = Field(
        None,
        description="The addition of this dependent is complete. Not sent = the dependent is "
        "already on the contract.",
    )


class DependentEligibilityFacts(_Facts):
    review: Review = Field(default_factory=Review)
    subscriber: Subscriber = Field(default_factory=Subscriber)
    dependent: Dependent = Field(default_factory=Dependent)


def _birthday_in(month: date, years: int, day: int) -> date:
    """A birth date whose ``years``-th birthday falls on ``day`` of ``month`` (clamped)."""
    year = month.year - years
    return date(year, month.month, min(day, dates.days_in_month(year, month.month)))


def sweep_cases(program: str, month: date) -> list[dict[str, Any]]:
    """Complete dependent cases reviewed in one month: spouses, children turning 26 on the 1st,
    the 15th, the 16th and the last day of the month (reviewed before and after their
    coverage ends), a disabled adult child, a ward, a grandchild whose parent turns 18, a
    domestic partner and an addition left unfinished."""
    rng = random.Random(f"dependent-eligibility/{program}/{month.isoformat()}")
    last = dates.end_of_month(month)
    level = "family"
    cases: list[dict[str, Any]] = []

    def case(review: date, dependent: dict[str, Any], **extra: Any) -> dict[str, Any]:
        notice = extra.pop("notice", None)
        subscriber = {"coverage_level": extra.pop("level", level)}
        subscriber.update(extra)
        if dependent.get("relationship") not in ("spouse", "domestic_partner"):
            # complete for 2010-2011, when Wis. Stat. § 632.885 asked about both
            dependent = {"married": False, "own_employer_coverage_available": False, **dependent}
        return {
            "review": {"review_date": review, "continuation_notice_date": notice},
            "subscriber": subscriber,
            "dependent": dependent,
        }

    # a spouse
    cases.append(case(month.replace(day=15), {"relationship": "spouse", "married": True}))
    # children turning 26 this month, reviewed on the day and after the end of the month
    for day in (1, 15, 16, 31):
        birth = _birthday_in(month, 26, day)
        relation = rng.choice(["child", "child", "stepchild"])
        review = last if day in (1, 16) else dates.add_days(last, rng.randrange(1, 45))
        notice = dates.add_days(last, rng.choice([-10, 5, 20])) if review > last else None
        child = {
            "relationship": relation,
            "birth_date": birth,
            "married": False,
            "own_employer_coverage_available": False,
        }
        cases.append(case(review, child, notice=notice))
    # a younger child, on an individual contract half the time
    cases.append(
        case(
            month,
            {"relationship": "child", "birth_date": dates.add_years(month, -rng.randrange(0, 25))},
            level=rng.choice(["individual", "family"]),
        )
    )
    # a disabled adult child past 26
    cases.append(
        case(
            last,
            {
                "relationship": "child",
                "birth_date": dates.add_years(month, -rng.randrange(27, 50)),
                "married": False,
                "disability_of_long_duration": True,
                "incapable_of_self_support": True,
                "support_from_parents_percent": float(rng.choice([40, 50, 75, 100])),
                "health_plan_disability_approval": rng.random() < 0.8,
                "disability_onset_date": dates.add_years(month, -rng.randrange(20, 30)),
            },
        )
    )
    # a full-time student called to active duty at 25 or 27, now past 26
    student_birth = dates.add_years(month, -rng.randrange(27, 29))
    cases.append(
        case(
            month.replace(day=15),
            {
                "relationship": "child",
                "birth_date": student_birth,
                "called_to_active_duty_date": dates.add_years(student_birth, rng.choice([25, 27])),
                "full_time_student_when_called": True,
                "full_time_student": rng.random() < 0.8,
            },
        )
    )
    # a ward placed under permanent guardianship at 18 or 19
    ward_birth = dates.add_years(month, -rng.randrange(19, 28))
    cases.append(
        case(
            month.replace(day=16),
            {
                "relationship": "ward",
                "birth_date": ward_birth,
                "permanent_guardianship": True,
                "guardianship_date": dates.add_days(
                    dates.add_years(ward_birth, 19), rng.choice([-1, 0])
                ),
            },
        )
    )
    # a grandchild whose parent turns 18 this month (reviewed on the last day or the 1st after)
    parent_birth = _birthday_in(month, 18, rng.choice([1, 15, 31]))
    cases.append(
        case(
            rng.choice([last, dates.add_days(last, 1)]),
            {
                "relationship": "grandchild",
                "birth_date": dates.add_years(month, -1),
                "parent_birth_date": parent_birth,
                "parent_is_covered_dependent": True,
            },
        )
    )
    # a chapter 40 domestic partner (or a partner's child), affidavit filed some time before
    affidavit = dates.add_days(month, -rng.randrange(0, 2000))
    dp_review = last
    cases.append(
        case(
            dp_review,
            {
                "relationship": rng.choice(["domestic_partner", "domestic_partner_child"]),
                "birth_date": dates.add_years(month, -rng.randrange(5, 40)),
                "domestic_partnership_affidavit_date": affidavit,
            },
            notice=dates.add_days(dp_review, -5),
        )
    )
    # an addition started, not finished; the subscriber left 30 or 120 days later, or stayed
    started = dates.add_days(month, -rng.randrange(0, 60))
    left = rng.choice([None, dates.add_days(started, 30), dates.add_days(started, 120)])
    cases.append(
        case(
            max(month, left) if left is not None else month,
            {
                "relationship": "child",
                "birth_date": dates.add_days(started, -3),
                "addition_started_date": started,
                "addition_completed": False,
            },
            employment_end_date=left,
        )
    )
    # someone already covered on another contract in the program
    cases.append(
        case(
            month.replace(day=15),
            {
                "relationship": rng.choice(["spouse", "child"]),
                "birth_date": dates.add_years(month, -rng.randrange(1, 20)),
                "covered_on_another_contract": True,
            },
        )
    )
    return cases


DEPENDENT_ELIGIBILITY = QuestionSpec(
    name="dependent_eligibility",
    title="Dependent eligibility on a review date, and when dependent coverage ends",
    facts_model=DependentEligibilityFacts,
    outputs={
        "coverage_end_date": "Last day the person is covered as a dependent under the age or "
        "status limit (null when no limit applies, e.g. a spouse or an approved disabled adult "
        "child).",
        "removal_effective_date": "Date a timely removal of a child who reached the age limit "
        "takes effect (the 1st of the month after coverage ends).",
        "removal_deadline": "Last day for the subscriber to file the removal of a child who "
        "reached the age limit.",
        "continuation_election_deadline": "Last day to elect continuation (COBRA) coverage "
        "after dependent coverage ends.",
        "continuation_end_date": "Last day continuation coverage can last if elected and paid.",
    },
    required_for_approval=(),
    as_of_facts=("review.review_date",),
    sweep_cases=sweep_cases,
)

QUESTION = DEPENDENT_ELIGIBILITY
