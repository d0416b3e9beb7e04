"""Reconciliation over HTTP: upload the files, get the exception report back.

Uploads are multipart form data. Starlette spools each file to a temporary file as it
arrives (a few hundred kilobytes in memory at most), so a large 834 is never held whole;
the compare then streams it. The CSV report is streamed back row by row.

The uploads and the reports are health data (masked or not), so each run leaves an access
record, written before the report is sent.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, File, Form, Query, Request, Response, UploadFile
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import StreamingResponse

from .. import metrics
from ..access_log.record import Action
from ..decisions.types import CaseDate
from ..reconciliation.report import ExceptionReport, csv_lines, to_html, to_json
from ..reconciliation.run import InputError, citations_of, run_ffc, run_monthly, sor_format
from ..security.scopes import Scope
from .auth import require
from .heavy_limit import TOO_MANY
from .phi_access import RECORDED_ERRORS, Access, phi_access_async
from .problems import FieldProblem, Problem
from .upload_limit import Upload

router = APIRouter(
    prefix="/v1/reconciliation", tags=["reconciliation"], dependencies=[require(Scope.RECONCILE)]
)
UPLOAD_PATHS = ("/v1/reconciliation/",)
UPLOADS = (
    Upload("/v1/reconciliation/ffc", ("plan_file", "sor_extract")),
    Upload("/v1/reconciliation/monthly", ("report_file", "sor_extract", "employers")),
)
"""Each endpoint's file fields: the upload limit applies to each file as it streams in."""

_ERRORS: dict[int | str, dict[str, Any]] = {
    413: {"model": Problem, "description": "Upload too large"},
    422: {"model": Problem, "description": "An input cannot be used; errors name it"},
    **TOO_MANY,
}
_REPORT_CONTENT: dict[int | str, dict[str, Any]] = {
    200: {
        "description": "The exception report (JSON, CSV or HTML, by ?format=)",
        "content": {
            "application/json": {"schema": {"type": "object"}},
            "text/csv": {"schema": {"type": "string"}},
            "text/html": {"schema": {"type": "string"}},
        },
    }
}
Format = Literal["json", "csv", "html"]
UPLOADED_834 = "834 (upload)"
UPLOADED_REPORT = "monthly report (upload)"
"""What a run records as its input: never the client's file name, which may name a person."""


def _respond(report: ExceptionReport, fmt: Format) -> Response:
    if fmt == "csv":
        name = f"exceptions-{report.source}-{report.as_of.isoformat()}.csv"
        return StreamingResponse(
            csv_lines(report),
            media_type="text/csv; charset=utf-8",
            headers={"Content-Disposition": f'attachment; filename="{name}"'},
        )
    if fmt == "html":
        return Response(to_html(report), media_type="text/html; charset=utf-8")
    return Response(to_json(report), media_type="application/json")


def _ran(access: Access, report: ExceptionReport, fmt: Format) -> None:
    """The run id and how many exceptions the report shows (never the input's file name,
    which may name a person)."""
    run = [report.run_id] if report.run_id else []  # no run id: history was not kept
    access.touched(run, count=len(report.discrepancies), format=fmt)


def _extract_format(upload: UploadFile, given: str | None) -> str:
    if given:
        return given
    try:
        return sor_format(upload.filename or "")
    except InputError as exc:
        raise FieldProblem("sor_format", f"{exc}; or say sor_format=csv|jsonl") from None


def _size_check(request: Request, **uploads: UploadFile | None) -> None:
    """Defence in depth: the upload limit has already cut off a larger file as it arrived.
    The field is the form's, never the client's file name (which may name a person)."""
    limit = request.app.state.settings.max_upload_bytes
    for field, upload in uploads.items():
        if upload is not None and upload.size is not None and upload.size > limit:
            raise FieldProblem(field, f"over {limit} bytes", 413)


