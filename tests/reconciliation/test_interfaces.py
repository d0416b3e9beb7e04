"""The reconciliation as staff and systems use it: the CLI and the upload endpoints, on a
generated 834 with known discrepancies and on the monthly example."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from fastapi.testclient import TestClient

from eligibility_service.api.app import create_app
from eligibility_service.cli import main
from eligibility_service.rules.registry import Registry
from eligibility_service.settings import Settings

from ..tokens import bearer

EXAMPLES = Path(__file__).resolve().parents[2] / "examples" / "reconciliation"


@pytest.fixture(scope="module")
def sample(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("ffc")
    result = CliRunner().invoke(
        main, ["ffc-sample", "--members", "1500", "--seed", "11", "--out", str(out)]
    )
    assert result.exit_code == 0, result.output
    return out


def _expected(sample: Path) -> set[tuple[str, str, str, str]]:
    return {
        (e["category"], e["contract_id"], e["member_id"], e["field"])
        for e in json.loads((sample / "expected.json").read_text())
    }


def test_cli_compare_reports_exactly_the_injected_discrepancies(
    sample: Path, tmp_path: Path
) -> None:
    env = {"ELIGIBILITY_DATA_DIR": str(tmp_path)}
    args = ["ffc", str(sample / "plan.834"), "--sor", str(sample / "etf-extract.jsonl")]
    out = [f"--{kind}" for kind in ("csv", "json", "html")]
    paths = [tmp_path / f"r.{kind}" for kind in ("csv", "json", "html")]
    result = CliRunner().invoke(
        main,
        [*args, *[x for pair in zip(out, map(str, paths), strict=True) for x in pair]],
        env=env,
    )
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(paths[0].open()))
    found = {(r["category"], r["contract_id"], r["member_id"], r["field"]) for r in rows}
    assert found == _expected(sample)
    assert {r["times_seen"] for r in rows} == {"1"}
    # birth dates and SSNs never appear in clear in any report
    values = [
        v
        for r in rows
        if r["field"] in ("birth_date", "ssn")
        for v in (r["etf_value"], r["other_value"])
        if v
    ]
    assert values, "the sample injects SSN and birth-date differences"
    assert all("*" in v for v in values)
    text = paths[0].read_text() + paths[1].read_text() + paths[2].read_text()
    etf_lines = (sample / "etf-extract.jsonl").read_text().splitlines()
    births = {m["birth_date"] for line in etf_lines for m in json.loads(line)["members"]}
    assert not any(b in text for b in births if b)
    assert paths[2].read_text().count("<svg") >= 3
    # next quarter's file shows the same problems: recognised, counted
    later = CliRunner().invoke(
        main, [*args, "--as-of", "2027-01-01", "--csv", str(paths[0])], env=env
    )
    assert later.exit_code == 0, later.output
    rows = list(csv.DictReader(paths[0].open()))
    repeated = [r for r in rows if r["times_seen"] == "2"]
    assert repeated and all(r["first_seen"] == "2026-10-01" for r in repeated)


def test_upload_endpoints(sample: Path, tmp_path: Path, registry: Registry) -> None:
    app = create_app(Settings(data_dir=tmp_path), registry=registry)
    with TestClient(app, headers=bearer(app.state.settings.data_dir)) as client:
        files = {
            "plan_file": ("plan.834", (sample / "plan.834").read_bytes()),
            "sor_extract": ("etf.jsonl", (sample / "etf-extract.jsonl").read_bytes()),
        }
        answer = client.post("/v1/reconciliation/ffc", files=files, data={"plan": "P"})
        assert answer.status_code == 200, answer.text
        data = answer.json()
        found = {
            (e["category"], e["contract_id"], e["member_id"], e["field"])
            for e in data["exceptions"]
        }
        assert found == _expected(sample)
        streamed = client.post("/v1/reconciliation/ffc?format=csv", files=files)
        assert streamed.headers["content-type"].startswith("text/csv")
        assert len(list(csv.DictReader(io.StringIO(streamed.text)))) == len(found)
        bad = client.post(
            "/v1/reconciliation/ffc",
            files={"plan_file": ("x.834", b"not an 834"), "sor_extract": files["sor_extract"]},
        )
        assert bad.status_code == 422 and bad.json()["errors"][0]["field"] == "plan_file"
        unnamed = client.post(
            "/v1/reconciliation/ffc",
            files={"plan_file": files["plan_file"], "sor_extract": ("extract.txt", b"{}")},
        )
        assert unnamed.status_code == 422
        assert unnamed.json()["errors"][0]["field"] == "sor_format"
        monthly = client.post(
            "/v1/reconciliation/monthly",
            files={
                "report_file": ("report.csv", (EXAMPLES / "monthly-report.csv").read_bytes()),
                "sor_extract": ("etf.jsonl", (EXAMPLES / "etf-extract.jsonl").read_bytes()),
            },
        )
        assert monthly.status_code == 200, monthly.text
        categories = sorted(e["category"] for e in monthly.json()["exceptions"])
        assert categories == ["report_effective_date", "report_unknown_contract"]


def test_cli_monthly_lists_what_is_not_validated(tmp_path: Path) -> None:
    result = CliRunner().invoke(
        main,
        [
            "monthly",
            str(EXAMPLES / "monthly-report.csv"),
            "--sor",
            str(EXAMPLES / "etf-extract.jsonl"),
            "--no-history",
        ],
    )
    assert result.exit_code == 0, result.output
    assert "2 exceptions" in result.output
    assert "not validated: C1004 (S0100)" in result.output
    listed = CliRunner().invoke(
        main,
        ["monthly-unvalidated", "--sor", str(EXAMPLES / "etf-extract.jsonl"), "--month", "2004-03"],
    )
    assert listed.exit_code == 0, listed.output
    assert {line.split("\t")[0] for line in listed.stdout.splitlines()} == {
        "C1003",
        "C1004",
        "C2001",
    }
