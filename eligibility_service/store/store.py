"""The store handle: a database engine and the key that protects what it holds."""

from __future__ import annotations

import fcntl
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import Engine

from ..settings import Settings
from . import migrate
from .database import describe, is_sqlite, open_engine
from .protection import Protector, load_protector


class StoreNotReady(RuntimeError):
    """The database is not at the schema the code expects (run ``eligibility db upgrade``)."""


@dataclass(frozen=True)
class Store:
    engine: Engine
    protector: Protector

    @property
    def url(self) -> str:
        return describe(self.engine)

    def require_current(self) -> None:
        found = migrate.current(self.engine)
        if found != migrate.head():
            raise StoreNotReady(
                f"database {self.url} is at schema revision {found or 'none'}, the code needs "
                f"{migrate.head()}: run `eligibility db upgrade`"
            )

    def close(self) -> None:
        self.engine.dispose()


def open_store(settings: Settings, auto_migrate: bool | None = None) -> Store:
    """Open the configured store. The embedded SQLite default migrates itself (so the
    README's run command needs no set-up step); a configured server database is migrated
    only by ``eligibility db upgrade`` unless ``auto_migrate`` says otherwise."""
    engine = open_engine(settings.store_url)
    store = Store(engine, load_protector(settings.store_key, settings.key_file))
    if auto_migrate if auto_migrate is not None else is_sqlite(engine):
        _migrate_exclusively(engine, settings)
    return store


def _migrate_exclusively(engine: Engine, settings: Settings) -> None:
    """Migrate with a lock file held: server workers start together, and two migrations of
    one SQLite file at once would fail one of them (and leave it without a decision log)."""
    database = engine.url.database
    on_disk = is_sqlite(engine) and database and database != ":memory:"
    folder = Path(database).parent if on_disk and database else settings.data_dir
    folder.mkdir(parents=True, exist_ok=True)
    with (folder / ".migrate.lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            if not migrate.is_current(engine):
                migrate.upgrade(engine)
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)
