"""Facts of a retiree or continuant case: coverage at retirement, sick leave credits,
Medicare, COBRA / continuation elections and a continuant's plan change.

These models are the API's request schema and the type environment of the rule sets. Every
fact is optional; a rule that needs a fact the caller did not send makes the decision
*undetermined* and names the fact. ``request.kind`` says which of the five questions the
case asks; rules for the other kinds do not read their facts.

PHI minimisation: no names, SSNs or birth dates. The age test at retirement takes the age in
completed years on the termination date (computed by the caller), so no birth date is needed.
Medicare facts describe one person (the person whose Medicare status the case concerns);
decide a second Medicare-eligible family member with a second request. The family's Medicare
make-up (Medicare All / Some / None) is given per covered person in ``coverage.members``.
"""

from __future__ import annotations

import random
from datetime import date
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from ...rules import dates
from ...rules.question import QuestionSpec
from ..types import CaseDate, Flag, Number

RequestKind = Literal[
    "retirement",
    "sick_leave_credits",
    "medicare_change",
    "continuation_election",
    "continuant_plan_change",
]

QualifyingEvent = Literal[
    "termination_of_employment",
    "divorce",
    "dependent_age_out",
    "death_of_subscriber",
    "layoff",
]


class _Facts(BaseModel):
    model_config = ConfigDict(extra="forbid")


class RetireeRequest(_Facts):
    kind: RequestKind | None = Field(
        None,
        description="What the case asks: 'retirement' (does coverage continue on leaving "
        "employment), 'sick_leave_credits' (use or escrow of converted sick leave), "
        "'medicare_change' (plan change or switch to individual on new Medicare, form "
        "ET-2331), 'continuation_election' (COBRA or layoff continuation), "
        "'continuant_plan_change' (a continuant moving to a plan offered in the county).",
    )
    received_date: CaseDate | None = Field(
        None,
        description="Date ETF received the application, form or election (for a lapsed "
        "member's reinstatement: the application; for sick leave: the escrow application; "
        "for Medicare: the ET-2331; for continuation: the election). Default as-of date.",
    )


class RetireeSeparation(_Facts):
    termination_date: CaseDate | None = Field(
        None, description="Last day of employment with the WRS employer."
    )
    insured_at_termination: Flag | None = Field(
        None, description="Enrolled in the group health program on the termination date."
    )
    coverage_lapsed_on_unpaid_leave: Flag | None = Field(
        None,
        description="Coverage had lapsed during an unpaid leave of absence before termination.",
    )
    takes_wrs_annuity: Flag | None = Field(
        None, description="A WRS annuity is being taken (applied for) on leaving employment."
    )
    annuity_start_date: CaseDate | None = Field(
        None, description="Effective date of the WRS annuity."
    )
    first_annuity_payment_date: CaseDate | None = Field(
        None,
        description="Date of the first annuity payment (deadline for a lapsed member to file).",
    )
    age_at_termination: Number | None = Field(
        None, ge=0, le=120, description="Age in completed years on the termination date."
    )
    wrs_service_years: Number | None = Field(
        None, ge=0, le=80, description="Years of WRS creditable service at termination."
    )
    protective_category: Flag | None = Field(
        None, description="Protective occupation participant (minimum age 50 instead of 55)."
    )


class RetireeSickLeave(_Facts):
    conversion_event: (
        Literal[
            "retirement_immediate_annuity",
            "death",
            "qualifies_under_40_02_25_b_6_or_10",
            "none",
        ]
        | None
    ) = Field(
        None,
        description="The event that converts unused sick leave under Wis. Stat. § 40.05(4)(b); "
        "'none' for a departure that is none of them.",
    )
    use: Literal["pay_premiums", "escrow", "neither"] | None = Field(
        None,
        description="'pay_premiums': credits pay the health premiums; 'escrow': credits are "
        "kept for later while other comparable coverage is held; 'neither'.",
    )
    premium_type: Literal["group_health", "medicare_part_b", "medicare_supplement"] | None = Field(
        None, description="What the credits are asked to pay; default group health."
    )
    etf_notice_date: CaseDate | None = Field(
        None, description="Date of ETF's notice of the sick leave credit balance."
    )
    comparable_other_coverage: Flag | None = Field(
        None, description="The retiree has comparable other health coverage (for escrow)."
    )


