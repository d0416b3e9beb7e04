"""Facts of a change application an active employee makes because of a qualifying life event.

State and Local (WPE) programs alike. The caller sends the event (its type and dates), the
change asked for, the coverage the employee has now, and how the application arrived; the
rules decide whether the event qualifies, whether it permits that change, whether the
application is timely, and the dates that follow (effective date, deadline, when the family
premium starts after a marriage, when an ex-spouse's coverage ends after a divorce, until when
a grandchild born to a covered minor dependent is eligible).

Every fact is optional at this level; a rule that needs a fact the caller did not send makes
the decision *undetermined* and names it. No names, SSNs or birth dates of people are asked
for (PHI minimisation): only the event dates the rules need, and for a grandchild's birth the
birth date of its parent (the covered dependent), which the age rule needs.
"""

from __future__ import annotations

import random
from datetime import date
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from ...rules import dates
from ...rules.question import QuestionSpec
from ..types import CaseDate, Flag, Number

EventType = Literal[
    "marriage",
    "birth",
    "adoption",
    "placement_for_adoption",
    "paternity_established",
    "custody_or_guardianship_or_nmsn",
    "involuntary_loss_of_other_coverage",
    "gain_of_other_coverage",
    "divorce_or_annulment",
    "death_of_spouse_or_dependent",
    "move_out_of_service_area",
    "gain_of_employer_contribution",
    "grandchild_birth",
    "state_premium_increase_2011",
]

RequestedChange = Literal[
    "enroll",
    "individual_to_family",
    "add_dependent",
    "plan_change",
    "family_to_individual",
    "remove_dependent",
    "cancel",
]

OtherCoverageKind = Literal["employer_group", "medicare", "medicaid", "tricare", "other"]


