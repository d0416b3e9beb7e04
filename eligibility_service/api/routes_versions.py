"""Semantic diff of two versions of a rule set over HTTP (JSON, or an HTML page for staff)."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, Response

from ..rules.registry import Registry, VersionNotFound
from ..security.scopes import Scope
from ..versioning.diff import VersionDiff, diff_versions
from ..versioning.render import diff_html
from .auth import require
from .problems import FieldProblem, Problem
from .routes_rule_sets import Id

router = APIRouter(prefix="/v1", tags=["rule sets"], dependencies=[require(Scope.RULES_READ)])

VersionName = Annotated[str, Query(max_length=40, pattern=r"^[A-Za-z0-9][A-Za-z0-9_.-]*$")]


@router.get(
    "/rule-sets/{rule_set_id}/diff",
    response_model=VersionDiff,
    responses={
        200: {
            "description": "The diff: JSON, or with format=html a self-contained HTML page.",
            "content": {"text/html": {"schema": {"type": "string"}}},
        },
        404: {"model": Problem, "description": "No such rule set or version"},
    },
)
async def diff_rule_set_versions(
    rule_set_id: Id,
    request: Request,
    from_version: Annotated[
        str, Query(alias="from", max_length=40, pattern=r"^[A-Za-z0-9][A-Za-z0-9_.-]*$")
    ],
    to: VersionName,
    format: Literal["json", "html"] = "json",
) -> VersionDiff | Response:
    """What changes from version ``from`` to version ``to``: rules, definitions, parameters
    (dated values), policy choices and their defaults, citations and worked examples, each
    added, removed or changed, with the changed fields side by side."""
    registry: Registry = request.app.state.registry
    try:
        source = registry.get(rule_set_id, from_version)
    except VersionNotFound as exc:
        raise FieldProblem("from" if exc.what == "version" else exc.what, str(exc), 404) from None
    try:
        target = registry.get(rule_set_id, to)
    except VersionNotFound as exc:
        raise FieldProblem("to" if exc.what == "version" else exc.what, str(exc), 404) from None
    diff = diff_versions(source, target)
    if format == "html":
        return HTMLResponse(diff_html(diff))
    return diff
