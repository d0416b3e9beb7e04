"""The access records over HTTP, for privacy and security officers (scope ``audit:read``).

Who read or wrote health data, when, through which operation, which ids, how it ended. The
records hold no health data themselves, but they say whose records were looked at and by
whom, so reading them takes its own scope (not the decision log's), and each search is
itself recorded: which filters were used (their names, not their values) and how many
records it returned.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from pydantic import BaseModel, BeforeValidator, Field

from ..access_log import queries
from ..access_log.queries import AccessQuery, parse_instant
from ..access_log.record import RESOURCE_ID, Action, DetailValue, Kind, Outcome, ResourceType
from ..security.scopes import Scope
from .auth import require
from .phi_access import RECORDED_ERRORS, phi_access
from .problems import FieldProblem
from .routes_decision_log import store_of

router = APIRouter(
    prefix="/v1/access-records", tags=["access records"], dependencies=[require(Scope.AUDIT_READ)]
)

PRINTABLE = r"^[^\x00-\x1f\x7f]+$"
"""No control characters (PostgreSQL refuses a NUL in text: a 422 here, not a 500 there)."""

QueryInstant = Annotated[datetime, BeforeValidator(parse_instant)]
"""ISO 8601 text (no Unix timestamps); no zone means UTC."""


class AccessRecordView(BaseModel):
    id: str
    at: str = Field(description="When the access was recorded (UTC, ISO 8601).")
    client_id: str = Field(description="The client the bearer token was issued to.")
    caller: str | None = Field(description="The caller's own label (X-Caller), if sent.")
    action: Action
    kind: Kind
    method: str
    route: str = Field(description="The route template, e.g. /v1/decision-log/decisions/{id}.")
    resource_type: ResourceType
    resource_ids: list[str] = Field(description="Ids touched (the first 1000).")
    resource_count: int = Field(
        description="Records of health data read or written: decisions found, cases "
        "imported, taken from the log or replayed, exceptions reported."
    )
    outcome: Outcome
    status: int = Field(description="The HTTP status answered.")
    request_id: str | None
    detail: dict[str, DetailValue] = Field(description="Flags and counts, never values.")


class AccessRecordPage(BaseModel):
    records: list[AccessRecordView] = Field(description="Oldest first.")
    more: bool = Field(
        description="More records match than the limit: narrow the window, or search again "
        "from the last record's time."
    )


@router.get(
    "",
    response_model=AccessRecordPage,
    responses=RECORDED_ERRORS,
)
def search(
    request: Request,
    client_id: Annotated[str | None, Query(max_length=200, pattern=PRINTABLE)] = None,
    action: Action | None = None,
    kind: Kind | None = None,
    outcome: Outcome | None = None,
    resource_id: Annotated[
        str | None,
        Query(
            max_length=100,
            pattern=RESOURCE_ID.pattern,
            description="A decision id, suite name or run id touched.",
        ),
    ] = None,
    since: Annotated[
        QueryInstant | None, Query(description="At or after (ISO 8601; no zone: UTC).")
    ] = None,
    until: Annotated[QueryInstant | None, Query(description="Before (ISO 8601).")] = None,
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
) -> dict[str, Any]:
    """Access records matching every filter given, oldest first."""
    if since is not None and until is not None and until <= since:
        raise FieldProblem("until", "until must be later than since")
    store = store_of(request)
    query = AccessQuery(client_id, action, kind, outcome, resource_id, since, until, limit)
    with phi_access(request, Action.ACCESS_SEARCH) as access:
        page = queries.search(store, query)
        access.touched(count=len(page.records), filters=",".join(query.filters()))
    return {"records": [r.as_dict() for r in page.records], "more": page.more}