class RetireeMedicare(_Facts):
    person: Literal["subscriber", "spouse", "child"] | None = Field(
        None, description="Whose Medicare the case concerns."
    )
    eligible: Flag | None = Field(
        None, description="The person is entitled to Medicare (by age, disability or ESRD)."
    )
    start_date: CaseDate | None = Field(
        None, description="Date Medicare coverage begins, or would have begun if enrolled."
    )
    has_part_a: Flag | None = None
    has_part_b: Flag | None = None
    employment_end_date: CaseDate | None = Field(
        None,
        description="Only when the subscriber was still employed when Medicare started: the "
        "date employment ends.",
    )
    change_requested: Literal["plan_change", "individual_coverage"] | None = Field(
        None, description="medicare_change: a change of plan, or a switch to individual."
    )
    plan_requested: Literal["medicare_advantage", "other"] | None = Field(
        None,
        description="'medicare_advantage' when the person asks for the IYC Medicare Advantage "
        "plan; default 'other'.",
    )


class RetireeCoveredPerson(_Facts):
    role: Literal["subscriber", "spouse", "child"] | None = None
    on_medicare: Flag | None = Field(
        None, description="The covered person has Medicare (counts for the contract type)."
    )


class RetireeCoverage(_Facts):
    level: Literal["individual", "family"] | None = None
    members: list[RetireeCoveredPerson] = Field(
        default_factory=list,
        max_length=50,
        description="Every covered person, the subscriber included.",
    )
    split_plans: Flag | None = Field(
        None, description="The family asks for its members to be in different health plans."
    )


class RetireeContinuationEvent(_Facts):
    qualifying_event: QualifyingEvent | None = None
    event_date: CaseDate | None = Field(
        None,
        description="Date of the qualifying event (for a layoff: the first day of layoff).",
    )
    coverage_end_date: CaseDate | None = Field(
        None, description="Last day of group coverage lost because of the event."
    )
    notice_received_date: CaseDate | None = Field(
        None, description="Date the person received the continuation (COBRA) notice."
    )
    disabled_at_event: Flag | None = Field(
        None,
        description="Determined disabled under the Social Security Act at the qualifying "
        "event (a disability beginning on or before the event date).",
    )
    disability_onset_date: CaseDate | None = Field(
        None,
        description="Date from which Social Security determined the qualified beneficiary "
        "disabled; from 1997 a disability beginning within the first 60 days of continuation "
        "coverage gives 29 months instead of 18 (42 U.S.C. 300bb-2).",
    )
    disability_notice_timely: Flag | None = Field(
        None,
        description="The Social Security disability determination was notified to the plan "
        "within 60 days of it and before the 18 months ended (42 U.S.C. 300bb-6(3)); without "
        "it the 29-month extension does not apply.",
    )


class RetireeContinuant(_Facts):
    county: str | None = Field(
        None, max_length=40, description="Wisconsin county where the continuant lives."
    )
    current_plan_has_primary_physician_in_county: Flag | None = Field(
        None, description="The continuant's present plan has a primary care physician there."
    )
    requested_plan_offered_in_county: Flag | None = Field(
        None, description="The plan the continuant asks for is offered in that county."
    )


class RetireeContinuationFacts(_Facts):
    request: RetireeRequest = Field(default_factory=RetireeRequest)
    separation: RetireeSeparation = Field(default_factory=RetireeSeparation)
    sick_leave: RetireeSickLeave = Field(default_factory=RetireeSickLeave)
    medicare: RetireeMedicare = Field(default_factory=RetireeMedicare)
    coverage: RetireeCoverage = Field(default_factory=RetireeCoverage)
    continuation: RetireeContinuationEvent = Field(default_factory=RetireeContinuationEvent)
    continuant: RetireeContinuant = Field(default_factory=RetireeContinuant)


def _members(rng: random.Random) -> tuple[str, list[dict[str, Any]]]:
    """A plausible family make-up: individual or family, some members on Medicare."""
    if rng.random() < 0.4:
        return "individual", [{"role": "subscriber", "on_medicare": rng.random() < 0.5}]
    members = [{"role": "subscriber", "on_medicare": rng.random() < 0.5}]
    members.append({"role": "spouse", "on_medicare": rng.random() < 0.5})
    if rng.random() < 0.3:
        members.append({"role": "child", "on_medicare": False})
    return "family", members


def _medicare_ok(rng: random.Random, around: date) -> dict[str, Any]:
    """Medicare facts of a retiree who either has no Medicare or has both parts."""
    if rng.random() < 0.5:
        return {"person": "subscriber", "eligible": False, "plan_requested": "other"}
    return {
        "person": "subscriber",
        "eligible": True,
        "start_date": dates.first_of_month(dates.add_months(around, -rng.randrange(0, 60))),
        "has_part_a": True,
        "has_part_b": True,
        "plan_requested": rng.choice(["medicare_advantage", "other"]),
    }


