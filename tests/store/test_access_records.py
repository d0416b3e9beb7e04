"""Access records: every read (and write) of health data through the API leaves exactly one,
naming the client, the operation, the ids and the outcome, and holding no health data; the
table refuses updates and deletes; auditors search it with their own scope."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from fastapi.testclient import TestClient
from sqlalchemy import select, text
from sqlalchemy.exc import DBAPIError

from eligibility_service.access_log import queries
from eligibility_service.access_log.queries import AccessQuery
from eligibility_service.access_log.record import (
    AccessNotRecorded,
    AccessRecord,
    Action,
    Outcome,
    write,
)
from eligibility_service.api.app import create_app
from eligibility_service.cli import main
from eligibility_service.rules.registry import Registry
from eligibility_service.settings import Settings
from eligibility_service.store.store import Store
from eligibility_service.store.tables import AccessRecordRow

from ..tokens import bearer

RECONCILIATION = Path(__file__).resolve().parents[2] / "examples" / "reconciliation"

# distinctive values that must never reach an access record
SSN = "987-65-4321"
BIRTH_DATE = "2011-03-17"
DEPENDENT = {
    "program": "state",
    "facts": {
        "review": {"review_date": "2024-05-15"},
        "subscriber": {"coverage_level": "individual"},
        "dependent": {"relationship": "child", "birth_date": BIRTH_DATE},
    },
}
CASE_LINE = json.dumps(
    {
        "case_id": "dep-2024-001",
        "question": "dependent_eligibility",
        "program": "state",
        "facts": DEPENDENT["facts"],
        "decision": {"outcome": "approved"},
    }
)


@pytest.fixture
def app(store: Store, store_settings: Settings, registry: Registry) -> Any:
    return create_app(store_settings, registry=registry, store=store)


@pytest.fixture
def client(app: Any) -> Iterator[TestClient]:
    with TestClient(app, headers=bearer(app.state.settings.data_dir, client_id="auditor-7")) as c:
        yield c


def _rows(store: Store) -> list[dict[str, Any]]:
    with store.engine.connect() as connection:
        return [dict(r._mapping) for r in connection.execute(select(AccessRecordRow))]


def _records(store: Store) -> list[AccessRecord]:
    return queries.search(store, AccessQuery(limit=10_000)).records


def _decide(client: TestClient) -> str:
    answer = client.post(
        "/v1/decisions/dependent-eligibility", json=DEPENDENT, headers={"X-Subject-Id": SSN}
    )
    assert answer.status_code == 200, answer.text
    assert client.app.state.decision_log.flush(10)  # type: ignore[attr-defined]
    return answer.headers["Decision-Id"]


def _only(store: Store) -> AccessRecord:
    found = _records(store)
    assert len(found) == 1, [r.as_dict() for r in found]
    return found[0]


# -- each PHI endpoint leaves exactly one record ----------------------------------------------


def test_reading_a_logged_decision_is_recorded(client: TestClient, store: Store) -> None:
    decision_id = _decide(client)
    assert _records(store) == []  # deciding is not a read of health data
    answer = client.get(
        f"/v1/decision-log/decisions/{decision_id}",
        headers={"X-Request-Id": "req-123", "X-Caller": "privacy-office"},
    )
    assert answer.status_code == 200
    assert answer.json()["request"]["facts"]["dependent"]["birth_date"] == BIRTH_DATE
    record = _only(store)
    assert record.client_id == "auditor-7"
    assert record.caller == "privacy-office"
    assert record.action is Action.DECISION_READ
    assert record.kind.value == "read"
    assert (record.method, record.route) == ("GET", "/v1/decision-log/decisions/{decision_id}")
    assert record.resource_type.value == "decision"
    assert record.resource_ids == (decision_id,)
    assert record.resource_count == 1
    assert (record.outcome, record.status) == (Outcome.OK, 200)
    assert record.request_id == "req-123"
    assert datetime.now(UTC) - record.at < timedelta(minutes=1)


def test_a_read_of_an_unknown_decision_is_recorded_as_not_found(
    client: TestClient, store: Store
) -> None:
    missing = "0" * 32
    assert client.get(f"/v1/decision-log/decisions/{missing}").status_code == 404
    record = _only(store)
    assert record.action is Action.DECISION_READ
    assert record.resource_ids == (missing,)
    assert (record.outcome, record.status) == (Outcome.NOT_FOUND, 404)


def test_an_id_that_is_no_decision_id_is_not_kept(client: TestClient, store: Store) -> None:
    """A caller can type anything into the path, an SSN included: it must not be stored."""
    assert client.get(f"/v1/decision-log/decisions/{SSN}").status_code == 404
    record = _only(store)
    assert record.resource_ids == ()
    assert record.resource_count == 1
    assert record.detail == {"malformed_id": True}
    assert record.outcome is Outcome.NOT_FOUND
    assert SSN not in json.dumps(_rows(store), default=str)


def test_a_search_by_person_records_the_decisions_found_not_the_person(
    client: TestClient, store: Store
) -> None:
    first, second = _decide(client), _decide(client)
    found = client.post("/v1/decision-log/search", json={"subject_id": SSN})
    assert [d["decision_id"] for d in found.json()] == [first, second]
    record = _only(store)
    assert record.action is Action.DECISION_SEARCH
    assert record.route == "/v1/decision-log/search"
    assert record.resource_ids == (first, second)
    assert record.resource_count == 2
    assert record.detail == {"subject_searched": True}
    stored = json.dumps(_rows(store), default=str)
    assert SSN not in stored and SSN.replace("-", "") not in stored


def test_a_search_keeps_at_most_1000_ids_and_the_true_count(
    client: TestClient, store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    from eligibility_service.access_log import record as record_module

    monkeypatch.setattr(record_module, "MAX_IDS", 2)
    ids = [_decide(client) for _ in range(3)]
    assert len(client.post("/v1/decision-log/search", json={}).json()) == 3
    record = _only(store)
    assert record.resource_ids == tuple(ids[:2])
    assert record.resource_count == 3
    assert record.detail == {"subject_searched": False}


def test_reproducing_a_decision_is_recorded(client: TestClient, store: Store) -> None:
    decision_id = _decide(client)
    answer = client.post(f"/v1/decision-log/decisions/{decision_id}/reproduce")
    assert answer.json()["identical"] is True
    record = _only(store)
    assert record.action is Action.DECISION_REPRODUCE
    assert record.route == "/v1/decision-log/decisions/{decision_id}/reproduce"
    assert record.resource_ids == (decision_id,)
    assert record.outcome is Outcome.OK
    client.post(f"/v1/decision-log/decisions/{'f' * 32}/reproduce")
    assert [r.outcome for r in _records(store)] == [Outcome.OK, Outcome.NOT_FOUND]


def test_cases_from_the_log_and_their_replay_are_recorded(client: TestClient, store: Store) -> None:
    _decide(client)
    _decide(client)
    taken = client.post("/v1/suites/from-traffic/from-log", json={})
    assert taken.status_code == 200 and taken.json()["imported"] == 2
    record = _only(store)
    assert record.action is Action.CASES_FROM_LOG
    assert record.route == "/v1/suites/{name}/from-log"
    assert (record.resource_type.value, record.resource_ids) == ("suite", ("from-traffic",))
    assert record.resource_count == 2
    replayed = client.post("/v1/replay?format=junit", json={"suite": "from-traffic"})
    assert replayed.status_code == 200
    record = _records(store)[-1]
    assert record.action is Action.REPLAY
    assert record.resource_ids == ("from-traffic",)
    assert record.resource_count == 2
    assert record.detail == {"all_cases": False, "format": "junit"}
    # every stored case
    assert client.post("/v1/replay", json={}).status_code == 200
    record = _records(store)[-1]
    assert (record.resource_ids, record.resource_count) == ((), 2)
    assert record.detail["all_cases"] is True


def test_importing_cases_is_recorded_as_a_write(client: TestClient, store: Store) -> None:
    answer = client.post(
        "/v1/cases/import?suite=uploaded&format=jsonl", content=(CASE_LINE + "\n").encode()
    )
    assert answer.status_code == 200, answer.text
    record = _only(store)
    assert record.action is Action.CASES_IMPORT
    assert record.kind.value == "write"
    assert record.resource_ids == ("uploaded",)
    assert record.resource_count == 1
    assert record.detail == {"read": 1, "already_stored": 0, "rejected": 0}
    assert (record.outcome, record.status) == (Outcome.OK, 200)
    # a file of which nothing was usable was still read: recorded, as rejected
    rejected = client.post("/v1/cases/import?suite=uploaded&format=jsonl", content=b"[1]\n")
    assert rejected.status_code == 422
    record = _records(store)[-1]
    assert (record.outcome, record.status, record.resource_count) == (Outcome.REJECTED, 422, 0)


def test_suites_list_and_requests_refused_before_any_health_data_leave_no_record(
    client: TestClient, store: Store
) -> None:
    assert client.get("/v1/suites").status_code == 200
    assert client.post("/v1/decision-log/search", json={"limit": 0}).status_code == 422
    assert client.post("/v1/suites/no%20spaces/from-log", json={}).status_code == 422
    assert client.post("/v1/cases/import?format=jsonl", content=b"").status_code == 422
    assert client.post("/v1/replay", json={"suite": "nope"}).status_code == 404
    assert client.get("/v1/access-records?since=yesterday").status_code == 422
    overlong = client.get(f"/v1/decision-log/decisions/{'0' * 32}", headers={"X-Caller": "x" * 201})
    assert overlong.status_code == 422
    assert overlong.json()["errors"][0]["field"] == "X-Caller"
    assert _records(store) == []


def test_the_request_id_set_by_middleware_is_recorded(app: Any, store: Store) -> None:
    """A request-id middleware puts its id in the request's state; it wins over the header."""

    async def with_request_id(scope: Any, receive: Any, send: Any) -> None:
        scope.setdefault("state", {})["request_id"] = "from-middleware"
        await app(scope, receive, send)

    headers = {**bearer(app.state.settings.data_dir), "X-Request-Id": "from-caller"}
    client = TestClient(with_request_id, headers=headers)
    assert client.get(f"/v1/decision-log/decisions/{'0' * 32}").status_code == 404
    assert _only(store).request_id == "from-middleware"