class _Facts(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Event(_Facts):
    type: EventType | None = Field(None, description="The qualifying life event.")
    date: CaseDate | None = Field(
        None,
        description="The event date: marriage; birth; paternity established (date the "
        "Voluntary Paternity Acknowledgment was filed or the court order entered); custody, "
        "guardianship or NMSN awarded; start of the other coverage (gain of other coverage); "
        "divorce or annulment final; death; start of the larger employer contribution; "
        "birth of a grandchild to a covered dependent under 18 (grandchild_birth); the first "
        "paycheck with the higher 2011 premium (state_premium_increase_2011, State employees "
        "only, a one-off rule for 2011). Not used for adoption, loss of other coverage or a "
        "move, which have their own dates.",
    )
    parent_birth_date: CaseDate | None = Field(
        None,
        description="Grandchild's birth: birth date of the grandchild's parent, the covered "
        "dependent (the grandchild is eligible until the end of the month the parent turns "
        "18).",
    )
    adoption_order_date: CaseDate | None = Field(
        None, description="Adoption: date of the court's final adoption order, if any yet."
    )
    placement_date: CaseDate | None = Field(
        None, description="Adoption or placement: date the child was placed in the custody."
    )
    other_coverage_end_date: CaseDate | None = Field(
        None,
        description="Loss of other coverage: the date the other coverage ends (the last day "
        "it covers the person).",
    )
    loss_notice_date: CaseDate | None = Field(
        None,
        description="Loss of other coverage: date the member was notified of the loss. "
        "Omit when there was no separate, later notice.",
    )
    loss_due_to_nonpayment: Flag | None = Field(
        None, description="Loss of other coverage: it ended because premiums were not paid."
    )
    other_coverage_kind: OtherCoverageKind | None = Field(
        None,
        description="Gain of other coverage: what the new coverage is ('other' = not group "
        "coverage, Medicaid or Tricare, e.g. an individual policy). Loss of other coverage: "
        "what the lost coverage was ('medicaid' = Medicaid or CHIP, including BadgerCare "
        "Plus, which has a 60-day window from 2009-04-01).",
    )
    deceased_is_spouse: Flag | None = Field(
        None, description="Death: the person who died was the employee's spouse."
    )
    et2311_notice_date: CaseDate | None = Field(
        None,
        description="Divorce: date the ET-2311 continuation (COBRA) notice was given to the "
        "former spouse.",
    )
    employer_notified_date: CaseDate | None = Field(
        None, description="Divorce: date the employer learned of the divorce or annulment."
    )
    move_date: CaseDate | None = Field(None, description="Move: date of the move.")
    move_out_of_service_area: Flag | None = Field(
        None,
        description="Move: the new residence is outside the current health plan's service "
        "area (a move within the same county is not).",
    )
    move_expected_duration_months: Number | None = Field(
        None, ge=0, le=1200, description="Move: how long the employee expects to live there."
    )


class Coverage(_Facts):
    level: Literal["none", "individual", "family"] | None = Field(
        None, description="The employee's coverage before the change."
    )
    premiums_pre_tax: Flag | None = Field(
        None, description="Premiums are deducted pre-tax under Section 125."
    )
    other_dependents_remain: Flag | None = Field(
        None,
        description="Death: dependents other than the one who died remain on the family contract.",
    )


class Application(_Facts):
    received_date: CaseDate | None = Field(
        None, description="Date the employer received the change application (ET-2301)."
    )
    signed: Flag | None = None
    requested_change: RequestedChange | None = None
    coverage_level: Literal["individual", "family"] | None = Field(
        None, description="For 'enroll': the coverage level asked for."
    )
    proof_included: Flag | None = Field(
        None,
        description="Proof of the other coverage is attached (e.g. an ID card): needed to "
        "drop coverage on gaining other coverage, and for a cancellation after a spouse's "
        "death.",
    )
    other_coverage_premium_provided: Flag | None = Field(
        None,
        description="Dropping coverage for Medicaid or Tricare: the premium cost of that "
        "coverage is stated.",
    )


class LifeEventChangeFacts(_Facts):
    event: Event = Field(default_factory=Event)
    coverage: Coverage = Field(default_factory=Coverage)
    application: Application = Field(default_factory=Application)


def _case(
    event: dict[str, Any],
    level: str,
    change: str,
    received: date,
    *,
    pre_tax: bool = True,
    coverage_level: str | None = None,
    proof: bool = True,
    others_remain: bool = True,
) -> dict[str, Any]:
    return {
        "event": event,
        "coverage": {
            "level": level,
            "premiums_pre_tax": pre_tax,
            "other_dependents_remain": others_remain,
        },
        "application": {
            "received_date": received,
            "signed": True,
            "requested_change": change,
            "coverage_level": coverage_level,
            "proof_included": proof,
            "other_coverage_premium_provided": True,
        },
    }


def sweep_cases(program: str, month: date) -> list[dict[str, Any]]:
    """Complete life-event cases for one month: events on the 1st, the 15th, the 16th and the
    month's last day; applications on time, on a window's last day, the day after, and late;
    every event type over a few months (the choice of event rotates with the seed)."""
    rng = random.Random(f"life-event-change/{program}/{month.isoformat()}")
    last = dates.end_of_month(month)
    d15, d16 = month.replace(day=15), month.replace(day=16)
    cases: list[dict[str, Any]] = []

    # marriage on the 15th or 16th, spouse added on the window's last day or the day after
    marriage = rng.choice([d15, d16])
    cases.append(
        _case(
            {"type": "marriage", "date": marriage},
            "individual",
            "individual_to_family",
            dates.add_days(marriage, rng.choice([0, 30, 31])),
        )
    )
    # new enrollee marrying at the month's end
    cases.append(
        _case(
            {"type": "marriage", "date": last},
            "none",
            "enroll",
            dates.add_days(last, rng.randrange(1, 40)),
            coverage_level="family",
        )
    )
    # birth on the 1st: add within 60 days or late; or an attempt to drop a dependent
    birth_change = rng.choice(["add_dependent", "individual_to_family", "remove_dependent"])
    cases.append(
        _case(
            {"type": "birth", "date": month},
            "family" if birth_change != "individual_to_family" else "individual",
            birth_change,
            dates.add_days(month, rng.choice([3, 60, 61])),
            pre_tax=rng.random() < 0.8,
        )
    )
    # adoption: placement before the order
    placement = dates.add_days(month, rng.randrange(0, 28))
    cases.append(
        _case(
            {
                "type": rng.choice(["adoption", "placement_for_adoption"]),
                "placement_date": placement,
                "adoption_order_date": dates.add_days(placement, rng.randrange(0, 200)),
            },
            "individual",
            rng.choice(["individual_to_family", "plan_change"]),
            dates.add_days(placement, rng.choice([10, 30, 59])),
        )
    )
    # loss of other coverage ending at the month's end, notice on time or late
    notice = dates.add_days(last, rng.choice([-20, 0, 9]))
    cases.append(
        _case(
            {
                "type": "involuntary_loss_of_other_coverage",
                "other_coverage_end_date": last,
                "loss_notice_date": notice,
                "loss_due_to_nonpayment": rng.random() < 0.15,
            },
            *(("none", "enroll") if rng.random() < 0.5 else ("individual", "plan_change")),
            dates.add_days(max(last, notice), rng.choice([1, 30, 31])),
            coverage_level="family",
        )
    )
    # gain of other coverage on the 16th
    cases.append(
        _case(
            {
                "type": "gain_of_other_coverage",
                "date": d16,
                "other_coverage_kind": rng.choice(
                    ["employer_group", "employer_group", "medicare", "medicaid", "tricare"]
                ),
            },
            "family",
            rng.choice(["cancel", "family_to_individual", "remove_dependent"]),
            dates.add_days(d16, rng.choice([-5, 15, 30, 31])),
            pre_tax=rng.random() < 0.7,
            proof=rng.random() < 0.9,
        )
    )
    # divorce final mid-month, ET-2311 given within days
    final = dates.add_days(month, rng.randrange(0, 28))
    cases.append(
        _case(
            {
                "type": "divorce_or_annulment",
                "date": final,
                "et2311_notice_date": dates.add_days(final, rng.randrange(0, 25)),
                "employer_notified_date": final,
            },
            "family",
            rng.choice(["remove_dependent", "family_to_individual", "plan_change", "cancel"]),
            dates.add_days(final, rng.choice([5, 30, 31, 60, 61])),
        )
    )
    # death of a spouse or dependent
    death_change = rng.choice(["remove_dependent", "family_to_individual", "cancel", "plan_change"])
    cases.append(
        _case(
            {"type": "death_of_spouse_or_dependent", "date": d15, "deceased_is_spouse": True},
            "family",
            death_change,
            dates.add_days(d15, rng.choice([3, 25, 90])),
            others_remain=rng.random() < 0.5,
            proof=rng.random() < 0.8,
        )
    )
    # move, applied before or after; some too short or within the area
    move = rng.choice([month, d16, last])
    cases.append(
        _case(
            {
                "type": "move_out_of_service_area",
                "move_date": move,
                "move_out_of_service_area": rng.random() < 0.85,
                "move_expected_duration_months": float(rng.choice([2, 3, 12])),
            },
            rng.choice(["individual", "family"]),
            "plan_change",
            dates.add_days(move, rng.choice([-31, -30, -1, 0, 30, 31])),
        )
    )
    # the remaining event types, one a month in rotation
    other = rng.choice(
        [
            "paternity_established",
            "custody_or_guardianship_or_nmsn",
            "gain_of_employer_contribution",
        ]
    )
    when = rng.choice([month, d15, last])
    other_change = rng.choice(["individual_to_family", "plan_change", "family_to_individual"])
    cases.append(
        _case(
            {"type": other, "date": when},
            "family" if other_change == "family_to_individual" else "individual",
            other_change,
            dates.add_days(when, rng.choice([0, 30, 31, 60])),
            pre_tax=rng.random() < 0.7,
        )
    )
    # a grandchild born to a covered dependent aged 15 to 18 (some parents past 18)
    born = rng.choice([month, d15, d16, last])
    parent_birth = dates.add_days(
        dates.add_years(born, -rng.choice([15, 17, 18])), -rng.randrange(0, 120)
    )
    grandchild_change = rng.choice(["add_dependent", "add_dependent", "plan_change", "cancel"])
    cases.append(
        _case(
            {"type": "grandchild_birth", "date": born, "parent_birth_date": parent_birth},
            "family",
            grandchild_change,
            dates.add_days(born, rng.choice([0, 30, 31, 59, 60, 61])),
            pre_tax=rng.random() < 0.85,
        )
    )
    # the one-off 2011 State premium increase (State only; refused outside 2011)
    if program == "state":
        paycheck = rng.choice([month, d15, last])
        cases.append(
            _case(
                {"type": "state_premium_increase_2011", "date": paycheck},
                "family",
                rng.choice(["family_to_individual", "cancel", "plan_change"]),
                dates.add_days(paycheck, rng.choice([0, 29, 30, 31])),
                pre_tax=rng.random() < 0.85,
            )
        )
    return cases


LIFE_EVENT_CHANGE = QuestionSpec(
    name="life_event_change",
    title="Change of coverage by an active employee after a qualifying life event",
    facts_model=LifeEventChangeFacts,
    outputs={
        "effective_date": "The first day the requested change applies: new coverage, level or "
        "plan starts, or (cancel, drop to individual, remove a dependent) the first day "
        "without the coverage that was dropped.",
        "application_deadline": "Last day the employer may receive the application for the "
        "requested change (none for removals that are required anyway).",
        "application_window_opens": "Moves only: first day the employer may receive the "
        "application (30 days before the move).",
        "family_premium_start": "Marriage: the first day of the first month for which the "
        "family premium is due when family coverage starts on the marriage date.",
        "dependent_coverage_end_date": "Divorce or annulment: the last day the former spouse "
        "and former stepchildren are covered.",
        "et2311_notice_deadline": "Divorce or annulment: last day for the employer to give "
        "the ET-2311 continuation notice (and send ETF a copy).",
        "premium_refund_earliest_date": "Death: the earliest coverage month for which the "
        "difference between the family and individual premium can be refunded.",
        "grandchild_eligibility_end_date": "Grandchild's birth: the last day the grandchild is "
        "eligible (the end of the month in which its parent turns 18).",
    },
    required_for_approval=("effective_date",),
    as_of_facts=(
        "application.received_date",
        "event.date",
        "event.move_date",
        "event.other_coverage_end_date",
        "event.placement_date",
        "event.adoption_order_date",
    ),
    sweep_cases=sweep_cases,
)

QUESTION = LIFE_EVENT_CHANGE
