"""Decision endpoints: one per decision question."""

from __future__ import annotations

from fastapi import APIRouter, Request, Response
from pydantic import BaseModel, ConfigDict, Field

from ..decisions.new_hire import NEW_HIRE, NewHireFacts
from ..decisions.schema import DecisionOptions, DecisionResponse, Program
from ..decisions.service import DecisionService, to_json
from .problems import Problem

router = APIRouter(prefix="/v1/decisions", tags=["decisions"])

_ERRORS: dict[int | str, dict[str, object]] = {
    413: {"model": Problem, "description": "Request body too large"},
    422: {"model": Problem, "description": "Invalid request; errors name the fields"},
}


class NewHireRequest(BaseModel):
    """A new-hire health insurance application and the options for deciding it."""

    model_config = ConfigDict(extra="forbid")

    program: Program = Field(description="state or local (Wisconsin Public Employers).")
    facts: NewHireFacts
    options: DecisionOptions = Field(default_factory=DecisionOptions)


def service(request: Request) -> DecisionService:
    svc: DecisionService = request.app.state.decisions
    return svc


@router.post(
    "/new-hire-enrollment",
    response_model=DecisionResponse,
    responses=_ERRORS,
    summary="Decide a new-hire enrollment application",
)
async def decide_new_hire(body: NewHireRequest, request: Request) -> Response:
    """Is the employee eligible, is the application timely and complete, when does coverage
    start and when does the employer contribution start, and which provisions say so."""
    decision = service(request).decide(
        NEW_HIRE.name, body.program, body.facts.model_dump(), body.options
    )
    return Response(to_json(decision), media_type="application/json")
