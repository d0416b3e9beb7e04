"""Record each access to health data made through the API (see :mod:`..access_log`).

A route that discloses or stores PHI wraps that work in ``with phi_access(request, ACTION) as
access`` (``async with phi_access_async(...)`` in an async route) and says what it touched
with ``access.touched(...)``. When the block ends the record is written, before the route
returns: if it cannot be written the caller gets 503 and not the data (fail closed). When the
block raises, the record says how it ended (``not_found``, ``rejected``, ``error``) and the
error goes on to its handler.

Where the block starts matters: checks that refuse a request before any health data is read
(a bad suite name, an empty body, an unknown suite) come before it and leave no record; so do
401 and 403, which the access-control middleware answers before the route runs.
"""

from __future__ import annotations

import logging
import re
from collections.abc import AsyncIterator, Iterable, Iterator
from contextlib import asynccontextmanager, contextmanager
from typing import Any

from fastapi import HTTPException, Request
from fastapi.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException as StarletteHTTPException

from ..access_log.record import (
    AccessNotRecorded,
    AccessRecord,
    Action,
    DetailValue,
    Outcome,
    capped,
    write,
)
from ..decision_log.writer import describe_error
from ..decisions.service import DecisionInputError
from ..store.protection import StoreKeyError
from ..store.store import Store
from .auth import principal_of
from .problems import FieldProblem, Problem

logger = logging.getLogger("eligibility_service.access")

RECORDED_ERRORS: dict[int | str, dict[str, Any]] = {
    503: {
        "model": Problem,
        "description": "The store is not available, or this access to health data could not "
        "be recorded (the answer is withheld)",
    }
}
"""The OpenAPI ``responses`` entry of a route whose accesses are recorded."""

DECISION_ID = re.compile(r"^[0-9a-f]{32}$")
"""The shape of a decision id (``uuid4().hex``)."""


class Access:
    """What one request touched, filled in by its route; becomes an :class:`AccessRecord`."""

    def __init__(self, request: Request, action: Action) -> None:
        caller = request.headers.get("x-caller")
        if caller is not None and len(caller) > 200:
            raise FieldProblem("X-Caller", "the X-Caller header is longer than 200 characters")
        store: Store | None = request.app.state.store
        if store is None:
            # refused before any health data is read: there is nowhere to record the access
            raise HTTPException(
                503, "the store is not available, so access to health data cannot be recorded"
            )
        self.store = store
        self.action = action
        self.request = request
        self.caller = caller or None
        self.resource_ids: tuple[str, ...] = ()
        self.resource_count = 0
        self.detail: dict[str, DetailValue] = {}
        self.outcome = Outcome.OK
        self.status = 200

    def touched(
        self, ids: Iterable[str] = (), count: int | None = None, **detail: DetailValue
    ) -> None:
        """The resources read or written (ids, the first 1000 kept), their number (default:
        how many ids), and flags or counts that qualify the access (never values)."""
        listed = list(ids)
        self.resource_ids = capped(listed)
        self.resource_count = len(listed) if count is None else count
        self.detail.update(detail)

    def touched_decision(self, decision_id: str) -> None:
        """A decision id taken from the path: kept when it has the shape of one. A caller can
        type anything there, an SSN included, and that must not land in the record."""
        if DECISION_ID.match(decision_id):
            self.touched([decision_id])
        else:
            self.touched(count=1, malformed_id=True)

    def ended_by(self, exc: BaseException) -> None:
        if isinstance(exc, FieldProblem | DecisionInputError):
            self.status = exc.status
        elif isinstance(exc, StarletteHTTPException):
            self.status = exc.status_code
        elif isinstance(exc, StoreKeyError):
            self.status = 503
        else:
            self.status = 500
        if self.status == 404:
            self.outcome = Outcome.NOT_FOUND
        elif self.status < 500:
            self.outcome = Outcome.REJECTED
        else:
            self.outcome = Outcome.ERROR

    def record(self) -> AccessRecord:
        request = self.request
        route = request.scope.get("route")
        return AccessRecord(
            action=self.action,
            client_id=principal_of(request).client_id,
            caller=self.caller,
            method=request.method,
            route=str(getattr(route, "path", "(unknown route)")),
            resource_ids=self.resource_ids,
            resource_count=self.resource_count,
            outcome=self.outcome,
            status=self.status,
            request_id=request_id_of(request),
            detail=dict(self.detail),
        )


def request_id_of(request: Request) -> str | None:
    """The request id set by the request-id middleware, else the caller's X-Request-Id."""
    found = getattr(request.state, "request_id", None) or request.headers.get("x-request-id")
    return str(found)[:100] if found else None


def _record(access: Access) -> None:
    """Write the record of an access that succeeded; no record, no answer (503)."""
    try:
        write(access.store, access.record())
    except AccessNotRecorded as exc:
        logger.error(
            "access to health data not recorded, answer withheld (%s): %s",
            access.action.value,
            describe_error(exc.__cause__ or exc),
        )
        raise HTTPException(
            503,
            "the access to health data could not be recorded, so the answer is withheld; "
            "try again later",
        ) from None


def _record_failure(access: Access) -> None:
    """Write the record of an access that failed; the request fails either way."""
    try:
        write(access.store, access.record())
    except AccessNotRecorded as exc:
        logger.error(
            "failed access to health data not recorded (%s): %s",
            access.action.value,
            describe_error(exc.__cause__ or exc),
        )


@contextmanager
def phi_access(request: Request, action: Action) -> Iterator[Access]:
    """Record the access made inside the block (a synchronous route)."""
    access = Access(request, action)
    try:
        yield access
    except Exception as exc:
        access.ended_by(exc)
        _record_failure(access)
        raise
    _record(access)


@asynccontextmanager
async def phi_access_async(request: Request, action: Action) -> AsyncIterator[Access]:
    """Record the access made inside the block (an async route: the write runs in a thread,
    off the event loop)."""
    access = Access(request, action)
    try:
        yield access
    except Exception as exc:
        access.ended_by(exc)
        await run_in_threadpool(_record_failure, access)
        raise
    await run_in_threadpool(_record, access)
