"""How the store commands find the store: ``--database-url``, else the service's settings."""

from __future__ import annotations

import sys
from collections.abc import Callable
from typing import Any, TypeVar

import click

from ..settings import Settings
from ..store.protection import StoreKeyError
from ..store.store import Store, StoreNotReady, open_store

F = TypeVar("F", bound=Callable[..., Any])


def database_option(function: F) -> F:
    return click.option(
        "--database-url",
        envvar="ELIGIBILITY_DATABASE_URL",
        default=None,
        help="SQLAlchemy URL of the store, e.g. postgresql://127.0.0.1/test "
        "(default: the SQLite file under var/).",
    )(function)


def store_for(database_url: str | None, migrate: bool | None = None) -> Store:
    """Open the store or exit with a message that says what to do."""
    settings = Settings.from_env()
    if database_url:
        settings = settings.with_changes(database_url=database_url)
    try:
        store = open_store(settings, auto_migrate=migrate)
        if migrate is not False:
            store.require_current()
        return store
    except (StoreNotReady, StoreKeyError) as exc:
        click.echo(f"error: {exc}", err=True)
        sys.exit(2)
    except Exception as exc:  # connection refused, bad URL, ...
        click.echo(f"error: cannot open the store: {type(exc).__name__}: {exc}", err=True)
        sys.exit(2)
