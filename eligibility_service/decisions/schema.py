"""Request and response models shared by every decision question (the API contract)."""

from __future__ import annotations

from datetime import date
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from .types import CaseDate, Flag

Outcome = Literal["approved", "denied", "incomplete", "undetermined"]
Program = Literal["state", "local"]


class DecisionOptions(BaseModel):
    model_config = ConfigDict(extra="forbid")

    rule_set_version: str | None = Field(
        None,
        min_length=1,
        max_length=40,
        pattern=r"^[A-Za-z0-9][A-Za-z0-9_.-]*$",  # as a version's name (and its URL) is written
        description="Pin a rule-set version. Default: the published version in force on as_of.",
    )
    as_of: CaseDate | None = Field(
        None,
        description="Date whose law applies. Default: the date the application was received.",
    )
    policy_choices: dict[str, str] = Field(
        default_factory=dict,
        max_length=50,
        description="Select an alternative for a named policy choice (where sources conflict).",
    )
    trace: Flag = Field(False, description="Include the evaluation trace of every rule.")


class Citation(BaseModel):
    id: str
    citation: str
    title: str
    url: str
    in_force_on_as_of: bool = Field(description="Whether the provision was in force on as_of.")


class Reason(BaseModel):
    rule_id: str
    rule_title: str
    reason_code: str
    effect: Outcome | None = Field(description="What the rule decides; null if informational.")
    message: str
    citations: list[Citation]


class AppliedPolicyChoice(BaseModel):
    choice: str
    title: str
    alternative: str
    alternative_title: str
    source: Literal["rule_set_default", "version_default", "request"]
    citations: list[Citation]


class RuleSetRef(BaseModel):
    id: str
    version: str
    status: str
    content_hash: str


class TraceStep(BaseModel):
    rule_id: str
    status: Literal["applied", "not_applied", "unknown", "not_in_force"]
    facts: dict[str, Any] = Field(description="Fact values the rule read.")
    values: dict[str, Any] = Field(description="Definitions the rule read, with their values.")
    sets: dict[str, Any] = Field(description="Dates the rule set.")


class DecisionResponse(BaseModel):
    question: str
    program: Program
    outcome: Outcome
    dates: dict[str, date | None] = Field(
        description="Every date the question answers; null when not determined."
    )
    reasons: list[Reason]
    missing_facts: list[str] = Field(
        description="Facts the caller did not send that a rule needed to decide."
    )
    conflicts: list[str] = Field(description="Rules that set the same date differently.")
    policy_choices: list[AppliedPolicyChoice]
    rule_set: RuleSetRef
    as_of: date
    trace: list[TraceStep] | None = None
