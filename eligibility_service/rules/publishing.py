"""Published versions are immutable: their content hashes are recorded and checked at load.

A version is a draft until ``eligibility version publish`` sets ``status: published`` and
records its content hash in ``rule_sets/<id>/published.yaml``. Decisions cite a version and
its hash, so a published version must never change under the same name: the loader refuses
one whose content no longer matches the record and tells the analyst to make a new version.

The record lives beside the versions, not inside one, so the hash never covers the record.
Besides the overall hash (the one decisions report), the record keeps one hash per part
(manifest, each module file, the cited provisions of each catalogue) only to say *which* file
changed when the overall hash no longer matches.

Until a rule set has a ``published.yaml``, a version marked ``published`` without a record is
accepted (the versions published before records existed); once the file exists, every
published version must be in it.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel

from .compiled import CompiledRuleSet
from .errors import LoadError, Problem, display_path
from .model import Module, VersionManifest
from .yaml_source import line_of, load_yaml

PUBLISHED_FILE = "published.yaml"
_FAST_LOADER: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


@dataclass(frozen=True)
class PublishedRecord:
    """What was recorded when a version was published."""

    version: str
    content_hash: str
    published_on: date | None = None
    parts: dict[str, str] = field(default_factory=dict)  # part -> hash, for diagnosis only
    line: int | None = None  # where the record is in published.yaml


def _digest(value: Any) -> str:
    text = json.dumps(value, sort_keys=True, separators=(",", ":"), default=str)
    return "sha256:" + hashlib.sha256(text.encode()).hexdigest()


def _dump(model: BaseModel) -> Any:
    return model.model_dump(mode="json", by_alias=True)


def _str_keys(value: Any) -> Any:
    """Mapping keys as the strict loader gives them (always strings)."""
    if isinstance(value, dict):
        return {str(k): _str_keys(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_str_keys(v) for v in value]
    return value


def records_path(rule_set_dir: Path) -> Path:
    return rule_set_dir / PUBLISHED_FILE


def read_records(rule_set_dir: Path) -> dict[str, PublishedRecord] | None:
    """The records of a rule set, or None when it has no ``published.yaml`` yet."""
    path = records_path(rule_set_dir)
    if not path.is_file():
        return None
    data = load_yaml(path)
    name = display_path(path)
    versions = data.get("versions") if isinstance(data, dict) else None
    if not isinstance(versions, dict):
        raise LoadError([Problem(name, 1, "expected a mapping 'versions: {VERSION: {...}}'")])
    found: dict[str, PublishedRecord] = {}
    problems: list[Problem] = []
    for version, entry in versions.items():
        line = line_of(data, ("versions", version))
        content_hash = entry.get("content_hash") if isinstance(entry, dict) else None
        if not isinstance(content_hash, str) or not content_hash.startswith("sha256:"):
            problems.append(
                Problem(name, line, f"version {version!r}: no 'content_hash: sha256:…'")
            )
            continue
        parts = entry.get("parts") or {}
        published_on = entry.get("published_on")
        found[str(version)] = PublishedRecord(
            str(version),
            content_hash,
            published_on if isinstance(published_on, date) else None,
            {str(k): str(v) for k, v in parts.items()} if isinstance(parts, dict) else {},
            line,
        )
    if problems:
        raise LoadError(problems)
    return found


def write_record(rule_set_dir: Path, record: PublishedRecord) -> Path:
    """Add (or replace) one version's record, keeping the others; deterministic layout."""
    records = read_records(rule_set_dir) or {}
    records[record.version] = record
    lines = [
        f"# Published versions of rule set {rule_set_dir.name!r} and their content hashes,",
        "# written by `eligibility version publish`. Do not edit by hand: a published version",
        "# whose content no longer matches its hash fails to load. To change one, make a new",
        f"# version: eligibility version new {rule_set_dir.name} FROM TO --in-force-from DATE",
        "versions:",
    ]
    for version in sorted(records):
        rec = records[version]
        entry: dict[str, Any] = {"content_hash": rec.content_hash}
        if rec.published_on is not None:
            entry["published_on"] = rec.published_on
        if rec.parts:
            entry["parts"] = dict(sorted(rec.parts.items()))
        body = yaml.safe_dump({version: entry}, sort_keys=False, width=200)
        lines.extend("  " + line for line in body.splitlines())
    path = records_path(rule_set_dir)
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def module_files(folder: Path, manifest: VersionManifest) -> list[Path]:
    """The module files a manifest names, in the loader's order (patterns sorted)."""
    paths: list[Path] = []
    for rel in manifest.modules:
        if any(ch in rel for ch in "*?["):
            found = sorted(p.resolve() for p in folder.glob(rel) if p.is_file())
            paths.extend(p for p in found if p.name != "version.yaml" and p not in paths)
        else:
            path = (folder / rel).resolve()
            if path.is_file() and path not in paths:
                paths.append(path)
    return paths


