"""Reload the rule sets of a running process: load, check completely, then swap.

A reload must never leave a process answering with a half-checked or broken rule set, so
the new set is built aside, exactly as at start-up (the strict loader, published versions'
content hashes checked) and every worked example is run on it, before it replaces the
running one. Anything wrong refuses the whole reload with each problem as ``file:line``;
the process goes on answering with the set it had.

The swap is one assignment: the caller's ``install`` receives a complete
:class:`~..decisions.service.DecisionService`, which holds the registry it decides with,
so a request that reads it once can never mix the old registry with the new service.
"""

from __future__ import annotations

import gc
import hashlib
import logging
import os
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path

from ..decisions.questions import QUESTIONS
from ..decisions.service import DecisionService
from ..rules.errors import LoadError, Problem
from ..rules.examples import run_examples
from ..rules.registry import Registry, load_registry

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class LoadedVersion:
    rule_set: str
    version: str
    status: str
    content_hash: str

    @property
    def label(self) -> str:
        return f"{self.rule_set}@{self.version}"


@dataclass(frozen=True)
class ReloadReport:
    """What a successful reload put in place, and how it differs from what it replaced."""

    versions: tuple[LoadedVersion, ...]
    added: tuple[str, ...]
    removed: tuple[str, ...]
    changed: tuple[str, ...]
    """Versions (``id@version``) whose content hash is not the one they had."""
    provisions: int
    examples_checked: int
    seconds: float
    unchanged: bool = False
    """The files were byte for byte those of the set in service: nothing was loaded."""


