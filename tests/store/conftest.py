"""Store fixtures: every store test runs against SQLite and against the PostgreSQL server.

PostgreSQL is the machine's server on 127.0.0.1:5432 (database ``test``, trust auth), which
``.ci/run`` starts when it is not running; override with ``ELIGIBILITY_TEST_POSTGRES_URL``.
Each test session creates databases of its own there and drops them at the end, so runs
never see each other's rows. If the server is down these tests fail; they are never skipped.
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine, create_engine, text
from sqlalchemy.engine import make_url

from eligibility_service.settings import Settings
from eligibility_service.store import migrate
from eligibility_service.store.database import normalise_url
from eligibility_service.store.store import Store, open_store

POSTGRES = os.environ.get("ELIGIBILITY_TEST_POSTGRES_URL", "postgresql://127.0.0.1:5432/test")
BACKENDS = ["sqlite", "postgresql"]


class PostgresDatabases:
    """Creates throwaway databases on the server and drops them all at the end."""

    def __init__(self, admin_url: str) -> None:
        self.admin: Engine = create_engine(normalise_url(admin_url), isolation_level="AUTOCOMMIT")
        self.created: list[str] = []
        self.base = make_url(normalise_url(admin_url))

    def new(self) -> str:
        name = f"eligibility_test_{os.getpid()}_{secrets.token_hex(4)}"
        with self.admin.connect() as connection:
            connection.execute(text(f'CREATE DATABASE "{name}"'))
        self.created.append(name)
        return self.base.set(database=name).render_as_string(hide_password=False)

    def drop_all(self) -> None:
        with self.admin.connect() as connection:
            for name in self.created:
                connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        self.admin.dispose()


@pytest.fixture(scope="session")
def postgres() -> Iterator[PostgresDatabases]:
    databases = PostgresDatabases(POSTGRES)
    yield databases
    databases.drop_all()


@pytest.fixture(scope="session")
def shared_postgres_url(postgres: PostgresDatabases) -> str:
    """One migrated PostgreSQL database for the session; tests empty its tables first."""
    url = postgres.new()
    engine = create_engine(normalise_url(url))
    migrate.upgrade(engine)
    engine.dispose()
    return url


@pytest.fixture(params=BACKENDS)
def empty_database_url(
    request: pytest.FixtureRequest, tmp_path: Path, postgres: PostgresDatabases
) -> str:
    """A database with nothing in it, not even the schema."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'empty.sqlite3'}"
    return postgres.new()


def _empty_tables(url: str) -> None:
    engine = create_engine(normalise_url(url))
    with engine.begin() as connection:
        connection.execute(
            text(
                "TRUNCATE case_suites, cases, suites, decision_log, reconciliation_runs,"
                " exception_history RESTART IDENTITY CASCADE"
            )
        )
        # access_records is append-only by trigger; the tests own the table, and only the
        # owner can lift the guard (within this transaction, for this throwaway database)
        connection.execute(text("ALTER TABLE access_records DISABLE TRIGGER USER"))
        connection.execute(text("TRUNCATE access_records"))
        connection.execute(text("ALTER TABLE access_records ENABLE TRIGGER USER"))
    engine.dispose()


@pytest.fixture(params=BACKENDS)
def store_settings(request: pytest.FixtureRequest, tmp_path: Path) -> Settings:
    """Settings for a migrated, empty store of each kind (key file in ``tmp_path``)."""
    if request.param == "sqlite":
        return Settings(data_dir=tmp_path)
    url = request.getfixturevalue("shared_postgres_url")
    _empty_tables(url)
    return Settings(data_dir=tmp_path, database_url=url)


@pytest.fixture
def store(store_settings: Settings) -> Iterator[Store]:
    opened = open_store(store_settings, auto_migrate=True)
    yield opened
    opened.close()
