"""The request body of each decision question: ``{program, facts, options}``.

Shared by the API, the CLI, impact analysis, the case store and replay, so a case is
validated the same way wherever it comes from.
"""

from __future__ import annotations

from functools import cache

from pydantic import BaseModel, ConfigDict, Field, create_model

from ..rules.question import QuestionSpec
from .schema import DecisionOptions, Program


class RequestBase(BaseModel):
    model_config = ConfigDict(extra="forbid")

    program: Program = Field(description="state or local (Wisconsin Public Employers).")
    options: DecisionOptions = Field(default_factory=DecisionOptions)


@cache
def request_model(spec: QuestionSpec) -> type[RequestBase]:
    """The request body model of a question: program, the question's facts, options."""
    name = "".join(part.title() for part in spec.name.split("_")) + "Request"
    model: type[RequestBase] = create_model(
        name,
        __base__=RequestBase,
        __doc__=f"{spec.title}: the facts of the case and the options for deciding it.",
        facts=(spec.facts_model, ...),
    )
    return model
