"""Make a new draft version from an existing one, and publish a draft.

A new version is a copy of its source folder with ``status: draft``. By default it also takes
a *snapshot* of the shared modules (``rule_sets/common/``) its source reads: they are copied
into the new folder and its ``modules:`` list names the copies, so a later edit of
``common/`` cannot change the new version once it is published. Module order is kept, so the
new version decides exactly as its source until someone edits it.

Publishing sets ``status: published`` and records the content hash (see
:mod:`eligibility_service.rules.publishing`); it refuses a version that does not load or
whose worked examples fail, and leaves the manifest as it was.
"""

from __future__ import annotations

import json
import re
import shutil
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from ..decisions.questions import QUESTIONS
from ..rules.compiled import CompiledRuleSet
from ..rules.errors import DISPLAY_BASE, LoadError, Problem, display_path
from ..rules.examples import run_examples
from ..rules.model import ID_RE, VersionManifest
from ..rules.pinned_provisions import write_pin
from ..rules.publishing import (
    PublishedRecord,
    content_parts,
    module_files,
    read_records,
    verify_published,
    write_record,
)
from ..rules.registry import Registry, load_registry
from ..rules.yaml_source import load_yaml


class VersioningError(Exception):
    """A version command cannot do what was asked; the message says why and what to do."""

    def __init__(self, message: str, problems: list[Problem] | None = None) -> None:
        self.problems = problems or []
        super().__init__(message)


@dataclass(frozen=True)
class NewVersion:
    folder: Path
    snapshot: tuple[str, ...]  # shared modules copied into the new folder (source paths)


@dataclass(frozen=True)
class Published:
    rule_set: CompiledRuleSet
    record: PublishedRecord
    already: bool  # the same content was already recorded
    shared_files: tuple[str, ...]  # modules outside the version folder (edits break it later)
    problems: tuple[Problem, ...] = field(default=())  # versions that now fail the check


def _rule_set_dir(root: Path, rule_set_id: str) -> Path:
    folder = root / "rule_sets" / rule_set_id
    if not ID_RE.match(rule_set_id) or not (folder / "rule_set.yaml").is_file():
        known = sorted(p.parent.name for p in (root / "rule_sets").glob("*/rule_set.yaml"))
        raise VersioningError(f"no rule set {rule_set_id!r} (known: {', '.join(known)})")
    return folder


def _manifest(version_dir: Path) -> VersionManifest:
    path = version_dir / "version.yaml"
    if not path.is_file():
        raise VersioningError(f"{display_path(path)} does not exist")
    try:
        return VersionManifest.model_validate(load_yaml(path))
    except ValidationError as exc:
        raise VersioningError(
            f"{display_path(path)} is not a valid manifest; run `eligibility lint`: {exc}"
        ) from None


def _is_pattern(rel: str) -> bool:
    return any(ch in rel for ch in "*?[")


def _entry_files(folder: Path, rel: str) -> list[Path]:
    if _is_pattern(rel):
        return sorted(p.resolve() for p in folder.glob(rel) if p.is_file())
    path = (folder / rel).resolve()
    return [path] if path.is_file() else []


def _plan_snapshot(folder: Path, manifest: VersionManifest) -> tuple[list[str], list[Path]]:
    """The ``modules:`` list naming local copies, and the outside files to copy into ``folder``.

    Entries that already point inside the folder stay as they are; an entry that reads files
    elsewhere becomes the names of its files, in the same place of the list, so the loader
    reads the modules in the same order as before.
    """
    inside = folder.resolve()
    modules: list[str] = []
    copies: list[Path] = []
    for rel in manifest.modules:
        files = [p for p in _entry_files(folder, rel) if p.name != "version.yaml"]
        if all(p.parent == inside for p in files):
            modules.append(rel)
            continue
        for path in files:
            if path.parent != inside and path not in copies:
                copies.append(path)
            if path.name not in modules:
                modules.append(path.name)
    names = [p.name for p in copies]
    clashes = sorted({n for n in names if names.count(n) > 1 or (folder / n).exists()})
    if clashes:
        raise VersioningError(
            "cannot take a snapshot: shared module(s) "
            + ", ".join(clashes)
            + " have the same file name as a module of the version; rename one"
        )
    return modules, copies


