"""Cases and suites in the store: write in batches, read back as a stream."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import orjson
from sqlalchemy import Connection, delete, func, insert, select
from sqlalchemy.dialects import postgresql, sqlite

from ..store.store import Store
from ..store.tables import Case, CaseSuite, Suite
from .model import RecordedDecision, StoredCase

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
    Case.decided_on,
    Case.as_of,
    Case.rule_set_version,
    Case.recorded_outcome,
    Case.recorded_dates,
    Case.recorded_reason_codes,
    Case.key_id,
    Case.payload,
)


def stream_cases(store: Store, suite: str | None, batch: int = 2000) -> Iterator[StoredCase]:
    """The suite's cases (every case when ``suite`` is None) in id order, fetched in batches
    with a server-side cursor where the database has one: memory stays flat however many
    cases the suite holds."""
    query = select(*_COLUMNS)
    if suite is not None:
        query = (
            query.join(CaseSuite, CaseSuite.case_id == Case.id)
            .join(Suite, Suite.id == CaseSuite.suite_id)
            .where(Suite.name == suite)
        )
    query = query.order_by(Case.id)
    protector = store.protector
    with store.engine.connect() as connection:
        result = connection.execution_options(stream_results=True, yield_per=batch).execute(query)
        for row in result:
            dates = orjson.loads(row.recorded_dates)
            codes = orjson.loads(row.recorded_reason_codes)
            yield StoredCase.model_construct(
                id=row.id,
                case_id=row.case_key,
                question=row.question,
                program=row.program,
                request=protector.open(row.payload, TABLE, row.key_id),
                decided_on=row.decided_on,
                as_of=row.as_of,
                rule_set_version=row.rule_set_version,
                decision=RecordedDecision.model_construct(
                    outcome=row.recorded_outcome, dates=dates, reason_codes=codes
                ),
            )
