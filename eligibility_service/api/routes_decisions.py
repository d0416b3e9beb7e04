"""Decision endpoints: one ``POST /v1/decisions/<question>`` per decision question.

Each question brings its facts model; the request is ``{program, facts, options}`` and the
answer is the same :class:`DecisionResponse` shape for every question.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from functools import cache
from typing import Any

from fastapi import APIRouter, Request, Response
from pydantic import BaseModel, ConfigDict, Field, create_model

from ..decisions.questions import QUESTIONS
from ..decisions.schema import DecisionOptions, DecisionResponse, Program
from ..decisions.service import DecisionService, to_json
from ..rules.question import QuestionSpec
from .problems import Problem

router = APIRouter(prefix="/v1/decisions", tags=["decisions"])

_ERRORS: dict[int | str, dict[str, Any]] = {
    413: {"model": Problem, "description": "Request body too large"},
    422: {"model": Problem, "description": "Invalid request; errors name the fields"},
}


class _RequestBase(BaseModel):
    model_config = ConfigDict(extra="forbid")

    program: Program = Field(description="state or local (Wisconsin Public Employers).")
    options: DecisionOptions = Field(default_factory=DecisionOptions)


@cache
def request_model(spec: QuestionSpec) -> type[_RequestBase]:
    """The request body model of a question: program, the question's facts, options."""
    name = "".join(part.title() for part in spec.name.split("_")) + "Request"
    model: type[_RequestBase] = create_model(
        name,
        __base__=_RequestBase,
        __doc__=f"{spec.title}: the facts of the case and the options for deciding it.",
        facts=(spec.facts_model, ...),
    )
    return model


def _endpoint(spec: QuestionSpec) -> Callable[..., Awaitable[Response]]:
    body_model = request_model(spec)

    async def decide(body: body_model, request: Request) -> Response:  # type: ignore[valid-type]
        service: DecisionService = request.app.state.decisions
        decision = service.decide(
            spec.name,
            body.program,  # type: ignore[attr-defined]
            body.facts.model_dump(),  # type: ignore[attr-defined]
            body.options,  # type: ignore[attr-defined]
        )
        return Response(to_json(decision), media_type="application/json")

    # annotations are strings under `from __future__ import annotations`; FastAPI needs the
    # real model to read the body, so give it the class itself
    decide.__annotations__["body"] = body_model
    decide.__annotations__["request"] = Request
    decide.__name__ = f"decide_{spec.name}"
    decide.__doc__ = (
        f"{spec.title}. Outcome, dates ({', '.join(spec.outputs)}), reasons and citations."
    )
    return decide


for _spec in QUESTIONS.values():
    router.add_api_route(
        f"/{_spec.slug}",
        _endpoint(_spec),
        methods=["POST"],
        response_model=DecisionResponse,
        responses=_ERRORS,
        summary=f"Decide: {_spec.title}",
    )

NewHireRequest = request_model(QUESTIONS["new_hire_enrollment"])
