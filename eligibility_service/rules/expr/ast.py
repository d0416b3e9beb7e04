"""Abstract syntax of rule expressions: immutable nodes, one class per construct."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date


@dataclass(frozen=True)
class Node:
    """Base of every expression node; ``column`` is 1-based within the expression text."""


@dataclass(frozen=True)
class Literal(Node):
    value: bool | int | float | str | date | None


@dataclass(frozen=True)
class Path(Node):
    """A dotted name: a fact (``employee.hire_date``), a definition, ``as_of``, a loop variable,
    ``param.NAME`` or ``choice.NAME``."""

    parts: tuple[str, ...]

    @property
    def dotted(self) -> str:
        return ".".join(self.parts)


@dataclass(frozen=True)
class ParamAt(Node):
    """``param.NAME @ date_expr``: the parameter's value in force on another date."""

    name: str
    on: Node


@dataclass(frozen=True)
class Unary(Node):
    op: str  # "not" | "-"
    operand: Node


@dataclass(frozen=True)
class Binary(Node):
    op: str  # "+", "-", "*", "/", "==", "!=", "<", "<=", ">", ">=", "and", "or"
    left: Node
    right: Node


@dataclass(frozen=True)
class InList(Node):
    item: Node
    options: tuple[Node, ...]
    negated: bool = False


@dataclass(frozen=True)
class Call(Node):
    name: str
    args: tuple[Node, ...]


@dataclass(frozen=True)
class Quantifier(Node):
    """``any(d in application.dependents: d.has_ssn_or_itin)``; also ``all`` and ``count``."""

    kind: str
    var: str
    source: Node
    body: Node


@dataclass(frozen=True)
class IfElse(Node):
    cond: Node
    then: Node
    other: Node
