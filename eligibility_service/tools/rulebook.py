"""``eligibility rulebook``: write the rule book as static HTML files.

The same pages the service serves under ``/rule-book``, for reading without a server or
publishing on any static host: ``index.html`` and ``<rule_set>/<version>.html``. Links
between them are relative, so the folder can be moved or opened straight from disk.
"""

from __future__ import annotations

import sys
from pathlib import Path

import click

from ..rules.errors import LoadError
from ..settings import REPO_ROOT


def write_rule_book(root: Path, output: Path) -> list[Path]:
    """Render every rule-set version found under ``root`` into ``output``; return the files."""
    from ..decisions.questions import QUESTIONS
    from ..rulebook.render import render_index, render_version
    from ..rules.registry import load_registry

    registry = load_registry(root, QUESTIONS)
    output.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []
    index = output / "index.html"
    index.write_text(
        render_index(registry, lambda rid, version: f"{rid}/{version}.html").html,
        encoding="utf-8",
    )
    written.append(index)
    for rid, versions in sorted(registry.rule_sets.items()):
        folder = output / rid
        folder.mkdir(exist_ok=True)
        for version, rule_set in sorted(versions.items()):
            page = folder / f"{version}.html"
            page.write_text(render_version(rule_set, "../index.html").html, encoding="utf-8")
            written.append(page)
    return written


@click.command("rulebook")
@click.option(
    "--output",
    type=click.Path(file_okay=False, path_type=Path),
    required=True,
    help="Folder to write index.html and <rule_set>/<version>.html into.",
)
@click.option(
    "--root",
    type=click.Path(file_okay=False, path_type=Path),
    default=REPO_ROOT,
    show_default=True,
    help="Folder holding rule_sets/, statutes/, contracts/ and guidance/.",
)
def rulebook_cmd(output: Path, root: Path) -> None:
    """Write the rule book (one searchable HTML page per rule-set version) as static files."""
    try:
        written = write_rule_book(root, output)
    except LoadError as exc:
        for problem in exc.problems:
            click.echo(str(problem), err=True)
        sys.exit(1)
    for path in written:
        click.echo(f"wrote {path}")


COMMANDS = [rulebook_cmd]
