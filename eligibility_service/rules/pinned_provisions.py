"""A published version keeps the provision records it cited when it was published.

Decisions show their citations (title, summary, url), and a published version must answer
with the same bytes for ever, so its provision records cannot follow later corrections of the
catalogue (a url that named the wrong section, a period dated from the act instead of a
placeholder). ``eligibility version publish`` therefore writes the records the version cites
to ``rule_sets/<id>/pinned-provisions/<version>.yaml``; the loader resolves that version's
citations against the pin only, and the live catalogue is free to improve for the versions
that follow. Like a lock file, the pin is written by the tool and never edited by hand: the
content hash covers the records, so an edit makes the version fail to load.

Versions published before pins existed are pinned with ``eligibility version pin``, which
refuses unless the version's content still matches its recorded hash (so a pin can only
record what was published, never a correction).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ConfigDict, ValidationError

from .errors import LoadError, Problem, display_path
from .provisions import Kind, LocatedProvision, Provision, ProvisionIndex, validation_problems
from .yaml_source import line_of, load_yaml

PIN_FOLDER = "pinned-provisions"


class _PinnedEntry(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, strict=True)

    file: str  # the catalogue file the record came from (for messages and part hashes)
    catalogue: str
    kind: Kind
    record: Provision


class _PinFile(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, strict=True)

    rule_set: str
    version: str
    provisions: list[_PinnedEntry]


@dataclass(frozen=True)
class Pin:
    path: Path
    index: ProvisionIndex


def pin_path(rule_set_dir: Path, version: str) -> Path:
    return rule_set_dir / PIN_FOLDER / f"{version}.yaml"


def read_pin(rule_set_dir: Path, version: str, live: ProvisionIndex) -> Pin | None:
    """The provisions a version pinned, or None when it has no pin (it reads the catalogue)."""
    path = pin_path(rule_set_dir, version)
    if not path.is_file():
        return None
    name = display_path(path)
    data = load_yaml(path)
    try:
        pin = _PinFile.model_validate(data)
    except ValidationError as exc:
        raise LoadError(validation_problems(exc, data, name)) from None
    if pin.rule_set != rule_set_dir.name or pin.version != version:
        raise LoadError(
            [
                Problem(
                    name,
                    1,
                    f"pins {pin.rule_set}@{pin.version}, not {rule_set_dir.name}@"
                    f"{version}; pins are written by `eligibility version pin`",
                )
            ]
        )
    by_id = {
        e.record.id: LocatedProvision(
            e.record, e.catalogue, e.kind, e.file, line_of(data, ("provisions", i))
        )
        for i, e in enumerate(pin.provisions)
    }
    return Pin(path, ProvisionIndex(by_id, live.catalogues))


def write_pin(rule_set_dir: Path, version: str, cited: dict[str, LocatedProvision]) -> Path:
    """Write the records a version cites, deterministically (sorted by id)."""
    entries: list[dict[str, Any]] = [
        {
            "file": p.file,
            "catalogue": p.catalogue,
            "kind": p.kind,
            "record": p.provision.model_dump(by_alias=True, exclude_none=True),
        }
        for _, p in sorted(cited.items())
    ]
    head = (
        f"# Provision records as {rule_set_dir.name}@{version} cited them when it was published,\n"
        "# written by `eligibility version publish` / `eligibility version pin`. Do not edit:\n"
        "# the version's content hash covers these records. Correct the catalogue instead;\n"
        "# versions made from now on read the corrected records.\n"
    )
    body = yaml.safe_dump(
        {"rule_set": rule_set_dir.name, "version": version, "provisions": entries},
        sort_keys=False,
        width=96,
        allow_unicode=True,
    )
    path = pin_path(rule_set_dir, version)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(head + body, encoding="utf-8")
    return path


__all__ = ["PIN_FOLDER", "Pin", "pin_path", "read_pin", "write_pin"]
