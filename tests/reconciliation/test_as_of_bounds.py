"""Reconciliation's as-of dates share the decisions' bounds (1900-01-01 to 2199-12-31): an
as-of date given, read from the 834, or a monthly report's coverage month outside them is
refused by name, over the API and in the CLI."""

from __future__ import annotations

from collections.abc import Iterator
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
OUTSIDE = ["1899-12-31", "2200-01-01", "0001-01-01", "9999-12-31"]


def _sample(out: Path, as_of: str) -> Path:
    result = CliRunner().invoke(
        main, ["ffc-sample", "--members", "10", "--as-of", as_of, "--out", str(out)]
    )
    assert result.exit_code == 0, result.output
    return out


@pytest.fixture(scope="module")
def sample(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return _sample(tmp_path_factory.mktemp("ffc"), "2026-10-01")


@pytest.fixture(scope="module")
def client(tmp_path_factory: pytest.TempPathFactory, registry: Registry) -> Iterator[TestClient]:
    data = tmp_path_factory.mktemp("data")
    app = create_app(Settings(data_dir=data), registry=registry)
    with TestClient(app, headers=bearer(data)) as c:
        yield c


def _ffc_files(sample: Path) -> dict[str, tuple[str, bytes]]:
    return {
        "plan_file": ("plan.834", (sample / "plan.834").read_bytes()),
        "sor_extract": ("etf.jsonl", (sample / "etf-extract.jsonl").read_bytes()),
    }


@pytest.mark.parametrize("as_of", OUTSIDE)
def test_api_ffc_as_of_outside_the_bounds_is_a_422_naming_it(
    client: TestClient, sample: Path, as_of: str
) -> None:
    refused = client.post("/v1/reconciliation/ffc", files=_ffc_files(sample), data={"as_of": as_of})
    assert refused.status_code == 422, refused.text
    assert [e["field"] for e in refused.json()["errors"]] == ["as_of"]


def test_api_ffc_as_of_inside_the_bounds_is_taken(client: TestClient, sample: Path) -> None:
    for as_of in ("1900-01-01", "2199-12-31"):
        taken = client.post(
            "/v1/reconciliation/ffc",
            files=_ffc_files(sample),
            data={"as_of": as_of, "history": "false"},
        )
        assert taken.status_code == 200, taken.text
        assert taken.json()["as_of"] == as_of


def test_an_834_dated_outside_the_bounds_is_refused(client: TestClient, tmp_path: Path) -> None:
    old = _sample(tmp_path, "1850-10-01")
    refused = client.post("/v1/reconciliation/ffc", files=_ffc_files(old))
    assert refused.status_code == 422, refused.text
    assert [e["field"] for e in refused.json()["errors"]] == ["plan_file"]
    assert "1900-01-01" in refused.json()["detail"]


def test_cli_ffc_as_of_outside_the_bounds_is_an_error(sample: Path, tmp_path: Path) -> None:
    args = ["ffc", str(sample / "plan.834"), "--sor", str(sample / "etf-extract.jsonl")]
    env = {"ELIGIBILITY_DATA_DIR": str(tmp_path)}
    refused = CliRunner().invoke(main, [*args, "--as-of", "1899-12-31", "--no-history"], env=env)
    assert refused.exit_code == 2
    assert "as_of" in refused.output and "between 1900-01-01 and 2199-12-31" in refused.output


@pytest.mark.parametrize("month", ["1899-12", "2200-01", "0000-01"])
def test_monthly_coverage_month_outside_the_bounds_is_a_line_error(
    client: TestClient, month: str
) -> None:
    lines = (EXAMPLES / "monthly-report.csv").read_text().splitlines()
    lines[1] = lines[1].replace("2004-03", month, 1)
    answer = client.post(
        "/v1/reconciliation/monthly",
        files={
            "report_file": ("report.csv", ("\n".join(lines) + "\n").encode()),
            "sor_extract": ("etf.jsonl", (EXAMPLES / "etf-extract.jsonl").read_bytes()),
        },
        data={"history": "false"},
    )
    assert answer.status_code == 200, answer.text
    report = answer.json()
    assert report["as_of"] == "2004-03-01"  # the bad line does not set the report's month
    bad = [e for e in report["exceptions"] if e["field"] == "coverage_month"]
    assert len(bad) == 1 and "1900-01-01" in bad[0]["message"]


@pytest.mark.parametrize("month", ["1899-12", "2200-01", "0000-01"])
def test_cli_monthly_unvalidated_month_outside_the_bounds_is_refused(month: str) -> None:
    sor = str(EXAMPLES / "etf-extract.jsonl")
    refused = CliRunner().invoke(main, ["monthly-unvalidated", "--sor", sor, "--month", month])
    assert refused.exit_code == 2
    assert "--month" in refused.output
