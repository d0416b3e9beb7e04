"""Tools for policy staff and testers (analysis, rule book, versions, impact), as CLI commands.

Each module here may define ``COMMANDS``: click commands added to the ``eligibility`` group.
"""

from __future__ import annotations

import importlib
import pkgutil

import click


def register(group: click.Group) -> None:
    """Add every tool module's commands to ``group`` (modules in name order)."""
    for info in sorted(pkgutil.iter_modules(__path__), key=lambda m: m.name):
        module = importlib.import_module(f"{__name__}.{info.name}")
        for command in getattr(module, "COMMANDS", ()):
            group.add_command(command)
