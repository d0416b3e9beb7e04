"""Authentication and authorization at the edge of the API.

Each route declares the one scope it needs with ``dependencies=[require(Scope.X)]``; FastAPI
writes that into the OpenAPI document (``security``: the OAuth 2.0 client-credentials scheme
with the scope, or a plain bearer token), so ``/docs`` offers "Authorize" and generated
clients know what to send. Routes anyone may call say so with ``openapi_extra=PUBLIC``.

Enforcement happens in :class:`AccessControlMiddleware`, before the route reads its body: an
upload from a caller without a token is refused before a byte of it is spooled. The
middleware's table of which (method, path) needs which scope is built from the OpenAPI
document itself, so the document and the enforcement cannot disagree. The ``require``
dependency checks again inside the route (defence in depth: a route reached some other way
still has no principal and is refused).

Answers follow RFC 6750 § 3: no token, 401 with ``WWW-Authenticate: Bearer realm=...``; a bad
token, 401 with ``error="invalid_token"``; a good token without the scope, 403 with
``error="insufficient_scope"`` and the scope needed; all as problem details.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass, field
from typing import Annotated, Any

from fastapi import Depends, FastAPI, Request, Security
from fastapi.concurrency import run_in_threadpool
from fastapi.openapi.models import OAuthFlowClientCredentials, OAuthFlows
from fastapi.security import HTTPBearer, OAuth2, SecurityScopes
from starlette.routing import compile_path
from starlette.types import ASGIApp, Receive, Send
from starlette.types import Scope as AsgiScope

from ..security.key_sources import KeysUnavailable
from ..security.principal import ANONYMOUS, Principal
from ..security.scopes import SCOPE_DESCRIPTIONS, Scope
from ..security.verifier import InvalidToken, TokenVerifier
from ..settings import Settings
from .problems import instance_of, problem

logger = logging.getLogger("eligibility_service.auth")
REALM = "etf-eligibility"
PUBLIC: dict[str, Any] = {"security": []}
"""``openapi_extra`` of a route anyone may call (health, readiness)."""

LOCAL_TOKEN_URL = "https://identity-provider.invalid/oauth2/token"
"""Placeholder token URL for the embedded issuer, which has no token endpoint: tokens come
from ``eligibility token``. A configured identity provider's real endpoint replaces it."""

oauth2_scheme = OAuth2(
    flows=OAuthFlows(
        clientCredentials=OAuthFlowClientCredentials(
            tokenUrl=LOCAL_TOKEN_URL,
            scopes={scope.value: text for scope, text in SCOPE_DESCRIPTIONS.items()},
        )
    ),
    scheme_name="oauth2",
    description="OAuth 2.0 client credentials; the access token is a signed JWT (RFC 9068).",
    auto_error=False,
)
bearer_scheme = HTTPBearer(
    scheme_name="bearerToken",
    bearerFormat="JWT",
    description="An access token pasted as it is (e.g. from `eligibility token --scope "
    "decide` with the embedded issuer).",
    auto_error=False,
)


class AuthProblem(Exception):
    """401 or 403 with its RFC 6750 ``WWW-Authenticate`` challenge."""

    def __init__(self, status: int, detail: str, error: str | None, scope: str | None = None):
        super().__init__(detail)
        self.status = status
        self.error = error
        self.scope = scope

    def challenge(self) -> str:
        parts = [f'Bearer realm="{REALM}"']
        if self.error:
            parts.append(f'error="{self.error}"')
            parts.append(f'error_description="{self}"')
        if self.scope:
            parts.append(f'scope="{self.scope}"')
        return ", ".join(parts)

    def response(self, instance: str | None) -> Any:
        title = "Authentication required" if self.status == 401 else "Not allowed"
        return problem(
            self.status, title, str(self), None, instance, {"WWW-Authenticate": self.challenge()}
        )


def insufficient(scope: str) -> AuthProblem:
    return AuthProblem(
        403, f"the token does not grant the {scope} scope", "insufficient_scope", scope
    )


def is_open(scope: str, settings: Settings) -> bool:
    """Whether a route needing ``scope`` is open to callers without a token (settings)."""
    if not settings.auth:
        return True
    if scope == Scope.RULES_READ:
        return settings.public_rules
    if scope == Scope.METRICS:
        return settings.public_metrics
    return False


def require(scope: Scope) -> Any:
    """The dependency a route declares: it needs ``scope`` (shown in the OpenAPI document)."""
    return Security(_check, scopes=[scope.value])


async def _check(
    request: Request,
    security_scopes: SecurityScopes,
    _oauth2: Annotated[Any, Depends(oauth2_scheme)],
    _bearer: Annotated[Any, Depends(bearer_scheme)],
) -> Principal:
    principal: Principal | None = getattr(request.state, "principal", None)
    settings: Settings = request.app.state.settings
    for scope in security_scopes.scopes:
        if is_open(scope, settings):
            continue
        if principal is None or principal is ANONYMOUS:
            raise AuthProblem(401, "this operation needs a bearer token", None)
        if not principal.has(scope):
            raise AuthProblem(
                403, f"the token does not grant the {scope} scope", "insufficient_scope", scope
            )
    return principal or ANONYMOUS


def principal_of(request: Request) -> Principal:
    principal: Principal | None = getattr(request.state, "principal", None)
    return principal or ANONYMOUS


# -- the table of which operation needs which scope ------------------------------------------
_METHODS = ("get", "put", "post", "delete", "patch", "head", "options")


