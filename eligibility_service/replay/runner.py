"""Run a suite of stored cases through the service again and compare with what was decided.

Cases stream from the store (see :func:`..cases.repository.stream_cases`), so memory stays
flat whatever the suite's size. Each case is validated as the API would validate it, decided
without a trace, and compared; only a case that differs is decided a second time with the
trace on, for the report, which keeps the common path as cheap as a plain decision.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import date
from typing import Any

from pydantic import ValidationError

from ..cases.model import StoredCase
from ..decisions.questions import QUESTIONS
from ..decisions.requests import request_model
from ..decisions.schema import DecisionOptions
from ..decisions.service import DecisionInputError, DecisionService
from .compare import compare, reason_codes
from .report import ReplayReport, ReplayTarget


def deciding_rules(decision: dict[str, Any]) -> list[tuple[str, str]]:
    """The rules that carried the outcome (those whose effect is the outcome; else all)."""
    reasons = decision["reasons"]
    carrying = [r for r in reasons if r["effect"] == decision["outcome"]] or reasons
    return [(r["rule_id"], r["reason_code"]) for r in carrying]


def replay_cases(
    service: DecisionService,
    cases: Iterable[StoredCase],
    target: ReplayTarget,
    max_detailed: int = 200,
    progress: Callable[[int], None] | None = None,
) -> ReplayReport:
    report = ReplayReport(target, max_detailed)
    fixed_as_of = None if target.as_of == "case" else date.fromisoformat(target.as_of)
    models = {name: request_model(spec) for name, spec in QUESTIONS.items()}
    tick = 0
    for case in cases:
        tick += 1
        if progress is not None and tick == 500:
            progress(tick)
            tick = 0
        model = models.get(case.question)
        if model is None:
            report.add_error(case.case_id, case.question, "question", "unknown question")
            continue
        try:
            request: Any = model.model_validate_json(case.request)
        except ValidationError as exc:
            first = exc.errors()[0]
            where = ".".join(str(p) for p in first["loc"])
            report.add_error(case.case_id, case.question, where, first["msg"])
            continue
        options = DecisionOptions.model_construct(
            rule_set_version=target.rule_set_version,
            as_of=fixed_as_of or case.as_of,
            policy_choices=request.options.policy_choices,
            trace=False,
        )
        facts = request.facts.model_dump()
        try:
            decision = service.decide(case.question, request.program, facts, options)
        except DecisionInputError as exc:
            report.add_error(case.case_id, case.question, exc.field, str(exc))
            continue
        version = decision["rule_set"]["version"]
        fields = compare(case.decision, decision)
        if not fields:
            report.add_match(case.question, f"{decision['rule_set']['id']}@{version}")
            continue
        old_codes = set(case.decision.reason_codes or ())
        new_codes = set(reason_codes(decision))
        carrying = deciding_rules(decision)
        codes_known = case.decision.reason_codes is not None
        keep = report.add_difference(
            case.question,
            f"{decision['rule_set']['id']}@{version}",
            fields,
            carrying,
            sorted(new_codes - old_codes) if codes_known else [],
            sorted(old_codes - new_codes) if codes_known else [],
        )
        if keep:
            traced = service.decide(
                case.question,
                request.program,
                facts,
                options.model_copy(update={"trace": True}),
            )
            report.keep(_detail(case, traced, fields, carrying))
    if progress is not None and tick:
        progress(tick)
    return report


def _detail(
    case: StoredCase,
    decision: dict[str, Any],
    fields: list[Any],
    carrying: list[tuple[str, str]],
) -> dict[str, Any]:
    recorded = case.decision
    return {
        "case_id": case.case_id,
        "question": case.question,
        "program": case.program,
        "as_of": decision["as_of"].isoformat(),
        "fields": [f.as_dict() for f in fields],
        "recorded": {
            "outcome": recorded.outcome,
            "dates": recorded.dates,
            "reason_codes": recorded.reason_codes,
            "decided_on": case.decided_on.isoformat() if case.decided_on else None,
            "rule_set_version": case.rule_set_version,
        },
        "replayed": {
            "outcome": decision["outcome"],
            "dates": {k: v.isoformat() if v else None for k, v in decision["dates"].items()},
            "reason_codes": reason_codes(decision),
            "rule_set": decision["rule_set"],
            "missing_facts": decision["missing_facts"],
            "reasons": [
                {
                    "rule_id": r["rule_id"],
                    "reason_code": r["reason_code"],
                    "effect": r["effect"],
                    "message": r["message"],
                    "citations": [c["citation"] for c in r["citations"]],
                }
                for r in decision["reasons"]
            ],
        },
        "deciding_rules": [{"rule_id": r, "reason_code": c} for r, c in carrying],
        "trace": [
            {**step, "values": _plain(step["values"]), "facts": _plain(step["facts"])}
            for step in decision["trace"] or []
            if step["status"] != "not_in_force"
        ],
    }


def _plain(values: dict[str, Any]) -> dict[str, Any]:
    return {k: v.isoformat() if isinstance(v, date) else v for k, v in values.items()}
