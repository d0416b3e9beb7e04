"""Citable sources: statutes, administrative code, contracts and ETF guidance.

Each provision is a record with a stable id, the citation as a person writes it, a summary
in our own words, a source URL and the period it is in force. Rules cite provisions by id;
an id that does not resolve stops the load.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    SerializerFunctionWrapHandler,
    ValidationError,
    model_serializer,
)

from .errors import LoadError, Problem, display_path
from .model import ID_RE, Period, omit_when_none
from .yaml_source import line_of, load_yaml

Kind = Literal["statute", "administrative_code", "session_law", "contract", "manual", "guidance"]


class Provision(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, strict=True)

    id: str
    citation: str
    title: str
    summary: str
    url: str = Field(pattern=r"^https?://")
    in_force: Period
    in_force_note: str | None = None
    in_force_source: str | None = Field(
        None,
        description="What dates the period: the act, its publication and effective-date "
        "provision, the register of a rule, the edition of a manual. Without it the period "
        "is a placeholder, which `eligibility lint` reports.",
    )
    kind: Kind | None = None
    confidence: Literal["high", "medium", "low"] | None = None

    @model_serializer(mode="wrap")
    def _without_empty(self, handler: SerializerFunctionWrapHandler) -> dict[str, Any]:
        return omit_when_none(handler(self), "in_force_source")


class CatalogueInfo(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, strict=True)

    id: str
    title: str
    kind: Kind


class CatalogueFile(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, strict=True)

    catalogue: CatalogueInfo
    provisions: list[Provision]


@dataclass(frozen=True)
class LocatedProvision:
    provision: Provision
    catalogue: str
    kind: Kind
    file: str
    line: int | None

    def in_force_on(self, day: date) -> bool:
        return self.provision.in_force.covers(day)


@dataclass(frozen=True)
class ProvisionIndex:
    by_id: dict[str, LocatedProvision]
    catalogues: dict[str, CatalogueInfo]

    def get(self, provision_id: str) -> LocatedProvision | None:
        return self.by_id.get(provision_id)


SOURCE_FOLDERS = ("statutes", "contracts", "guidance")


def validation_problems(exc: ValidationError, data: object, name: str) -> list[Problem]:
    """Turn pydantic errors into file:line problems using the YAML line map."""
    problems = []
    for err in exc.errors():
        loc = tuple(p for p in err["loc"] if isinstance(p, str | int))
        where = ".".join(str(p) for p in loc) or "(top level)"
        msg = err["msg"]
        if err["type"] == "extra_forbidden":
            msg = "unknown key (not part of the format)"
        elif err["type"] == "missing":
            msg = "required key is missing"
        problems.append(Problem(name, line_of(data, loc), f"{where}: {msg}"))
    return problems


def load_provisions(root: Path, folders: Iterable[str] = SOURCE_FOLDERS) -> ProvisionIndex:
    problems: list[Problem] = []
    by_id: dict[str, LocatedProvision] = {}
    catalogues: dict[str, CatalogueInfo] = {}
    for folder in folders:
        for path in sorted((root / folder).glob("*.yaml")):
            name = display_path(path)
            try:
                data = load_yaml(path)
            except LoadError as exc:
                problems.extend(exc.problems)
                continue
            try:
                cat = CatalogueFile.model_validate(data)
            except ValidationError as exc:
                problems.extend(validation_problems(exc, data, name))
                continue
            catalogues[cat.catalogue.id] = cat.catalogue
            for i, prov in enumerate(cat.provisions):
                line = line_of(data, ("provisions", i))
                if not ID_RE.match(prov.id):
                    problems.append(Problem(name, line, f"provision id {prov.id!r} is not valid"))
                if prov.id in by_id:
                    first = by_id[prov.id]
                    problems.append(
                        Problem(
                            name,
                            line,
                            f"duplicate provision id {prov.id!r} "
                            f"(first in {first.file}:{first.line})",
                        )
                    )
                    continue
                by_id[prov.id] = LocatedProvision(
                    prov, cat.catalogue.id, prov.kind or cat.catalogue.kind, name, line
                )
    if problems:
        raise LoadError(problems)
    return ProvisionIndex(by_id, catalogues)
