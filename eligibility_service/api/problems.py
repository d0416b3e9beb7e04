"""RFC 9457 problem details for every error the API returns.

Callers are other systems: each error names the offending field (as a dotted path into the
request body) so the caller can fix its request without reading our logs. Messages never echo
submitted values, which may be PHI.
"""

from __future__ import annotations

import logging
import traceback
from typing import Any

from fastapi import FastAPI, Request, params
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from fastapi.routing import APIRoute
from pydantic import BaseModel, Field
from sqlalchemy.exc import OperationalError
from starlette.exceptions import HTTPException as StarletteHTTPException

from ..decisions.service import DecisionInputError
from ..store.protection import StoreKeyError

PROBLEM_TYPE = "application/problem+json"
logger = logging.getLogger("eligibility_service.api")


class FieldError(BaseModel):
    field: str = Field(
        description="Dotted path of the offending field, e.g. facts.employee.hire_date"
    )
    message: str


class Problem(BaseModel):
    type: str = "about:blank"
    title: str
    status: int
    detail: str | None = None
    instance: str | None = None
    errors: list[FieldError] = Field(default_factory=list)


class FieldProblem(Exception):
    """A request the API cannot act on, because of one named field (404s included: the
    field names what was not found)."""

    def __init__(self, field: str, message: str, status: int = 422) -> None:
        self.field = field
        self.status = status
        super().__init__(message)


def problem(
    status: int,
    title: str,
    detail: str | None = None,
    errors: list[FieldError] | None = None,
    instance: str | None = None,
    headers: dict[str, str] | None = None,
) -> JSONResponse:
    body = Problem(
        type=f"https://etf-eligibility.example/problems/{status}",
        title=title,
        status=status,
        detail=detail,
        instance=instance,
        errors=errors or [],
    )
    return JSONResponse(
        body.model_dump(), status_code=status, media_type=PROBLEM_TYPE, headers=headers
    )


def _field_path(loc: tuple[Any, ...]) -> str:
    parts = [str(p) for p in loc]
    if parts and parts[0] in ("body", "query", "path"):
        parts = parts[1:]
    return ".".join(parts) or "(body)"


def instance_of(request: Request) -> str | None:
    """The problem's ``instance``: the route's template (``/v1/rule-sets/{rule_set_id}``),
    never the path asked for, whose parameters came from the caller (as in the access log)."""
    template = getattr(request.scope.get("route"), "path_format", None)
    return template if isinstance(template, str) else None


def _expects_json(request: Request) -> bool:
    """Whether the route reads a JSON body (not a form, not a streamed upload)."""
    route = request.scope.get("route")
    field = getattr(route, "body_field", None) if isinstance(route, APIRoute) else None
    return field is not None and not isinstance(field.field_info, params.Form)


def _is_json(content_type: str) -> bool:
    kind = content_type.split(";", 1)[0].strip().lower()
    return kind == "application/json" or (
        kind.startswith("application/") and kind.endswith("+json")
    )


def _json_position(exc: RequestValidationError) -> str | None:
    """Where the body stops being JSON, as line and column (and why, in the parser's words,
    which never quote the text); None if the body was JSON."""
    for error in exc.errors():
        if error.get("type") != "json_invalid":
            continue
        loc = tuple(error.get("loc", ()))
        offset = loc[1] if len(loc) > 1 and isinstance(loc[1], int) else None
        reason = str(error.get("ctx", {}).get("error", "")) or "not valid JSON"
        doc = exc.body if isinstance(exc.body, str) else None
        if offset is None or doc is None:
            return reason
        line = doc.count("\n", 0, offset) + 1
        column = offset - (doc.rfind("\n", 0, offset) + 1) + 1
        return f"{reason} at line {line}, column {column}"
    return None


def _one_field(request: Request, status: int, field: str, message: str) -> JSONResponse:
    errors = [FieldError(field=field, message=message)]
    return problem(status, _title(status), message, errors, instance_of(request))


def install(app: FastAPI) -> None:
    @app.exception_handler(RequestValidationError)
    async def _validation(request: Request, exc: RequestValidationError) -> JSONResponse:
        if _expects_json(request) and not _is_json(request.headers.get("content-type", "")):
            message = "send the body as application/json (Content-Type header)"
            return _one_field(request, 415, "Content-Type", message)
        where = _json_position(exc)
        if where is not None:
            return _one_field(request, 400, "(body)", f"the body is not valid JSON: {where}")
        errors = [
            FieldError(field=_field_path(tuple(e.get("loc", ()))), message=str(e.get("msg")))
            for e in exc.errors()
        ]
        return problem(
            422,
            "The request is not valid",
            f"{len(errors)} field(s) are wrong; see errors.",
            errors,
            instance_of(request),
        )

    @app.exception_handler(DecisionInputError)
    async def _decision_input(request: Request, exc: DecisionInputError) -> JSONResponse:
        return problem(
            exc.status,
            "The request cannot be decided",
            str(exc),
            [FieldError(field=exc.field, message=str(exc))],
            instance_of(request),
        )

    @app.exception_handler(FieldProblem)
    async def _field_problem(request: Request, exc: FieldProblem) -> JSONResponse:
        lines = getattr(exc, "report", None)
        errors = (
            [FieldError(field=f"line {e.line}: {e.field}", message=e.message) for e in lines.errors]
            if lines is not None and lines.errors
            else [FieldError(field=exc.field, message=str(exc))]
        )
        return problem(
            exc.status,
            _title(exc.status) if exc.status != 422 else "The request is not valid",
            str(exc),
            errors,
            instance_of(request),
        )

    @app.exception_handler(StoreKeyError)
    async def _store_key(request: Request, exc: StoreKeyError) -> JSONResponse:
        return problem(503, "Store key problem", str(exc), None, instance_of(request))

    @app.exception_handler(OperationalError)
    async def _store_down(request: Request, exc: OperationalError) -> JSONResponse:
        # the database is unreachable (or going away): say so and when to retry, not 500;
        # the statement and its parameters are never shown
        logger.warning("store unavailable on %s: %s", instance_of(request), type(exc).__name__)
        return problem(
            503,
            "Store unavailable",
            "The database cannot be reached; retry later.",
            None,
            instance_of(request),
            {"Retry-After": "5"},
        )

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, exc: StarletteHTTPException) -> JSONResponse:
        return problem(
            exc.status_code,
            _title(exc.status_code),
            str(exc.detail),
            # 400: the body could not be parsed; 413: too large (an upload names its field)
            [FieldError(field=getattr(exc, "field", "(body)"), message=str(exc.detail))]
            if exc.status_code in (400, 413)
            else None,
            instance_of(request),
            dict(exc.headers) if exc.headers else None,  # e.g. Allow on 405
        )

    @app.exception_handler(Exception)
    async def _unexpected(request: Request, exc: Exception) -> JSONResponse:
        # Log where it failed, never what was sent: messages and locals may hold PHI.
        frames = traceback.extract_tb(exc.__traceback__)
        where = " <- ".join(f"{f.filename.rsplit('/', 1)[-1]}:{f.lineno}" for f in frames[-5:])
        route = instance_of(request) or "(no route)"
        logger.error("unhandled %s on %s at %s", type(exc).__name__, route, where)
        return problem(500, "Internal error", "The error was logged; no request data was kept.")


def _title(status: int) -> str:
    return {
        400: "Bad request",
        404: "Not found",
        405: "Method not allowed",
        413: "Request body too large",
        415: "Unsupported media type",
    }.get(status, "Error")
