"""The ASGI application: rule sets are loaded and compiled once, at creation."""

from __future__ import annotations

import gc
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from fastapi import FastAPI, Response
from fastapi.openapi.utils import get_openapi
from fastapi.responses import JSONResponse
from pydantic import BaseModel

from .. import __version__
from ..decision_log.durable import DurableDecisionLog
from ..decision_log.writer import DecisionLogWriter, describe_error
from ..decisions.questions import QUESTIONS
from ..decisions.service import DecisionService
from ..rules.registry import Registry, load_registry
from ..security.verifier import TokenVerifier
from ..settings import Settings
from ..store.store import Store, open_store
from . import auth, lifecycle, problems, request_log
from .auth import PUBLIC, AccessControlMiddleware, RoutePolicy
from .body_limit import BodyLimitMiddleware
from .heavy_limit import HeavyRequestLimitMiddleware, Slots, heavy_request
from .problems import Problem
from .routes_access_records import router as access_records_router
from .routes_admin import router as admin_router
from .routes_cases import UPLOAD_PATHS, UPLOADS
from .routes_cases import router as cases_router
from .routes_decision_log import DecisionLogStatus, log_status
from .routes_decision_log import router as decision_log_router
from .routes_decisions import router as decisions_router
from .routes_metrics import router as metrics_router
from .routes_reconciliation import UPLOAD_PATHS as RECONCILIATION_UPLOADS
from .routes_reconciliation import UPLOADS as RECONCILIATION_FILES
from .routes_reconciliation import router as reconciliation_router
from .routes_replay import router as replay_router
from .routes_rule_sets import router as rule_sets_router
from .routes_rulebook import router as rulebook_router
from .routes_versions import router as versions_router
from .upload_limit import UploadLimitMiddleware

logger = logging.getLogger("eligibility_service.api")


class Health(BaseModel):
    status: str
    version: str


class Readiness(BaseModel):
    status: str
    rule_sets: dict[str, list[str]]
    provisions: int
    decision_log: DecisionLogStatus


def _problem_responses_in_openapi(app: FastAPI, settings: Settings) -> None:
    """Document every error response as application/problem+json with the Problem schema.

    FastAPI documents errors as application/json with its own validation-error schema; the
    service answers RFC 9457 problem details instead, and the document must say so.
    """

    def openapi() -> dict[str, Any]:
        if app.openapi_schema:
            return app.openapi_schema
        doc = get_openapi(
            title=app.title, version=app.version, description=app.description, routes=app.routes
        )
        problem_ref = {"$ref": "#/components/schemas/Problem"}
        for operations in doc.get("paths", {}).values():
            for operation in operations.values():
                responses = operation.setdefault("responses", {})
                json_body = "application/json" in operation.get("requestBody", {}).get(
                    "content", {}
                )
                if operation.get("requestBody"):
                    unreadable = "Body is not valid JSON" if json_body else "Body cannot be read"
                    responses.setdefault("400", {"description": unreadable})
                if json_body:
                    responses.setdefault("415", {"description": "Body not sent as JSON"})
                if operation.get("requestBody") or operation.get("parameters"):
                    responses.setdefault("422", {"description": "Invalid request"})
                responses.setdefault("500", {"description": "Internal error"})
                if operation.get("security"):
                    responses.setdefault("401", {"description": "No token, or a bad one"})
                    responses.setdefault("403", {"description": "The token lacks the scope"})
                for code, response in responses.items():
                    if code.isdigit() and int(code) >= 400:
                        response["content"] = {"application/problem+json": {"schema": problem_ref}}
        auth.document_security(doc, settings)
        schemas = doc.setdefault("components", {}).setdefault("schemas", {})
        schemas.pop("HTTPValidationError", None)
        schemas.pop("ValidationError", None)
        schemas["Problem"] = Problem.model_json_schema(ref_template="#/components/schemas/{model}")
        for name, sub in schemas["Problem"].pop("$defs", {}).items():
            schemas[name] = sub
        app.openapi_schema = doc
        return doc

    app.openapi = openapi  # type: ignore[method-assign]


def _open_store(settings: Settings) -> tuple[Store | None, str | None]:
    """The store, or why there is none: the service decides without it (the decision log
    then reports itself unavailable rather than failing decisions)."""
    try:
        return open_store(settings), None
    except Exception as exc:
        logger.error("store unavailable: %s", describe_error(exc))
        return None, describe_error(exc)


