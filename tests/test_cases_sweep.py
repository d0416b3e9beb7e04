"""`eligibility cases sweep` writes the sweep's synthetic cases as an impact / import file."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

from click.testing import CliRunner

from eligibility_service.cli import main
from eligibility_service.decisions.questions import QUESTIONS


def test_sweep_cases_are_requests_with_ids_and_deterministic(tmp_path: Path) -> None:
    out = tmp_path / "cases.jsonl"
    args = ["cases", "sweep", "open-enrollment", "--program", "local"]
    args += ["--from", "2020-01", "--to", "2020-12", "--every", "6", "-o", str(out)]
    runner = CliRunner()
    first = runner.invoke(main, args)
    assert first.exit_code == 0, first.output
    lines = [json.loads(line) for line in out.read_text().splitlines()]
    spec = QUESTIONS["open_enrollment"]
    assert spec.sweep_cases is not None
    expected = len(spec.sweep_cases("local", date(2020, 1, 1)))
    expected += len(spec.sweep_cases("local", date(2020, 7, 1)))
    assert len(lines) == expected
    assert {case["question"] for case in lines} == {"open_enrollment"}
    assert {case["program"] for case in lines} == {"local"}
    assert len({case["id"] for case in lines}) == len(lines)
    assert lines[0]["id"].startswith("open-enrollment-local-2020-01-")
    again = tmp_path / "again.jsonl"
    assert runner.invoke(main, [*args[:-1], str(again)]).exit_code == 0
    assert again.read_bytes() == out.read_bytes()


def test_sweep_names_a_bad_question_or_month() -> None:
    runner = CliRunner()
    bad = runner.invoke(
        main,
        ["cases", "sweep", "nope", "--program", "state", "--from", "2020-01", "--to", "2020-02"],
    )
    assert bad.exit_code == 2 and "'nope': expected one of" in bad.output
    month = runner.invoke(
        main,
        [
            "cases",
            "sweep",
            "new_hire_enrollment",
            "--program",
            "state",
            "--from",
            "2020-13",
            "--to",
            "2021-01",
        ],
    )
    assert month.exit_code == 2 and "months are YYYY-MM" in month.output