# ``modules:`` and the lines that belong to it (items, comments, blanks) up to the next key
_MODULES_BLOCK = re.compile(r"^modules:[^\n]*(?:\n|\Z)(?:[ \t#-][^\n]*(?:\n|\Z)|\n)*", re.MULTILINE)


def snapshot_version(root: Path, rule_set_id: str, version: str) -> tuple[str, ...]:
    """Copy the shared modules a draft reads into its folder and name the copies in its
    manifest, so later edits of ``rule_sets/common/`` no longer change it. Returns the files
    copied (their original paths); nothing when the version reads only its own folder."""
    folder = _rule_set_dir(root, rule_set_id) / version
    path = folder / "version.yaml"
    token = DISPLAY_BASE.set(root)
    try:
        manifest = _manifest(folder)
        if manifest.status != "draft":
            raise VersioningError(
                f"{rule_set_id}@{version} is published; its modules list cannot change. Make "
                f"a new version: eligibility version new {rule_set_id} {version} NEW "
                f"--in-force-from DATE"
            )
        modules, copies = _plan_snapshot(folder, manifest)
        if not copies:
            return ()
        text = path.read_text(encoding="utf-8")
        if not _MODULES_BLOCK.search(text):
            raise VersioningError(f"{display_path(path)}: no 'modules:' list to rewrite")
        block = (
            "modules:\n"
            "  # shared modules copied into this folder (a snapshot): later edits of\n"
            "  # rule_sets/common/ do not change this version\n"
            + "".join(f"  - {json.dumps(m)}\n" for m in modules)
        )
        copied = tuple(display_path(p) for p in copies)
        for source in copies:
            shutil.copy2(source, folder / source.name)
        path.write_text(_MODULES_BLOCK.sub(lambda _: block, text, count=1), encoding="utf-8")
        return copied
    finally:
        DISPLAY_BASE.reset(token)


def _manifest_text(
    source: str,
    target: str,
    manifest: VersionManifest,
    period: dict[str, Any],
    title: str,
    changes: str,
) -> str:
    head = f"# Made by `eligibility version new` from version {source}.\n"
    doc: dict[str, Any] = {
        "version": target,
        "status": "draft",
        "title": title,
        "in_force": period,
        "changes": changes,
        "modules": list(manifest.modules),
    }
    if manifest.policy_defaults:
        doc["policy_defaults"] = dict(manifest.policy_defaults)
    return head + yaml.safe_dump(doc, sort_keys=False, width=96, allow_unicode=True)


def new_version(
    root: Path,
    rule_set_id: str,
    source: str,
    target: str,
    in_force_from: date,
    in_force_to: date | None = None,
    title: str | None = None,
    changes: str | None = None,
    snapshot: bool = True,
) -> NewVersion:
    """Copy version ``source`` to a new draft ``target`` answering from ``in_force_from``;
    with ``snapshot``, also copy the shared modules it reads (see :func:`snapshot_version`)."""
    rs_dir = _rule_set_dir(root, rule_set_id)
    src = rs_dir / source
    dst = rs_dir / target
    if not ID_RE.match(target) or target in (".", ".."):
        raise VersioningError(f"{target!r} is not a valid version name (e.g. 2027.1)")
    if dst.exists():
        raise VersioningError(f"{display_path(dst)} already exists; choose another version name")
    if in_force_to is not None and in_force_to < in_force_from:
        raise VersioningError("--in-force-to is before --in-force-from")
    token = DISPLAY_BASE.set(root)
    try:
        manifest = _manifest(src)
        if snapshot:
            _plan_snapshot(src, manifest)  # refuse clashes before copying anything
        shutil.copytree(src, dst)  # a sibling folder: relative module paths stay valid
        period: dict[str, Any] = {"from": in_force_from}
        if in_force_to is not None:
            period["to"] = in_force_to
        text = _manifest_text(
            source,
            target,
            manifest,
            period,
            title or f"{manifest.title} (draft {target})",
            changes or f"Draft made from {source}; say here what changes and why.",
        )
        (dst / "version.yaml").write_text(text, encoding="utf-8")
    finally:
        DISPLAY_BASE.reset(token)
    copied = snapshot_version(root, rule_set_id, target) if snapshot else ()
    return NewVersion(dst, copied)


_DRAFT_LINE = re.compile(r"^status:\s*[\"']?draft[\"']?\s*(#.*)?$", re.MULTILINE)


