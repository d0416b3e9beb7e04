"""Load-time errors that point a policy analyst at the file and line to fix."""

from __future__ import annotations

from contextvars import ContextVar
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a source file, located as ``file:line``."""

    file: str
    line: int | None
    message: str

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}" if self.line else self.file
        return f"{where}: {self.message}"


class LoadError(Exception):
    """Raised when rule sets or provision catalogues cannot be loaded; carries every problem."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems))


# The folder file names are shown relative to while loading (the repository root, usually).
DISPLAY_BASE: ContextVar[Path | None] = ContextVar("DISPLAY_BASE", default=None)


def display_path(path: Path) -> str:
    """A path relative to the folder being loaded (or the working directory), for messages."""
    base = DISPLAY_BASE.get() or Path.cwd()
    try:
        return str(path.resolve().relative_to(base.resolve()))
    except ValueError:
        return str(path)