@pytest.fixture(scope="module")
def ffc_sample(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("ffc")
    result = CliRunner().invoke(
        main, ["ffc-sample", "--members", "200", "--seed", "5", "--out", str(out)]
    )
    assert result.exit_code == 0, result.output
    return out


def _ffc_files(sample: Path) -> dict[str, tuple[str, bytes]]:
    return {
        "plan_file": ("plan.834", (sample / "plan.834").read_bytes()),
        "sor_extract": ("etf.jsonl", (sample / "etf-extract.jsonl").read_bytes()),
    }


def _monthly_files() -> dict[str, tuple[str, bytes]]:
    return {
        "report_file": ("report.csv", (RECONCILIATION / "monthly-report.csv").read_bytes()),
        "sor_extract": ("etf.jsonl", (RECONCILIATION / "etf-extract.jsonl").read_bytes()),
    }


def test_reconciliation_runs_are_recorded_with_their_run_id(
    client: TestClient, store: Store, ffc_sample: Path
) -> None:
    ffc = client.post("/v1/reconciliation/ffc?format=csv", files=_ffc_files(ffc_sample))
    assert ffc.status_code == 200
    record = _only(store)
    assert record.action is Action.RECONCILIATION_FFC
    assert record.resource_type.value == "reconciliation-run"
    assert record.resource_count == len(list(csv.DictReader(io.StringIO(ffc.text)))) > 0
    assert record.detail == {"format": "csv"}
    assert len(record.resource_ids) == 1
    monthly = client.post("/v1/reconciliation/monthly", files=_monthly_files())
    assert monthly.status_code == 200
    record = _records(store)[-1]
    assert record.action is Action.RECONCILIATION_MONTHLY
    assert record.resource_ids == (monthly.json()["run_id"],)
    assert record.resource_count == len(monthly.json()["exceptions"]) == 2
    # without history there is no run id; the access is recorded all the same
    unrecorded = client.post(
        "/v1/reconciliation/monthly", files=_monthly_files(), data={"history": "false"}
    )
    assert unrecorded.status_code == 200 and unrecorded.json()["run_id"] == ""
    record = _records(store)[-1]
    assert (record.resource_ids, record.resource_count) == ((), 2)
    # an input that cannot be used was read all the same: recorded, as rejected
    files = {**_ffc_files(ffc_sample), "plan_file": ("x.834", b"not an 834")}
    bad = client.post("/v1/reconciliation/ffc", files=files)
    assert bad.status_code == 422
    assert _records(store)[-1].outcome is Outcome.REJECTED


# -- refused callers leave nothing ------------------------------------------------------------


def _phi_calls(decision_id: str, sample: Path) -> list[tuple[str, str, dict[str, Any]]]:
    return [
        ("GET", f"/v1/decision-log/decisions/{decision_id}", {}),
        ("POST", "/v1/decision-log/search", {"json": {"subject_id": SSN}}),
        ("POST", f"/v1/decision-log/decisions/{decision_id}/reproduce", {}),
        ("POST", "/v1/suites/from-traffic/from-log", {"json": {}}),
        ("POST", "/v1/replay", {"json": {}}),
        ("POST", "/v1/cases/import?suite=s&format=jsonl", {"content": CASE_LINE.encode()}),
        ("POST", "/v1/reconciliation/ffc", {"files": _ffc_files(sample)}),
        ("POST", "/v1/reconciliation/monthly", {"files": _monthly_files()}),
        ("GET", "/v1/access-records", {}),
    ]


def test_refused_callers_leave_no_record(
    app: Any, client: TestClient, store: Store, ffc_sample: Path
) -> None:
    decision_id = _decide(client)
    anonymous = TestClient(app)
    wrong_scope = bearer(app.state.settings.data_dir, "decide", "rules:read")
    for method, path, kwargs in _phi_calls(decision_id, ffc_sample):
        assert anonymous.request(method, path, **kwargs).status_code == 401, path
        refused = anonymous.request(method, path, headers=wrong_scope, **kwargs)
        assert refused.status_code == 403, path
    assert _records(store) == []
    # the same calls with a token: one record each
    for method, path, kwargs in _phi_calls(decision_id, ffc_sample):
        assert client.request(method, path, **kwargs).status_code == 200, path
    assert [r.action for r in _records(store)] == [
        Action.DECISION_READ,
        Action.DECISION_SEARCH,
        Action.DECISION_REPRODUCE,
        Action.CASES_FROM_LOG,
        Action.REPLAY,
        Action.CASES_IMPORT,
        Action.RECONCILIATION_FFC,
        Action.RECONCILIATION_MONTHLY,
        Action.ACCESS_SEARCH,
    ]
    assert {r.client_id for r in _records(store)} == {"auditor-7"}


# -- no PHI in the records --------------------------------------------------------------------


def test_access_records_hold_no_health_data(
    client: TestClient, store: Store, ffc_sample: Path
) -> None:
    decision_id = _decide(client)
    for method, path, kwargs in _phi_calls(decision_id, ffc_sample):
        assert client.request(method, path, **kwargs).status_code == 200, path
    client.get(f"/v1/decision-log/decisions/{SSN}")
    rows = _rows(store)
    assert len(rows) == 10
    stored = json.dumps(rows, default=str)
    secrets = {SSN, SSN.replace("-", ""), BIRTH_DATE}
    for extract in (ffc_sample / "etf-extract.jsonl", RECONCILIATION / "etf-extract.jsonl"):
        for line in extract.read_text().splitlines():
            for member in json.loads(line)["members"]:
                secrets |= {member["ssn"], member["birth_date"], member["last_name"]}
                secrets |= {member["first_name"]}
    secrets.discard("")
    assert len(secrets) > 50
    leaked = sorted(s for s in secrets if s and s in stored)
    assert leaked == []


# -- append-only ------------------------------------------------------------------------------


def _one_record(store: Store) -> AccessRecord:
    record = AccessRecord(
        action=Action.DECISION_READ,
        client_id="someone",
        method="GET",
        route="/v1/decision-log/decisions/{decision_id}",
        outcome=Outcome.OK,
        status=200,
        resource_ids=("a" * 32,),
        resource_count=1,
    )
    write(store, record)
    return record


@pytest.mark.parametrize(
    "statement",
    [
        "UPDATE access_records SET client_id = 'someone else'",
        "UPDATE access_records SET outcome = 'ok', status = 200 WHERE id IS NOT NULL",
        "DELETE FROM access_records WHERE client_id = 'someone'",
        "DELETE FROM access_records",
    ],
)
def test_access_records_cannot_be_changed_or_deleted(store: Store, statement: str) -> None:
    record = _one_record(store)
    with pytest.raises(DBAPIError, match="append-only"), store.engine.begin() as connection:
        connection.execute(text(statement))
    assert _records(store) == [record]


def test_access_records_cannot_be_truncated_on_postgresql(store: Store) -> None:
    record = _one_record(store)
    if store.engine.dialect.name == "sqlite":
        assert store.engine.dialect.name == "sqlite"  # SQLite has no TRUNCATE statement
        return
    with pytest.raises(DBAPIError, match="append-only"), store.engine.begin() as connection:
        connection.execute(text("TRUNCATE access_records"))
    assert _records(store) == [record]


def test_a_duplicate_record_id_is_refused_not_overwritten(store: Store) -> None:
    record = _one_record(store)
    with pytest.raises(AccessNotRecorded):
        write(store, replace(record, client_id="forger"))
    assert _records(store) == [record]


# -- fail closed ------------------------------------------------------------------------------


def test_no_record_no_answer(client: TestClient, store: Store) -> None:
    """If the record cannot be written the health data is withheld (503), not sent."""
    decision_id = _decide(client)
    with store.engine.begin() as connection:
        connection.execute(text("ALTER TABLE access_records RENAME TO access_records_away"))
    try:
        answer = client.get(f"/v1/decision-log/decisions/{decision_id}")
        searched = client.post("/v1/decision-log/search", json={"subject_id": SSN})
    finally:
        with store.engine.begin() as connection:
            connection.execute(text("ALTER TABLE access_records_away RENAME TO access_records"))
    for refused in (answer, searched):
        assert refused.status_code == 503
        assert refused.headers["content-type"] == "application/problem+json"
        assert "could not be recorded" in refused.json()["detail"]
        assert BIRTH_DATE not in refused.text and "facts" not in refused.text
    assert _records(store) == []


def test_an_unavailable_store_withholds_reconciliation_reports(
    tmp_path: Path, registry: Registry
) -> None:
    settings = Settings(data_dir=tmp_path, database_url="postgresql://127.0.0.1:1/test")
    app = create_app(settings, registry=registry)
    with TestClient(app, headers=bearer(app.state.settings.data_dir)) as c:
        answer = c.post(
            "/v1/reconciliation/monthly", files=_monthly_files(), data={"history": "false"}
        )
        assert answer.status_code == 503
        assert "could not be recorded" in answer.json()["detail"]
        assert "exceptions" not in answer.text


# -- the auditors' search ---------------------------------------------------------------------


def _seed(store: Store) -> list[AccessRecord]:
    start = datetime(2020, 12, 1, 9, 0, tzinfo=UTC)
    made = [
        AccessRecord(
            action=action,
            client_id=client_id,
            method="GET",
            route="/r",
            outcome=outcome,
            status=200 if outcome is Outcome.OK else 404,
            resource_ids=ids,
            resource_count=len(ids),
            at=start + timedelta(hours=hour),
        )
        for hour, (client_id, action, outcome, ids) in enumerate(
            [
                ("claims", Action.DECISION_READ, Outcome.OK, ("a" * 32,)),
                ("claims", Action.DECISION_SEARCH, Outcome.OK, ("a" * 32, "b" * 32)),
                ("testers", Action.REPLAY, Outcome.OK, ("history",)),
                ("claims", Action.DECISION_READ, Outcome.NOT_FOUND, ("c" * 32,)),
                ("testers", Action.CASES_IMPORT, Outcome.OK, ("history_2",)),
            ]
        )
    ]
    for record in made:
        write(store, record)
    return made


def test_the_search_filters_and_is_itself_recorded(app: Any, store: Store) -> None:
    made = _seed(store)
    auditor = TestClient(app, headers=bearer(app.state.settings.data_dir, "audit:read"))

    def ids(**params: Any) -> list[str]:
        answer = auditor.get("/v1/access-records", params=params)
        assert answer.status_code == 200, answer.text
        return [r["id"] for r in answer.json()["records"] if r["client_id"] != "tests"]

    every = [r.record_id for r in made]
    assert ids(until="2020-12-02") == every
    assert ids(client_id="claims", until="2020-12-02") == [every[0], every[1], every[3]]
    assert ids(action="decision-log.read") == [every[0], every[3]]
    assert ids(outcome="not_found") == [every[3]]
    assert ids(kind="write") == [every[4]]
    assert ids(resource_id="a" * 32) == every[:2]
    assert ids(resource_id="history") == [every[2]]  # an exact id, not a prefix
    assert ids(resource_id="hist%") == []  # LIKE wildcards are plain characters
    assert ids(since="2020-12-01T10:00:00Z", until="2020-12-01T12:00:00Z") == every[1:3]
    # the same instants in another zone
    assert ids(since="2020-12-01T04:00:00-06:00", until="2020-12-01T06:00:00-06:00") == every[1:3]
    page = auditor.get("/v1/access-records", params={"limit": 2, "until": "2020-12-02"}).json()
    assert [r["id"] for r in page["records"]] == every[:2] and page["more"] is True
    assert page["records"][0] == {**made[0].as_dict(), "at": "2020-12-01T09:00:00+00:00"}
    # every search above was recorded, with the filters' names and never their values
    searches = [r for r in _records(store) if r.action is Action.ACCESS_SEARCH]
    assert len(searches) == 11
    assert {r.client_id for r in searches} == {"tests"}
    assert searches[1].detail == {"filters": "client_id,until"}
    assert searches[-1].resource_count == 2
    assert "claims" not in json.dumps([r.as_dict() for r in searches])


def test_the_search_needs_the_audit_scope(app: Any, store: Store) -> None:
    data_dir = app.state.settings.data_dir
    anonymous = TestClient(app)
    assert anonymous.get("/v1/access-records").status_code == 401
    refused = anonymous.get("/v1/access-records", headers=bearer(data_dir, "decision-log:read"))
    assert refused.status_code == 403
    assert 'scope="audit:read"' in refused.headers["www-authenticate"]
    allowed = anonymous.get("/v1/access-records", headers=bearer(data_dir, "audit:read"))
    assert allowed.status_code == 200
    assert len(_records(store)) == 1


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"since": "yesterday"}, "since"),
        ({"until": "1700000000"}, "until"),
        ({"since": "2020-12-02", "until": "2020-12-01"}, "until"),
        ({"limit": "0"}, "limit"),
        ({"limit": "1001"}, "limit"),
        ({"action": "decision-log.delete"}, "action"),
        ({"outcome": "fine"}, "outcome"),
        ({"client_id": "x" * 201}, "client_id"),
        ({"client_id": "a\x00b"}, "client_id"),
        ({"resource_id": "not an id"}, "resource_id"),
    ],
)
def test_bad_search_parameters_are_422_naming_the_field(
    client: TestClient, store: Store, params: dict[str, str], field: str
) -> None:
    answer = client.get("/v1/access-records", params=params)
    assert answer.status_code == 422
    assert answer.headers["content-type"] == "application/problem+json"
    assert [e["field"] for e in answer.json()["errors"]] == [field]
    for value in params.values():
        assert value not in json.dumps(answer.json()["errors"])
    assert _records(store) == []


