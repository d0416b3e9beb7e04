"""Search the access records: by client, action, kind, outcome, resource id and time.

Times are instants: a date-time without a zone is taken as UTC, one with a zone is converted
to UTC (the records are written in UTC; SQLite compares the text it stores, so both sides
must be in one zone). ``since`` is inclusive, ``until`` exclusive; oldest first.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import select

from ..store.store import Store
from ..store.tables import AccessRecordRow
from .record import AccessRecord, Action, Kind, Outcome, from_row

T = AccessRecordRow


def parse_instant(value: object) -> datetime:
    """An ISO 8601 date-time (or date: its midnight) as an aware UTC datetime.

    Raises ValueError with a message that does not repeat the value (it came from a caller).
    """
    if isinstance(value, datetime):
        parsed = value
    elif isinstance(value, str):
        try:
            parsed = datetime.fromisoformat(value.strip())
        except ValueError:
            raise ValueError(
                "not an ISO 8601 date-time (e.g. 2026-12-01T00:00:00Z or 2026-12-01)"
            ) from None
    else:
        raise ValueError("an ISO 8601 date-time is text, e.g. 2026-12-01T00:00:00Z")
    try:
        return parsed.replace(tzinfo=UTC) if parsed.tzinfo is None else parsed.astimezone(UTC)
    except (OverflowError, ValueError):
        raise ValueError("the date-time is out of range in UTC") from None


@dataclass(frozen=True)
class AccessQuery:
    client_id: str | None = None
    action: Action | None = None
    kind: Kind | None = None
    outcome: Outcome | None = None
    resource_id: str | None = None
    since: datetime | None = None
    until: datetime | None = None
    limit: int = 100
    """At most this many records (the API allows up to 1000 a page)."""

    def filters(self) -> list[str]:
        """The names of the filters given (for the record of the search itself)."""
        names = ("client_id", "action", "kind", "outcome", "resource_id", "since", "until")
        return [name for name in names if getattr(self, name) is not None]


@dataclass(frozen=True)
class AccessRecordPage:
    records: list[AccessRecord]
    more: bool
    """More records match than ``limit``: narrow the window (or move ``since`` on)."""


def _escape_like(value: str) -> str:
    return value.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def search(store: Store, query: AccessQuery) -> AccessRecordPage:
    statement = select(T)
    if query.client_id is not None:
        statement = statement.where(T.client_id == query.client_id)
    if query.action is not None:
        statement = statement.where(T.action == query.action.value)
    if query.kind is not None:
        statement = statement.where(T.kind == query.kind.value)
    if query.outcome is not None:
        statement = statement.where(T.outcome == query.outcome.value)
    if query.resource_id is not None:
        # resource_ids is a JSON list of ids without quotes or backslashes in them: the
        # quoted id matches one element exactly, never a part of one
        pattern = f'%"{_escape_like(query.resource_id)}"%'
        statement = statement.where(T.resource_ids.like(pattern, escape="\\"))
    if query.since is not None:
        statement = statement.where(T.at >= parse_instant(query.since))
    if query.until is not None:
        statement = statement.where(T.at < parse_instant(query.until))
    limit = max(1, query.limit)
    statement = statement.order_by(T.at, T.id).limit(limit + 1)
    with store.engine.connect() as connection:
        rows = connection.execute(statement).all()
    return AccessRecordPage([from_row(row) for row in rows[:limit]], len(rows) > limit)
