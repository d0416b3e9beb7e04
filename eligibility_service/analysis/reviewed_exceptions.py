"""Reviewed exceptions to the source checks: ``verification/exceptions.yaml``.

Some findings of the verification checks are known and accepted after review: a published
version that predates verification records, a provision whose start date no text we could
read establishes. Each exception names the check, what it covers, why it was accepted, who
reviewed it and when; the check then reports the finding as ``info`` instead of ``error``, so
it stays visible. An exception that no longer matches anything is itself reported, so the
list cannot silently outlive what it excused.

Targets: a version (``state@2026.1``) covers every finding of the check in that version; a
provision id covers the findings about that provision; ``state@2026.2:RULE-ID`` (or
``:param:NAME@FROM`` / ``:choice:NAME``) covers one item.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from ..rules.errors import LoadError, Problem
from ..rules.provisions import validation_problems
from ..rules.yaml_source import line_of, load_yaml

EXCEPTIONS_FILE = Path("verification") / "exceptions.yaml"

CHECKS = (
    "verification-missing",
    "verification-disagrees",
    "default-without-primary",
    "provision-url",
    "provision-placeholder-period",
    "citation-period",
    "value-before-provision",
)


class ReviewedException(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, strict=True)

    check: str
    target: str
    reason: str = Field(min_length=10)
    reviewed_by: str
    reviewed_on: date


class _File(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, strict=True)

    exceptions: list[ReviewedException] = Field(default_factory=list)


@dataclass(frozen=True)
class Exceptions:
    entries: tuple[tuple[ReviewedException, int | None], ...]
    file: str

    @classmethod
    def load(cls, root: Path | None) -> Exceptions:
        if root is None or not (root / EXCEPTIONS_FILE).is_file():
            return cls((), str(EXCEPTIONS_FILE))
        path = root / EXCEPTIONS_FILE
        name = str(EXCEPTIONS_FILE)  # relative to the root, as lint reports every file
        data = load_yaml(path)
        try:
            parsed = _File.model_validate(data)
        except ValidationError as exc:
            raise LoadError(validation_problems(exc, data, name)) from None
        problems = [
            Problem(name, line_of(data, ("exceptions", i)), f"unknown check {e.check!r}")
            for i, e in enumerate(parsed.exceptions)
            if e.check not in CHECKS
        ]
        if problems:
            raise LoadError(problems)
        return cls(
            tuple((e, line_of(data, ("exceptions", i))) for i, e in enumerate(parsed.exceptions)),
            name,
        )

    def match(self, check: str, *targets: str) -> ReviewedException | None:
        """The exception covering a finding of ``check`` about any of ``targets``."""
        for entry, _line in self.entries:
            if entry.check == check and entry.target in targets:
                return entry
        return None


__all__ = ["CHECKS", "EXCEPTIONS_FILE", "Exceptions", "ReviewedException"]
