"""The store handle: a database engine and the key that protects what it holds."""

from __future__ import annotations

from dataclasses import dataclass

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
        try:
            migrate.upgrade(engine)
        except Exception:
            # another worker may have migrated the same file at the same moment
            if not migrate.is_current(engine):
                raise
    return store
