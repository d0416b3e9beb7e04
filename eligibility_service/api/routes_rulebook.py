"""The rule book as web pages: the list of rule sets and one read-only page per version.

Pages are rendered once per version and kept (versions are immutable for the life of the
process). Each page carries a Content-Security-Policy that admits only its own inline style
and script.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Annotated
from urllib.parse import quote

from fastapi import APIRouter, Path, Request
from fastapi.responses import HTMLResponse

from ..rulebook.render import Page, render_index, render_version
from ..rules.compiled import CompiledRuleSet
from ..rules.registry import Registry, VersionNotFound
from ..security.scopes import Scope
from .auth import require
from .problems import FieldProblem, Problem

router = APIRouter(tags=["rule book"], dependencies=[require(Scope.RULES_READ)])

Id = Annotated[str, Path(max_length=100, pattern=r"^[A-Za-z0-9][A-Za-z0-9_.-]*$")]
_HTML: dict[int | str, dict[str, object]] = {
    200: {"content": {"text/html": {"schema": {"type": "string"}}}, "description": "HTML page"},
}


def _registry(request: Request) -> Registry:
    reg: Registry = request.app.state.registry
    return reg


def _html(page: Page) -> HTMLResponse:
    return HTMLResponse(
        page.html,
        headers={
            "Content-Security-Policy": page.csp,
            "X-Content-Type-Options": "nosniff",
            "Referrer-Policy": "no-referrer",
        },
    )


@lru_cache(maxsize=64)
def _version_page(rule_set: CompiledRuleSet) -> Page:
    return render_version(rule_set, "/rule-book")


def _version_href(rule_set_id: str, version: str) -> str:
    return f"/rule-book/{quote(rule_set_id)}/{quote(version)}"


@router.get("/rule-book", response_class=HTMLResponse, responses=_HTML)
def rule_book_index(request: Request) -> HTMLResponse:
    """The rule book's index: every rule set and its versions, each linking to its page."""
    return _html(render_index(_registry(request), _version_href))


@router.get(
    "/rule-book/{rule_set_id}/{version}",
    response_class=HTMLResponse,
    responses={**_HTML, 404: {"model": Problem, "description": "No such rule set or version"}},
)
def rule_book_version(rule_set_id: Id, version: Id, request: Request) -> HTMLResponse:
    """One version's rule book: each rule beside the provisions it implements, parameters
    with dated values, policy choices, definitions and worked examples (HTML, searchable)."""
    try:
        rule_set = _registry(request).get(rule_set_id, version)
    except VersionNotFound as exc:
        raise FieldProblem(exc.what, str(exc), 404) from None
    return _html(_version_page(rule_set))
