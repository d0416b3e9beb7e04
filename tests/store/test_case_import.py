"""Importing historical cases: each bad line reported by number and field, good lines kept."""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

from click.testing import CliRunner
from fastapi.testclient import TestClient

from eligibility_service.api.app import create_app
from eligibility_service.cases import repository
from eligibility_service.cases.importer import import_stream
from eligibility_service.cli import main
from eligibility_service.rules.registry import Registry
from eligibility_service.settings import Settings
from eligibility_service.store.store import Store

from ..tokens import bearer

EXAMPLES = Path(__file__).resolve().parents[2] / "examples" / "cases"


def _good(case_id: str, **changes: Any) -> dict[str, Any]:
    record = json.loads((EXAMPLES / "replay-new-hire.jsonl").read_text().splitlines()[0])
    record["case_id"] = case_id
    record.update(changes)
    return record


def _jsonl(*lines: Any) -> io.BytesIO:
    text = "\n".join(x if isinstance(x, str) else json.dumps(x) for x in lines) + "\n"
    return io.BytesIO(text.encode())


def test_bad_lines_are_reported_by_number_and_good_ones_imported(store: Store) -> None:
    bad_fact = _good("c4")
    bad_fact["facts"]["employee"]["hire_date"] = "15/01/2024"
    unknown_date = _good("c5")
    unknown_date["decision"]["dates"] = {"retirement_date": "2024-01-01"}
    stream = _jsonl(
        _good("c1"),
        "{not json",
        _good("c3", question="no_such_question"),
        bad_fact,
        unknown_date,
        "",  # blank lines are skipped but still counted as lines
        _good("c1"),  # the same id twice in one file
        _good("c8", decision={"outcome": "maybe"}),
        _good("c9", suites=["extra suite"]),
        _good("c10", suites=["second"]),
    )
    report = import_stream(store, stream, "jsonl", "history.jsonl", ["first"])
    assert (report.read, report.imported, report.rejected) == (9, 2, 7)
    assert [(e.line, e.field) for e in report.errors] == [
        (2, "(line)"),
        (3, "question"),
        (4, "facts.employee.hire_date"),
        (5, "decision.dates"),  # a name not of ours is not repeated
        (7, "case_id"),
        (8, "decision.outcome"),
        (9, "suites"),
    ]
    assert "YYYY-MM-DD" in report.errors[2].message
    suites = {s.name: s.cases for s in repository.list_suites(store)}
    assert suites == {"first": 2, "second": 1}


def test_importing_the_same_file_again_adds_nothing_but_tags(store: Store) -> None:
    data = (EXAMPLES / "replay-new-hire.jsonl").read_bytes()
    first = import_stream(store, io.BytesIO(data), "jsonl", "f", ["a"])
    again = import_stream(store, io.BytesIO(data), "jsonl", "f", ["b"])
    assert first.imported == 216 and first.rejected == 0
    assert (again.imported, again.already_stored) == (0, 216)
    assert repository.count_cases(store, None) == 216
    assert {s.name: s.cases for s in repository.list_suites(store)} == {"a": 216, "b": 216}


def test_csv_and_jsonl_forms_store_the_same_cases(store: Store) -> None:
    csv_report = import_stream(
        store, (EXAMPLES / "replay-new-hire.csv").open("rb"), "csv", "csv", ["csv"]
    )
    assert csv_report.rejected == 0, csv_report.errors[:3]
    assert csv_report.imported == 216
    from_csv = {c.case_id: c for c in repository.stream_cases(store, "csv")}
    lines = (EXAMPLES / "replay-new-hire.jsonl").read_text().splitlines()
    for line in lines[:40]:
        record = json.loads(line)
        stored = from_csv[record["case_id"]]
        request = json.loads(repository.open_request(store, stored))
        for group, facts in record["facts"].items():
            for name, value in facts.items():
                if value not in (None, []):
                    assert request["facts"][group][name] == value, (record["case_id"], name)
        assert stored.decision.outcome == record["decision"]["outcome"]
        assert stored.decision.reason_codes == record["decision"]["reason_codes"]
        assert stored.decision.dates == record["decision"]["dates"]


