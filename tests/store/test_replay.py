"""Replay: the example suite against two versions, the reports, masking, the HTTP endpoint."""

from __future__ import annotations

import io
import json
from collections.abc import Iterator
from pathlib import Path
from xml.etree import ElementTree as ET

import pytest
from click.testing import CliRunner
from fastapi.testclient import TestClient

from eligibility_service.api.app import create_app
from eligibility_service.cases.importer import import_stream
from eligibility_service.cases.repository import stream_cases
from eligibility_service.cli import main
from eligibility_service.decisions.service import DecisionService
from eligibility_service.replay.render import html_report, junit_xml, terminal_summary
from eligibility_service.replay.report import ReplayReport, ReplayTarget
from eligibility_service.replay.runner import replay_cases
from eligibility_service.rules.registry import Registry
from eligibility_service.settings import Settings
from eligibility_service.store.store import Store

from ..tokens import bearer

EXAMPLES = Path(__file__).resolve().parents[2] / "examples" / "cases"
LINES = (EXAMPLES / "replay-new-hire.jsonl").read_text().splitlines()


@pytest.fixture
def suite(store: Store) -> Iterator[Store]:
    report = import_stream(
        store, io.BytesIO("\n".join(LINES).encode()), "jsonl", "example", ["history"]
    )
    assert report.imported == len(LINES)
    yield store


def _replay(
    store: Store, registry: Registry, version: str | None, as_of: str = "case", workers: int = 1
) -> ReplayReport:
    return replay_cases(
        DecisionService(registry),
        store.protector,
        stream_cases(store, "history"),
        ReplayTarget("history", version, as_of),
        workers=workers,
    )


def test_against_the_recording_version_only_the_altered_records_differ(
    suite: Store, registry: Registry
) -> None:
    # the example file alters the coverage date of every 25th line (a clerical error stand-in)
    altered = {
        json.loads(line)["case_id"]
        for n, line in enumerate(LINES, start=1)
        if n % 25 == 0 and json.loads(line)["decision"]["dates"]["coverage_effective_date"]
    }
    report = _replay(suite, registry, "2026.1")
    assert report.cases == len(LINES)
    assert {d["case_id"] for d in report.differences} == altered
    assert report.differed == len(altered) and report.matched == len(LINES) - len(altered)
    assert dict(report.by_field) == {"dates.coverage_effective_date": len(altered)}
    for d in report.differences:
        (field,) = d["fields"]
        assert field["recorded"] > field["replayed"]  # the record says a month later
        assert d["trace"], "the new decision's trace is in the report"
        assert d["replayed"]["rule_set"]["version"] == "2026.1"
    assert report.versions_used == {"state@2026.1": len(LINES)}


def test_against_the_draft_the_policy_change_shows_by_rule_and_reason_code(
    suite: Store, registry: Registry
) -> None:
    report = _replay(suite, registry, "2027.1")
    assert report.differed > len(LINES) // 10
    assert report.by_reason_code["+NEWHIRE_TIMELY_COVERAGE_FIRST_OF_MONTH_IN_WINDOW"] > 0
    assert report.by_reason_code["-NEWHIRE_TIMELY_COVERAGE_FIRST_OF_MONTH_AFTER_RECEIPT"] > 0
    assert sum(report.by_rule.values()) >= report.differed
    assert len(report.differences) == min(report.differed, report.max_detailed)
    summary = terminal_summary(report)
    assert f"{report.differed} differ" in summary and "FAILED" in summary


def test_a_fixed_as_of_date_decides_every_case_by_that_dates_law(
    suite: Store, registry: Registry
) -> None:
    report = _replay(suite, registry, None, "2026-07-01")
    assert {d["as_of"] for d in report.differences} <= {"2026-07-01"}
    # 2026.2 answers for every as-of date since its publication
    assert report.versions_used == {"state@2026.2": len(LINES)}


def test_reports_are_deterministic_and_agree_with_each_other(
    suite: Store, registry: Registry
) -> None:
    first = _replay(suite, registry, "2027.1")
    second = _replay(suite, registry, "2027.1")
    assert first.to_json() == second.to_json()
    # the same, byte for byte, when decided by worker processes
    assert _replay(suite, registry, "2027.1", workers=3).to_json() == first.to_json()
    data = json.loads(first.to_json())
    root = ET.fromstring(junit_xml(first))
    assert int(root.get("failures", "-1")) == data["totals"]["differed"]
    assert int(root.get("tests", "-1")) == data["totals"]["cases"]
    failing = root.findall(".//testcase[failure]")
    assert {t.get("name") for t in failing if "more" not in (t.get("name") or "")} == {
        d["case_id"] for d in data["differences"]
    }
    html = html_report(first)
    assert html.count("<svg") == 4
    assert f"{data['totals']['differed']} differ" in html
    for d in data["differences"][:5]:
        assert f'id="case-{d["case_id"]}"' in html


