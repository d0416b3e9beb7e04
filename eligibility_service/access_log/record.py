"""One access record, and writing it.

A record holds what an auditor needs and nothing a breach could use: the client the token
was issued to, the operation (an action name and the route template, never the URL with its
values), the resource ids touched (decision ids, suite names, run ids: never subject ids,
names, SSNs or birth dates) and counts, and how it ended. ``detail`` carries flags and counts
only (e.g. ``subject_searched: true``, never the subject).

Writing is synchronous and in its own transaction: the caller (the API) returns the PHI only
after :func:`write` returned, so an access is never answered without its record.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from enum import StrEnum
from typing import Any

import orjson
from sqlalchemy import insert
from sqlalchemy.exc import SQLAlchemyError

from ..store.store import Store
from ..store.tables import AccessRecordRow

MAX_IDS = 1000
"""Resource ids kept per record; ``resource_count`` keeps the true number."""

RESOURCE_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$")
"""What a resource id may look like: a decision or run id (32 hex digits), a suite name."""

DETAIL_VALUE = re.compile(r"^[A-Za-z0-9_.,:-]{0,100}$")


class Kind(StrEnum):
    READ = "read"
    WRITE = "write"


class ResourceType(StrEnum):
    DECISION = "decision"
    SUITE = "suite"
    RECONCILIATION_RUN = "reconciliation-run"
    ACCESS_RECORD = "access-record"


class Outcome(StrEnum):
    OK = "ok"
    NOT_FOUND = "not_found"
    REJECTED = "rejected"
    """Refused after the health data was read (e.g. no line of an uploaded file usable)."""
    ERROR = "error"


class Action(StrEnum):
    DECISION_READ = "decision-log.read"
    DECISION_SEARCH = "decision-log.search"
    DECISION_REPRODUCE = "decision-log.reproduce"
    CASES_IMPORT = "cases.import"
    CASES_FROM_LOG = "cases.from-log"
    REPLAY = "replay.run"
    RECONCILIATION_FFC = "reconciliation.ffc"
    RECONCILIATION_MONTHLY = "reconciliation.monthly"
    ACCESS_SEARCH = "access-records.search"

    @property
    def kind(self) -> Kind:
        return Kind.WRITE if self is Action.CASES_IMPORT else Kind.READ

    @property
    def resource_type(self) -> ResourceType:
        return _RESOURCE_TYPES[self]


_RESOURCE_TYPES = {
    Action.DECISION_READ: ResourceType.DECISION,
    Action.DECISION_SEARCH: ResourceType.DECISION,
    Action.DECISION_REPRODUCE: ResourceType.DECISION,
    Action.CASES_IMPORT: ResourceType.SUITE,
    Action.CASES_FROM_LOG: ResourceType.SUITE,
    Action.REPLAY: ResourceType.SUITE,
    Action.RECONCILIATION_FFC: ResourceType.RECONCILIATION_RUN,
    Action.RECONCILIATION_MONTHLY: ResourceType.RECONCILIATION_RUN,
    Action.ACCESS_SEARCH: ResourceType.ACCESS_RECORD,
}

DetailValue = bool | int | str


class AccessNotRecorded(RuntimeError):
    """The record could not be written; the access must not be answered."""


@dataclass(frozen=True, slots=True)
class AccessRecord:
    action: Action
    client_id: str
    method: str
    route: str
    outcome: Outcome
    status: int
    resource_ids: tuple[str, ...] = ()
    resource_count: int = 0
    caller: str | None = None
    request_id: str | None = None
    detail: Mapping[str, DetailValue] = field(default_factory=dict)
    record_id: str = field(default_factory=lambda: uuid.uuid4().hex)
    at: datetime = field(default_factory=lambda: datetime.now(UTC))

    def __post_init__(self) -> None:
        # Guards against a programming error putting a value where an id belongs: ids come
        # from the store (or are checked by the API first), so this never refuses a caller.
        for resource_id in self.resource_ids:
            if not RESOURCE_ID.match(resource_id):
                raise ValueError("a resource id must be an id, not a value")
        for key, value in self.detail.items():
            if not DETAIL_VALUE.match(key) or (
                isinstance(value, str) and not DETAIL_VALUE.match(value)
            ):
                raise ValueError("access record detail holds codes, flags and counts only")

    @property
    def kind(self) -> Kind:
        return self.action.kind

    @property
    def resource_type(self) -> ResourceType:
        return self.action.resource_type

    def as_dict(self) -> dict[str, Any]:
        return {
            "id": self.record_id,
            "at": self.at.isoformat(),
            "client_id": self.client_id,
            "caller": self.caller,
            "action": self.action.value,
            "kind": self.kind.value,
            "method": self.method,
            "route": self.route,
            "resource_type": self.resource_type.value,
            "resource_ids": list(self.resource_ids),
            "resource_count": self.resource_count,
            "outcome": self.outcome.value,
            "status": self.status,
            "request_id": self.request_id,
            "detail": dict(self.detail),
        }


def capped(ids: Iterable[str]) -> tuple[str, ...]:
    """The first :data:`MAX_IDS` ids (a search may return more than a record should hold)."""
    kept: list[str] = []
    for resource_id in ids:
        if len(kept) == MAX_IDS:
            break
        kept.append(resource_id)
    return tuple(kept)


def to_row(record: AccessRecord) -> dict[str, Any]:
    return {
        "id": record.record_id,
        "at": record.at.astimezone(UTC),
        "client_id": record.client_id[:200],
        "caller": record.caller[:200] if record.caller else None,
        "action": record.action.value,
        "kind": record.kind.value,
        "method": record.method[:8],
        "route": record.route[:200],
        "resource_type": record.resource_type.value,
        "resource_ids": orjson.dumps(list(record.resource_ids[:MAX_IDS])).decode(),
        "resource_count": record.resource_count,
        "outcome": record.outcome.value,
        "status": record.status,
        "request_id": record.request_id[:100] if record.request_id else None,
        "detail": orjson.dumps(dict(record.detail), option=orjson.OPT_SORT_KEYS).decode(),
    }


def from_row(row: Any) -> AccessRecord:
    at: datetime = row.at
    return AccessRecord(
        record_id=row.id,
        # SQLite keeps no zone (the text is UTC); PostgreSQL answers in the session's zone
        at=at.replace(tzinfo=UTC) if at.tzinfo is None else at.astimezone(UTC),
        client_id=row.client_id,
        caller=row.caller,
        action=Action(row.action),
        method=row.method,
        route=row.route,
        resource_ids=tuple(orjson.loads(row.resource_ids)),
        resource_count=row.resource_count,
        outcome=Outcome(row.outcome),
        status=row.status,
        request_id=row.request_id,
        detail=orjson.loads(row.detail),
    )


def write(store: Store, record: AccessRecord) -> None:
    """Insert ``record`` and commit, or raise :class:`AccessNotRecorded`."""
    try:
        with store.engine.begin() as connection:
            connection.execute(insert(AccessRecordRow).values(**to_row(record)))
    except SQLAlchemyError as exc:
        raise AccessNotRecorded("the access record could not be written") from exc
