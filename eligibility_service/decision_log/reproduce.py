"""Decide a logged decision again with the version that made it, and compare byte for byte.

This is the auditor's question "would the service still say exactly this?": the request is
replayed with the rule-set version pinned to the logged one, and the new response must be
identical to the logged bytes. A different content hash (the version's files were changed
after the decision, which publishing forbids) is reported as the reason.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ..decisions.questions import QUESTIONS
from ..decisions.requests import request_model
from ..decisions.service import DecisionInputError, DecisionService, to_json
from .record import LoggedDecision


@dataclass(frozen=True)
class Reproduction:
    decision_id: str
    identical: bool
    explanation: str
    response: bytes | None

    def as_dict(self) -> dict[str, Any]:
        return {
            "decision_id": self.decision_id,
            "identical": self.identical,
            "explanation": self.explanation,
        }


def reproduce(service: DecisionService, logged: LoggedDecision) -> Reproduction:
    spec = QUESTIONS[logged.question]
    raw = logged.request
    body = {
        "program": raw["program"],
        "facts": raw["facts"],
        "options": {**raw["options"], "rule_set_version": logged.rule_set_version},
    }
    request: Any = request_model(spec).model_validate(body)
    try:
        decision = service.decide(
            spec.name, request.program, request.facts.model_dump(), request.options
        )
    except DecisionInputError as exc:
        return Reproduction(logged.decision_id, False, f"{exc.field}: {exc}", None)
    response = to_json(decision)
    if response == logged.response:
        return Reproduction(logged.decision_id, True, "identical response", response)
    now_hash = decision["rule_set"]["content_hash"]
    if now_hash != logged.rule_set_hash:
        why = (
            f"rule set {logged.rule_set_id}@{logged.rule_set_version} changed since the "
            f"decision (content hash {logged.rule_set_hash} then, {now_hash} now)"
        )
    else:
        why = "same rule-set content, different response: the engine's behaviour changed"
    return Reproduction(logged.decision_id, False, why, response)
