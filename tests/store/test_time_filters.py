"""Time filters on the decision log (search, from-log): RFC 3339 taken, anything else a 422."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest
from click.testing import CliRunner
from fastapi.testclient import TestClient

from eligibility_service.api.app import create_app
from eligibility_service.cli import main
from eligibility_service.rules.registry import Registry
from eligibility_service.settings import Settings
from eligibility_service.store.store import Store

from ..tokens import bearer

EXAMPLES = Path(__file__).resolve().parents[2] / "examples" / "cases"
REFUSED = ["2026-12-01", "2026-12-01T00:00:00", "yesterday", "1764547200", 1764547200, ""]


@pytest.fixture
def client(store: Store, store_settings: Settings, registry: Registry) -> Iterator[TestClient]:
    app = create_app(store_settings, registry=registry, store=store)
    with TestClient(app, headers=bearer(app.state.settings.data_dir)) as c:
        body = json.loads((EXAMPLES / "state-new-hire.json").read_text())
        assert c.post("/v1/decisions/new-hire-enrollment", json=body).status_code == 200
        assert app.state.decision_log.flush(10)
        yield c


def _window(hours: int, zone: str) -> dict[str, str]:
    """A window around now, written with Z or with a -06:00 offset."""
    now = datetime.now(UTC)
    since, until = now - timedelta(hours=hours), now + timedelta(hours=1)
    if zone == "Z":
        return {"since": f"{since:%Y-%m-%dT%H:%M:%S.%f}Z", "until": f"{until:%Y-%m-%dT%H:%M:%S}Z"}
    central = timezone(timedelta(hours=-6))
    return {
        "since": since.astimezone(central).isoformat(),
        "until": until.astimezone(central).isoformat(),
    }


@pytest.mark.parametrize("zone", ["Z", "offset"])
def test_search_takes_rfc3339_with_z_or_offset(client: TestClient, zone: str) -> None:
    found = client.post("/v1/decision-log/search", json=_window(1, zone))
    assert found.status_code == 200, found.text
    assert len(found.json()) == 1
    minus_six = "2000-01-01T00:00:00-06:00"
    assert client.post("/v1/decision-log/search", json={"until": minus_six}).json() == []


def test_from_log_takes_rfc3339(client: TestClient) -> None:
    taken = client.post("/v1/suites/window/from-log", json=_window(1, "Z"))
    assert taken.status_code == 200, taken.text
    assert taken.json()["read"] == 1
    later = {"since": "2199-01-01T00:00:00+00:00"}
    assert client.post("/v1/suites/window/from-log", json=later).json()["read"] == 0


@pytest.mark.parametrize("value", REFUSED)
@pytest.mark.parametrize("route", ["/v1/decision-log/search", "/v1/suites/window/from-log"])
@pytest.mark.parametrize("field", ["since", "until"])
def test_anything_else_is_a_422_naming_the_field(
    client: TestClient, route: str, field: str, value: object
) -> None:
    refused = client.post(route, json={field: value})
    assert refused.status_code == 422
    assert refused.headers["content-type"] == "application/problem+json"
    errors = refused.json()["errors"]
    assert [e["field"] for e in errors] == [field]
    assert "RFC 3339" in errors[0]["message"]


def test_schema_says_rfc3339(client: TestClient) -> None:
    schemas = client.get("/openapi.json").json()["components"]["schemas"]
    for model in ("SearchRequest", "FromLogRequest"):
        since = schemas[model]["properties"]["since"]["anyOf"][0]
        assert since["format"] == "date-time"
        assert "RFC 3339" in since["description"]


def test_cli_from_log_takes_rfc3339_and_refuses_the_rest(
    client: TestClient, store_settings: Settings
) -> None:
    runner = CliRunner(env={"ELIGIBILITY_DATA_DIR": str(store_settings.data_dir)})
    window = _window(1, "offset")
    args = ["cases", "from-log", "--suite", "cli", "--database-url", store_settings.store_url]
    taken = runner.invoke(main, [*args, "--since", window["since"], "--until", window["until"]])
    assert taken.exit_code == 0, taken.output
    assert "decision log: 1 decisions" in taken.output
    refused = runner.invoke(main, [*args, "--since", "2026-12-01 10:00"])
    assert refused.exit_code == 2
    assert "--since" in refused.output and "RFC 3339" in refused.output
