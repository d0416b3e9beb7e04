"""A historical case, as imported: the documented record format (one JSON object per line).

::

    {"case_id": "NH-2019-0042",                 # unique in the store (1-100 characters)
     "question": "new_hire_enrollment",          # see `eligibility questions`
     "program": "state",                         # state | local
     "facts": {...},                             # as in the question's API request
     "policy_choices": {"choice": "alternative"},# optional: as requested then
     "decision": {"outcome": "approved",         # the decision that was made
                  "dates": {"coverage_effective_date": "2019-03-01"},   # optional
                  "reason_codes": ["NEWHIRE_WINDOW"]},                  # optional
     "decided_on": "2019-02-11",                 # optional: when it was decided
     "as_of": "2019-02-10",                      # optional: the date whose law applied
     "rule_set_version": "2026.1",               # optional: the version that decided it
     "suites": ["new-hire-2019"]}                # optional: suites to tag it into

Only what the record gives is compared on replay: leave ``dates`` or ``reason_codes`` out
when the historical system did not keep them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from ..decisions.schema import Outcome, Program
from ..decisions.types import CaseDate

SUITE_NAME = r"^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$"


class RecordedDecision(BaseModel):
    model_config = ConfigDict(extra="forbid")

    outcome: Outcome
    dates: dict[str, CaseDate | None] | None = Field(
        None, description="The dates decided then; only these are compared."
    )
    reason_codes: list[str] | None = Field(
        None, max_length=100, description="Reason codes given then (order does not matter)."
    )


class CaseRecord(BaseModel):
    model_config = ConfigDict(extra="forbid")

    case_id: str = Field(min_length=1, max_length=100)
    question: str = Field(min_length=1, max_length=64)
    program: Program
    facts: dict[str, Any]
    policy_choices: dict[str, str] = Field(default_factory=dict, max_length=50)
    decision: RecordedDecision
    decided_on: CaseDate | None = None
    as_of: CaseDate | None = None
    rule_set_version: str | None = Field(None, max_length=40)
    suites: list[str] = Field(default_factory=list, max_length=20)


@dataclass(frozen=True, slots=True)
class Recorded:
    """A recorded decision as stored (dates as ISO text, as they are compared)."""

    outcome: str
    dates: dict[str, str | None] | None
    reason_codes: list[str] | None


@dataclass(frozen=True, slots=True)
class StoredCase:
    """A case read back from the store for replay; plain data, cheap to send to a worker."""

    id: int
    case_id: str
    question: str
    program: str
    key_id: str
    sealed_request: bytes = field(repr=False)
    """The request body (program, facts, policy choices) as encrypted JSON."""
    facts_schema: str | None
    """Fingerprint of the facts schema the request was validated against on import."""
    decided_on: date | None
    as_of: date | None
    rule_set_version: str | None
    decision: Recorded
