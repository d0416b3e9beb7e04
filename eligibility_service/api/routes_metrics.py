"""``GET /metrics``: Prometheus metrics, for monitoring (the ``metrics`` scope).

The scope keeps counts of decisions and reconciliation runs away from arbitrary callers;
``ELIGIBILITY_PUBLIC_METRICS=on`` opens the route for a scraper on a closed network that
cannot carry a token. The scrape is a plain function, so FastAPI runs it on a worker thread:
summing the worker processes' files is file reading, kept off the event loop.
"""

from __future__ import annotations

from fastapi import APIRouter, Request, Response

from .. import metrics
from ..security.scopes import Scope
from .auth import require

router = APIRouter(tags=["operations"])


@router.get(
    "/metrics",
    dependencies=[require(Scope.METRICS)],
    response_class=Response,
    responses={
        200: {
            "description": "Metrics in the Prometheus text format (or OpenMetrics, by Accept)",
            "content": {
                "text/plain": {"schema": {"type": "string"}},
                "application/openmetrics-text": {"schema": {"type": "string"}},
            },
        }
    },
)
def prometheus_metrics(request: Request) -> Response:
    """Prometheus metrics of every worker process: decisions by question, program and
    outcome; request latency and answer sizes by route; the decision log's queue, writes,
    failures and losses; reconciliation runs and their exceptions; rule-set versions loaded."""
    body, content_type = metrics.exposition(
        request.app.state.registry, request.headers.get("accept")
    )
    return Response(body, media_type=content_type)
