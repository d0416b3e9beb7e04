"""The type system of rule expressions and its bridge from pydantic fact models.

Types are checked at load time so an analyst's typo (``employee.hire_dte``, comparing a date
with a number, ``position_type == 'electd'``) stops the load instead of surfacing as a wrong
decision in production. Every value may also be *unknown* (a fact the caller did not send);
that is a property of evaluation, not of the type.
"""

from __future__ import annotations

import enum
import types as pytypes
import typing
from dataclasses import dataclass, field
from datetime import date
from typing import Any, Literal, Union

from pydantic import BaseModel


@dataclass(frozen=True)
class Type:
    kind: str  # bool | number | date | string | list | record | null
    enum: frozenset[str] | None = None
    fields: tuple[tuple[str, Type], ...] = ()
    item: Type | None = None
    name: str = field(default="", compare=False)

    def field(self, name: str) -> Type | None:
        for key, value in self.fields:
            if key == name:
                return value
        return None

    def __str__(self) -> str:
        if self.kind == "list" and self.item is not None:
            return f"list of {self.item}"
        if self.kind == "string" and self.enum:
            return "one of " + ", ".join(repr(v) for v in sorted(self.enum))
        if self.kind == "record":
            return self.name or "record"
        return self.kind


BOOL = Type("bool")
NUMBER = Type("number")
DATE = Type("date")
STRING = Type("string")
NULL = Type("null")


def same_kind(a: Type, b: Type) -> bool:
    return a.kind == b.kind or NULL in (a, b)


def type_of_value(value: Any) -> Type:
    """Type of a literal value in a rule-set file (parameter values, example facts)."""
    if isinstance(value, bool):
        return BOOL
    if isinstance(value, int | float):
        return NUMBER
    if isinstance(value, date):
        return DATE
    if isinstance(value, str):
        return STRING
    if value is None:
        return NULL
    raise TypeError(f"unsupported value {value!r}")


def from_annotation(annotation: Any, name: str = "") -> Type:
    """Translate a pydantic field annotation into an expression type."""
    origin = typing.get_origin(annotation)
    if origin in (Union, pytypes.UnionType):
        args = [a for a in typing.get_args(annotation) if a is not type(None)]
        if len(args) != 1:
            raise TypeError(f"unsupported union {annotation!r}")
        return from_annotation(args[0], name)
    if origin is typing.Annotated:
        return from_annotation(typing.get_args(annotation)[0], name)
    if origin is Literal:
        values = typing.get_args(annotation)
        if all(isinstance(v, str) for v in values):
            return Type("string", enum=frozenset(values))
        raise TypeError(f"unsupported literal {annotation!r}")
    if origin is list:
        (item,) = typing.get_args(annotation)
        return Type("list", item=from_annotation(item, name))
    if isinstance(annotation, type):
        if issubclass(annotation, bool):
            return BOOL
        if issubclass(annotation, int | float):
            return NUMBER
        if issubclass(annotation, date):
            return DATE
        if issubclass(annotation, enum.Enum):
            return Type("string", enum=frozenset(str(m.value) for m in annotation))
        if issubclass(annotation, str):
            return STRING
        if issubclass(annotation, BaseModel):
            return record_type(annotation)
    raise TypeError(f"unsupported fact type {annotation!r} for {name or 'field'}")


def record_type(model: type[BaseModel]) -> Type:
    fields = tuple(
        (fname, from_annotation(info.annotation, fname))
        for fname, info in model.model_fields.items()
    )
    return Type("record", fields=fields, name=model.__name__)
