"""What the static analysis reports: one :class:`Finding` per problem, located as file:line.

A finding is written for a policy analyst first (``message`` is a sentence about the rules,
not about the analyser) and for machines second (``kind``, ``rule_ids`` and the JSON form).
When the analysis found a concrete case that shows the problem, it is kept as a
:class:`Witness` so the analyst can replay it with ``eligibility decide``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any, Literal

Severity = Literal["error", "warning", "info"]

SEVERITY_ORDER: dict[str, int] = {"error": 0, "warning": 1, "info": 2}

# The kinds of finding, with the severity each has unless a check says otherwise.
KINDS: dict[str, Severity] = {
    "overlap": "error",  # an approving and a denying rule can apply to the same case
    "date-conflict": "error",  # two rules can set the same date to different values
    "gap": "error",  # a complete case that no decision-bearing rule decides
    "never-applies": "error",  # a rule whose condition can never hold in its period
    "hidden": "error",  # a rule whose decision is always outranked by another rule's
    "citation-unresolved": "error",  # a rule cites an id that is no known provision
    "citation-missing": "error",  # a rule cites nothing
    "citation-period": "warning",  # a cited provision is not in force for the rule's period
    "value-before-provision": "warning",  # a parameter value dated before what sets it
    "uncited-provision": "info",  # a catalogued provision no rule set cites
    "period-overlap": "error",  # two versions of one rule (a family) in force together
    "period-hole": "error",  # a family of rules leaves dates when none is in force
    "parameter-hole": "error",  # a rule reads a parameter before its first value
    "fact-not-provided": "error",  # a rule reads a fact its decision question does not have
    "load": "error",  # any other problem that stops the strict load
    "example": "error",  # a worked example does not give the expected answer
    "coverage": "info",  # what the analysis could not decide or did not exercise
    "verification-missing": "error",  # an item with no record of the text it was checked on
    "verification-source": "error",  # a record about a text the item does not cite
    "verification-disagrees": "error",  # a record saying the text contradicts the item
    "verification-not-found": "warning",  # the text could not be found to read
    "default-without-primary": "error",  # a default on guidance while primary text speaks
    "provision-url": "error",  # a provision's url shows another section than its citation
    "provision-placeholder-period": "error",  # a provision period not dated from the text
    "exception-unused": "warning",  # a reviewed exception that excuses nothing any more
}


@dataclass(frozen=True)
class Witness:
    """A concrete case that shows a finding: the facts, the as-of date and the choices."""

    rule_set: str
    version: str
    question: str
    as_of: date
    facts: dict[str, Any]
    choices: dict[str, str] = field(default_factory=dict)
    # What the engine said about this case, when the analysis replayed it (else empty).
    observed: str = ""
    # The fact paths the finding turns on, shown first (and shown even when not given).
    highlights: tuple[str, ...] = ()
    program: str = ""

    def request(self) -> dict[str, Any]:
        """The case as a decision request body (``eligibility decide FILE --question Q``)."""
        return {
            "program": self.program or self.rule_set,
            "facts": _jsonable(self.facts),
            "options": {
                "as_of": self.as_of.isoformat(),
                "rule_set_version": self.version,
                "policy_choices": dict(self.choices),
            },
        }

    def to_json(self) -> dict[str, Any]:
        return {
            "rule_set": self.rule_set,
            "version": self.version,
            "question": self.question,
            "as_of": self.as_of.isoformat(),
            "facts": _jsonable(self.facts),
            "policy_choices": dict(self.choices),
            "observed": self.observed,
            "highlights": list(self.highlights),
            "request": self.request(),
        }

    def lines(self) -> list[str]:
        out = [f"case ({self.rule_set}@{self.version}, {self.question}, as of {self.as_of}):"]
        shown = dict(_flatten(self.facts))
        for path in self.highlights:
            out.append(f"  * {path} = {shown.pop(path, '(not given)')}")
        out.extend(f"    {path} = {value}" for path, value in shown.items())
        if self.choices:
            out.append(
                "policy choices: " + ", ".join(f"{k}={v}" for k, v in sorted(self.choices.items()))
            )
        if self.observed:
            out.append(f"engine: {self.observed}")
        return out


@dataclass(frozen=True)
class Finding:
    severity: Severity
    kind: str
    rule_ids: tuple[str, ...]
    file: str
    line: int | None
    message: str
    witness: Witness | None = None

    @property
    def location(self) -> str:
        return f"{self.file}:{self.line}" if self.line else self.file

    def to_text(self) -> str:
        ids = f" {', '.join(self.rule_ids)}:" if self.rule_ids else ""
        head = f"{self.location}: {self.severity} [{self.kind}]{ids} {self.message}"
        if self.witness is None:
            return head
        return "\n".join([head, *(f"    {line}" for line in self.witness.lines())])

    def to_json(self) -> dict[str, Any]:
        return {
            "severity": self.severity,
            "kind": self.kind,
            "rule_ids": list(self.rule_ids),
            "file": self.file,
            "line": self.line,
            "message": self.message,
            "witness": self.witness.to_json() if self.witness else None,
        }

    def sort_key(self) -> tuple[int, str, int, str, tuple[str, ...]]:
        return (SEVERITY_ORDER[self.severity], self.file, self.line or 0, self.kind, self.rule_ids)


def finding(
    kind: str,
    rule_ids: tuple[str, ...] | list[str],
    file: str,
    line: int | None,
    message: str,
    witness: Witness | None = None,
    severity: Severity | None = None,
) -> Finding:
    """A finding of ``kind`` with that kind's usual severity unless one is given."""
    return Finding(severity or KINDS[kind], kind, tuple(rule_ids), file, line, message, witness)


def _jsonable(value: Any) -> Any:
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_jsonable(v) for v in value]
    if isinstance(value, date):
        return value.isoformat()
    return value


def _flatten(facts: Any, prefix: str = "") -> list[tuple[str, str]]:
    """``employee.hire_date = 2024-01-15`` lines for the facts that are set."""
    out: list[tuple[str, str]] = []
    if isinstance(facts, dict):
        for key, value in facts.items():
            out.extend(_flatten(value, f"{prefix}.{key}" if prefix else str(key)))
    elif isinstance(facts, list):
        if not facts:
            return out
        for i, item in enumerate(facts):
            out.extend(_flatten(item, f"{prefix}[{i}]"))
    elif facts is not None:
        out.append((prefix, facts.isoformat() if isinstance(facts, date) else str(facts)))
    return out
