"""Replay over HTTP: run a suite against a version or an as-of date, get the report.

The report shows the cases' facts, so each replay leaves an access record."""

from __future__ import annotations

from typing import Any, Literal

from fastapi import APIRouter, Request, Response
from pydantic import BaseModel, ConfigDict, Field

from ..access_log.record import Action
from ..cases.repository import stream_cases, suite_exists
from ..decisions.types import CaseDate
from ..replay.render import html_report, junit_xml
from ..replay.report import ReplayTarget
from ..replay.runner import replay_cases
from ..security.scopes import Scope
from .auth import require
from .heavy_limit import TOO_MANY
from .phi_access import RECORDED_ERRORS, phi_access
from .problems import FieldProblem, Problem
from .routes_decision_log import store_of

router = APIRouter(tags=["replay"], dependencies=[require(Scope.CASES)])


class ReplayRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    suite: str | None = Field(None, max_length=100, description="Default: every stored case.")
    rule_set_version: str | None = Field(
        None,
        max_length=40,
        description="Version to decide with; default: the published one in force on as_of.",
    )
    # The decisions' own date type (1900-2199, YYYY-MM-DD only): a date the decision options
    # would refuse must be a 422 here, not an error half-way through a replay.
    as_of: Literal["case"] | CaseDate = Field(
        "case",
        description="'case': each case's own as-of date; or one date for every case.",
    )
    max_detailed: int = Field(200, ge=0, le=10_000, strict=True)


class ReplayTotals(BaseModel):
    cases: int
    matched: int
    differed: int
    errors: int


class ReplayReportView(BaseModel):
    target: dict[str, Any]
    totals: ReplayTotals
    passed: bool
    by_question: dict[str, dict[str, int]]
    versions_used: dict[str, int]
    differences_by_field: list[dict[str, Any]]
    differences_by_rule: list[dict[str, Any]]
    differences_by_reason_code: list[dict[str, Any]]
    differences: list[dict[str, Any]]
    differences_detailed: int
    errors: list[dict[str, Any]]


@router.post(
    "/v1/replay",
    response_model=ReplayReportView,
    responses={
        200: {
            "content": {
                "application/xml": {"schema": {"type": "string"}},
                "text/html": {"schema": {"type": "string"}},
            }
        },
        404: {"model": Problem, "description": "No such suite"},
        422: {"model": Problem, "description": "Invalid request; errors name the fields"},
        **TOO_MANY,
        **RECORDED_ERRORS,
    },
)
def replay(
    body: ReplayRequest,
    request: Request,
    format: Literal["json", "junit", "html"] = "json",
) -> Response:
    """Decide the suite's cases again and compare with their recorded decisions. The report
    is JSON (default), JUnit XML (``format=junit``) or HTML with charts (``format=html``)."""
    store = store_of(request)
    if body.suite is not None and not suite_exists(store, body.suite):
        raise FieldProblem("suite", "no suite of that name", 404)
    decisions = request.app.state.decisions  # read once: a reload replaces it whole
    registry = decisions.registry
    if body.rule_set_version is not None and not any(
        body.rule_set_version in v for v in registry.rule_sets.values()
    ):
        raise FieldProblem("rule_set_version", "no rule-set version of that name")
    as_of = body.as_of if isinstance(body.as_of, str) else body.as_of.isoformat()
    target = ReplayTarget(body.suite, body.rule_set_version, as_of)
    with phi_access(request, Action.REPLAY) as access:
        suites = [body.suite] if body.suite is not None else []
        access.touched(suites, count=0, all_cases=body.suite is None, format=format)
        # in-process: the server does not fork workers from a thread
        cases = stream_cases(store, body.suite)
        try:
            report = replay_cases(decisions, store.protector, cases, target, body.max_detailed)
        finally:
            cases.close()  # give the database connection back even if replay failed half-way
        access.touched(suites, count=report.cases, all_cases=body.suite is None)
    if format == "junit":
        return Response(junit_xml(report), media_type="application/xml")
    if format == "html":
        return Response(html_report(report), media_type="text/html; charset=utf-8")
    return Response(report.to_json(), media_type="application/json")
