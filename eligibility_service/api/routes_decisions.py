"""Decision endpoints: one ``POST /v1/decisions/<question>`` per decision question.

Each question brings its facts model; the request is ``{program, facts, options}`` and the
answer is the same :class:`DecisionResponse` shape for every question.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from time import perf_counter_ns
from typing import Any
from uuid import uuid4

from fastapi import APIRouter, Request, Response

from .. import metrics
from ..decision_log.durable import DurableDecisionLog, LogUnavailable
from ..decision_log.record import PendingDecision
from ..decision_log.writer import DecisionLogWriter
from ..decisions.questions import QUESTIONS
from ..decisions.requests import request_model
from ..decisions.schema import DecisionResponse
from ..decisions.service import DecisionService, to_json
from ..rules.question import QuestionSpec
from ..security.scopes import Scope
from .auth import principal_of, require
from .problems import FieldProblem, Problem, problem

router = APIRouter(prefix="/v1/decisions", tags=["decisions"], dependencies=[require(Scope.DECIDE)])

_ERRORS: dict[int | str, dict[str, Any]] = {
    413: {"model": Problem, "description": "Request body too large"},
    422: {"model": Problem, "description": "Invalid request; errors name the fields"},
    503: {
        "model": Problem,
        "description": "The decision could not be logged durably, so it was not answered",
    },
}


def _endpoint(spec: QuestionSpec) -> Callable[..., Awaitable[Response]]:
    body_model = request_model(spec)

    async def decide(body: body_model, request: Request) -> Response:  # type: ignore[valid-type]
        started = perf_counter_ns()
        headers = request.headers
        caller = headers.get("x-caller")
        subject_id = headers.get("x-subject-id")
        if caller is not None and len(caller) > 200:
            raise FieldProblem("X-Caller", "the X-Caller header is longer than 200 characters")
        if subject_id is not None and len(subject_id) > 100:
            raise FieldProblem(
                "X-Subject-Id", "the X-Subject-Id header is longer than 100 characters"
            )
        service: DecisionService = request.app.state.decisions
        facts = body.facts.model_dump()  # type: ignore[attr-defined]
        decision = service.decide(
            spec.name,
            body.program,  # type: ignore[attr-defined]
            facts,
            body.options,  # type: ignore[attr-defined]
        )
        content = to_json(decision)
        rule_set = decision["rule_set"]
        metrics.count_decision(spec.name, decision["program"], decision["outcome"])
        state = request.scope.setdefault("state", {})  # request.state, for the access line
        state["rule_set"] = f"{rule_set['id']}@{rule_set['version']}"
        writer: DurableDecisionLog | DecisionLogWriter | None = request.app.state.decision_log
        if writer is None:
            return Response(content, media_type="application/json")
        decision_id = uuid4().hex
        state["decision_id"] = decision_id
        pending = PendingDecision(
            decision_id=decision_id,
            logged_at=datetime.now(UTC),
            caller=_caller(principal_of(request).client_id, caller),
            subject_id=subject_id or None,
            request={
                "question": spec.name,
                "program": body.program,  # type: ignore[attr-defined]
                "facts": facts,
                "options": body.options.model_dump(),  # type: ignore[attr-defined]
            },
            decision=decision,
            response=content,
            elapsed_us=(perf_counter_ns() - started) // 1000,
        )
        if isinstance(writer, DurableDecisionLog):
            try:
                await writer.record(pending)  # durable before the caller sees the answer
            except LogUnavailable as exc:
                state.pop("decision_id", None)
                return problem(
                    503,
                    "Decisions cannot be logged",
                    f"{exc}; the decision was not answered. Retry later.",
                    instance=request.url.path,
                    headers={"Retry-After": "5"},
                )
        else:
            writer.record(pending)
        # the id goes in a header so the body stays byte-for-byte reproducible
        return Response(
            content, media_type="application/json", headers={"Decision-Id": decision_id}
        )

    # annotations are strings under `from __future__ import annotations`; FastAPI needs the
    # real model to read the body, so give it the class itself
    decide.__annotations__["body"] = body_model
    decide.__annotations__["request"] = Request
    decide.__name__ = f"decide_{spec.name}"
    decide.__doc__ = (
        f"{spec.title}. Outcome, dates ({', '.join(spec.outputs)}), reasons and citations."
    )
    return decide


def _caller(client_id: str, label: str | None) -> str:
    """The authenticated client, with the caller's own label (X-Caller) beside it, never
    instead of it."""
    return f"{client_id} ({label})" if label else client_id


_LOG_HEADERS: dict[str, Any] = {
    "parameters": [
        {
            "name": "X-Caller",
            "in": "header",
            "required": False,
            "schema": {"type": "string", "maxLength": 200},
            "description": "A label of the calling system's own (e.g. a job name), recorded "
            "in the decision log beside the token's client id, which it never replaces.",
        },
        {
            "name": "X-Subject-Id",
            "in": "header",
            "required": False,
            "schema": {"type": "string", "maxLength": 100},
            "description": "Identifier of the person decided about (member id or SSN); the "
            "decision log keeps only a keyed hash of it, for finding the person's decisions.",
        },
    ]
}
_OK_HEADERS = {
    "Decision-Id": {
        "description": "Id of the decision in the decision log (absent when the log is off).",
        "schema": {"type": "string"},
    }
}

for _spec in QUESTIONS.values():
    router.add_api_route(
        f"/{_spec.slug}",
        _endpoint(_spec),
        methods=["POST"],
        response_model=DecisionResponse,
        responses={**_ERRORS, 200: {"description": "The decision", "headers": _OK_HEADERS}},
        summary=f"Decide: {_spec.title}",
        openapi_extra=_LOG_HEADERS,
    )

NewHireRequest = request_model(QUESTIONS["new_hire_enrollment"])