def content_parts(rule_set: CompiledRuleSet, version_dir: Path) -> dict[str, str]:
    """A hash per part of a version: rule_set.yaml, version.yaml, each module, each catalogue.

    Hashes are over parsed content (as the content hash is), so comments and layout may
    change without counting as a change.
    """
    parts: dict[str, str] = {
        display_path(version_dir.parent / "rule_set.yaml"): _digest(_dump(rule_set.info)),
        display_path(version_dir / "version.yaml"): _digest(_dump(rule_set.manifest)),
    }
    for path in module_files(version_dir, rule_set.manifest):
        # the strict loader already accepted these files; a fast parse is enough to hash them
        data = _str_keys(yaml.load(path.read_text(encoding="utf-8"), Loader=_FAST_LOADER))
        parts[display_path(path)] = _digest(_dump(Module.model_validate(data)))
    by_file: dict[str, list[Any]] = {}
    for pid in sorted(rule_set.provisions):
        located = rule_set.provisions[pid]
        by_file.setdefault(located.file, []).append(_dump(located.provision))
    for file, provisions in sorted(by_file.items()):
        parts[f"{file} (cited provisions)"] = _digest(provisions)
    return parts


def describe_change(recorded: Mapping[str, str], current: Mapping[str, str]) -> str:
    """Which parts differ between a record and now, for the error message."""
    changed = [p for p in current if p in recorded and recorded[p] != current[p]]
    added = [p for p in current if p not in recorded]
    removed = [p for p in recorded if p not in current]
    said = []
    if changed:
        said.append("changed: " + ", ".join(changed))
    if added:
        said.append("added: " + ", ".join(added))
    if removed:
        said.append("removed: " + ", ".join(removed))
    return "; ".join(said) if recorded else ""


def _status_line(version_dir: Path) -> tuple[str, int | None]:
    path = version_dir / "version.yaml"
    data = load_yaml(path)
    return display_path(path), line_of(data, ("status",))


def verify_published(rule_sets_root: Path, versions: Iterable[CompiledRuleSet]) -> list[Problem]:
    """Problems with published versions: changed content, missing records, removed versions."""
    problems: list[Problem] = []
    by_id: dict[str, list[CompiledRuleSet]] = {}
    for rs in versions:
        by_id.setdefault(rs.id, []).append(rs)
    for record_file in rule_sets_root.glob(f"*/{PUBLISHED_FILE}"):
        by_id.setdefault(record_file.parent.name, [])  # records of a rule set with no version
    for rule_set_id, loaded in sorted(by_id.items()):
        rule_set_dir = rule_sets_root / rule_set_id
        try:
            records = read_records(rule_set_dir)
        except LoadError as exc:
            problems.extend(exc.problems)
            continue
        if records is None:
            continue  # no version recorded yet: nothing to hold versions to
        present = {rs.version for rs in loaded}
        for rs in sorted(loaded, key=lambda r: r.version):
            version_dir = rule_set_dir / rs.version
            record = records.get(rs.version)
            ref = f"{rule_set_id}@{rs.version}"
            if record is None:
                if rs.manifest.status == "published":
                    file, line = _status_line(version_dir)
                    problems.append(
                        Problem(
                            file,
                            line,
                            f"version {ref} says 'status: published' but "
                            f"{display_path(records_path(rule_set_dir))} has no content hash "
                            f"for it; publish it with `eligibility version publish "
                            f"{rule_set_id} {rs.version}`",
                        )
                    )
                continue
            if record.content_hash == rs.content_hash:
                continue
            what = describe_change(record.parts, content_parts(rs, version_dir))
            file, line = _status_line(version_dir)
            problems.append(
                Problem(
                    file,
                    line,
                    f"version {ref} is published and its content changed "
                    f"({what + '; ' if what else ''}recorded {record.content_hash[:19]}…, "
                    f"now {rs.content_hash[:19]}…); published versions are immutable: undo "
                    f"the change and create a new version with `eligibility version new "
                    f"{rule_set_id} {rs.version} NEW --in-force-from DATE`",
                )
            )
        for version, record in sorted(records.items()):
            if version not in present:
                problems.append(
                    Problem(
                        display_path(records_path(rule_set_dir)),
                        record.line,
                        f"published version {rule_set_id}@{version} is recorded but its folder "
                        f"is gone; published versions cannot be removed",
                    )
                )
    return problems


__all__ = [
    "PUBLISHED_FILE",
    "PublishedRecord",
    "content_parts",
    "module_files",
    "read_records",
    "records_path",
    "verify_published",
    "write_record",
]