class ReloadRefused(Exception):
    """The rule sets on disk cannot replace the running ones; every problem is located."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems))


def loaded_versions(registry: Registry) -> tuple[LoadedVersion, ...]:
    return tuple(
        LoadedVersion(rs.id, rs.version, rs.manifest.status, rs.content_hash)
        for _, versions in sorted(registry.rule_sets.items())
        for _, rs in sorted(versions.items())
    )


def load_checked(root: Path, running: Registry | None = None) -> tuple[Registry, int]:
    """The rule sets under ``root``, strictly loaded, with every worked example passing,
    and how many examples ran. Raises :class:`ReloadRefused` otherwise.

    With ``running`` (the set in service), also refuses a set that has lost a rule set or
    a published version the running one has: decisions and logged decisions depend on
    them, and removing one is a restart's job, not a reload's."""
    try:
        registry = load_registry(root, QUESTIONS)
    except LoadError as exc:
        raise ReloadRefused(exc.problems) from None
    except Exception as exc:  # a loader bug must refuse the reload, not end the process
        raise ReloadRefused([Problem("rule_sets", None, f"{type(exc).__name__}: {exc}")]) from None
    problems = _lost(registry, running) if running is not None else []
    examples = 0
    for _, versions in sorted(registry.rule_sets.items()):
        for _, rule_set in sorted(versions.items()):
            try:
                results = run_examples(rule_set)
            except Exception as exc:
                problems.append(
                    Problem(
                        rule_set.folder,
                        None,
                        f"worked examples of {rule_set.id}@{rule_set.version} cannot run: "
                        f"{type(exc).__name__}: {exc}",
                    )
                )
                continue
            examples += len(results)
            problems.extend(
                Problem(
                    result.source.file,
                    result.source.line,
                    f"worked example {result.example.name!r} of {rule_set.id}@{rule_set.version} "
                    f"fails: {'; '.join(result.failures)}",
                )
                for result in results
                if not result.passed
            )
    if problems:
        raise ReloadRefused(problems)
    return registry, examples


def _lost(new: Registry, running: Registry) -> list[Problem]:
    problems = []
    for rule_set_id, versions in sorted(running.rule_sets.items()):
        if rule_set_id not in new.rule_sets:
            problems.append(
                Problem(
                    f"rule_sets/{rule_set_id}",
                    None,
                    f"rule set {rule_set_id!r} is in service and missing from the new files; "
                    "a reload does not remove a program (restart to do that)",
                )
            )
            continue
        kept = new.rule_sets[rule_set_id]
        for version, rule_set in sorted(versions.items()):
            if rule_set.manifest.status == "published" and version not in kept:
                problems.append(
                    Problem(
                        rule_set.folder,
                        None,
                        f"published version {rule_set_id}@{version} is missing from the new "
                        "files; logged decisions refer to it (restart to remove it)",
                    )
                )
    return problems


SOURCES = ("rule_sets", "statutes", "contracts", "guidance")
"""The folders under the root that a load reads."""


def source_fingerprint(root: Path) -> str | None:
    """A digest of every file a load could read (names and bytes; about 7 ms for the
    repository's), or None if they cannot all be read."""
    digest = hashlib.sha256()
    try:
        for folder in SOURCES:
            for path in sorted((root / folder).rglob("*")):
                if path.is_file():
                    content = path.read_bytes()
                    name = path.relative_to(root).as_posix().encode()
                    digest.update(len(name).to_bytes(4, "big") + name)
                    digest.update(len(content).to_bytes(8, "big") + content)
    except OSError:
        return None
    return digest.hexdigest()


class RuleSetReloader:
    """Reloads of one process, one at a time (the admin endpoint, SIGHUP and another
    worker's announcement may ask at once; each loads what is on disk when its turn comes).

    Files byte for byte those of the last reload are not loaded again: the answer would be
    the same set, and a SIGHUP to every worker, or several announcements, then cost
    milliseconds instead of seconds of CPU each. The set loaded at start-up has no
    fingerprint (the files may have changed since), so the first reload always loads."""

    def __init__(
        self,
        root: Path,
        service: DecisionService,
        install: Callable[[DecisionService], None],
    ) -> None:
        self.root = root
        self._service = service
        self._install = install
        self._lock = threading.Lock()
        self._fingerprint: str | None = None
        self._examples = 0

    @property
    def service(self) -> DecisionService:
        return self._service

    def reload(self, trigger: str) -> ReloadReport:
        """Load and check the rule sets on disk and put them in service; raises
        :class:`ReloadRefused` (after logging each problem) and changes nothing if they
        are not good. Takes a few seconds of CPU: call it off the event loop."""
        with self._lock:
            started = time.perf_counter()
            running = self._service.registry
            # taken before loading, so that files changed during the load differ next time
            fingerprint = source_fingerprint(self.root)
            if fingerprint is not None and fingerprint == self._fingerprint:
                return self._unchanged(trigger, started)
            try:
                registry, examples = load_checked(self.root, running)
            except ReloadRefused as refused:
                log.error(
                    "rule sets NOT reloaded (%s, process %d); still answering with %s:\n%s",
                    trigger,
                    os.getpid(),
                    _labels(loaded_versions(running)),
                    refused,
                )
                raise
            service = replace(self._service, registry=registry)
            self._install(service)
            self._service = service
            self._fingerprint, self._examples = fingerprint, examples
            report = _report(running, registry, examples, time.perf_counter() - started)
            del running, registry
            _forget_replaced()
        log.info(
            "rule sets reloaded (%s, process %d) in %.1f s: %s; added %s, removed %s, changed %s",
            trigger,
            os.getpid(),
            report.seconds,
            _labels(report.versions),
            ", ".join(report.added) or "none",
            ", ".join(report.removed) or "none",
            ", ".join(report.changed) or "none",
        )
        return report

    def _unchanged(self, trigger: str, started: float) -> ReloadReport:
        registry = self._service.registry
        report = replace(
            _report(registry, registry, self._examples, time.perf_counter() - started),
            unchanged=True,
        )
        log.info(
            "rule sets unchanged on disk (%s, process %d): still answering with %s",
            trigger,
            os.getpid(),
            _labels(report.versions),
        )
        return report


def _report(old: Registry, new: Registry, examples: int, seconds: float) -> ReloadReport:
    before = {v.label: v.content_hash for v in loaded_versions(old)}
    versions = loaded_versions(new)
    after = {v.label: v.content_hash for v in versions}
    return ReloadReport(
        versions=versions,
        added=tuple(label for label in after if label not in before),
        removed=tuple(label for label in before if label not in after),
        changed=tuple(
            label for label, digest in after.items() if before.get(label, digest) != digest
        ),
        provisions=len(new.provisions.by_id),
        examples_checked=examples,
        seconds=round(seconds, 3),
    )


def _labels(versions: tuple[LoadedVersion, ...]) -> str:
    return ", ".join(f"{v.label} ({v.status}, {v.content_hash})" for v in versions)


def _forget_replaced() -> None:
    """Let the replaced rule sets go, and keep the new ones off the collector's path.

    The registry's version-selection cache is keyed by registry, so it would keep the old
    one alive until its entries aged out. Start-up moved the compiled rule sets into the
    collector's permanent generation (``gc.freeze``), where nothing is ever collected: they
    are let out, collected once (measured: 0.16 s, once per reload), and what stays, the
    new set with it, is frozen again."""
    Registry._in_force.cache_clear()
    gc.unfreeze()
    gc.collect()
    gc.freeze()
