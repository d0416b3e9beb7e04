"""The decision log over HTTP: its health, one decision, a search, a reproduction.

Auditors ask, years later, which rules and which version produced a decision: a decision's
entry gives the rule-set id, version and content hash, the policy choices applied, and the
request and response themselves (decrypted here, for callers entitled to the API). Each of
these reads of health data leaves an access record (:mod:`.phi_access`).
"""

from __future__ import annotations

from typing import Any, Literal

import orjson
from fastapi import APIRouter, FastAPI, HTTPException, Request, Response
from pydantic import BaseModel, ConfigDict, Field

from ..access_log.record import Action
from ..decision_log import queries
from ..decision_log.reproduce import reproduce
from ..rfc3339 import Instant
from ..security.scopes import Scope
from ..store.store import Store
from .auth import require
from .phi_access import RECORDED_ERRORS, phi_access
from .problems import FieldProblem, Problem

router = APIRouter(
    prefix="/v1/decision-log",
    tags=["decision log"],
    dependencies=[require(Scope.DECISION_LOG_READ)],
)

_ERRORS: dict[int | str, dict[str, Any]] = {
    404: {"model": Problem, "description": "No such decision"},
    503: {"model": Problem, "description": "The store is not available"},
}


class DecisionLogStatus(BaseModel):
    enabled: bool
    durability: Literal["durable", "after_answer", "off"] = Field(
        "off", description="durable: answered only once the record is fsync'd (the default)."
    )
    healthy: bool
    ready: bool = Field(
        True, description="New decisions can be made durable with room to spare (/ready)."
    )
    not_ready_because: str | None = None
    recorded: int = Field(description="Decisions this worker wrote to the database.")
    pending: int = Field(description="Decisions this worker is making durable right now.")
    dropped: int = Field(description="Decisions answered but not logged (after_answer only).")
    refused: int = Field(0, description="Decisions refused (503) because not durable.")
    write_failures: int = Field(description="Failed attempts to write a batch (retried).")
    spool_segments: int = Field(0, description="Spool files of every worker, not yet drained.")
    spool_bytes: int = Field(0, description="Bytes in the spool, every worker's: the backlog.")
    spool_limit_bytes: int = Field(0, description="Bound of the spool (503 when reached).")
    database_down_since: str | None = None
    last_error: str | None
    last_error_at: str | None
    last_write_at: str | None


class DecisionSummary(BaseModel):
    decision_id: str
    logged_at: str
    caller: str
    question: str
    program: str
    outcome: str
    rule_set: dict[str, str]
    as_of: str
    policy_choices: list[dict[str, str]]
    reason_codes: list[str]
    elapsed_us: int


class LoggedDecisionView(DecisionSummary):
    request: dict[str, Any]
    response: dict[str, Any]


class SearchRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    subject_id: str | None = Field(
        None, max_length=100, description="The person's identifier, as sent in X-Subject-Id."
    )
    question: str | None = Field(None, max_length=64)
    since: Instant | None = Field(None, description="Logged at or after this instant.")
    until: Instant | None = Field(None, description="Logged before this instant.")
    limit: int = Field(100, ge=1, le=1000)


class ReproductionView(BaseModel):
    decision_id: str
    identical: bool
    explanation: str


def log_status(app: FastAPI) -> DecisionLogStatus:
    writer = app.state.decision_log
    if writer is not None:
        return DecisionLogStatus(**writer.status())
    error = app.state.store_error
    return DecisionLogStatus(
        enabled=False,
        healthy=error is None,
        recorded=0,
        pending=0,
        dropped=0,
        write_failures=0,
        last_error=error,
        last_error_at=None,
        last_write_at=None,
    )


def store_of(request: Request) -> Store:
    store: Store | None = request.app.state.store
    if store is None:
        raise HTTPException(503, f"the store is not available: {request.app.state.store_error}")
    return store


@router.get("/status", response_model=DecisionLogStatus)
async def status(request: Request) -> DecisionLogStatus:
    """Whether decisions are being logged, and what failed if not (never hidden)."""
    return log_status(request.app)


@router.get(
    "/decisions/{decision_id}",
    response_model=LoggedDecisionView,
    responses={**_ERRORS, **RECORDED_ERRORS},
)
def get_decision(decision_id: str, request: Request) -> Response:
    """One logged decision: what was asked, what was answered, by which rule-set version."""
    store = store_of(request)
    with phi_access(request, Action.DECISION_READ) as access:
        access.touched_decision(decision_id)
        logged = queries.get(store, decision_id)
        if logged is None:
            raise FieldProblem("decision_id", "no decision with that id in the log", 404)
    body = {
        **logged.summary(),
        "request": logged.request,
        "response": orjson.loads(logged.response),
    }
    return Response(orjson.dumps(body), media_type="application/json")


@router.post(
    "/search", response_model=list[DecisionSummary], responses={**_ERRORS, **RECORDED_ERRORS}
)
def search(body: SearchRequest, request: Request) -> list[dict[str, Any]]:
    """Decisions by person (keyed hash of X-Subject-Id), question and time; clear columns only."""
    store = store_of(request)
    with phi_access(request, Action.DECISION_SEARCH) as access:
        found = queries.search(
            store, body.subject_id, body.question, body.since, body.until, body.limit
        )
        # whether a person was searched for, never who
        access.touched((d.decision_id for d in found), subject_searched=bool(body.subject_id))
    return [d.summary() for d in found]


@router.post(
    "/decisions/{decision_id}/reproduce",
    response_model=ReproductionView,
    responses={**_ERRORS, **RECORDED_ERRORS},
)
def reproduce_decision(decision_id: str, request: Request) -> dict[str, Any]:
    """Decide the logged request again with the version that made it; compare byte for byte."""
    store = store_of(request)
    with phi_access(request, Action.DECISION_REPRODUCE) as access:
        access.touched_decision(decision_id)
        logged = queries.get(store, decision_id)
        if logged is None:
            raise FieldProblem("decision_id", "no decision with that id in the log", 404)
        reproduction = reproduce(request.app.state.decisions, logged)
    return reproduction.as_dict()
