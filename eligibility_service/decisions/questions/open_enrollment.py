"""Facts of an It's Your Choice (open enrollment) request, State or Local program.

Two kinds of request share this question:

* a member's open-enrollment election (plan change, individual <-> family, enrolling while
  uninsured, adding or dropping adult children, cancelling), judged against the plan year's
  window, the late-application process and who may use open enrollment; and
* Local only: an employer's change of WPE program option, which needs the governing body's
  resolution at ETF by October 1 for a January 1 start.

Every fact is optional; a rule that needs a missing one makes the decision *undetermined*
and names it. No personal identifiers are asked for.
"""

from __future__ import annotations

import random
from datetime import date
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from ...rules import dates
from ...rules.question import QuestionSpec
from ..types import CaseDate, Flag

# A calendar year as a whole number (the rules turn it into January 1 with add_years).
PlanYear = Annotated[int, Field(strict=True, ge=1983, le=2100)]

MemberType = Literal[
    "employee",
    "retiree",
    "cobra_continuant",
    "surviving_dependent",
    "other",
]

ChangeType = Literal[
    "plan_change",
    "individual_to_family",
    "family_to_individual",
    "enroll",
    "add_adult_child",
    "drop_adult_child",
    "cancel",
]


class _Facts(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Member(_Facts):
    member_type: MemberType | None = Field(
        None,
        description="Who makes the election: an active employee, a retiree (annuitant), a "
        "COBRA or other continuant, a surviving spouse or dependent, or 'other' (none of "
        "these, e.g. a former employee who did not continue coverage).",
    )
    insured: Flag | None = Field(
        None, description="The member is insured in the program as a subscriber today."
    )
    eligible_to_enroll: Flag | None = Field(
        None,
        description="Uninsured retirees only: ETF confirms the retiree is still eligible to "
        "enroll (for example coverage was suspended rather than cancelled).",
    )


class Application(_Facts):
    kind: Literal["member_election", "program_option_change"] | None = Field(
        None,
        description="'member_election' (the default when absent) or, Local only, "
        "'program_option_change': the employer's resolution to change WPE program option.",
    )
    plan_year: PlanYear | None = Field(
        None,
        description="The plan (calendar) year the election or the program option change is "
        "for; open-enrollment changes take effect on January 1 of this year.",
    )
    received_date: CaseDate | None = Field(
        None,
        description="Date the employer (employees) or ETF (retirees, continuants, surviving "
        "dependents, employer resolutions) received the application or resolution.",
    )
    change_type: ChangeType | None = Field(None, description="The change the member asks for.")
    window_timing: Literal["before_window", "in_window", "after_window"] | None = Field(
        None,
        description="Only for plan years whose open-enrollment window the rule set does not "
        "list: where ETF confirms the receipt date falls relative to that window.",
    )
    written_reason_provided: Flag | None = Field(
        None,
        description="Late applications: the member gave a written reason for applying late.",
    )
    employer_statement_provided: Flag | None = Field(
        None,
        description="Late employee applications received on or after January 1: the employer "
        "sent its written account of how it distributed open-enrollment materials and its "
        "recommendation.",
    )
    etf_approved: Flag | None = Field(
        None, description="Late applications: ETF approved the late application."
    )
    etf_approval_date: CaseDate | None = Field(
        None,
        description="Late applications received after January 31 of the plan year: the date "
        "ETF approved the application. From the June 2022 editions of ET-1118 § 604(3) and "
        "ET-1144 § 704C such a request takes effect on the first of the month after approval.",
    )


class OpenEnrollmentFacts(_Facts):
    member: Member = Field(default_factory=Member)
    application: Application = Field(default_factory=Application)


_CHANGES: tuple[str, ...] = (
    "plan_change",
    "individual_to_family",
    "family_to_individual",
    "add_adult_child",
    "drop_adult_child",
    "cancel",
)


def _timing(received: date, plan_year: int) -> str:
    """A plausible reported timing for plan years whose window is not listed."""
    if received >= date(plan_year, 1, 1) or received.month >= 11:
        return "after_window"
    if received.month == 10 or (received.month == 9 and received.day >= 25):
        return "in_window"
    return "before_window"


def sweep_cases(program: str, month: date) -> list[dict[str, Any]]:
    """Complete open-enrollment requests received in one month: members of every kind on the
    1st, 15th, 16th and last day; plan year is the next one from July on, else the current one
    (late applications); plus, every month, an employer program-option resolution."""
    rng = random.Random(f"open-enrollment/{program}/{month.isoformat()}")
    last = dates.end_of_month(month)
    plan_year = month.year + 1 if month.month >= 7 else month.year
    cases: list[dict[str, Any]] = []
    for day in (month, month.replace(day=15), month.replace(day=16), last):
        member_type = rng.choice(
            ["employee", "employee", "retiree", "cobra_continuant", "surviving_dependent"]
        )
        insured = rng.random() < 0.8 or member_type in ("cobra_continuant", "surviving_dependent")
        change = rng.choice(_CHANGES) if insured else "enroll"
        approved = rng.random() < 0.7
        cases.append(
            {
                "member": {
                    "member_type": member_type,
                    "insured": insured,
                    "eligible_to_enroll": rng.random() < 0.7 if member_type == "retiree" else None,
                },
                "application": {
                    "kind": "member_election",
                    "plan_year": plan_year,
                    "received_date": day,
                    "change_type": change,
                    "window_timing": _timing(day, plan_year),
                    "written_reason_provided": rng.random() < 0.9,
                    "employer_statement_provided": rng.random() < 0.9,
                    "etf_approved": approved,
                    "etf_approval_date": dates.add_days(day, rng.randrange(0, 20))
                    if approved
                    else None,
                },
            }
        )
    # an uninsured employee enrolling, and a member who may not use open enrollment
    day = month.replace(day=rng.randrange(1, 29))
    cases.append(
        {
            "member": {"member_type": "employee", "insured": False},
            "application": {
                "kind": "member_election",
                "plan_year": plan_year,
                "received_date": day,
                "change_type": "enroll",
                "window_timing": _timing(day, plan_year),
                "written_reason_provided": True,
                "employer_statement_provided": True,
                "etf_approved": True,
                "etf_approval_date": dates.add_days(day, rng.randrange(0, 20)),
            },
        }
    )
    cases.append(
        {
            "member": {"member_type": "other", "insured": False},
            "application": {
                "kind": "member_election",
                "plan_year": plan_year,
                "received_date": last,
                "change_type": "enroll",
                "window_timing": _timing(last, plan_year),
                "written_reason_provided": True,
                "employer_statement_provided": True,
                "etf_approved": False,
            },
        }
    )
    # employer resolution changing the WPE program option for next year (the 1st and 2nd of
    # the month bracket the October 1 deadline)
    for day in (month, month.replace(day=2)):
        cases.append(
            {
                "application": {
                    "kind": "program_option_change",
                    "plan_year": month.year + 1,
                    "received_date": day,
                }
            }
        )
    return cases


OPEN_ENROLLMENT = QuestionSpec(
    name="open_enrollment",
    title="It's Your Choice open enrollment election (and Local program option changes)",
    facts_model=OpenEnrollmentFacts,
    outputs={
        "coverage_effective_date": "The date the election (or the program option change) "
        "takes effect.",
        "window_first_day": "First day of the plan year's open-enrollment window, when known.",
        "window_last_day": "Last day of the plan year's open-enrollment window, when known.",
        "keying_cutoff": "Last day employers could key open-enrollment applications for the "
        "plan year, where ETF published one.",
        "late_application_deadline": "Last day a late open-enrollment application can still be "
        "accepted (April 15 of the plan year).",
        "resolution_deadline": "Local: last day ETF may receive the employer's resolution to "
        "change program option for the plan year (October 1 before it).",
    },
    required_for_approval=("coverage_effective_date",),
    as_of_facts=("application.received_date",),
    sweep_cases=sweep_cases,
)

QUESTION = OPEN_ENROLLMENT
