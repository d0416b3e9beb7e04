"""A copy of the repository's rule sets and provisions that a test may edit, and the edits."""

from __future__ import annotations

import shutil
from pathlib import Path

from .conftest import ROOT

SOURCES = ("rule_sets", "statutes", "contracts", "guidance")
DRAFT_MODULE = Path("rule_sets/state/2027.1/new_hire.yaml")
"""A module of the draft state@2027.1 (a snapshot: editing it touches no published version)."""
WINDOW_MESSAGE = "The employer must receive the application within"


def copy_root(dest: Path) -> Path:
    for name in SOURCES:
        shutil.copytree(ROOT / name, dest / name)
    return dest


def edit(root: Path, relative: Path | str, old: str, new: str) -> None:
    path = root / relative
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{relative} has no {old!r}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def line_of(root: Path, relative: Path | str, needle: str) -> int:
    """The 1-based number of the first line of a file that holds ``needle``."""
    lines = (root / relative).read_text(encoding="utf-8").splitlines()
    return next(n for n, line in enumerate(lines, 1) if needle in line)


def add_draft(root: Path, rule_set: str, source: str, version: str, in_force_from: str) -> None:
    """A new draft version folder, a copy of ``source`` under another version number."""
    folder = root / "rule_sets" / rule_set
    shutil.copytree(folder / source, folder / version)
    manifest = folder / version / "version.yaml"
    text = manifest.read_text(encoding="utf-8")
    text = text.replace(f"version: '{source}'", f"version: '{version}'", 1)
    text = text.replace("status: published", "status: draft", 1)
    text = text.replace("in_force:\n  from: 2027-01-01", f"in_force:\n  from: {in_force_from}", 1)
    manifest.write_text(text, encoding="utf-8")