def publish_version(root: Path, rule_set_id: str, version: str, today: date) -> Published:
    """Mark ``version`` published and record its content hash.

    A version already marked published but not yet recorded (the versions published before
    records existed) is recorded as it is. The manifest is restored if anything fails.
    """
    rs_dir = _rule_set_dir(root, rule_set_id)
    version_dir = rs_dir / version
    manifest_path = version_dir / "version.yaml"
    if not ID_RE.match(version) or not manifest_path.is_file():
        raise VersioningError(f"rule set {rule_set_id!r} has no version {version!r}")
    original = manifest_path.read_text(encoding="utf-8")
    token = DISPLAY_BASE.set(root)
    try:
        manifest = _manifest(version_dir)
        records = read_records(rs_dir) or {}
        if manifest.status == "draft":
            if not _DRAFT_LINE.search(original):
                raise VersioningError(f"{display_path(manifest_path)}: no 'status: draft' line")
            manifest_path.write_text(
                _DRAFT_LINE.sub("status: published", original, count=1), encoding="utf-8"
            )
        known = records.get(version)
        try:
            registry, rule_set = _loaded(root, rule_set_id, version)
            if known is not None and known.content_hash != rule_set.content_hash:
                raise VersioningError(
                    f"{rule_set_id}@{version} was published with {known.content_hash} and its "
                    f"content has changed since; published versions are immutable: undo the "
                    f"change and make a new version with `eligibility version new "
                    f"{rule_set_id} {version} NEW --in-force-from DATE`"
                )
            _examples_pass(rule_set)
        except VersioningError:
            manifest_path.write_text(original, encoding="utf-8")
            raise
        shared = tuple(
            display_path(p)
            for p in module_files(version_dir, rule_set.manifest)
            if p.parent != version_dir.resolve()
        )
        if known is not None:
            return Published(rule_set, known, True, shared)
        record = PublishedRecord(
            version, rule_set.content_hash, today, content_parts(rule_set, version_dir)
        )
        write_record(rs_dir, record)
        write_pin(rs_dir, version, rule_set.provisions)
        # the other published versions must still pass the check now that records exist
        problems = verify_published(
            root / "rule_sets", [rs for vs in registry.rule_sets.values() for rs in vs.values()]
        )
        return Published(rule_set, record, False, shared, tuple(problems))
    finally:
        DISPLAY_BASE.reset(token)


def pin_version(root: Path, rule_set_id: str, version: str) -> Path:
    """Pin the provision records a published version cites (see
    :mod:`eligibility_service.rules.pinned_provisions`), for versions published before pins
    existed. Refused unless the version still matches its recorded hash, so the pin records
    what was published and not a later correction of the catalogue."""
    rs_dir = _rule_set_dir(root, rule_set_id)
    token = DISPLAY_BASE.set(root)
    try:
        records = read_records(rs_dir) or {}
        known = records.get(version)
        if known is None:
            raise VersioningError(
                f"{rule_set_id}@{version} has no published record; only published versions "
                f"are pinned (publishing pins them)"
            )
        _, rule_set = _loaded(root, rule_set_id, version)
        if rule_set.content_hash != known.content_hash:
            raise VersioningError(
                f"{rule_set_id}@{version} no longer matches its recorded hash "
                f"{known.content_hash[:19]}…; undo the catalogue or module change first, then "
                f"pin, then make the correction (a pin records what was published)"
            )
        return write_pin(rs_dir, version, rule_set.provisions)
    finally:
        DISPLAY_BASE.reset(token)


def _loaded(root: Path, rule_set_id: str, version: str) -> tuple[Registry, CompiledRuleSet]:
    """Load everything without the publishing check (it is what is being recorded)."""
    try:
        registry = load_registry(root, QUESTIONS, verify_published=False)
    except LoadError as exc:
        raise VersioningError("the rule sets do not load", exc.problems) from None
    return registry, registry.get(rule_set_id, version)


def _examples_pass(rule_set: CompiledRuleSet) -> None:
    failures = [
        Problem(
            r.source.file, r.source.line, f"example {r.example.name!r}: {'; '.join(r.failures)}"
        )
        for r in run_examples(rule_set)
        if not r.passed
    ]
    if failures:
        raise VersioningError(f"{len(failures)} worked example(s) of the version fail", failures)
