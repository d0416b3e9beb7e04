"""Read-only endpoints over the loaded rule sets and the provision catalogues."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Request

from ..rules.registry import Registry, VersionNotFound
from ..security.scopes import Scope
from .auth import require
from .problems import FieldProblem, Problem
from .views import (
    ProvisionView,
    RuleSetSummary,
    VersionDetail,
    provision_view,
    version_detail,
    version_summary,
)

router = APIRouter(prefix="/v1", tags=["rule sets"], dependencies=[require(Scope.RULES_READ)])
_NOT_FOUND: dict[int | str, dict[str, object]] = {
    404: {"model": Problem, "description": "Not found"}
}

Id = Annotated[str, Path(max_length=100, pattern=r"^[A-Za-z0-9][A-Za-z0-9_.-]*$")]


def _registry(request: Request) -> Registry:
    reg: Registry = request.app.state.registry
    return reg


def _summary(reg: Registry, rule_set_id: str) -> RuleSetSummary:
    versions = reg.versions(rule_set_id)
    info = versions[0].info
    return RuleSetSummary(
        id=info.id,
        program=info.program,
        title=info.title,
        description=info.description,
        versions=[version_summary(v) for v in versions],
    )


@router.get("/rule-sets", response_model=list[RuleSetSummary])
async def list_rule_sets(request: Request) -> list[RuleSetSummary]:
    reg = _registry(request)
    return [_summary(reg, rid) for rid in sorted(reg.rule_sets)]


@router.get("/rule-sets/{rule_set_id}", response_model=RuleSetSummary, responses=_NOT_FOUND)
async def get_rule_set(rule_set_id: Id, request: Request) -> RuleSetSummary:
    try:
        return _summary(_registry(request), rule_set_id)
    except VersionNotFound as exc:
        raise FieldProblem(exc.what, str(exc), 404) from None


@router.get(
    "/rule-sets/{rule_set_id}/versions/{version}",
    response_model=VersionDetail,
    responses=_NOT_FOUND,
)
async def get_version(rule_set_id: Id, version: Id, request: Request) -> VersionDetail:
    """The version with its rules, parameters (dated values), policy choices and citations."""
    try:
        return version_detail(_registry(request).get(rule_set_id, version))
    except VersionNotFound as exc:
        raise FieldProblem(exc.what, str(exc), 404) from None


@router.get("/provisions", response_model=list[ProvisionView])
async def list_provisions(request: Request) -> list[ProvisionView]:
    reg = _registry(request)
    return [provision_view(p) for _, p in sorted(reg.provisions.by_id.items())]


@router.get("/provisions/{provision_id}", response_model=ProvisionView, responses=_NOT_FOUND)
async def get_provision(provision_id: Id, request: Request) -> ProvisionView:
    found = _registry(request).provisions.get(provision_id)
    if found is None:
        raise FieldProblem("provision_id", "no provision with that id", 404)
    return provision_view(found)
