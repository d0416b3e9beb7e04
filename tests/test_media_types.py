"""JSON-body routes: a body not sent as JSON is a 415, malformed JSON a 400 naming ``(body)``
and the line and column, as the OpenAPI document says; neither repeats what was sent."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from eligibility_service.api.app import create_app
from eligibility_service.settings import Settings

from .tokens import bearer

SECRET = "123-45-6789"
MALFORMED = f'{{"program": "state",\n "facts": ssn {SECRET}}}'.encode()


@pytest.fixture(scope="module")
def client(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    data: Path = tmp_path_factory.mktemp("data")
    app = create_app(Settings(data_dir=data))
    with TestClient(app, headers=bearer(data)) as c:
        yield c


def _json_routes(client: TestClient) -> list[str]:
    doc = client.get("/openapi.json").json()
    return [
        path.replace("{name}", "suite")
        for path, operations in doc["paths"].items()
        for method, operation in operations.items()
        if method == "post"
        and "application/json" in operation.get("requestBody", {}).get("content", {})
    ]


def _problem(response: object, status: int) -> list[dict[str, str]]:
    assert response.status_code == status, response.text  # type: ignore[attr-defined]
    assert response.headers["content-type"] == "application/problem+json"  # type: ignore[attr-defined]
    assert SECRET not in response.text  # type: ignore[attr-defined]
    errors: list[dict[str, str]] = response.json()["errors"]  # type: ignore[attr-defined]
    return errors


def test_every_json_route_is_covered(client: TestClient) -> None:
    routes = _json_routes(client)
    assert "/v1/decisions/new-hire-enrollment" in routes
    assert {"/v1/decision-log/search", "/v1/suites/suite/from-log", "/v1/replay"} <= set(routes)


@pytest.mark.parametrize(
    "content_type", ["text/plain", None, "", "application/x-www-form-urlencoded"]
)
def test_a_body_not_sent_as_json_is_a_415(client: TestClient, content_type: str | None) -> None:
    headers = {} if content_type is None else {"content-type": content_type}
    for route in _json_routes(client):
        request = client.build_request(
            "POST", route, content=b'{"program": "state"}', headers=headers
        )
        if content_type is None:
            request.headers.pop("content-type", None)
        errors = _problem(client.send(request), 415)
        assert [e["field"] for e in errors] == ["Content-Type"], route


def test_malformed_json_is_a_400_naming_the_body_and_position(client: TestClient) -> None:
    for route in _json_routes(client):
        response = client.post(
            route, content=MALFORMED, headers={"content-type": "application/json"}
        )
        errors = _problem(response, 400)
        assert [e["field"] for e in errors] == ["(body)"], route
        assert "line 2, column 11" in errors[0]["message"]
        assert response.json()["detail"] == errors[0]["message"]


def test_json_with_a_charset_or_a_json_suffix_is_json(client: TestClient) -> None:
    for kind in ("application/json; charset=utf-8", "application/problem+json"):
        response = client.post(
            "/v1/decision-log/search", content=b'{"limit": 1}', headers={"content-type": kind}
        )
        assert response.status_code == 200, response.text


def test_the_openapi_document_says_so(client: TestClient) -> None:
    doc = client.get("/openapi.json").json()
    for route in ("/v1/decisions/new-hire-enrollment", "/v1/decision-log/search"):
        responses = doc["paths"][route]["post"]["responses"]
        assert {"400", "415"} <= set(responses)
        assert "application/problem+json" in responses["415"]["content"]


def test_rule_set_version_schema_refuses_what_validation_refuses(client: TestClient) -> None:
    """A schema-valid version name must not be refused for its form: the schema says
    non-empty and the characters a version name has, and the request model enforces it."""
    options = client.get("/openapi.json").json()["components"]["schemas"]["DecisionOptions"]
    version = options["properties"]["rule_set_version"]["anyOf"][0]
    assert version["minLength"] == 1 and version["pattern"].startswith("^[A-Za-z0-9]")
    for bad in ("", " 2026.1", "2026.1/x"):
        body = {"program": "state", "facts": {}, "options": {"rule_set_version": bad}}
        refused = client.post("/v1/decisions/new-hire-enrollment", json=body)
        assert refused.status_code == 422
        assert refused.json()["errors"][0]["field"] == "options.rule_set_version"
