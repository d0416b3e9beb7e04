"""Read the decision log back: one decision, a search, or a stream for turning into cases."""

from __future__ import annotations

from collections.abc import Generator
from datetime import datetime
from typing import Any

import orjson
from sqlalchemy import Select, select

from ..store.store import Store
from ..store.tables import DecisionLogEntry
from .record import LoggedDecision, open_payload

T = DecisionLogEntry


def _logged(row: Any, store: Store) -> LoggedDecision:
    request, response = open_payload(row.payload, row.key_id, store.protector)
    return LoggedDecision(
        decision_id=row.decision_id,
        logged_at=row.logged_at,
        caller=row.caller,
        question=row.question,
        program=row.program,
        outcome=row.outcome,
        rule_set_id=row.rule_set_id,
        rule_set_version=row.rule_set_version,
        rule_set_hash=row.rule_set_hash,
        as_of=row.as_of,
        policy_choices=orjson.loads(row.policy_choices),
        reason_codes=orjson.loads(row.reason_codes),
        elapsed_us=row.elapsed_us,
        request=request,
        response=response,
    )


def get(store: Store, decision_id: str) -> LoggedDecision | None:
    with store.engine.connect() as connection:
        row = connection.execute(select(T).where(T.decision_id == decision_id)).first()
    return _logged(row, store) if row is not None else None


def _filtered(
    subject_id: str | None,
    store: Store,
    question: str | None,
    since: datetime | None,
    until: datetime | None,
) -> Select[Any]:
    query = select(T)
    if subject_id:
        query = query.where(T.subject_ref == store.protector.subject_ref(subject_id))
    if question:
        query = query.where(T.question == question)
    if since:
        query = query.where(T.logged_at >= since)
    if until:
        query = query.where(T.logged_at < until)
    return query.order_by(T.id)


def search(
    store: Store,
    subject_id: str | None = None,
    question: str | None = None,
    since: datetime | None = None,
    until: datetime | None = None,
    limit: int = 100,
) -> list[LoggedDecision]:
    query = _filtered(subject_id, store, question, since, until).limit(limit)
    with store.engine.connect() as connection:
        return [_logged(row, store) for row in connection.execute(query)]


def stream(
    store: Store,
    question: str | None = None,
    since: datetime | None = None,
    until: datetime | None = None,
    batch: int = 1000,
) -> Generator[LoggedDecision, None, None]:
    """Every matching logged decision, oldest first, read in batches (never all at once)."""
    query = _filtered(None, store, question, since, until)
    with store.engine.connect() as connection:
        result = connection.execution_options(stream_results=True, yield_per=batch).execute(query)
        for row in result:
            yield _logged(row, store)
