"""The case store over HTTP: upload a case file, list and delete suites, take cases from
the decision log. Importing cases (a write of health data) and taking them from the log (a
read of it) leave access records; listing and deleting suites touch no health data."""

from __future__ import annotations

import re
from typing import Any, Literal

from fastapi import APIRouter, Query, Request
from fastapi.concurrency import run_in_threadpool
from pydantic import BaseModel, ConfigDict, Field

from ..access_log.record import Action
from ..cases import repository
from ..cases.from_log import cases_from_log
from ..cases.importer import ImportReport, import_stream
from ..cases.model import SUITE_NAME
from ..rfc3339 import Instant
from ..security.scopes import Scope
from .auth import require
from .heavy_limit import TOO_MANY
from .phi_access import RECORDED_ERRORS, phi_access, phi_access_async
from .problems import FieldProblem, Problem
from .routes_decision_log import store_of
from .upload_limit import Upload
from .uploads import spool_body

router = APIRouter(tags=["case store"], dependencies=[require(Scope.CASES)])
UPLOAD_PATHS = ("/v1/cases/import",)
UPLOADS = (Upload("/v1/cases/import"),)  # the case file is the body

_ERRORS: dict[int | str, dict[str, Any]] = {
    404: {"model": Problem, "description": "No such suite"},
    413: {"model": Problem, "description": "Upload too large"},
    415: {"model": Problem, "description": "Neither JSON Lines nor CSV"},
    422: {"model": Problem, "description": "Invalid request; errors name the fields"},
    503: {"model": Problem, "description": "The store is not available"},
}


class LineErrorView(BaseModel):
    line: int
    field: str
    message: str


class ImportReportView(BaseModel):
    source: str
    read: int
    imported: int
    already_stored: int
    rejected: int
    errors: list[LineErrorView] = Field(description="The first 1000 rejected lines.")
    errors_truncated: bool


class SuiteView(BaseModel):
    name: str
    description: str
    cases: int
    created_at: str


class FromLogRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    question: str | None = Field(None, max_length=64)
    since: Instant | None = Field(None, description="Logged at or after this instant.")
    until: Instant | None = Field(None, description="Logged before this instant.")


class LinesRejected(FieldProblem):
    """A case file of which no line could be imported: answered 422, each line named."""

    def __init__(self, report: ImportReport) -> None:
        self.report = report
        super().__init__("(body)", f"none of the {report.read} line(s) could be imported")


def _format(request: Request, given: str | None) -> str:
    if given:
        return given
    kind = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if kind in ("text/csv", "application/csv"):
        return "csv"
    if kind in ("application/x-ndjson", "application/jsonl", "application/json-lines"):
        return "jsonl"
    raise FieldProblem(
        "format",
        "send text/csv or application/x-ndjson, or say format=csv|jsonl in the query",
        415,
    )


@router.post(
    "/v1/cases/import",
    response_model=ImportReportView,
    responses={**_ERRORS, **TOO_MANY, **RECORDED_ERRORS},
    openapi_extra={
        "requestBody": {
            "required": True,
            "description": "A case file: JSON Lines or CSV, in the README's format.",
            "content": {
                "application/x-ndjson": {"schema": {"type": "string", "format": "binary"}},
                "text/csv": {"schema": {"type": "string", "format": "binary"}},
            },
        }
    },
)
async def import_cases(
    request: Request,
    suite: list[str] = Query(default=[], max_length=20),  # noqa: B008
    format: Literal["jsonl", "csv"] | None = None,
    source: str = Query("upload", max_length=200, description="Name recorded as the source."),
) -> dict[str, Any]:
    """Import a case file streamed in the body; bad lines are reported by number, good
    lines imported. Suites named in ``suite`` tag every imported case."""
    for name in suite:
        if not re.match(SUITE_NAME, name):
            raise FieldProblem("suite", "a suite name is letters, digits, . _ - (this one is not)")
    fmt = _format(request, format)
    store = store_of(request)
    body = await spool_body(request, request.app.state.settings.max_upload_bytes)
    if not body.read(1):
        body.close()
        raise FieldProblem("(body)", "the body is empty: send the case file as the body")
    body.seek(0)
    try:
        async with phi_access_async(request, Action.CASES_IMPORT) as access:
            access.touched(suite, count=0)
            report = await run_in_threadpool(import_stream, store, body, fmt, source, suite)
            access.touched(
                suite,
                count=report.imported,
                read=report.read,
                already_stored=report.already_stored,
                rejected=report.rejected,
            )
            if report.imported == 0 and report.already_stored == 0:
                # nothing in the file could be used: the request as a whole is invalid
                raise LinesRejected(report)
    finally:
        body.close()
    return report.as_dict()


@router.get("/v1/suites", response_model=list[SuiteView], responses=_ERRORS)
def suites(request: Request) -> list[dict[str, Any]]:
    """Every suite with its number of cases."""
    return [s.as_dict() for s in repository.list_suites(store_of(request))]


@router.delete("/v1/suites/{name}", status_code=204, responses=_ERRORS)
def delete_suite(name: str, request: Request) -> None:
    """Delete a suite; its cases stay in the store (and in other suites)."""
    if not repository.delete_suite(store_of(request), name):
        raise FieldProblem("name", "no suite with that name", 404)


@router.post(
    "/v1/suites/{name}/from-log",
    response_model=ImportReportView,
    responses={**_ERRORS, **RECORDED_ERRORS},
)
def from_log(name: str, body: FromLogRequest, request: Request) -> dict[str, Any]:
    """Add logged decisions to suite ``name`` as cases (recorded decision: the logged one)."""
    if not re.match(SUITE_NAME, name):
        raise FieldProblem("name", "a suite name is letters, digits, . _ - (this one is not)")
    store = store_of(request)
    with phi_access(request, Action.CASES_FROM_LOG) as access:
        access.touched([name], count=0)
        report = cases_from_log(store, name, body.question, body.since, body.until)
        access.touched([name], count=report.read, imported=report.imported)
    return report.as_dict()