def sweep_cases(program: str, month: date) -> list[dict[str, Any]]:
    """Complete cases for one month: each request kind, events on the 1st, 15th, 16th and
    the month's last day, timely and late, the first and last day of each window."""
    rng = random.Random(f"retiree-continuation/{program}/{month.isoformat()}")
    last = dates.end_of_month(month)
    days = (month, month.replace(day=15), month.replace(day=16), last)
    cases: list[dict[str, Any]] = []

    # --- retirement: immediate annuity (window's last day or earlier), deferred 55/20,
    #     not continued, lapsed member on leave.
    term = rng.choice(days)
    level, members = _members(rng)
    cases.append(
        {
            "request": {"kind": "retirement"},
            "separation": {
                "termination_date": term,
                "insured_at_termination": True,
                "takes_wrs_annuity": True,
                "annuity_start_date": dates.add_days(term, rng.choice([1, 15, 30])),
                "age_at_termination": float(rng.randrange(55, 70)),
                "wrs_service_years": float(rng.randrange(5, 40)),
                "protective_category": rng.random() < 0.2,
            },
            "medicare": _medicare_ok(rng, term),
            "coverage": {"level": level, "members": members, "split_plans": False},
        }
    )
    term = rng.choice(days)
    protective = rng.random() < 0.3
    cases.append(
        {
            "request": {"kind": "retirement"},
            "separation": {
                "termination_date": term,
                "insured_at_termination": True,
                "takes_wrs_annuity": False,
                "age_at_termination": float(rng.randrange(50 if protective else 55, 62)),
                "wrs_service_years": float(rng.randrange(20, 35)),
                "protective_category": protective,
            },
            "medicare": {"person": "subscriber", "eligible": False},
            "coverage": {
                "level": "individual",
                "members": [{"role": "subscriber", "on_medicare": False}],
            },
        }
    )
    term = rng.choice(days)
    cases.append(
        {
            "request": {"kind": "retirement"},
            "separation": {
                "termination_date": term,
                "insured_at_termination": True,
                "takes_wrs_annuity": True,
                "annuity_start_date": dates.add_days(term, 31),
                "age_at_termination": float(rng.randrange(40, 55)),
                "wrs_service_years": float(rng.choice([8, 19, 22])),
                "protective_category": False,
            },
            "medicare": {"person": "subscriber", "eligible": False},
            "coverage": {
                "level": "individual",
                "members": [{"role": "subscriber", "on_medicare": False}],
            },
        }
    )
    term = rng.choice(days)
    first_payment = dates.add_days(term, rng.randrange(30, 75))
    cases.append(
        {
            "request": {
                "kind": "retirement",
                "received_date": dates.add_days(first_payment, rng.choice([-20, 0, 1])),
            },
            "separation": {
                "termination_date": term,
                "insured_at_termination": False,
                "coverage_lapsed_on_unpaid_leave": True,
                "takes_wrs_annuity": True,
                "annuity_start_date": dates.add_days(term, 1),
                "first_annuity_payment_date": first_payment,
                "age_at_termination": 60.0,
                "wrs_service_years": 25.0,
                "protective_category": False,
            },
            "medicare": {"person": "subscriber", "eligible": False},
            "coverage": {
                "level": "individual",
                "members": [{"role": "subscriber", "on_medicare": False}],
            },
        }
    )

    # --- sick leave credits: use for premiums, escrow on the last day, escrow late.
    term = rng.choice(days)
    notice = dates.add_days(term, rng.randrange(20, 60))
    use = rng.choice(["pay_premiums", "escrow", "escrow"])
    cases.append(
        {
            "request": {
                "kind": "sick_leave_credits",
                "received_date": dates.add_days(notice, rng.choice([5, 30, 31])),
            },
            "separation": {
                "termination_date": term,
                "insured_at_termination": rng.random() < 0.9,
            },
            "sick_leave": {
                "conversion_event": rng.choice(
                    [
                        "retirement_immediate_annuity",
                        "retirement_immediate_annuity",
                        "death",
                        "none",
                    ]
                ),
                "use": use,
                "premium_type": "group_health",
                "etf_notice_date": notice,
                "comparable_other_coverage": rng.random() < 0.8,
            },
        }
    )

    # --- Medicare change: Medicare starts on the 1st; ET-2331 received from too early to
    #     late (first day of the window, before the start, on it, last day, day after).
    start = month
    offset = rng.choice(["before_window", "window_first", "before", "on", "last", "late"])
    window_end = dates.add_days(start, 30)
    received = {
        "before_window": dates.add_days(dates.add_months(start, -3), -1),
        "window_first": dates.add_months(start, -3),
        "before": dates.add_days(start, -rng.randrange(1, 60)),
        "on": start,
        "last": window_end,
        "late": dates.add_days(window_end, 1),
    }[offset]
    level, members = _members(rng)
    members[0]["on_medicare"] = True
    employment_end = dates.add_days(start, rng.randrange(1, 28)) if rng.random() < 0.2 else None
    cases.append(
        {
            "request": {"kind": "medicare_change", "received_date": received},
            "medicare": {
                "person": "subscriber",
                "eligible": True,
                "start_date": start,
                "has_part_a": True,
                "has_part_b": rng.random() < 0.9,
                "employment_end_date": employment_end,
                "change_requested": rng.choice(["plan_change", "individual_coverage"]),
                "plan_requested": "other",
            },
            "coverage": {
                "level": level,
                "members": members,
                "split_plans": level == "family"
                and rng.random() < 0.3
                and any(not m["on_medicare"] for m in members),
            },
        }
    )

    # --- continuation (COBRA / layoff): coverage ends at a month end; election timely or late.
    for event in rng.sample(
        [
            "termination_of_employment",
            "divorce",
            "dependent_age_out",
            "death_of_subscriber",
            "layoff",
        ],
        3,
    ):
        event_date = rng.choice(days)
        coverage_end = dates.end_of_month(event_date)
        notice = dates.add_days(coverage_end, rng.choice([-10, 0, 14]))
        deadline = dates.add_days(max(coverage_end, notice), 60)
        election = dates.add_days(deadline, rng.choice([-59, -1, 0, 1, 40]))
        level, members = _members(rng)
        cases.append(
            {
                "request": {"kind": "continuation_election", "received_date": election},
                "continuation": {
                    "qualifying_event": event,
                    "event_date": event_date,
                    "coverage_end_date": coverage_end,
                    "notice_received_date": notice,
                    "disabled_at_event": rng.random() < 0.1,
                    "disability_notice_timely": rng.random() < 0.5,
                },
                "coverage": {"level": level, "members": members, "split_plans": False},
            }
        )

    # --- continuant plan change by county.
    level, members = _members(rng)
    cases.append(
        {
            "request": {"kind": "continuant_plan_change", "received_date": rng.choice(days)},
            "continuant": {
                "county": rng.choice(["Iron", "Dane", "Vilas", "Florence"]),
                "current_plan_has_primary_physician_in_county": rng.random() < 0.3,
                "requested_plan_offered_in_county": rng.random() < 0.8,
            },
            "coverage": {"level": level, "members": members, "split_plans": False},
        }
    )
    return cases