@router.post("/ffc", responses={**_REPORT_CONTENT, **_ERRORS, **RECORDED_ERRORS})
async def full_file_compare(
    request: Request,
    plan_file: Annotated[UploadFile, File(description="The health plan's 834 (005010X220A1).")],
    sor_extract: Annotated[UploadFile, File(description="ETF's extract, JSON Lines or CSV.")],
    plan: Annotated[str, Form(max_length=64, description="Default: the 834's sender.")] = "",
    as_of: Annotated[
        CaseDate | None,
        Form(description="Default: the 834's as-of date; 1900-01-01 to 2199-12-31."),
    ] = None,
    sor_format: Annotated[Literal["jsonl", "csv"] | None, Form()] = None,
    history: Annotated[bool, Form(description="Record the run; count repeats.")] = True,
    format: Format = "json",
    validate: Annotated[
        bool,
        Query(
            description="Also validate the 834 against the implementation guide "
            "(005010X220A1) with pyx12; each finding is a `file` exception. Slower: roughly "
            "60 s per 22,000 members."
        ),
    ] = False,
    allow_partial: Annotated[
        bool,
        Query(
            description="Compare a truncated or incomplete 834 (missing SE/GE/IEA, control "
            "counts that do not match) instead of refusing it with 422: the report says "
            '`"partial": true`, ETF members absent from the file are not reported missing, '
            "and the exception history is not updated."
        ),
    ] = False,
) -> Response:
    """Full File Compare of a plan's 834 with ETF's records; every exception classified,
    with severity, the side that should correct it and the provision that says so."""
    _size_check(request, plan_file=plan_file, sor_extract=sor_extract)
    fmt = _extract_format(sor_extract, sor_format)
    citations = citations_of(request.app.state.registry.provisions)
    store = request.app.state.store if history else None
    async with phi_access_async(request, Action.RECONCILIATION_FFC) as access:
        try:
            report = await run_in_threadpool(
                run_ffc,
                plan_file.file,
                sor_extract.file,
                fmt,
                citations,
                plan=plan,
                as_of=as_of,
                input_name=UPLOADED_834,
                store=store,
                validate=validate,
                allow_partial=allow_partial,
            )
        except InputError as exc:
            metrics.count_reconciliation("ffc", None)
            raise FieldProblem(exc.field, str(exc)) from None
        metrics.count_reconciliation("ffc", (d.category for d in report.discrepancies))
        _ran(access, report, format)
    return _respond(report, format)


@router.post("/monthly", responses={**_REPORT_CONTENT, **_ERRORS, **RECORDED_ERRORS})
async def monthly_report(
    request: Request,
    report_file: Annotated[UploadFile, File(description="The employer's monthly report.")],
    sor_extract: Annotated[UploadFile, File(description="ETF's extract, JSON Lines or CSV.")],
    employers: Annotated[UploadFile | None, File(description="Program options table.")] = None,
    sor_format: Annotated[Literal["jsonl", "csv"] | None, Form()] = None,
    history: Annotated[bool, Form()] = True,
    format: Format = "json",
) -> Response:
    """Validate an employer's additions, changes and deletions against ETF's records and
    the enrollment and termination rules."""
    _size_check(request, report_file=report_file, sor_extract=sor_extract, employers=employers)
    fmt = _extract_format(sor_extract, sor_format)
    decisions = request.app.state.decisions  # read once: a reload replaces it whole
    store = request.app.state.store if history else None
    async with phi_access_async(request, Action.RECONCILIATION_MONTHLY) as access:
        try:
            report, _missing = await run_in_threadpool(
                run_monthly,
                report_file.file,
                sor_extract.file,
                fmt,
                decisions,
                citations_of(decisions.registry.provisions),
                employers_file=employers.file if employers is not None else None,
                input_name=UPLOADED_REPORT,
                store=store,
            )
        except InputError as exc:
            metrics.count_reconciliation("monthly", None)
            raise FieldProblem(exc.field, str(exc)) from None
        metrics.count_reconciliation("monthly", (d.category for d in report.discrepancies))
        _ran(access, report, format)
    return _respond(report, format)
