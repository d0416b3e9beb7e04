"""The service app plus a trivial endpoint that parses and echoes a decision request.

The echo endpoint does what every request pays for (HTTP, JSON parsing, validation of the
same request model, JSON response) and nothing else: the ceiling of the stack here.
"""

from __future__ import annotations

from fastapi import Response

from eligibility_service.api.app import create_app
from eligibility_service.api.routes_decisions import NewHireRequest

app = create_app()


@app.post("/bench/echo", include_in_schema=False)
async def echo(body: NewHireRequest) -> Response:
    return Response(body.model_dump_json(), media_type="application/json")