def _decision_log(
    settings: Settings, store: Store | None
) -> DurableDecisionLog | DecisionLogWriter | None:
    if store is None or not settings.decision_log:
        return None
    if settings.decision_log_durability == "after_answer":
        return DecisionLogWriter(store)
    return DurableDecisionLog(
        store,
        settings.data_dir / "decision-log-spool",
        max_spool_bytes=settings.decision_log_spool_max_bytes,
    )


def create_app(
    settings: Settings | None = None,
    registry: Registry | None = None,
    store: Store | None = None,
) -> FastAPI:
    settings = settings or Settings.from_env()
    announced_reload = lifecycle.announced_reload(settings)
    registry = registry or load_registry(settings.root, QUESTIONS)
    store_error: str | None = None
    if store is None:
        store, store_error = _open_store(settings)

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        async with lifecycle.running(_app):  # reloads; at shutdown, flush the decision log
            yield

    # The compiled rule sets are many small long-lived objects; moving them out of the
    # collector's generations keeps garbage collection off the per-request path.
    gc.collect()
    gc.freeze()
    app = FastAPI(
        title="ETF group health insurance eligibility decisions",
        version=__version__,
        description=(
            "Eligibility and effective-date decisions for the State of Wisconsin Group Health "
            "Insurance Program and the Wisconsin Public Employers program, each with its dates, "
            "reasons and the provisions that justify them."
        ),
        lifespan=lifespan,
    )
    app.state.registry = registry
    app.state.decisions = DecisionService(registry)
    app.state.settings = settings
    app.state.store = store
    app.state.store_error = store_error
    # opened by the lifespan (lifecycle.running), so building the app for its OpenAPI
    # document starts no threads and touches no spool; each start gets a log of its own
    app.state.decision_log = None
    app.state.open_decision_log = lambda: _decision_log(settings, store)
    lifecycle.install(app, settings, announced_reload)
    problems.install(app)
    auth.install(app)
    app.include_router(decisions_router)
    app.include_router(rule_sets_router)
    app.include_router(rulebook_router)
    app.include_router(versions_router)
    app.include_router(decision_log_router)
    app.include_router(cases_router)
    app.include_router(replay_router)
    app.include_router(reconciliation_router)
    app.include_router(access_records_router)
    app.include_router(admin_router)
    app.include_router(metrics_router)

    _problem_responses_in_openapi(app, settings)

    @app.get("/health", response_model=Health, tags=["operations"], openapi_extra=PUBLIC)
    async def health() -> Health:
        """Liveness: the process answers."""
        return Health(status="ok", version=__version__)

    @app.get(
        "/ready",
        response_model=Readiness,
        tags=["operations"],
        openapi_extra=PUBLIC,
        responses={503: {"model": Readiness, "description": "Decisions cannot be made durable"}},
    )
    async def ready() -> Response:
        """Readiness: rule sets are compiled and loaded, and decisions can be made durable
        (503 from 80 % of the decision-log spool's bound, or when it cannot be written)."""
        registry: Registry = app.state.registry  # the set in service (a reload replaces it)
        log_state = log_status(app)
        body = Readiness(
            status="ready" if log_state.ready else "not_ready",
            rule_sets={k: sorted(v) for k, v in sorted(registry.rule_sets.items())},
            provisions=len(registry.provisions.by_id),
            decision_log=log_state,
        )
        return JSONResponse(body.model_dump(), status_code=200 if log_state.ready else 503)

    # Middleware runs outermost-last-added: the access check runs before the body limits, so
    # a caller without a token is refused before its body is read.
    app.add_middleware(
        BodyLimitMiddleware,
        max_bytes=settings.max_body_bytes,
        streamed=UPLOAD_PATHS + RECONCILIATION_UPLOADS,
    )
    uploads = UPLOADS + RECONCILIATION_FILES
    app.add_middleware(
        UploadLimitMiddleware,
        uploads=uploads,
        max_bytes=settings.max_upload_bytes,
        form_allowance=settings.max_body_bytes,
    )
    app.add_middleware(  # after the access check (it needs the client id), before any body
        HeavyRequestLimitMiddleware,
        is_heavy=heavy_request(tuple(u.path for u in uploads), settings.max_body_bytes),
        slots=Slots(settings.data_dir / "heavy-requests", settings.heavy_requests_per_client),
    )
    if not settings.auth:
        logger.warning("authentication is OFF: every caller may do everything (benchmarks only)")
    app.state.verifier = TokenVerifier.from_settings(settings)
    app.add_middleware(
        AccessControlMiddleware,
        settings=settings,
        verifier=app.state.verifier,
        policy=RoutePolicy.from_openapi(app.openapi()),
    )
    request_log.install(app)  # outermost: request id, access line, request metrics
    return app
