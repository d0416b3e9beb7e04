"""``eligibility db upgrade|current|check``: the store's schema migrations (Alembic)."""

from __future__ import annotations

import sys

import click

from ..store import migrate
from .store_access import database_option, store_for


@click.group("db")
def db() -> None:
    """The store's schema: apply migrations, show and check the revision."""


@db.command("upgrade")
@database_option
@click.option("--revision", default="head", show_default=True)
def upgrade(database_url: str | None, revision: str) -> None:
    """Apply migrations up to REVISION (default: the newest)."""
    store = store_for(database_url, migrate=False)
    before = migrate.current(store.engine)
    migrate.upgrade(store.engine, revision)
    after = migrate.current(store.engine)
    click.echo(f"{store.url}: {before or 'empty'} -> {after}")


@db.command("current")
@database_option
def current(database_url: str | None) -> None:
    """Print the revision the database is at, and the newest the code knows."""
    store = store_for(database_url, migrate=False)
    click.echo(f"{store.url}: at {migrate.current(store.engine) or 'none'}, head {migrate.head()}")


@db.command("check")
@database_option
def check(database_url: str | None) -> None:
    """Exit 1 unless the database is at the newest revision and matches the table models."""
    store = store_for(database_url, migrate=False)
    if not migrate.is_current(store.engine):
        click.echo(f"{store.url}: not at {migrate.head()}; run `eligibility db upgrade`", err=True)
        sys.exit(1)
    found = migrate.differences(store.engine)
    for difference in found:
        click.echo(f"differs: {difference}", err=True)
    if found:
        sys.exit(1)
    click.echo(f"{store.url}: at {migrate.head()}, schema matches the models")


COMMANDS = [db]
