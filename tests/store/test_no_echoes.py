"""No answer, log line or stored column repeats what a caller sent: not a path parameter (an
unknown rule-set id or version), not a name the service does not have (a policy choice, a
suite, a case id), not a client's file name. Sent values may be PHI; the echo test of
test_api_http covers the fields of a decision body, these the rest."""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner
from fastapi.testclient import TestClient
from sqlalchemy import text

from eligibility_service.api.app import create_app
from eligibility_service.cli import main
from eligibility_service.rules.registry import Registry
from eligibility_service.settings import Settings
from eligibility_service.store.store import Store

from ..tokens import bearer

MARK = "Echo5551234"
ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = ROOT / "examples"


@pytest.fixture
def client(store: Store, store_settings: Settings, registry: Registry) -> Iterator[TestClient]:
    app = create_app(store_settings, registry=registry, store=store)
    with TestClient(app, headers=bearer(app.state.settings.data_dir)) as c:
        yield c


def _no_mark(response: object, status: int) -> None:
    assert response.status_code == status, response.text  # type: ignore[attr-defined]
    assert MARK not in response.text  # type: ignore[attr-defined]
    assert MARK.lower() not in response.text.lower()  # type: ignore[attr-defined]


def test_path_parameters_are_not_repeated(
    client: TestClient, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.DEBUG):
        for path, field in [
            (f"/v1/rule-sets/{MARK}", "rule_set_id"),
            (f"/v1/rule-sets/state/versions/{MARK}", "version"),
            (f"/v1/rule-sets/{MARK}/versions/2026.1", "rule_set_id"),
            (f"/v1/provisions/{MARK}", "provision_id"),
            (f"/rule-book/state/{MARK}", "version"),
            (f"/v1/rule-sets/state/diff?from={MARK}&to=2026.1", "from"),
            (f"/v1/rule-sets/state/diff?from=2026.1&to={MARK}", "to"),
        ]:
            answer = client.get(path)
            _no_mark(answer, 404)
            assert [e["field"] for e in answer.json()["errors"]] == [field], path
    ours = [r.getMessage() for r in caplog.records if r.name.startswith("eligibility_service")]
    assert ours and not any(MARK in line for line in ours)


def test_names_the_service_does_not_have_are_not_repeated(client: TestClient) -> None:
    body = json.loads((EXAMPLES / "cases" / "state-new-hire.json").read_text())
    for options, field in [
        ({"rule_set_version": MARK}, "options.rule_set_version"),
        ({"policy_choices": {MARK: "x"}}, "options.policy_choices"),
        ({"policy_choices": {"day_count_convention": MARK}}, "options.policy_choices.day_count"),
    ]:
        answer = client.post("/v1/decisions/new-hire-enrollment", json={**body, "options": options})
        _no_mark(answer, 422)
        assert answer.json()["errors"][0]["field"].startswith(field)
    _no_mark(client.post("/v1/replay", json={"suite": MARK}), 404)
    _no_mark(client.post("/v1/replay", json={"rule_set_version": MARK}), 422)


def test_case_lines_do_not_repeat_what_they_hold(client: TestClient, store: Store) -> None:
    first = json.loads((EXAMPLES / "cases" / "replay-new-hire.jsonl").read_text().splitlines()[0])
    lines = [
        {**first, "case_id": MARK},
        {**first, "case_id": MARK},  # twice in the file
        {**first, "case_id": "q", "question": MARK},
        {**first, "case_id": "s", "suites": [f"{MARK} x"]},
        {**first, "case_id": "d", "decision": {**first["decision"], "dates": {MARK: None}}},
    ]
    content = "\n".join(json.dumps(x) for x in lines).encode()
    answer = client.post("/v1/cases/import?format=jsonl&source=s", content=content)
    _no_mark(answer, 200)
    assert answer.json()["rejected"] == 4
    unnamed = client.post(
        "/v1/reconciliation/ffc",
        files={
            "plan_file": (f"{MARK}.834", b"ISA"),
            "sor_extract": (f"{MARK}.txt", b"{}"),
        },
    )
    _no_mark(unnamed, 422)
    assert unnamed.json()["errors"][0]["field"] == "sor_format"


def test_a_client_file_name_is_not_stored(client: TestClient, store: Store, tmp_path: Path) -> None:
    sample = tmp_path / "sample"
    made = CliRunner().invoke(main, ["ffc-sample", "--members", "10", "--out", str(sample)])
    assert made.exit_code == 0, made.output
    reconciliation = EXAMPLES / "reconciliation"
    runs = [
        (
            "/v1/reconciliation/ffc",
            {
                "plan_file": (f"{MARK}.834", (sample / "plan.834").read_bytes()),
                "sor_extract": (f"{MARK}.jsonl", (sample / "etf-extract.jsonl").read_bytes()),
            },
        ),
        (
            "/v1/reconciliation/monthly",
            {
                "report_file": (
                    f"{MARK}.csv",
                    (reconciliation / "monthly-report.csv").read_bytes(),
                ),
                "sor_extract": (
                    f"{MARK}.jsonl",
                    (reconciliation / "etf-extract.jsonl").read_bytes(),
                ),
            },
        ),
    ]
    for route, files in runs:
        for fmt in ("json", "csv", "html"):
            answer = client.post(f"{route}?format={fmt}", files=files)
            _no_mark(answer, 200)
    with store.engine.connect() as connection:
        stored = connection.execute(text("SELECT input_name FROM reconciliation_runs")).all()
    assert len(stored) == 6
    assert all(MARK not in row.input_name for row in stored)
