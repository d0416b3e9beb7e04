"""The items of a version that need a verification record, and the count by verdict.

An item is a rule, a dated parameter value or a policy choice (whose record verifies its
default). Kept in the rules layer because both the lint (:mod:`...analysis.verification`)
and the rule book's front page count them the same way.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass

from .compiled import CompiledRuleSet
from .model import Verification

VERDICTS = ("agrees", "guidance_only", "beyond_source", "not_found", "disagrees")


@dataclass(frozen=True)
class Item:
    """One thing that needs a verification record."""

    key: str  # RULE-ID, param:NAME@FROM, choice:NAME (the exception target after the version)
    label: str
    cites: tuple[str, ...]
    verified: Verification | None
    file: str
    line: int | None
    rule_ids: tuple[str, ...] = ()


def ref(rs: CompiledRuleSet) -> str:
    return f"{rs.id}@{rs.version}"


def items(rs: CompiledRuleSet) -> Iterator[Item]:
    """The rules, parameter values and policy choices of a version, in file order."""
    for question in sorted(rs.questions.values(), key=lambda q: q.spec.name):
        for rule in question.rules:
            yield Item(
                rule.id,
                f"rule {rule.id}",
                rule.implements,
                rule.verified,
                rule.source.file,
                rule.source.line,
                (rule.id,),
            )
    for name, table in sorted(rs.parameters.items()):
        for value in table.spec.values:
            yield Item(
                f"param:{name}@{value.from_}",
                f"parameter {name} (value from {value.from_})",
                tuple(value.cites),
                value.verified,
                table.source.file,
                table.source.line,
            )
    for name, choice in sorted(rs.policy_choices.items()):
        where = rs.choice_sources.get(name)
        yield Item(
            f"choice:{name}",
            f"policy choice {name} (default {rs.policy_defaults.get(name, choice.default)})",
            tuple(pid for alt in choice.alternatives.values() for pid in alt.cites),
            choice.verified,
            where.file if where else rs.folder,
            where.line if where else None,
        )


def tally(rs: CompiledRuleSet) -> Counter[str]:
    """Items by verdict (``missing`` for items without a record), for the rule book."""
    return Counter(i.verified.verdict if i.verified else "missing" for i in items(rs))


__all__ = ["VERDICTS", "Item", "items", "ref", "tally"]