# -- the command line -------------------------------------------------------------------------


def test_cli_lists_and_filters_access_records(store: Store, store_settings: Settings) -> None:
    made = _seed(store)
    env = {"ELIGIBILITY_DATA_DIR": str(store_settings.data_dir)}
    url = store_settings.store_url
    runner = CliRunner()
    as_json = runner.invoke(
        main,
        ["access-records", "--database-url", url, "--client-id", "testers", "--format", "json"],
        env=env,
    )
    assert as_json.exit_code == 0, as_json.output
    page = json.loads(as_json.stdout)
    assert [r["id"] for r in page["records"]] == [made[2].record_id, made[4].record_id]
    assert page["more"] is False
    as_text = runner.invoke(
        main,
        ["access-records", "--database-url", url, "--since", "2020-12-01T12:00:00+00:00"],
        env=env,
    )
    assert as_text.exit_code == 0, as_text.output
    lines = as_text.stdout.splitlines()
    assert len(lines) == 2
    assert lines[0].startswith("2020-12-01T12:00:00+00:00\tclaims\tdecision-log.read\tnot_found")
    assert "c" * 32 in lines[0]
    bad = runner.invoke(main, ["access-records", "--database-url", url, "--since", "soon"], env=env)
    assert bad.exit_code == 2
    assert "--since" in bad.output and "soon" not in bad.output
