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
    """Citation findings. In a version whose items must be verified (see
    :mod:`.verification`), a rule or value dated before its source is an error unless it
    is a reviewed exception; elsewhere it stays a warning."""
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
                    off = [
                        p
                        for pid in rule.implements
                        if (p := rs.provisions.get(pid)) is not None
                        and not covers(p.provision.in_force, rule.period)
                    ]
                    if off:
                        found.append(
                            _graded(
                                exceptions,
                                strict,
                                at,
                                "citation-period",
                                finding(
                                    "citation-period",
                                    (rule.id,),
                                    rule.source.file,
                                    rule.source.line,
                                    f"Rule {rule.id} is in force {show(rule.period)} but cites "
                                    + "; ".join(_provision(p) for p in off)
                                    + ". Cite what was in force, split the rule by date, or "
                                    "correct the provision's dates.",
                                ),
                                rule.id,
                                [p.provision.id for p in off],
                            )
                        )
            for name, table in sorted(rs.parameters.items()):
                for i, value in enumerate(table.spec.values):
                    late = [
                        p
                        for pid in value.cites
                        if (p := rs.provisions.get(pid)) is not None
                        and p.provision.in_force.from_ > value.from_
                    ]
                    if late:
                        file, line = lines.of(table.source.file, name, i, table.source.line)
                        found.append(
                            _graded(
                                exceptions,
                                strict,
                                at,
                                "value-before-provision",
                                finding(
                                    "value-before-provision",
                                    (),
                                    file,
                                    line,
                                    f"Parameter {name} takes the value {value.value} from "
                                    f"{value.from_}, before "
                                    + "; ".join(_provision(p) for p in late)
                                    + " that it cites as its source. Date the value from the "
                                    "provision, or cite the source in force then.",
                                ),
                                f"param:{name}@{value.from_}",
                                [p.provision.id for p in late],
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


def _graded(
    exceptions: Exceptions,
    strict: bool,
    at: str,
    kind: str,
    found: Finding,
    key: str,
    sources: list[str],
) -> Finding:
    """An error in a version whose items must be verified, unless a reviewed exception
    covers the version, the item, or every source it is dated before (an exception on a
    provision says: this document describes a practice older than the document)."""
    if not strict:
        return found
    error = Finding("error", kind, found.rule_ids, found.file, found.line, found.message)
    if sources and all(exceptions.match(kind, pid) for pid in sources):
        return excused(exceptions, kind, error, sources[0])
    return excused(exceptions, kind, error, at, f"{at}:{key}")


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