@dataclass
class RoutePolicy:
    """Which scope each operation of the OpenAPI document needs (``None``: public)."""

    static: dict[tuple[str, str], str | None] = field(default_factory=dict)
    patterns: list[tuple[str, re.Pattern[str], str | None]] = field(default_factory=list)
    templates: list[tuple[re.Pattern[str], str]] = field(default_factory=list)

    @classmethod
    def from_openapi(cls, document: dict[str, Any]) -> RoutePolicy:
        policy = cls()
        for path, operations in document.get("paths", {}).items():
            for method, operation in operations.items():
                if method not in _METHODS:
                    continue
                scope = operation_scope(operation)
                if "{" in path:
                    regex, _format, _convertors = compile_path(path)
                    policy.patterns.append((method.upper(), regex, scope))
                    policy.templates.append((regex, path))
                else:
                    policy.static[(method.upper(), path)] = scope
        return policy

    def required(self, method: str, path: str) -> tuple[bool, str | None]:
        """(known operation?, scope needed or None when public)."""
        method = "GET" if method == "HEAD" else method
        key = (method, path)
        if key in self.static:
            return True, self.static[key]
        for m, regex, scope in self.patterns:
            if m == method and regex.match(path):
                return True, scope
        return False, None

    def template(self, path: str) -> str | None:
        """The route template a path matches (what a refusal may name: the path's own
        parameters came from the caller); None for a path no route serves."""
        if any(p == path for _m, p in self.static):
            return path
        return next((t for regex, t in self.templates if regex.match(path)), None)


def operation_scope(operation: dict[str, Any]) -> str | None:
    """The scope an OpenAPI operation declares; None for a declared-public one.

    Raises ValueError for an operation that declares neither (the app refuses to start)."""
    security = operation.get("security")
    if security is None:
        raise ValueError(f"operation {operation.get('operationId')} declares no security")
    scopes = {s for requirement in security for s in requirement.get("oauth2", [])}
    if len(scopes) > 1:
        raise ValueError(f"operation {operation.get('operationId')} needs several scopes")
    return next(iter(scopes), None)


class AccessControlMiddleware:
    """Authenticate the bearer token and check the route's scope before the route runs."""

    def __init__(
        self, app: ASGIApp, settings: Settings, verifier: TokenVerifier, policy: RoutePolicy
    ) -> None:
        self.app = app
        self.settings = settings
        self.verifier = verifier
        self.policy = policy

    async def __call__(self, scope: AsgiScope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        known, needed = self.policy.required(scope["method"], scope["path"])
        state = scope.setdefault("state", {})
        if not known or needed is None or is_open(needed, self.settings):
            state["principal"] = ANONYMOUS
            await self.app(scope, receive, send)
            return
        try:
            principal = await self._authenticate(scope)
            # known from here on, so a refusal for want of scope names who was refused
            state["principal"] = principal
            if not principal.has(needed):
                raise insufficient(needed)
        except AuthProblem as refused:
            route = self.policy.template(scope["path"])
            logger.info("refused %s %s: %s", scope["method"], route, refused.error or "no token")
            await refused.response(route)(scope, receive, send)
            return
        except KeysUnavailable as exc:
            logger.error("identity provider keys unavailable: %s", exc)
            response = problem(
                503, "Cannot check tokens now", "the identity provider's keys are unavailable"
            )
            await response(scope, receive, send)
            return
        state["principal"] = principal
        await self.app(scope, receive, send)

    async def _authenticate(self, scope: AsgiScope) -> Principal:
        header = None
        for name, value in scope.get("headers", ()):
            if name == b"authorization":
                header = value.decode("latin-1")
                break
        if header is None:
            raise AuthProblem(401, "this operation needs a bearer token", None)
        kind, _, token = header.partition(" ")
        if kind.lower() != "bearer" or not token.strip():
            raise AuthProblem(
                401, "the Authorization header is not a bearer token", "invalid_request"
            )
        token = token.strip()
        try:
            # a token seen before is answered from the cache on the loop; a new one is
            # checked in a worker thread, since it may mean fetching the issuer's keys
            known = self.verifier.cached(token)
            return (
                known if known is not None else await run_in_threadpool(self.verifier.verify, token)
            )
        except InvalidToken as exc:
            raise AuthProblem(401, str(exc), "invalid_token") from None


def document_security(document: dict[str, Any], settings: Settings) -> None:
    """Say in the OpenAPI document what these settings enforce: an operation whose scope is
    open (public law, public metrics) also accepts no token (an empty requirement, OpenAPI
    3.1 § 4.8.10); the client-credentials flow points at the real token endpoint."""
    for operations in document.get("paths", {}).values():
        for method, operation in operations.items():
            scope = operation_scope(operation) if method in _METHODS else None
            if scope is not None and is_open(scope, settings):
                operation["security"] = [*operation["security"], {}]
    schemes = document.get("components", {}).get("securitySchemes", {})
    flow = schemes.get("oauth2", {}).get("flows", {}).get("clientCredentials")
    if flow is not None and settings.auth_token_url:
        flow["tokenUrl"] = settings.auth_token_url


async def _auth_problem(request: Request, exc: Exception) -> Any:
    assert isinstance(exc, AuthProblem)
    return exc.response(instance_of(request))


def install(app: FastAPI) -> None:
    """Answer an :class:`AuthProblem` raised inside a route as problem details."""
    app.add_exception_handler(AuthProblem, _auth_problem)