RETIREE_CONTINUATION = QuestionSpec(
    name="retiree_continuation",
    title="Retirees and continuants: coverage at retirement, sick leave credits, Medicare, "
    "COBRA and continuation",
    facts_model=RetireeContinuationFacts,
    outputs={
        "annuity_start_deadline": "Last day a WRS annuity may begin and still count as an "
        "immediate annuity (within 30 days of leaving employment).",
        "coverage_continues_from": "First day of coverage as an annuitant or continuant: the "
        "day after employment (or group coverage) ends, or the first day of a state layoff.",
        "reinstatement_deadline": "Last day a member whose coverage lapsed on unpaid leave may "
        "file to have it reinstated: the date of the first annuity payment.",
        "sick_leave_certification_deadline": "Last day for the employer to certify the "
        "employee's sick leave to ETF (30 days after termination).",
        "escrow_deadline": "Last day ETF may receive an application to escrow sick leave "
        "credits (30 days after ETF's notice).",
        "application_window_start": "First day ETF may receive the ET-2331 for a Medicare "
        "change (three months before Medicare starts).",
        "application_window_end": "Last day ETF may receive the ET-2331 (30 days after "
        "Medicare starts).",
        "effective_date": "Date the Medicare-related plan change (or switch to individual) "
        "takes effect.",
        "liability_start_date": "Date from which the member is liable for the share Medicare "
        "would have paid (the person lacks Part A or Part B).",
        "election_deadline": "Last day to elect COBRA or continuation coverage (60 days after "
        "the later of the coverage end and the notice).",
        "layoff_continuation_end_date": "State layoff: last day of the 36 months of "
        "continuation under Wis. Stat. § 40.02(40), before COBRA.",
        "continuation_end_date": "Last day of continuation (COBRA) coverage.",
    },
    required_for_approval=(),
    as_of_facts=(
        "request.received_date",
        "separation.termination_date",
        "continuation.event_date",
        "medicare.start_date",
    ),
    sweep_cases=sweep_cases,
)

QUESTION = RETIREE_CONTINUATION
