"""GET /metrics: who may read it, and that the counts move with what the service does.

Metrics are process-wide, so each test compares a scrape before with a scrape after.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from prometheus_client.parser import text_string_to_metric_families

from eligibility_service.api.app import create_app
from eligibility_service.decision_log.record import PendingDecision
from eligibility_service.decision_log.writer import DecisionLogWriter
from eligibility_service.rules.registry import Registry
from eligibility_service.settings import Settings
from eligibility_service.store.store import open_store

from .tokens import bearer

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"
DEPENDENT = {
    "program": "state",
    "facts": {
        "review": {"review_date": "2024-05-15"},
        "subscriber": {"coverage_level": "individual"},
        "dependent": {"relationship": "child", "birth_date": "2010-06-07"},
    },
}
LOG_ROUTE = "/v1/decision-log/decisions/{decision_id}"


def value(text: str, sample: str, **labels: str) -> float:
    """Sum of the samples named ``sample`` whose labels include ``labels`` (0 if none)."""
    total = 0.0
    for family in text_string_to_metric_families(text):
        for s in family.samples:
            if s.name == sample and all(s.labels.get(k) == v for k, v in labels.items()):
                total += s.value
    return total


def label_values(text: str, sample: str, label: str) -> set[str]:
    return {
        s.labels[label]
        for family in text_string_to_metric_families(text)
        for s in family.samples
        if s.name == sample and label in s.labels
    }


@pytest.fixture
def app_and_client(tmp_path: Path, registry: Registry) -> Iterator[tuple[Any, TestClient]]:
    app = create_app(Settings(data_dir=tmp_path), registry=registry)
    with TestClient(app, headers=bearer(tmp_path)) as client:
        yield app, client


@pytest.fixture
def client(app_and_client: tuple[Any, TestClient]) -> TestClient:
    return app_and_client[1]


def scrape(client: TestClient) -> str:
    answer = client.get("/metrics")
    assert answer.status_code == 200, answer.text
    assert answer.headers["content-type"].startswith("text/plain")
    return answer.text


def test_metrics_need_the_metrics_scope(tmp_path: Path, registry: Registry) -> None:
    app = create_app(Settings(data_dir=tmp_path), registry=registry)
    with TestClient(app) as client:
        anonymous = client.get("/metrics")
        assert anonymous.status_code == 401
        assert anonymous.headers["www-authenticate"].startswith("Bearer")
        decide_only = client.get("/metrics", headers=bearer(tmp_path, "decide"))
        assert decide_only.status_code == 403
        assert 'scope="metrics"' in decide_only.headers["www-authenticate"]
        allowed = client.get("/metrics", headers=bearer(tmp_path, "metrics"))
        assert allowed.status_code == 200
        assert "eligibility_rule_set_info" in allowed.text


def test_public_metrics_setting_opens_the_route(
    tmp_path: Path, registry: Registry, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("ELIGIBILITY_PUBLIC_METRICS", "on")
    monkeypatch.setenv("ELIGIBILITY_DATA_DIR", str(tmp_path))
    app = create_app(Settings.from_env(), registry=registry)
    with TestClient(app) as client:
        assert client.get("/metrics").status_code == 200
        # other routes still need their tokens
        assert client.post("/v1/decisions/dependent-eligibility", json=DEPENDENT).status_code == 401
    # the document says so: the operation also accepts no token
    security = app.openapi()["paths"]["/metrics"]["get"]["security"]
    assert {} in security


def test_a_decision_moves_its_counter_and_its_route_histograms(client: TestClient) -> None:
    route = "/v1/decisions/dependent-eligibility"
    labels = {"question": "dependent_eligibility", "program": "state", "outcome": "approved"}
    before = scrape(client)
    for _ in range(3):
        answer = client.post(route, json=DEPENDENT)
        assert answer.status_code == 200 and answer.json()["outcome"] == "approved"
    size = len(answer.content)
    after = scrape(client)
    assert (
        value(after, "eligibility_decisions_total", **labels)
        - value(before, "eligibility_decisions_total", **labels)
        == 3
    )
    other = {**labels, "outcome": "denied"}
    assert value(after, "eligibility_decisions_total", **other) == value(
        before, "eligibility_decisions_total", **other
    )
    for name in (
        "eligibility_http_request_duration_seconds_count",
        "eligibility_http_response_size_bytes_count",
    ):
        moved = value(after, name, route=route, method="POST") - value(
            before, name, route=route, method="POST"
        )
        assert moved == 3, name
    sent = value(after, "eligibility_http_response_size_bytes_sum", route=route) - value(
        before, "eligibility_http_response_size_bytes_sum", route=route
    )
    assert sent == 3 * size
    requests = "eligibility_http_requests_total"
    assert (
        value(after, requests, route=route, status="200")
        - value(before, requests, route=route, status="200")
        == 3
    )


def test_routes_are_labelled_by_template_never_by_path(client: TestClient) -> None:
    ids = ["0123456789abcdef0123456789abcdef", "fedcba9876543210fedcba9876543210"]
    for decision_id in ids:
        assert client.get(f"/v1/decision-log/decisions/{decision_id}").status_code == 404
    client.get("/no/such/path/12345")
    # refused before routing: still its route's template
    assert TestClient(client.app).get(f"/v1/decision-log/decisions/{ids[0]}").status_code == 401
    text = scrape(client)
    routes = label_values(text, "eligibility_http_requests_total", "route")
    assert LOG_ROUTE in routes and "unmatched" in routes
    assert not any(i in text for i in ids)
    assert not any("12345" in r for r in routes)
    assert value(text, "eligibility_http_requests_total", route=LOG_ROUTE, status="404") >= 2
    assert value(text, "eligibility_http_requests_total", route=LOG_ROUTE, status="401") >= 1


def test_rule_sets_loaded_are_an_info_metric(
    app_and_client: tuple[Any, TestClient], registry: Registry
) -> None:
    app, client = app_and_client
    text = scrape(client)
    found = {
        (s.labels["rule_set"], s.labels["version"], s.labels["status"], s.labels["content_hash"])
        for family in text_string_to_metric_families(text)
        for s in family.samples
        if s.name == "eligibility_rule_set_info"
    }
    expected = {
        (rs.id, rs.version, rs.manifest.status, rs.content_hash)
        for versions in registry.rule_sets.values()
        for rs in versions.values()
    }
    assert found == expected and ("state", "2026.1") in {f[:2] for f in found}
    # read from the app at scrape time: a registry that replaces it is what the scrape shows
    app.state.registry = Registry.build(registry.rule_sets["local"].values(), registry.provisions)
    shown = label_values(scrape(client), "eligibility_rule_set_info", "rule_set")
    assert shown == {"local"}


def test_reconciliation_runs_are_counted_by_kind(client: TestClient) -> None:
    reconciliation = EXAMPLES / "reconciliation"
    before = scrape(client)
    monthly = client.post(
        "/v1/reconciliation/monthly",
        files={
            "report_file": ("report.csv", (reconciliation / "monthly-report.csv").read_bytes()),
            "sor_extract": ("etf.jsonl", (reconciliation / "etf-extract.jsonl").read_bytes()),
        },
    )
    assert monthly.status_code == 200, monthly.text
    exceptions = monthly.json()["exceptions"]
    bad = client.post(
        "/v1/reconciliation/ffc",
        files={
            "plan_file": ("x.834", b"not an 834"),
            "sor_extract": ("etf.jsonl", (reconciliation / "etf-extract.jsonl").read_bytes()),
        },
    )
    assert bad.status_code == 422
    after = scrape(client)
    runs = "eligibility_reconciliation_runs_total"

    def moved(name: str, **labels: str) -> float:
        return value(after, name, **labels) - value(before, name, **labels)

    assert moved(runs, kind="monthly", result="ok") == 1
    assert moved(runs, kind="ffc", result="rejected") == 1
    assert moved(runs, kind="ffc", result="ok") == 0
    assert exceptions, "the monthly example reports exceptions"
    assert moved("eligibility_reconciliation_exceptions_total", kind="monthly") == len(exceptions)
    for category in {e["category"] for e in exceptions}:
        assert moved(
            "eligibility_reconciliation_exceptions_total", kind="monthly", category=category
        ) == sum(e["category"] == category for e in exceptions)


def test_ffc_runs_are_counted(client: TestClient, tmp_path: Path) -> None:
    from click.testing import CliRunner

    from eligibility_service.cli import main

    out = tmp_path / "sample"
    made = CliRunner().invoke(
        main, ["ffc-sample", "--members", "60", "--seed", "3", "--out", str(out)]
    )
    assert made.exit_code == 0, made.output
    before = scrape(client)
    answer = client.post(
        "/v1/reconciliation/ffc",
        files={
            "plan_file": ("plan.834", (out / "plan.834").read_bytes()),
            "sor_extract": ("etf.jsonl", (out / "etf-extract.jsonl").read_bytes()),
        },
    )
    assert answer.status_code == 200, answer.text
    after = scrape(client)
    runs = "eligibility_reconciliation_runs_total"
    assert (
        value(after, runs, kind="ffc", result="ok") - value(before, runs, kind="ffc", result="ok")
        == 1
    )
    exceptions = "eligibility_reconciliation_exceptions_total"
    assert value(after, exceptions, kind="ffc") - value(before, exceptions, kind="ffc") == len(
        answer.json()["exceptions"]
    )


def test_decision_log_writes_are_counted(client: TestClient) -> None:
    before = scrape(client)
    for _ in range(4):
        assert client.post("/v1/decisions/dependent-eligibility", json=DEPENDENT).status_code == 200
    writer: DecisionLogWriter = client.app.state.decision_log  # type: ignore[attr-defined]
    assert writer.flush()
    after = scrape(client)
    written = "eligibility_decision_log_written_total"
    assert value(after, written) - value(before, written) == 4
    assert value(after, "eligibility_decision_log_pending") == value(
        before, "eligibility_decision_log_pending"
    )


def test_decision_log_failures_queue_and_losses_are_counted(
    tmp_path: Path, client: TestClient
) -> None:
    # nothing listens on port 1 (and these stand-in records could not be rows anyway):
    # every write fails
    settings = Settings(data_dir=tmp_path, database_url="postgresql://127.0.0.1:1/test")
    before = scrape(client)
    writer = DecisionLogWriter(open_store(settings), max_pending=3, flush_seconds=0.01)
    pending = PendingDecision("x", None, "c", None, {}, {}, b"", 0)  # type: ignore[arg-type]
    for _ in range(5):
        writer.record(pending)
    deadline = time.monotonic() + 10
    while not writer.status()["write_failures"] and time.monotonic() < deadline:
        time.sleep(0.02)
    during = scrape(client)
    writer.close(timeout=0.1)
    after = scrape(client)

    def moved(text: str, name: str) -> float:
        return value(text, name) - value(before, name)

    assert moved(during, "eligibility_decision_log_write_failures_total") >= 1
    assert moved(during, "eligibility_decision_log_pending") == 3  # kept for the next try
    assert moved(after, "eligibility_decision_log_dropped_total") == 5  # 2 full, 3 at stop
    assert moved(after, "eligibility_decision_log_pending") == 0
    assert moved(after, "eligibility_decision_log_written_total") == 0
