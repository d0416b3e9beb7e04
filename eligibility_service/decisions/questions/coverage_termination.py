"""Facts of a cancellation or termination of group health coverage, State or Local program.

One case is one event that ends (or may end) coverage or the employer's share of the premium:
a voluntary cancellation, the end of employment or retirement, unpaid premiums, an unpaid
leave of absence, a layoff, a call to active military duty, or the subscriber's death.
The answer gives the dates that follow from it: when coverage and the employer's share end,
when the employer's share resumes, the deadlines to re-enroll, to elect continuation and to
send a notice, and how long continuation may last.

Outcome semantics for this question: ``approved`` means the event is processed as the dates
say (a cancellation is accepted, a lapse or continuation stands, a re-enrollment that has
arrived is on time); ``denied`` means the request the case is about is not allowed (a pre-tax
cancellation outside its window, a late re-enrollment or reinstatement, a late survivor
application, a military option that does not exist); ``incomplete`` means a needed document
is missing. Every fact is optional at this level: a rule that needs one the caller did not
send makes the decision *undetermined* and names it. No names, SSNs or birth dates are asked
for (PHI minimisation).
"""

from __future__ import annotations

import random
from datetime import date
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from ...rules import dates
from ...rules.question import QuestionSpec
from ..types import CaseDate, Flag

TerminationReason = Literal[
    "voluntary_cancel",
    "end_of_employment",
    "retirement",
    "nonpayment",
    "leave_of_absence",
    "layoff_temporary",
    "layoff_permanent",
    "military_activation",
    "death_of_subscriber",
]

CancelBasis = Literal[
    "qualifying_event",
    "leaving_employment",
    "other_group_coverage",
    "open_enrollment",
    "none",
]

MilitaryOption = Literal[
    "continue_and_prepay",
    "lapse_and_reinstate",
    "lapse_and_reapply_on_return",
]


