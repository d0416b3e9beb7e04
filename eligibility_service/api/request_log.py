"""Every request, observed once: its id, one access line, and its metrics.

One pure ASGI middleware does it all, because each layer of Starlette's
``BaseHTTPMiddleware`` costs a task and a stream per request and the decision path is
measured in microseconds. It wraps the application *outside* Starlette's error middleware
(see :func:`install`), so it also sees the 500 answer to an unexpected exception, sets the
request id header on it, and logs it with its status.

The request id: a caller's ``X-Request-Id`` is kept when it is a sane token (at most 128
characters of ``A-Z a-z 0-9 . _ : -``), else one is made (uuid4, hex); one already in the
request's state (put there by an ASGI layer in front of the app) is kept as it is. It is
echoed in the ``X-Request-Id`` answer header, kept at ``request.state.request_id`` for the
routes (the access records name it), and put on every log line written while the request
is answered (see :mod:`eligibility_service.logging_setup`).

The access line names the route *template*, never the path (paths carry ids) nor the query
string (values), and never a header or the body: ``request_id``, ``method``, ``route``,
``status``, ``duration_ms``, ``bytes``, ``caller`` (the authenticated client id), and for a
decision ``rule_set`` (id@version) and ``decision_id``, which routes put on
``request.state``.
"""

from __future__ import annotations

import logging
import os
import re
from collections.abc import Sequence
from time import perf_counter
from typing import Any

from fastapi import FastAPI
from starlette.routing import compile_path
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from .. import metrics
from ..logging_setup import make_record, request_id_var

HEADER = b"x-request-id"
UNMATCHED = "unmatched"
"""The route label of a path no route serves (404s): one label, whatever was asked."""

_SANE_ID = re.compile(r"[A-Za-z0-9._:-]{1,128}")
_access = logging.getLogger("eligibility_service.access")
_STATE_FIELDS = ("rule_set", "decision_id")


def request_id_from(headers: Sequence[tuple[bytes, bytes]]) -> str:
    """The caller's id when it is a sane token, else a new one."""
    for name, value in headers:
        if name == HEADER:
            text = value.decode("latin-1")
            if _SANE_ID.fullmatch(text):
                return text
            break
    return new_request_id()


def new_request_id() -> str:
    """A random (version 4) UUID as 32 hex digits, like ``uuid4().hex`` without building
    the UUID object, which cost several times more on the per-request path."""
    raw = bytearray(os.urandom(16))
    raw[6] = (raw[6] & 0x0F) | 0x40  # version 4
    raw[8] = (raw[8] & 0x3F) | 0x80  # RFC 4122 variant
    return raw.hex()


class RouteTemplates:
    """Path -> route template for requests that never reached a route: the OpenAPI
    document's paths (what the access check refuses is always one of them) and the app's
    own top-level routes (/docs, /openapi.json). Built on first use."""

    def __init__(self, app: FastAPI) -> None:
        self.app = app
        self.static: set[str] | None = None
        self.patterns: list[tuple[re.Pattern[str], str]] = []

    def find(self, path: str) -> str:
        if self.static is None:
            self.static = self._build()
        if path in self.static:
            return path
        for regex, template in self.patterns:
            if regex.match(path):
                return template
        return UNMATCHED

    def _build(self) -> set[str]:
        templates = list(self.app.openapi().get("paths", {}))
        for route in self.app.router.routes:
            path_format = getattr(route, "path_format", None)
            if isinstance(path_format, str):
                templates.append(path_format)
        static = set()
        for template in templates:
            if "{" in template:
                regex, _format, _convertors = compile_path(template)
                self.patterns.append((regex, template))
            else:
                static.add(template)
        return static


class RequestObserver:
    """Request id, access line, latency, status and size of every HTTP request."""

    def __init__(self, app: ASGIApp, templates: RouteTemplates) -> None:
        self.app = app
        self.templates = templates

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = perf_counter()
        state = scope.setdefault("state", {})
        # an id given by a layer in front of the app (a gateway's own ASGI wrapper) stands
        request_id = state.get("request_id") or request_id_from(scope["headers"])
        state["request_id"] = request_id
        token = request_id_var.set(request_id)
        id_header = (HEADER, request_id.encode())
        status = 500  # if the app fails before answering, the server answers 500
        size = 0

        async def observed(message: Message) -> None:
            nonlocal status, size
            if message["type"] == "http.response.body":
                size += len(message.get("body", b""))
            elif message["type"] == "http.response.start":
                status = message["status"]
                message = {**message, "headers": [*message.get("headers", ()), id_header]}
            await send(message)

        try:
            await self.app(scope, receive, observed)
        finally:
            request_id_var.reset(token)
            seconds = perf_counter() - started
            route = self.route_of(scope)
            metrics.observe_request(route, scope["method"], status, seconds, size)
            level = logging.ERROR if status >= 500 else logging.INFO
            if _access.isEnabledFor(level):
                self.log(level, scope, request_id, route, status, seconds, size)

    def route_of(self, scope: Scope) -> str:
        """The template of the route that answered (FastAPI puts the route in the scope),
        else of the route that would have (a request refused before routing: 401, 413),
        else :data:`UNMATCHED`."""
        template = getattr(scope.get("route"), "path_format", None)
        if isinstance(template, str):
            return template
        return self.templates.find(scope["path"])

    @staticmethod
    def log(
        level: int,
        scope: Scope,
        request_id: str,
        route: str,
        status: int,
        seconds: float,
        size: int,
    ) -> None:
        state: dict[str, Any] = scope.get("state", {})
        principal = state.get("principal")
        fields: dict[str, Any] = {
            "event": "request",
            "request_id": request_id,
            "method": scope["method"],
            "route": route,
            "status": status,
            "duration_ms": round(seconds * 1000, 3),
            "bytes": size,
            "caller": principal.client_id if principal is not None else None,
        }
        for name in _STATE_FIELDS:
            value = state.get(name)
            if value is not None:
                fields[name] = value
        # the fields are the message: the service's formatter writes them as the line's own
        _access.handle(make_record(_access, level, fields))


def install(app: FastAPI) -> None:
    """Wrap the whole middleware stack, Starlette's error middleware included, so the 500
    it sends passes through the observer too (``add_middleware`` would place it inside)."""
    build = app.build_middleware_stack

    templates = RouteTemplates(app)

    def observed_stack() -> ASGIApp:
        return RequestObserver(build(), templates)

    app.build_middleware_stack = observed_stack  # type: ignore[method-assign]
