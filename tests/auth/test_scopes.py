"""Every operation of the OpenAPI document declares its scope, and the service enforces it.

Driven from the document, not from a hand-kept list: an endpoint added without a scope fails
here (and the app refuses to start), and every protected one is called without a token
(401) and with a token holding every scope but its own (403).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.routing import APIRoute, iter_route_contexts
from fastapi.testclient import TestClient

from eligibility_service.api.app import create_app
from eligibility_service.api.auth import operation_scope
from eligibility_service.rules.registry import Registry
from eligibility_service.security.scopes import Scope
from eligibility_service.settings import Settings

from ..tokens import ALL_SCOPES, bearer

PUBLIC_OPERATIONS = {("get", "/health"), ("get", "/ready")}
"""Operations anyone may call: liveness and readiness, for load balancers."""


@pytest.fixture(scope="module")
def private_rules(
    registry: Registry, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[TestClient]:
    """The service with law and rules kept private too (every operation needs a token)."""
    settings = Settings(data_dir=tmp_path_factory.mktemp("auth"), public_rules=False)
    with TestClient(create_app(settings, registry=registry)) as c:
        yield c


def _operations(document: dict[str, Any]) -> list[tuple[str, str, dict[str, Any]]]:
    return [
        (method, path, operation)
        for path, operations in document["paths"].items()
        for method, operation in operations.items()
    ]


def _concrete(path: str) -> str:
    return re.sub(r"\{[^}]+\}", "x", path)


def test_every_operation_declares_one_scope_or_is_public(private_rules: TestClient) -> None:
    document = private_rules.get("/openapi.json").json()
    scopes = {s.value for s in Scope}
    for method, path, operation in _operations(document):
        assert "security" in operation, f"{method} {path} declares no security"
        scope = operation_scope(operation)
        if scope is None:
            assert (method, path) in PUBLIC_OPERATIONS, f"{method} {path} is public"
        else:
            assert scope in scopes, f"{method} {path}: unknown scope {scope}"


def test_no_route_escapes_the_document(private_rules: TestClient) -> None:
    # enforcement is built from the document: a route left out of it would be unprotected
    document = private_rules.get("/openapi.json").json()
    listed = {(m, p) for m, p, _ in _operations(document)}
    routes = list(iter_route_contexts(private_rules.app.routes))  # type: ignore[attr-defined]
    assert len(routes) >= 30
    for context in routes:
        route = context.original_route
        if isinstance(route, APIRoute):
            for method in route.methods:
                assert (method.lower(), context.path) in listed, f"{method} {context.path}"
        else:  # FastAPI's own pages: the document itself and the pages that show it
            assert context.path in ("/openapi.json", "/docs", "/docs/oauth2-redirect", "/redoc")


def _protected(client: TestClient) -> list[tuple[str, str, str]]:
    document = client.get("/openapi.json").json()
    found = []
    for method, path, operation in _operations(document):
        scope = operation_scope(operation)
        if scope is not None:
            found.append((method, _concrete(path), scope))
    return found


def test_every_protected_operation_needs_a_token(private_rules: TestClient) -> None:
    protected = _protected(private_rules)
    assert len(protected) >= 25
    for method, path, _scope in protected:
        answer = private_rules.request(method, path)
        assert answer.status_code == 401, (method, path, answer.status_code)
        assert answer.headers["www-authenticate"] == 'Bearer realm="etf-eligibility"'
        assert answer.headers["content-type"] == "application/problem+json"


def test_every_protected_operation_needs_its_own_scope(private_rules: TestClient) -> None:
    data_dir: Path = private_rules.app.state.settings.data_dir  # type: ignore[attr-defined]
    for method, path, scope in _protected(private_rules):
        others = [s for s in ALL_SCOPES if s != scope]
        answer = private_rules.request(method, path, headers=bearer(data_dir, *others))
        assert answer.status_code == 403, (method, path, answer.status_code)
        challenge = answer.headers["www-authenticate"]
        assert 'error="insufficient_scope"' in challenge and f'scope="{scope}"' in challenge
        # with its own scope the check lets it through (whatever the route then says)
        allowed = private_rules.request(method, path, headers=bearer(data_dir, scope))
        assert allowed.status_code not in (401, 403), (method, path, allowed.text)


def test_law_is_open_by_default_and_the_document_says_so(
    registry: Registry, tmp_path: Path
) -> None:
    with TestClient(create_app(Settings(data_dir=tmp_path), registry=registry)) as c:
        assert c.get("/v1/rule-sets").status_code == 200
        assert c.get("/rule-book").status_code == 200
        assert c.post("/v1/decisions/new-hire-enrollment", json={}).status_code == 401
        document = c.get("/openapi.json").json()
        security = document["paths"]["/v1/rule-sets"]["get"]["security"]
        assert {} in security  # anonymous allowed
        assert {} not in document["paths"]["/v1/decisions/new-hire-enrollment"]["post"]["security"]


def test_the_document_offers_client_credentials_with_every_scope(private_rules: TestClient) -> None:
    schemes = private_rules.get("/openapi.json").json()["components"]["securitySchemes"]
    flow = schemes["oauth2"]["flows"]["clientCredentials"]
    assert set(flow["scopes"]) == {s.value for s in Scope}
    assert schemes["bearerToken"]["scheme"] == "bearer"


def test_an_upload_without_a_token_is_refused_before_its_body_is_read(
    private_rules: TestClient,
) -> None:
    received = 0

    def body() -> Iterator[bytes]:
        nonlocal received
        for _ in range(64):
            received += 1
            yield b"x" * 65536

    answer = private_rules.post(
        "/v1/cases/import", content=body(), headers={"content-type": "text/csv"}
    )
    assert answer.status_code == 401
    assert received <= 2  # refused at once, not after 4 MiB were spooled
