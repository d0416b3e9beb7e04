"""Cases and suites in the store: write in batches, read back as a stream."""

from __future__ import annotations

from collections.abc import Generator, Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import orjson
from sqlalchemy import Connection, delete, func, insert, select
from sqlalchemy.dialects import postgresql, sqlite

from ..store.store import Store
from ..store.tables import Case, CaseSuite, Suite
from .model import Recorded, StoredCase

TABLE = "cases"


@dataclass(frozen=True)
class SuiteInfo:
    name: str
    description: str
    cases: int
    created_at: datetime

    def as_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "description": self.description,
            "cases": self.cases,
            "created_at": self.created_at.isoformat(),
        }


def ensure_suites(connection: Connection, names: Iterable[str]) -> dict[str, int]:
    """Ids of the named suites, creating those that do not exist yet."""
    wanted = sorted(set(names))
    if not wanted:
        return {}
    rows = connection.execute(select(Suite.name, Suite.id).where(Suite.name.in_(wanted)))
    found: dict[str, int] = {name: sid for name, sid in rows}
    now = datetime.now(UTC)
    for name in wanted:
        if name not in found:
            found[name] = connection.execute(
                insert(Suite).values(name=name, description="", created_at=now).returning(Suite.id)
            ).scalar_one()
    return found


def add_to_suites(connection: Connection, pairs: list[dict[str, int]]) -> None:
    """Tag cases into suites; a case already in a suite stays there once."""
    if not pairs:
        return
    dialect = connection.dialect.name
    statement: Any
    if dialect == "postgresql":
        statement = postgresql.insert(CaseSuite).on_conflict_do_nothing()
    elif dialect == "sqlite":
        statement = sqlite.insert(CaseSuite).on_conflict_do_nothing()
    else:  # pragma: no cover - the two supported databases are above
        raise RuntimeError(f"unsupported database {dialect}")
    connection.execute(statement, pairs)


def existing_keys(connection: Connection, keys: list[str]) -> dict[str, int]:
    if not keys:
        return {}
    rows = connection.execute(select(Case.case_key, Case.id).where(Case.case_key.in_(keys)))
    return {key: cid for key, cid in rows}


def insert_cases(connection: Connection, rows: list[dict[str, Any]]) -> dict[str, int]:
    """Insert case rows; the new ids by case key."""
    if not rows:
        return {}
    result = connection.execute(insert(Case).returning(Case.case_key, Case.id), rows)
    return {key: cid for key, cid in result}


def list_suites(store: Store) -> list[SuiteInfo]:
    query = (
        select(Suite.name, Suite.description, Suite.created_at, func.count(CaseSuite.case_id))
        .outerjoin(CaseSuite, CaseSuite.suite_id == Suite.id)
        .group_by(Suite.id, Suite.name, Suite.description, Suite.created_at)
        .order_by(Suite.name)
    )
    with store.engine.connect() as connection:
        return [SuiteInfo(n, d, c, t) for n, d, t, c in connection.execute(query)]


def delete_suite(store: Store, name: str) -> bool:
    """Remove a suite (its cases stay in the store and in other suites)."""
    with store.engine.begin() as connection:
        return connection.execute(delete(Suite).where(Suite.name == name)).rowcount > 0


def count_cases(store: Store, suite: str | None) -> int:
    query = select(func.count()).select_from(Case)
    if suite is not None:
        query = (
            select(func.count())
            .select_from(CaseSuite)
            .join(Suite, Suite.id == CaseSuite.suite_id)
            .where(Suite.name == suite)
        )
    with store.engine.connect() as connection:
        return int(connection.execute(query).scalar_one())


def suite_exists(store: Store, name: str) -> bool:
    with store.engine.connect() as connection:
        return connection.execute(select(Suite.id).where(Suite.name == name)).first() is not None


_COLUMNS = (
    Case.id,
    Case.case_key,
    Case.question,
    Case.program,
    Case.key_id,
    Case.payload,
    Case.facts_schema,
    Case.decided_on,
    Case.as_of,
    Case.rule_set_version,
    Case.recorded_outcome,
    Case.recorded_dates,
    Case.recorded_reason_codes,
)


CaseRow = tuple[Any, ...]
"""A case as the database returns it (columns of ``_COLUMNS``): cheap to pass to a worker
process, which decodes it (:func:`case_from_row`)."""


def stream_rows(
    store: Store, suite: str | None, batch: int = 2000
) -> Generator[CaseRow, None, None]:
    """The suite's cases (every case when ``suite`` is None) in id order, fetched in batches
    with a server-side cursor where the database has one: memory stays flat however many
    cases the suite holds."""
    query = _suite_query(suite, *_COLUMNS).order_by(Case.id)
    with store.engine.connect() as connection:
        result = connection.execution_options(stream_results=True, yield_per=batch).execute(query)
        for row in result:
            yield tuple(row)


def _suite_query(suite: str | None, *columns: Any) -> Any:
    query = select(*columns)
    if suite is not None:
        query = (
            query.join(CaseSuite, CaseSuite.case_id == Case.id)
            .join(Suite, Suite.id == CaseSuite.suite_id)
            .where(Suite.name == suite)
        )
    return query


def id_ranges(store: Store, suite: str | None, size: int) -> Iterator[tuple[int, int, int]]:
    """``(first id, last id, count)`` of consecutive runs of ``size`` cases of the suite, in
    order: a worker process fetches a run itself (:func:`rows_between`), so the process that
    hands out the work reads only ids."""
    query = _suite_query(suite, Case.id).order_by(Case.id)
    with store.engine.connect() as connection:
        result = connection.execution_options(stream_results=True, yield_per=10_000).execute(query)
        first = last = count = 0
        for (cid,) in result:
            if count == 0:
                first = cid
            last = cid
            count += 1
            if count == size:
                yield first, last, count
                count = 0
        if count:
            yield first, last, count


def rows_between(store: Store, suite: str | None, first: int, last: int) -> list[CaseRow]:
    query = _suite_query(suite, *_COLUMNS).where(Case.id.between(first, last)).order_by(Case.id)
    with store.engine.connect() as connection:
        return [tuple(row) for row in connection.execute(query)]


def case_from_row(row: CaseRow) -> StoredCase:
    """Decode a row of ``_COLUMNS`` (the payload stays sealed until the case is decided)."""
    (cid, key, question, program, key_id, payload, schema, decided, as_of, version) = row[:10]
    outcome, dates, codes = row[10:]
    return StoredCase(
        cid,
        key,
        question,
        program,
        key_id,
        payload,
        schema,
        decided,
        as_of,
        version,
        Recorded(outcome, orjson.loads(dates), orjson.loads(codes)),
    )


def stream_cases(
    store: Store, suite: str | None, batch: int = 2000
) -> Generator[StoredCase, None, None]:
    """:func:`stream_rows`, decoded."""
    for row in stream_rows(store, suite, batch):
        yield case_from_row(row)


def open_request(store: Store, case: StoredCase) -> bytes:
    """The case's request JSON, decrypted."""
    return store.protector.open(case.sealed_request, TABLE, case.key_id)
