"""The decision log: what it records, what it hides, and that it never fails a decision."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select, update

from eligibility_service.api.app import create_app
from eligibility_service.decision_log import queries
from eligibility_service.decision_log.record import PendingDecision
from eligibility_service.decision_log.writer import DecisionLogWriter
from eligibility_service.rules.registry import Registry
from eligibility_service.settings import Settings
from eligibility_service.store.store import Store, open_store
from eligibility_service.store.tables import DecisionLogEntry

from ..tokens import bearer

EXAMPLES = Path(__file__).resolve().parents[2] / "examples" / "cases"
DEPENDENT = {
    "program": "state",
    "facts": {
        "review": {"review_date": "2024-05-15"},
        "subscriber": {"coverage_level": "individual"},
        "dependent": {"relationship": "child", "birth_date": "2010-06-07"},
    },
}


@pytest.fixture
def client(store: Store, store_settings: Settings, registry: Registry) -> Iterator[TestClient]:
    app = create_app(store_settings, registry=registry, store=store)
    with TestClient(app, headers=bearer(app.state.settings.data_dir)) as c:
        yield c


def _flush(client: TestClient) -> None:
    writer = client.app.state.decision_log  # type: ignore[attr-defined]
    assert writer.flush(10)


def test_a_decision_is_logged_with_its_version_choices_and_caller(
    client: TestClient, store: Store
) -> None:
    body = json.loads((EXAMPLES / "state-new-hire.json").read_text())
    answer = client.post(
        "/v1/decisions/new-hire-enrollment",
        json=body,
        headers={"X-Caller": "intake-system", "X-Subject-Id": "123-45-6789"},
    )
    assert answer.status_code == 200
    decision_id = answer.headers["Decision-Id"]
    _flush(client)
    logged = queries.get(store, decision_id)
    assert logged is not None
    decision = answer.json()
    # the token's client, with the caller's own label beside it (never instead of it)
    assert logged.caller == "tests (intake-system)"
    assert logged.question == "new_hire_enrollment"
    assert logged.outcome == decision["outcome"]
    assert (logged.rule_set_id, logged.rule_set_version, logged.rule_set_hash) == (
        decision["rule_set"]["id"],
        decision["rule_set"]["version"],
        decision["rule_set"]["content_hash"],
    )
    assert logged.as_of.isoformat() == decision["as_of"]
    assert [c["choice"] for c in logged.policy_choices] == [
        c["choice"] for c in decision["policy_choices"]
    ]
    assert logged.reason_codes == [r["reason_code"] for r in decision["reasons"]]
    assert logged.response == answer.content
    assert (
        logged.request["facts"]["employee"]["hire_date"] == body["facts"]["employee"]["hire_date"]
    )
    # the auditor's view over HTTP
    view = client.get(f"/v1/decision-log/decisions/{decision_id}").json()
    assert view["rule_set"]["content_hash"] == decision["rule_set"]["content_hash"]
    assert view["response"] == decision


def test_phi_is_not_stored_in_clear(client: TestClient, store: Store) -> None:
    answer = client.post(
        "/v1/decisions/dependent-eligibility",
        json=DEPENDENT,
        headers={"X-Subject-Id": "987-65-4321"},
    )
    assert answer.status_code == 200, answer.text
    _flush(client)
    with store.engine.connect() as connection:
        row = connection.execute(select(DecisionLogEntry)).one()
    stored = b"".join(
        value if isinstance(value, bytes) else str(value).encode() for value in tuple(row)
    )
    for secret in (b"2010-06-07", b"987-65-4321", b"987654321"):
        assert secret not in stored
    # ... and yet the person's decisions can be found by their identifier
    found = client.post("/v1/decision-log/search", json={"subject_id": "987654321"}).json()
    assert [d["decision_id"] for d in found] == [answer.headers["Decision-Id"]]
    assert "request" not in found[0]
    assert client.post("/v1/decision-log/search", json={"subject_id": "111"}).json() == []


def test_reproducing_a_logged_decision_gives_identical_bytes(
    client: TestClient, store: Store
) -> None:
    answer = client.post("/v1/decisions/dependent-eligibility", json=DEPENDENT)
    decision_id = answer.headers["Decision-Id"]
    _flush(client)
    result = client.post(f"/v1/decision-log/decisions/{decision_id}/reproduce").json()
    assert result == {
        "decision_id": decision_id,
        "identical": True,
        "explanation": "identical response",
    }
    # a logged response that no longer matches is reported, with the reason
    logged = queries.get(store, decision_id)
    assert logged is not None
    tampered = logged.response.replace(b'"approved"', b'"denied"')
    assert tampered != logged.response
    request_bytes = json.dumps(logged.request, sort_keys=True, separators=(",", ":")).encode()
    payload = len(request_bytes).to_bytes(4, "big") + request_bytes + tampered
    with store.engine.begin() as connection:
        connection.execute(
            update(DecisionLogEntry)
            .where(DecisionLogEntry.decision_id == decision_id)
            .values(payload=store.protector.seal(payload, "decision_log"))
        )
    result = client.post(f"/v1/decision-log/decisions/{decision_id}/reproduce").json()
    assert result["identical"] is False
    assert "engine's behaviour changed" in result["explanation"]


def test_unknown_decision_is_a_404_problem_naming_the_id(client: TestClient) -> None:
    answer = client.get("/v1/decision-log/decisions/0123")
    assert answer.status_code == 404
    assert answer.headers["content-type"] == "application/problem+json"
    assert answer.json()["errors"][0]["field"] == "decision_id"


def test_log_switched_off_records_nothing(
    store: Store, store_settings: Settings, registry: Registry
) -> None:
    app = create_app(
        store_settings.with_changes(decision_log=False), registry=registry, store=store
    )
    with TestClient(app, headers=bearer(app.state.settings.data_dir)) as c:
        answer = c.post("/v1/decisions/dependent-eligibility", json=DEPENDENT)
        assert answer.status_code == 200
        assert "Decision-Id" not in answer.headers
        assert c.get("/v1/decision-log/status").json()["enabled"] is False
    assert queries.search(store) == []


def test_an_unavailable_database_never_fails_a_decision(tmp_path: Path, registry: Registry) -> None:
    # nothing listens on port 1: every write fails
    settings = Settings(data_dir=tmp_path, database_url="postgresql://127.0.0.1:1/test")
    app = create_app(settings, registry=registry)
    with TestClient(app, headers=bearer(app.state.settings.data_dir)) as c:
        answers = [c.post("/v1/decisions/dependent-eligibility", json=DEPENDENT) for _ in range(3)]
        assert [a.status_code for a in answers] == [200, 200, 200]
        assert all(a.json()["outcome"] == "approved" for a in answers)
        deadline = time.monotonic() + 10
        status: dict[str, Any] = {}
        while time.monotonic() < deadline:
            status = c.get("/v1/decision-log/status").json()
            if status["write_failures"]:
                break
            time.sleep(0.05)
        assert status["write_failures"] >= 1
        assert status["healthy"] is False
        assert status["last_error"] and "OperationalError" in status["last_error"]
        # answered means durable: the three records wait in the fsync'd spool, not in memory
        assert status["pending"] == 0
        assert status["spool_segments"] >= 1 and status["spool_bytes"] > 0
        assert status["database_down_since"] is not None
        assert status["dropped"] == 0 and status["refused"] == 0
        assert c.get("/ready").json()["decision_log"]["write_failures"] >= 1


def test_a_full_queue_drops_and_counts(tmp_path: Path) -> None:
    settings = Settings(data_dir=tmp_path, database_url="postgresql://127.0.0.1:1/test")
    writer = DecisionLogWriter(open_store(settings), max_pending=2, flush_seconds=60)
    pending = PendingDecision("x", None, "c", None, {}, {}, b"", 0)  # type: ignore[arg-type]
    for _ in range(5):
        writer.record(pending)
    assert writer.status()["dropped"] == 3
    writer.close(timeout=0.1)
    assert writer.status()["dropped"] == 5


def test_overlong_log_headers_are_refused_by_name(client: TestClient) -> None:
    answer = client.post(
        "/v1/decisions/dependent-eligibility", json=DEPENDENT, headers={"X-Caller": "x" * 201}
    )
    assert answer.status_code == 422
    assert answer.json()["errors"][0]["field"] == "X-Caller"
    answer = client.post(
        "/v1/decisions/dependent-eligibility",
        json=DEPENDENT,
        headers={"X-Subject-Id": "1" * 101},
    )
    assert answer.status_code == 422
    assert answer.json()["errors"][0]["field"] == "X-Subject-Id"


def test_a_search_while_the_database_is_down_is_a_503_not_a_500(
    tmp_path: Path, registry: Registry
) -> None:
    settings = Settings(data_dir=tmp_path, database_url="postgresql://127.0.0.1:1/test")
    app = create_app(settings, registry=registry)
    with TestClient(app, headers=bearer(app.state.settings.data_dir)) as c:
        answer = c.post("/v1/decision-log/search", json={"question": "new_hire_enrollment"})
        assert answer.status_code == 503, answer.text
        assert answer.headers["content-type"].startswith("application/problem+json")
        assert answer.headers["retry-after"] == "5"
        assert "127.0.0.1" not in answer.text  # no connection string, no statement


def test_a_full_spool_refuses_decisions_and_ready_warns_before(
    tmp_path: Path, registry: Registry
) -> None:
    """The database is down, so the spool only grows: /ready turns 503 at 80 % of its bound,
    and at 100 % decisions are refused with 503 instead of answered without a record."""
    settings = Settings(
        data_dir=tmp_path,
        database_url="postgresql://127.0.0.1:1/test",
        decision_log_spool_max_bytes=1 << 20,
    )
    app = create_app(settings, registry=registry)
    with TestClient(app, headers=bearer(app.state.settings.data_dir)) as c:
        statuses: list[int] = []
        ready_codes: list[int] = []
        for _ in range(400):
            statuses.append(
                c.post("/v1/decisions/dependent-eligibility", json=DEPENDENT).status_code
            )
            ready_codes.append(c.get("/ready").status_code)
            if statuses[-1] == 503:
                break
        assert statuses[0] == 200 and statuses[-1] == 503, statuses[-3:]
        first_not_ready = ready_codes.index(503)
        assert first_not_ready < len(statuses) - 1  # /ready warned before the refusals began
        refused = c.post("/v1/decisions/dependent-eligibility", json=DEPENDENT)
        assert refused.status_code == 503 and refused.headers["retry-after"] == "5"
        assert "Decision-Id" not in refused.headers
        log = c.get("/v1/decision-log/status").json()
        assert log["refused"] >= 2 and log["spool_bytes"] >= 1 << 20
        assert log["ready"] is False and "spool holds" in log["not_ready_because"]
