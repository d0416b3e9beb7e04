"""The set of loaded rule sets and the choice of version for a request.

By default a request is decided by the published version in force on its as-of date, so a
2010 case is decided by the version that answers for 2010. A caller may pin any version,
drafts included (to try a draft before it is published).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from pathlib import Path

from .compiled import CompiledRuleSet
from .errors import DISPLAY_BASE, LoadError
from .loader import load_rule_sets
from .provisions import ProvisionIndex, load_provisions
from .publishing import verify_published as published_problems
from .question import QuestionSpec


class VersionNotFound(LookupError):
    """No such rule set or version, or none in force on the as-of date. ``what`` says which
    of the three (``rule_set_id``, ``version``, ``as_of``); the message never repeats the
    value asked for."""

    def __init__(self, message: str, what: str = "rule_set_id") -> None:
        self.what = what
        super().__init__(message)


@dataclass(frozen=True, eq=False)
class Registry:
    rule_sets: dict[str, dict[str, CompiledRuleSet]]  # id -> version -> compiled
    provisions: ProvisionIndex

    @classmethod
    def build(cls, versions: Iterable[CompiledRuleSet], provisions: ProvisionIndex) -> Registry:
        by_id: dict[str, dict[str, CompiledRuleSet]] = {}
        for rs in versions:
            by_id.setdefault(rs.id, {})[rs.version] = rs
        return cls(by_id, provisions)

    def versions(self, rule_set_id: str) -> list[CompiledRuleSet]:
        if rule_set_id not in self.rule_sets:
            raise VersionNotFound(self._no_such_rule_set(), "rule_set_id")
        return sorted(
            self.rule_sets[rule_set_id].values(),
            key=lambda r: (r.manifest.in_force.from_, r.version),
        )

    def get(self, rule_set_id: str, version: str) -> CompiledRuleSet:
        # messages name only what exists: the values asked for came from a caller
        if rule_set_id not in self.rule_sets:
            raise VersionNotFound(self._no_such_rule_set(), "rule_set_id")
        found = self.rule_sets[rule_set_id].get(version)
        if found is None:
            known = ", ".join(sorted(self.rule_sets[rule_set_id]))
            raise VersionNotFound(
                f"rule set {rule_set_id} has no version of that name (versions: {known})",
                "version",
            )
        return found

    def _no_such_rule_set(self) -> str:
        return f"no rule set of that id (rule sets: {', '.join(sorted(self.rule_sets))})"

    def select(self, rule_set_id: str, as_of: date, version: str | None = None) -> CompiledRuleSet:
        if version is not None:
            return self.get(rule_set_id, version)
        return self._in_force(rule_set_id, as_of)

    @lru_cache(maxsize=8192)  # noqa: B019 - registries live as long as the process
    def _in_force(self, rule_set_id: str, as_of: date) -> CompiledRuleSet:
        candidates = [
            r
            for r in self.versions(rule_set_id)
            if r.manifest.status == "published" and r.manifest.in_force.covers(as_of)
        ]
        if not candidates:
            raise VersionNotFound(
                f"no published version of rule set {rule_set_id} is in force on the as-of date",
                "as_of",
            )
        return candidates[-1]


def load_registry(
    root: Path, questions: dict[str, QuestionSpec], verify_published: bool = True
) -> Registry:
    """Load provisions from ``root``/statutes, contracts, guidance and rule sets from rule_sets.

    Published versions are checked against their recorded content hashes (see
    :mod:`.publishing`); only ``eligibility version publish`` loads without that check, to
    compute the hash it is about to record.
    """
    token = DISPLAY_BASE.set(root)
    try:
        provisions = load_provisions(root)
        versions = load_rule_sets(root / "rule_sets", provisions, questions)
        if verify_published and (problems := published_problems(root / "rule_sets", versions)):
            raise LoadError(problems)
        return Registry.build(versions, provisions)
    finally:
        DISPLAY_BASE.reset(token)
