"""Citations: do the rules and parameter values cite law that was in force when they are?

- A rule cites a provision that is not in force for the rule's whole period (a rule from
  1982 citing an administrative-code section from 1999, or a repealed one): ``warning``,
  since the provisions' own dates are often approximate ("start assumed").
- A parameter value is dated before a provision it cites as its source: ``warning``.
- A catalogued provision nothing cites (no rule, definition, parameter value or policy
  alternative of any rule-set version): ``info``, one per provision and a summary, because
  the catalogues deliberately hold sources no rule uses yet.

Unresolved citations and rules without a citation stop the strict load; the lint reports
them through :mod:`.loading` with the same kinds.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any

from ..rules.errors import LoadError
from ..rules.model import Period
from ..rules.provisions import LocatedProvision
from ..rules.registry import Registry
from ..rules.yaml_source import line_of, load_yaml
from .findings import Finding, finding
from .reviewed_exceptions import Exceptions
from .verification import excused, requires_records


def covers(outer: Period, inner: Period) -> bool:
    """Is ``outer`` in force on every day of ``inner``?"""
    if outer.from_ > inner.from_:
        return False
    if outer.to is None:
        return True
    return inner.to is not None and inner.to <= outer.to


def show(period: Period) -> str:
    if period.to is None:
        return f"from {period.from_}"
    return f"from {period.from_} to {period.to}"


def check(
    registry: Registry, root: Path | None = None, exceptions: Exceptions | None = None
) -> list[Finding]:
    """Citation findings. A rule or value dated before one of its sources is a warning. In
    a version whose items must be verified (see :mod:`.verification`), a rule or value that on
    some day rests on nothing in force (none of its sources in force yet) is an error unless
    it is a reviewed exception."""
    found: list[Finding] = []
    cited: set[str] = set()
    lines = _ValueLines(root)
    exceptions = exceptions or Exceptions((), "")
    for _rid, versions in sorted(registry.rule_sets.items()):
        for _v, rs in sorted(versions.items()):
            strict = requires_records(rs, exceptions)
            at = f"{rs.id}@{rs.version}"
            cited.update(rs.provisions)
            for question in rs.questions.values():
                for rule in question.rules:
                    dated = _Dated(exceptions, strict, at, rs.provisions)
                    found.extend(
                        dated.check(
                            "citation-period",
                            f"Rule {rule.id}",
                            (rule.id,),
                            (rule.source.file, rule.source.line),
                            rule.period,
                            rule.implements,
                            rule.id,
                        )
                    )
            for name, table in sorted(rs.parameters.items()):
                values = table.spec.values
                for i, value in enumerate(values):
                    until = values[i + 1].from_ - timedelta(days=1) if i + 1 < len(values) else None
                    dated = _Dated(exceptions, strict, at, rs.provisions)
                    found.extend(
                        dated.check(
                            "value-before-provision",
                            f"Parameter {name} (value {value.value})",
                            (),
                            lines.of(table.source.file, name, i, table.source.line),
                            Period(from_=value.from_, to=until),
                            value.cites,
                            f"param:{name}@{value.from_}",
                        )
                    )
    uncited = [p for pid, p in sorted(registry.provisions.by_id.items()) if pid not in cited]
    for p in uncited:
        found.append(
            finding(
                "uncited-provision",
                (),
                p.file,
                p.line,
                f"Provision {p.provision.id} ({p.provision.citation}) is cited by no rule, "
                "definition, parameter or policy choice.",
            )
        )
    if uncited:
        found.append(
            finding(
                "uncited-provision",
                (),
                "statutes",
                None,
                f"{len(uncited)} of {len(registry.provisions.by_id)} catalogued provisions are "
                "cited by no rule set (sources kept for rules not written yet).",
            )
        )
    return found


@dataclass(frozen=True)
class _Dated:
    """Compares an item's period with the periods of the provisions it cites."""

    exceptions: Exceptions
    strict: bool  # the version's items must be verified: resting on nothing is an error
    at: str
    provisions: Mapping[str, LocatedProvision]

    def check(
        self,
        kind: str,
        what: str,
        rule_ids: tuple[str, ...],
        where: tuple[str, int | None],
        period: Period,
        cites: Sequence[str],
        key: str,
    ) -> list[Finding]:
        sources = [p for pid in cites if (p := self.provisions.get(pid))]
        off = [p for p in sources if not covers(p.provision.in_force, period)]
        gap = uncovered(period, [p.provision.in_force for p in sources])
        named = "; ".join(_provision(p) for p in off)
        advice = "Cite the text in force then, split it by date, or correct the provision's dates."
        if self.strict and gap is not None:
            error = finding(
                kind,
                rule_ids,
                *where,
                f"{what} is in force {show(period)} but none of the provisions it cites is in "
                f"force {show(gap)} ({named}). {advice}",
                severity="error",
            )
            return [_graded(self.exceptions, self.at, error, key, [p.provision.id for p in off])]
        if off and self.strict:
            # the other provisions it cites are in force on every day: the later one only adds
            covered = finding(
                kind,
                rule_ids,
                *where,
                f"{what} is in force {show(period)} and also cites {named}, dated later; the "
                "other provisions it cites are in force throughout.",
                severity="info",
            )
            return [covered]
        if off:
            return [
                finding(
                    kind,
                    rule_ids,
                    *where,
                    f"{what} is in force {show(period)} but cites {named}. {advice}",
                )
            ]
        return []


def _graded(
    exceptions: Exceptions, at: str, error: Finding, key: str, sources: list[str]
) -> Finding:
    """An error unless a reviewed exception covers the version, the item, or every cited
    source dated after the rule (an exception on a provision says: this document describes a
    practice older than the document)."""
    kind = error.kind
    if sources and all(exceptions.match(kind, pid) for pid in sources):
        return excused(exceptions, kind, error, sources[0])
    return excused(exceptions, kind, error, at, f"{at}:{key}")


def uncovered(period: Period, sources: list[Period]) -> Period | None:
    """The first stretch of ``period`` on which none of ``sources`` is in force, if any."""
    day = period.from_
    for source in sorted(sources, key=lambda p: p.from_):
        if period.to is not None and day > period.to:
            return None
        if source.from_ > day:
            break
        if source.to is None:
            return None
        day = max(day, source.to + timedelta(days=1))
    if period.to is not None and day > period.to:
        return None
    later = [p.from_ for p in sources if p.from_ > day]
    end = min(later) - timedelta(days=1) if later else period.to
    if period.to is not None and end is not None:
        end = min(end, period.to)
    return Period(from_=day, to=end)


def _provision(p: LocatedProvision) -> str:
    return f"{p.provision.id} ({p.provision.citation}, in force {show(p.provision.in_force)})"


class _ValueLines:
    """Lines of parameter values, read again from the module files when the root is known."""

    def __init__(self, root: Path | None) -> None:
        self.root = root
        self._data: dict[str, Any] = {}

    def of(self, file: str, name: str, index: int, fallback: int | None) -> tuple[str, int | None]:
        if self.root is None:
            return file, fallback
        if file not in self._data:
            try:
                self._data[file] = load_yaml(self.root / file)
            except (LoadError, OSError):
                self._data[file] = None
        data = self._data[file]
        if data is None:
            return file, fallback
        return file, line_of(data, ("parameters", name, "values", index)) or fallback
