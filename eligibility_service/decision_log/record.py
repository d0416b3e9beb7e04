"""One decision to be logged, and the database row it becomes.

The request thread only captures references (:class:`PendingDecision`); serialising,
encrypting and hashing happen on the writer thread, off the request's path.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

import orjson

from ..store.protection import Protector

TABLE = "decision_log"


@dataclass(frozen=True, slots=True)
class PendingDecision:
    decision_id: str
    logged_at: datetime
    caller: str
    subject_id: str | None
    request: dict[str, Any]
    """``{"question", "program", "facts", "options"}`` as the service received them."""
    decision: dict[str, Any]
    response: bytes
    """The exact bytes answered, so a reproduction can be compared byte for byte."""
    elapsed_us: int


def canonical_request(request: dict[str, Any]) -> bytes:
    return orjson.dumps(request, option=orjson.OPT_SORT_KEYS)


def to_row(pending: PendingDecision, protector: Protector) -> dict[str, Any]:
    decision = pending.decision
    request_bytes = canonical_request(pending.request)
    rule_set = decision["rule_set"]
    # length-prefixed, so the response comes back byte for byte without re-serialising
    payload = len(request_bytes).to_bytes(4, "big") + request_bytes + pending.response
    return {
        "decision_id": pending.decision_id,
        "logged_at": pending.logged_at,
        "caller": pending.caller[:200],
        "subject_ref": protector.subject_ref(pending.subject_id) if pending.subject_id else None,
        "question": decision["question"],
        "program": decision["program"],
        "outcome": decision["outcome"],
        "rule_set_id": rule_set["id"],
        "rule_set_version": rule_set["version"],
        "rule_set_hash": rule_set["content_hash"],
        "as_of": decision["as_of"],
        "policy_choices": orjson.dumps(
            [
                {"choice": c["choice"], "alternative": c["alternative"], "source": c["source"]}
                for c in decision["policy_choices"]
            ]
        ).decode(),
        "reason_codes": orjson.dumps([r["reason_code"] for r in decision["reasons"]]).decode(),
        "request_digest": protector.digest(request_bytes),
        "key_id": protector.key_id,
        "payload": protector.seal(payload, TABLE),
        "elapsed_us": pending.elapsed_us,
    }


@dataclass(frozen=True)
class LoggedDecision:
    """A logged decision read back: the clear columns, and the opened payload."""

    decision_id: str
    logged_at: datetime
    caller: str
    question: str
    program: str
    outcome: str
    rule_set_id: str
    rule_set_version: str
    rule_set_hash: str
    as_of: date
    policy_choices: list[dict[str, str]]
    reason_codes: list[str]
    elapsed_us: int
    request: dict[str, Any]
    response: bytes

    def summary(self) -> dict[str, Any]:
        """The clear columns only: no facts, nothing that identifies the person."""
        return {
            "decision_id": self.decision_id,
            "logged_at": self.logged_at.isoformat(),
            "caller": self.caller,
            "question": self.question,
            "program": self.program,
            "outcome": self.outcome,
            "rule_set": {
                "id": self.rule_set_id,
                "version": self.rule_set_version,
                "content_hash": self.rule_set_hash,
            },
            "as_of": self.as_of.isoformat(),
            "policy_choices": self.policy_choices,
            "reason_codes": self.reason_codes,
            "elapsed_us": self.elapsed_us,
        }


def open_payload(sealed: bytes, key_id: str, protector: Protector) -> tuple[dict[str, Any], bytes]:
    """The request and the exact response bytes of a logged decision."""
    plain = protector.open(sealed, TABLE, key_id)
    size = int.from_bytes(plain[:4], "big")
    return orjson.loads(plain[4 : 4 + size]), plain[4 + size :]
