"""The Alembic migrations and the table models describe the same schema, on both databases."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner
from sqlalchemy import inspect

from eligibility_service.cli import main
from eligibility_service.store import migrate
from eligibility_service.store.database import open_engine
from eligibility_service.store.tables import metadata


def test_migrations_build_exactly_the_modelled_schema(empty_database_url: str) -> None:
    engine = open_engine(empty_database_url)
    assert migrate.current(engine) is None
    migrate.upgrade(engine)
    assert migrate.current(engine) == migrate.head()
    assert migrate.differences(engine) == []
    tables = set(inspect(engine).get_table_names())
    assert set(metadata.tables) <= tables
    engine.dispose()


def test_downgrade_to_nothing_and_back(empty_database_url: str) -> None:
    engine = open_engine(empty_database_url)
    migrate.upgrade(engine)
    migrate.downgrade(engine, "base")
    assert not set(metadata.tables) & set(inspect(engine).get_table_names())
    migrate.upgrade(engine)
    assert migrate.differences(engine) == []
    engine.dispose()


def test_a_model_change_without_a_migration_is_caught(empty_database_url: str) -> None:
    engine = open_engine(empty_database_url)
    migrate.upgrade(engine, migrate.head())
    with engine.begin() as connection:
        connection.exec_driver_sql("CREATE TABLE stray (id INTEGER PRIMARY KEY)")
    found = migrate.differences(engine)
    assert any("stray" in str(d) for d in found)
    engine.dispose()


def test_cli_upgrade_then_check(empty_database_url: str, tmp_path: Path) -> None:
    runner = CliRunner()
    env = {"ELIGIBILITY_DATA_DIR": str(tmp_path)}
    checked = runner.invoke(main, ["db", "check", "--database-url", empty_database_url], env=env)
    assert checked.exit_code == 1
    assert "eligibility db upgrade" in checked.output
    upgraded = runner.invoke(main, ["db", "upgrade", "--database-url", empty_database_url], env=env)
    assert upgraded.exit_code == 0, upgraded.output
    assert f"empty -> {migrate.head()}" in upgraded.output
    checked = runner.invoke(main, ["db", "check", "--database-url", empty_database_url], env=env)
    assert checked.exit_code == 0, checked.output
    assert "schema matches the models" in checked.output


def test_a_server_database_is_not_migrated_behind_the_operators_back(
    empty_database_url: str, tmp_path: Path
) -> None:
    """The embedded SQLite file migrates itself; a configured server database must be
    upgraded on purpose, and the store commands say so."""
    result = CliRunner().invoke(
        main,
        ["suites", "--database-url", empty_database_url],
        env={"ELIGIBILITY_DATA_DIR": str(tmp_path)},
    )
    if empty_database_url.startswith("sqlite"):
        assert result.exit_code == 0, result.output
        assert "no suites yet" in result.output
    else:
        assert result.exit_code == 2
        assert "run `eligibility db upgrade`" in result.output
