"""What the engine needs to know about a decision question, independent of any rule set.

A question (new-hire enrollment, a life-event change, …) is defined by the facts a caller
sends (a pydantic model, which is also the API schema) and the dates it answers. Rule sets
are type-checked against this, so a rule can only read facts the API actually provides.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from pydantic import BaseModel

from .expr.types import Type, record_type


@dataclass(frozen=True, eq=False)
class QuestionSpec:
    name: str
    title: str
    facts_model: type[BaseModel]
    outputs: dict[str, str]  # output date name -> plain-English meaning
    required_for_approval: tuple[str, ...] = ()
    # Fact paths whose first known value is the default as-of date ("decide a 2010 case by
    # 2010 law"): for an application, the date it was received.
    as_of_facts: tuple[str, ...] = ()
    # For the temporal sweep test: complete, plausible cases for a program and a month,
    # every one of which some rule must decide (a gap or a conflict fails the sweep).
    sweep_cases: Callable[[str, date], list[dict[str, Any]]] | None = None
    # The URL segment of the question's decision endpoint.
    path: str = ""

    @property
    def slug(self) -> str:
        return self.path or self.name.replace("_", "-")

    def default_as_of(self, facts: Mapping[str, Any]) -> date | None:
        for path in self.as_of_facts:
            node: Any = facts
            for part in path.split("."):
                node = node.get(part) if isinstance(node, Mapping) else None
            if isinstance(node, date):
                return node
        return None

    @property
    def facts_type(self) -> Type:
        return record_type(self.facts_model)