def test_csv_cells_of_the_wrong_type_name_their_column(store: Store) -> None:
    text = (
        "case_id,question,program,outcome,fact.employee.hire_date,fact.employee.is_teacher,"
        "fact.employee.expected_annual_hours\n"
        "a,new_hire_enrollment,state,approved,2024-01-15,maybe,2080\n"
        "b,new_hire_enrollment,state,approved,2024-01-15,false,lots\n"
        "c,new_hire_enrollment,state,approved,2024-01-15,no,1000.5\n"
    )
    report = import_stream(store, io.BytesIO(text.encode()), "csv", "x.csv")
    assert [(e.line, e.field) for e in report.errors] == [
        (2, "fact.employee.is_teacher"),
        (3, "fact.employee.expected_annual_hours"),
    ]
    assert report.imported == 1
    (case,) = list(repository.stream_cases(store, None))
    facts = json.loads(repository.open_request(store, case))["facts"]["employee"]
    assert facts["is_teacher"] is False
    assert facts["expected_annual_hours"] == 1000.5


def test_csv_without_required_columns_is_one_clear_error(store: Store) -> None:
    report = import_stream(store, io.BytesIO(b"case_id,question\nx,y\n"), "csv", "x.csv")
    assert report.imported == 0
    assert report.errors[0].field == "(header)"
    assert "outcome, program" in report.errors[0].message


def test_cli_prints_file_and_line_for_each_rejected_line(
    store_settings: Settings, store: Store, tmp_path: Path
) -> None:
    path = tmp_path / "cases.jsonl"
    path.write_text(json.dumps(_good("ok")) + "\n" + json.dumps(_good("bad", program="x")) + "\n")
    env = {"ELIGIBILITY_DATA_DIR": str(store_settings.data_dir)}
    args = ["cases", "import", str(path), "--suite", "s1"]
    if store_settings.database_url:
        args += ["--database-url", store_settings.database_url]
    result = CliRunner().invoke(main, args, env=env)
    assert result.exit_code == 1
    assert f"{path}:2: program:" in result.output
    assert "2 read, 1 imported, 0 already stored, 1 rejected; suites: s1" in result.output
    assert repository.count_cases(store, "s1") == 1


def test_upload_over_http(store: Store, store_settings: Settings, registry: Registry) -> None:
    app = create_app(store_settings, registry=registry, store=store)
    with TestClient(app, headers=bearer(app.state.settings.data_dir)) as c:
        data = (EXAMPLES / "replay-new-hire.csv").read_bytes()
        answer = c.post(
            "/v1/cases/import?suite=uploaded&source=hr.csv",
            content=data,
            headers={"Content-Type": "text/csv"},
        )
        assert answer.status_code == 200, answer.text
        assert answer.json()["imported"] == 216
        assert c.get("/v1/suites").json()[0]["cases"] == 216
        wrong = c.post("/v1/cases/import", content=b"x", headers={"Content-Type": "text/plain"})
        assert wrong.status_code == 415
        assert wrong.json()["errors"][0]["field"] == "format"
        bad_suite = c.post("/v1/cases/import?suite=no%20spaces&format=jsonl", content=b"{}\n")
        assert bad_suite.status_code == 422
        assert bad_suite.json()["errors"][0]["field"] == "suite"
        assert c.delete("/v1/suites/uploaded").status_code == 204
        assert c.delete("/v1/suites/uploaded").status_code == 404
    assert repository.count_cases(store, None) == 216  # cases outlive their suite


def test_upload_of_which_nothing_is_usable_is_a_422_naming_each_line(
    store: Store, store_settings: Settings, registry: Registry
) -> None:
    app = create_app(store_settings, registry=registry, store=store)
    with TestClient(app, headers=bearer(app.state.settings.data_dir)) as c:
        answer = c.post("/v1/cases/import?format=jsonl", content=b'{"case_id": "x"}\n\n[1]\n')
        assert answer.status_code == 422
        fields = [e["field"] for e in answer.json()["errors"]]
        assert fields == ["line 1: question", "line 3: (line)"]
        empty = c.post("/v1/cases/import?format=csv", content=b"")
        assert empty.status_code == 422
        assert empty.json()["errors"][0]["field"] == "(body)"