class _Facts(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Subscriber(_Facts):
    annuitant: Flag | None = Field(
        None,
        description="The subscriber is insured as a WRS annuitant (retiree), not as an active "
        "employee. Annuitants may cancel at any time.",
    )
    premium_tax_status: Literal["pre_tax", "post_tax"] | None = Field(
        None,
        description="Active employees: whether the employee's premium share is deducted "
        "before tax (Section 125) or after tax. Pre-tax payers may cancel only in set windows.",
    )
    hire_date: CaseDate | None = Field(
        None,
        description="First day of paid work in the position; used only to flag an employee "
        "who leaves before completing 30 days of service (COBRA must still be offered).",
    )
    receiving_employer_contribution: Flag | None = Field(
        None,
        description="Insured and receiving the employer's premium contribution on the event "
        "date. State military rule (Wis. Stat. § 40.05(4g)) applies only then.",
    )
    surviving_dependent: Flag | None = Field(
        None,
        description="The subscriber is a surviving insured dependent (spouse or child) whose "
        "coverage continues after the insured employee's or annuitant's death under Wis. "
        "Admin. Code § ETF 40.01; a cancellation then takes effect under ETF 40.01(4)(b).",
    )


class Event(_Facts):
    reason: TerminationReason | None = Field(
        None, description="What happened: the program-relevant reason coverage may end."
    )
    termination_date: CaseDate | None = Field(
        None,
        description="end_of_employment, retirement: the last day of employment (the "
        "termination date reported to ETF).",
    )
    received_date: CaseDate | None = Field(
        None,
        description="Date the employer (ETF for annuitants and survivors) received the "
        "request or application this case is about: the cancellation request, the "
        "re-enrollment or reinstatement application (ET-2301), or the survivors' application.",
    )
    request_signed: Flag | None = Field(
        None, description="voluntary_cancel: the request is in writing and signed."
    )
    cancel_basis: CancelBasis | None = Field(
        None,
        description="voluntary_cancel by a pre-tax employee: what permits the cancellation "
        "('none' if nothing does).",
    )
    basis_event_date: CaseDate | None = Field(
        None,
        description="voluntary_cancel: date of the qualifying event, of leaving employment, or "
        "the start date of the other group coverage (the 30-day window runs from it).",
    )
    proof_of_other_coverage: Flag | None = Field(
        None,
        description="voluntary_cancel on other_group_coverage: proof of the other coverage "
        "(such as an ID card) came with the request.",
    )
    plan_year_start_date: CaseDate | None = Field(
        None,
        description="voluntary_cancel on open_enrollment: January 1 of the plan year the "
        "open-enrollment cancellation is for.",
    )
    unpaid_month: CaseDate | None = Field(
        None,
        description="nonpayment: any day of the month whose employee premium was not paid "
        "(the 1st by convention).",
    )
    leave_start_date: CaseDate | None = Field(
        None,
        description="leave_of_absence, layoff_temporary, layoff_permanent: first day of the "
        "unpaid leave or of the layoff.",
    )
    coverage_during_leave: Literal["continue", "lapse"] | None = Field(
        None,
        description="leave_of_absence: the employee keeps coverage by paying their share, or "
        "lets it lapse.",
    )
    return_to_work_date: CaseDate | None = Field(
        None,
        description="leave_of_absence, military_activation: first day back at work, if known.",
    )
    activation_date: CaseDate | None = Field(
        None, description="military_activation: first day of active duty (other than training)."
    )
    release_date: CaseDate | None = Field(
        None, description="military_activation: date of release from active duty, if known."
    )
    military_option: MilitaryOption | None = Field(
        None,
        description="military_activation: the choice made for coverage during active duty.",
    )
    sick_leave_credits_requested_date: CaseDate | None = Field(
        None,
        description="State permanent layoff: date the written request to use sick leave "
        "credits for premiums was received, if one was made.",
    )
    death_date: CaseDate | None = Field(
        None, description="death_of_subscriber: date of the subscriber's death."
    )
    death_reported_date: CaseDate | None = Field(
        None,
        description="death_of_subscriber: date the employer (or ETF) learned of the death; "
        "the continuation notice is due within 5 days of it.",
    )
    surviving_insured_dependents: Flag | None = Field(
        None,
        description="death_of_subscriber: a spouse or child was insured under the contract "
        "when the subscriber died.",
    )
    continuation_notice_date: CaseDate | None = Field(
        None,
        description="Date the person received the continuation notice (COBRA, or the "
        "survivors' notice under Wis. Stat. § 632.897, whose 30 days run 'after receiving "
        "notice'). Election windows run from it.",
    )


class CoverageTerminationFacts(_Facts):
    subscriber: Subscriber = Field(default_factory=Subscriber)
    event: Event = Field(default_factory=Event)


def _day(month: date, day: int) -> date:
    """``day`` of ``month``, clamped to the month's last day."""
    return month.replace(day=min(day, dates.days_in_month(month.year, month.month)))


def sweep_cases(program: str, month: date) -> list[dict[str, Any]]:
    """Complete termination cases for one month: every reason, events on the 1st, the 15th,
    the 16th and the last day, requests on time, on the window's last day and late."""
    rng = random.Random(f"coverage-termination/{program}/{month.isoformat()}")
    last = dates.end_of_month(month)
    day = rng.choice([1, 15, 16, last.day])
    event_day = _day(month, day)
    cases: list[dict[str, Any]] = []

    def case(subscriber: dict[str, Any], event: dict[str, Any]) -> None:
        cases.append({"subscriber": subscriber, "event": event})

    active = {
        "annuitant": False,
        "premium_tax_status": rng.choice(["pre_tax", "post_tax"]),
        "hire_date": dates.add_days(event_day, -rng.choice([10, 29, 30, 400, 4000])),
        "receiving_employer_contribution": rng.random() < 0.9,
    }

    # voluntary cancellation: an annuitant, and a pre-tax employee on time, on the last
    # day of the window (day 30) and one day late
    case(
        {"annuitant": True},
        {"reason": "voluntary_cancel", "received_date": event_day, "request_signed": True},
    )
    delay = rng.choice([0, 30, 31])
    case(
        {**active, "premium_tax_status": "pre_tax"},
        {
            "reason": "voluntary_cancel",
            "received_date": dates.add_days(event_day, delay),
            "request_signed": True,
            "cancel_basis": rng.choice(["qualifying_event", "other_group_coverage"]),
            "basis_event_date": event_day,
            "proof_of_other_coverage": rng.random() < 0.9,
        },
    )
    case(
        {**active, "premium_tax_status": "pre_tax"},
        {
            "reason": "voluntary_cancel",
            "received_date": last,
            "request_signed": rng.random() < 0.9,
            "cancel_basis": rng.choice(["open_enrollment", "none"]),
            "plan_year_start_date": date(month.year + 1, 1, 1),
        },
    )
    # end of employment and retirement (the 1st, the 15th/16th, the month's end)
    case(
        active,
        {
            "reason": "end_of_employment",
            "termination_date": event_day,
            "continuation_notice_date": dates.add_days(event_day, rng.choice([5, 40, 75])),
        },
    )
    case(active, {"reason": "retirement", "termination_date": last})
    # unpaid premium
    case(active, {"reason": "nonpayment", "unpaid_month": month})
    # unpaid leave: kept, or lapsed with re-enrollment on time / late
    back = dates.add_days(event_day, rng.choice([20, 45, 120]))
    case(
        active,
        {
            "reason": "leave_of_absence",
            "leave_start_date": event_day,
            "coverage_during_leave": "continue",
            "return_to_work_date": back,
        },
    )
    case(
        active,
        {
            "reason": "leave_of_absence",
            "leave_start_date": event_day,
            "coverage_during_leave": "lapse",
            "return_to_work_date": back,
            "received_date": dates.add_days(back, rng.choice([0, 30, 31])),
        },
    )
    # layoff
    case(
        active,
        {
            "reason": rng.choice(["layoff_temporary", "layoff_permanent"]),
            "leave_start_date": event_day,
            "sick_leave_credits_requested_date": dates.add_days(event_day, rng.choice([-10, 0, 5])),
        },
    )
    # military activation, each option
    option = rng.choice(
        ["continue_and_prepay", "lapse_and_reinstate", "lapse_and_reapply_on_return"]
    )
    release = dates.add_days(event_day, 200)
    case(
        active,
        {
            "reason": "military_activation",
            "activation_date": event_day,
            "military_option": option,
            "received_date": dates.add_days(event_day, rng.choice([30, 60, 61]))
            if option == "lapse_and_reinstate"
            else dates.add_days(release, rng.choice([40, 120, 125])),
            "release_date": release,
            "return_to_work_date": dates.add_days(release, rng.choice([10, 90, 95])),
        },
    )
    # death of the subscriber
    case(
        rng.choice([active, {"annuitant": True}]),
        {
            "reason": "death_of_subscriber",
            "death_date": event_day,
            "death_reported_date": dates.add_days(event_day, 2),
            "surviving_insured_dependents": rng.random() < 0.8,
            "continuation_notice_date": dates.add_days(event_day, 6),
            "received_date": dates.add_days(event_day, rng.choice([20, 36, 37])),
        },
    )
    return cases


COVERAGE_TERMINATION = QuestionSpec(
    name="coverage_termination",
    title="Cancellation or termination of group health coverage, and what follows",
    facts_model=CoverageTerminationFacts,
    outputs={
        "coverage_end_date": "Last day of coverage under the contract as it was before the "
        "event (continuation, if elected, starts the next day).",
        "employer_contribution_end_date": "Last day of coverage for which the employer pays "
        "its share of the premium.",
        "employer_contribution_resume_date": "First day of the coverage month from which the "
        "employer pays its share again after a leave.",
        "reenrollment_deadline": "Last day to re-enroll or reinstate lapsed coverage (after a "
        "leave of absence or active military duty).",
        "layoff_continuation_end_date": "State layoff: last day of the 36 months of coverage "
        "under Wis. Stat. § 40.02(40).",
        "continuation_end_date": "Last day of continuation (COBRA) coverage if elected.",
        "election_deadline": "Last day to elect continuation (COBRA), or for survivors to "
        "apply to continue coverage.",
        "notice_deadline": "Last day to send the survivors their notice of continuation rights.",
    },
    # No date is required for approval: a kept leave, a layoff or a death does not end the
    # coverage itself, so an approved answer may legitimately carry no coverage end date.
    required_for_approval=(),
    as_of_facts=(
        "event.termination_date",
        "event.leave_start_date",
        "event.activation_date",
        "event.death_date",
        "event.unpaid_month",
        "event.received_date",
    ),
    sweep_cases=sweep_cases,
)

QUESTION = COVERAGE_TERMINATION
