"""``eligibility settings``: every setting, its default and meaning, as the README's table.

The table is generated from the settings class itself, and a test checks the README holds
exactly this table, so the documentation cannot fall behind the code.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click

from ..settings import ENV_PREFIX, REPO_ROOT, Settings


def _default(value: Any) -> str:
    if value is None:
        return "(unset)"
    if isinstance(value, bool):
        return "on" if value else "off"
    if isinstance(value, tuple):
        return ",".join(str(v) for v in value)
    if isinstance(value, Path):
        if value == REPO_ROOT:
            return "the repository"
        if value.is_relative_to(REPO_ROOT):
            return f"./{value.relative_to(REPO_ROOT)}"
    return str(value)


def settings_table() -> list[str]:
    lines = ["| variable | default | meaning |", "| --- | --- | --- |"]
    for name, field in Settings.model_fields.items():
        lines.append(
            f"| `{ENV_PREFIX}{name.upper()}` | {_default(field.default)} | {field.description} |"
        )
    return lines


@click.command("settings")
def settings_command() -> None:
    """Print every setting (environment variable), its default and meaning (Markdown)."""
    for line in settings_table():
        click.echo(line)


COMMANDS = [settings_command]