def test_birth_dates_are_masked_in_reports(store: Store, registry: Registry) -> None:
    record = {
        "case_id": "dep-1",
        "question": "dependent_eligibility",
        "program": "state",
        "facts": {
            "review": {"review_date": "2024-05-15"},
            "subscriber": {"coverage_level": "individual"},
            "dependent": {"relationship": "child", "birth_date": "2010-06-07"},
        },
        "decision": {"outcome": "denied"},  # differs: the rules approve
        "suites": ["deps"],
    }
    import_stream(store, io.BytesIO(json.dumps(record).encode()), "jsonl", "x")
    report = replay_cases(
        DecisionService(registry),
        store.protector,
        stream_cases(store, "deps"),
        ReplayTarget("deps", None, "case"),
    )
    assert report.differed == 1
    text = report.to_json().decode() + html_report(report) + junit_xml(report).decode()
    assert "2010-06-07" not in text
    assert "2010-**-**" in text


def test_cli_replay_writes_every_report_and_gates_ci(
    suite: Store, store_settings: Settings, tmp_path: Path
) -> None:
    env = {"ELIGIBILITY_DATA_DIR": str(store_settings.data_dir)}
    url = ["--database-url", store_settings.database_url] if store_settings.database_url else []
    out = tmp_path / "reports"
    result = CliRunner().invoke(
        main,
        [
            "replay",
            "--suite",
            "history",
            "--version",
            "2026.1",
            "--quiet",
            "--json",
            str(out / "r.json"),
            "--junit",
            str(out / "r.xml"),
            "--html",
            str(out / "r.html"),
            *url,
        ],
        env=env,
    )
    assert result.exit_code == 1, result.output  # differences fail the CI gate
    data = json.loads((out / "r.json").read_text())
    assert f"{data['totals']['differed']} differ" in result.output
    assert ET.parse(out / "r.xml").getroot().tag == "testsuites"
    assert "<svg" in (out / "r.html").read_text()
    unknown = CliRunner().invoke(main, ["replay", "--suite", "nope", *url], env=env)
    assert unknown.exit_code == 2 and "no suite 'nope'" in unknown.output
    far = CliRunner().invoke(main, ["replay", "--as-of", "2200-01-01", *url], env=env)
    assert far.exit_code == 2 and "1900 to 2199" in far.output
    bad_version = CliRunner().invoke(
        main, ["replay", "--suite", "history", "--version", "1999.9", *url], env=env
    )
    assert bad_version.exit_code == 2 and "no rule-set version '1999.9'" in bad_version.output


def test_replay_over_http(suite: Store, store_settings: Settings, registry: Registry) -> None:
    app = create_app(store_settings, registry=registry, store=suite)
    with TestClient(app, headers=bearer(app.state.settings.data_dir)) as c:
        answer = c.post("/v1/replay", json={"suite": "history", "rule_set_version": "2026.1"})
        assert answer.status_code == 200
        direct: ReplayReport = _replay(suite, registry, "2026.1")
        assert answer.content == direct.to_json()
        junit = c.post("/v1/replay?format=junit", json={"suite": "history"})
        assert junit.headers["content-type"].startswith("application/xml")
        html = c.post("/v1/replay?format=html", json={"suite": "history"})
        assert html.headers["content-type"].startswith("text/html") and "<svg" in html.text
        missing = c.post("/v1/replay", json={"suite": "nope"})
        assert missing.status_code == 404 and missing.json()["errors"][0]["field"] == "suite"
        bad = c.post("/v1/replay", json={"suite": "history", "as_of": "yesterday"})
        assert bad.status_code == 422 and bad.json()["errors"][0]["field"].startswith("as_of")
        # A date the decisions refuse is refused up front (it was a 500 half-way through).
        for day in ("2200-01-01", "1899-12-31"):
            far = c.post("/v1/replay", json={"suite": "history", "as_of": day})
            assert far.status_code == 422, far.text
            assert far.json()["errors"][0]["field"].startswith("as_of")


def test_a_case_stored_under_another_facts_schema_is_validated_again(
    store: Store, registry: Registry
) -> None:
    from sqlalchemy import update

    from eligibility_service.store.tables import Case

    record = json.loads(LINES[0])
    record["suites"] = ["old"]
    import_stream(store, io.BytesIO(json.dumps(record).encode()), "jsonl", "x")
    # as if the facts model had changed since the import, and the old facts no longer fit
    bad = {**record["facts"], "employee": {**record["facts"]["employee"], "hire_date": 5}}
    body = {"program": "state", "facts": bad, "options": {"policy_choices": {}}}
    with store.engine.begin() as connection:
        connection.execute(
            update(Case).values(
                facts_schema="0000000000000000",
                payload=store.protector.seal(json.dumps(body).encode(), "cases"),
            )
        )
    report = replay_cases(
        DecisionService(registry),
        store.protector,
        stream_cases(store, "old"),
        ReplayTarget("old", None, "case"),
    )
    assert (report.errors, report.matched) == (1, 0)
    assert report.error_details[0]["field"] == "facts.employee.hire_date"
