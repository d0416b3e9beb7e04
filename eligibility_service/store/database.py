"""Open a database from a URL, with the settings each dialect needs to serve this service.

SQLite gets WAL journaling and a busy timeout so the API's decision-log writer and a CLI import
can use the same file at once; PostgreSQL URLs without a driver get psycopg 3.

A SQLite file is health data at rest, like the key beside it: it is created 0600 before SQLite
opens it, and SQLite gives its WAL and shared-memory files the database file's mode, so all
three are readable by the service's user only, whatever the process's umask. A file left more
open by an earlier version is narrowed when opened.
"""

from __future__ import annotations

import os
import sqlite3
import stat
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url


def normalise_url(url: str) -> str:
    """``postgresql://`` means psycopg 3 here (psycopg2 is not installed)."""
    parsed = make_url(url)
    if parsed.drivername in ("postgresql", "postgres"):
        parsed = parsed.set(drivername="postgresql+psycopg")
    return parsed.render_as_string(hide_password=False)


def open_engine(url: str, **kwargs: Any) -> Engine:
    """An engine for ``url``; a SQLite file's folder is created if missing."""
    url = normalise_url(url)
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        if parsed.database and parsed.database != ":memory:" and not parsed.query.get("uri"):
            _private_file(Path(parsed.database))
        engine = create_engine(url, **kwargs)
        event.listen(engine, "connect", _sqlite_pragmas)
        return engine
    kwargs.setdefault("pool_pre_ping", True)
    return create_engine(url, **kwargs)


PRIVATE = 0o600
SQLITE_COMPANIONS = ("-wal", "-shm", "-journal")


def _private_file(database: Path) -> None:
    """Create the database file (and its folder) owner-only, or narrow an existing one and
    the companions SQLite left beside it; SQLite copies the file's mode to new companions."""
    database.parent.mkdir(parents=True, exist_ok=True)
    os.close(os.open(database, os.O_WRONLY | os.O_CREAT, PRIVATE))
    for path in (database, *(Path(f"{database}{end}") for end in SQLITE_COMPANIONS)):
        try:
            if stat.S_IMODE(path.stat().st_mode) & ~PRIVATE:
                path.chmod(PRIVATE)
        except FileNotFoundError:
            continue


def _sqlite_pragmas(dbapi_connection: sqlite3.Connection, _record: object) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA busy_timeout=10000")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.close()


def is_sqlite(engine: Engine) -> bool:
    return engine.dialect.name == "sqlite"


def describe(engine: Engine) -> str:
    """The URL without its password, for messages."""
    return engine.url.render_as_string(hide_password=True)
