"""`eligibility lint` finds each kind of problem in a deliberately broken fixture.

Each folder under tests/fixtures/lint/ is a complete root (rule_sets/, statutes/) holding
the same small Local employer-contribution rule set as ``clean/`` with exactly one
deliberate problem, described in the module's header comment. Each test asserts the one
finding the lint reports: its kind, severity, rule ids and file:line.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from eligibility_service.analysis.findings import Finding
from eligibility_service.analysis.lint import lint
from eligibility_service.analysis.runner import Budget
from eligibility_service.cli import main

FIXTURES = Path(__file__).parent / "fixtures" / "lint"
MODULE = "rule_sets/local/1.0/contribution.yaml"
STATUTES = "statutes/fixture.yaml"


def line_of(kind: str, file: str, text: str) -> int:
    """1-based line of a fixture file holding ``text``; ``A >> B``: the first B after A."""
    lines = (FIXTURES / kind / file).read_text(encoding="utf-8").splitlines()
    start = 0
    *anchors, wanted = text.split(" >> ")
    for anchor in anchors:
        start = next(i for i in range(start, len(lines)) if anchor in lines[i])
    return next(i + 1 for i in range(start, len(lines)) if wanted in lines[i])


# kind -> (severity, rule ids, file, text on the reported line)
EXPECTED: dict[str, tuple[str, tuple[str, ...], str, str]] = {
    "overlap": ("error", ("SHARE-ENOUGH", "SHARE-TOO-LOW"), MODULE, "- id: SHARE-ENOUGH"),
    "date-conflict": (
        "error",
        ("CAP-DATE-STATUTE", "CAP-DATE-REVIEW"),
        MODULE,
        "- id: CAP-DATE-STATUTE",
    ),
    "gap": ("error", (), MODULE, "- id: SHARE-ENOUGH"),
    "never-applies": ("error", ("SHARE-OVERTIME",), MODULE, "- id: SHARE-OVERTIME"),
    "hidden": ("error", ("SHARE-GENEROUS", "TIER1-UNEXPLAINED"), MODULE, "- id: SHARE-GENEROUS"),
    "citation-unresolved": ("error", ("SHARE-OPTIONAL",), MODULE, "- id: SHARE-OPTIONAL"),
    "citation-missing": ("error", ("SHARE-OPTIONAL",), MODULE, "implements: []"),
    "citation-period": ("warning", ("SHARE-OPTIONAL",), MODULE, "- id: SHARE-OPTIONAL"),
    "value-before-provision": ("warning", (), MODULE, "- from: 2000-01-01"),
    "period-overlap": ("error", ("NOTICE-OLD", "NOTICE-NEW"), MODULE, "- id: NOTICE-NEW"),
    "period-hole": ("error", ("NOTICE-OLD", "NOTICE-NEW"), MODULE, "- id: NOTICE-NEW"),
    "parameter-hole": ("error", ("CAP-NOTICE",), MODULE, "- id: CAP-NOTICE"),
    "fact-not-provided": ("error", ("SHARE-OPTIONAL",), MODULE, "- id: SHARE-OPTIONAL >> when:"),
}


def problems(kind: str) -> list[Finding]:
    """The warnings and errors the lint reports for one fixture."""
    result = lint(FIXTURES / kind, Budget.quick())
    return [f for f in result.findings if f.severity != "info"]


def test_every_fixture_is_tested() -> None:
    folders = {p.name for p in FIXTURES.iterdir() if p.is_dir()}
    assert folders == {*EXPECTED, "clean", "overlap-witness", "uncited-provision"}


def test_the_clean_fixture_has_no_problem() -> None:
    result = lint(FIXTURES / "clean", Budget.quick())
    assert result.registry is not None
    # its rules carry no verification records, a reviewed exception: shown, as information
    assert result.findings
    for f in result.findings:
        assert (f.severity, f.kind) == ("info", "verification-missing")
        assert "reviewed exception, tests 2026-12-08" in f.message


@pytest.mark.parametrize("kind", sorted(EXPECTED))
def test_each_kind_is_found_in_its_fixture(kind: str) -> None:
    severity, rule_ids, file, text = EXPECTED[kind]
    found = problems(kind)
    assert len(found) == 1, "\n".join(f.to_text() for f in found)
    (only,) = found
    assert (only.kind, only.severity, only.rule_ids) == (kind, severity, rule_ids)
    assert (only.file, only.line) == (file, line_of(kind, file, text))
    assert only.message.strip()


def test_an_overlap_the_conditions_cannot_decide_is_shown_by_a_witness_case() -> None:
    (only,) = problems("overlap-witness")
    assert (only.kind, only.rule_ids) == ("overlap", ("SHARE-ENOUGH", "SHARE-TOO-LOW"))
    line = line_of("overlap-witness", MODULE, "- id: SHARE-ENOUGH")
    assert (only.file, only.line) == (MODULE, line)
    assert only.witness is not None
    facts = only.witness.facts
    share = facts["contribution"]["percent_of_lowest_cost_plan"]
    assert facts["employee"]["category"] == "active"
    assert facts["contribution"]["percent_of_average_tier1"] <= share < 50
    assert "SHARE-ENOUGH, SHARE-TOO-LOW" in only.witness.observed


def test_an_exact_overlap_shows_the_values_it_needs() -> None:
    (only,) = problems("overlap")
    assert only.witness is not None
    assert set(only.witness.highlights) == {
        "employee.category",
        "contribution.percent_of_lowest_cost_plan",
    }
    assert 25 <= only.witness.facts["contribution"]["percent_of_lowest_cost_plan"] < 50
    assert "outcome denied" in only.witness.observed


def test_a_gap_names_the_kind_of_case_and_shows_one() -> None:
    (only,) = problems("gap")
    assert "employee.category=layoff" in only.message
    assert only.witness is not None
    assert only.witness.facts["employee"]["category"] == "layoff"
    assert "no decision-bearing rule applied" in only.witness.observed


def test_an_uncited_provision_is_information_with_its_line() -> None:
    result = lint(FIXTURES / "uncited-provision", Budget.quick())
    assert not [f for f in result.findings if f.severity != "info"]
    uncited = [f for f in result.findings if f.kind == "uncited-provision" and f.line]
    assert [(f.file, f.line) for f in uncited] == [
        (STATUTES, line_of("uncited-provision", STATUTES, "- id: fx-unused"))
    ]
    summary = [f for f in result.findings if f.kind == "uncited-provision" and not f.line]
    assert summary and summary[0].message.startswith("1 of 5 catalogued provisions")


def test_lint_prints_file_line_severity_kind_and_rule_ids() -> None:
    runner = CliRunner()
    result = runner.invoke(main, ["lint", "--root", str(FIXTURES / "overlap"), "--budget", "2000"])
    assert result.exit_code == 1
    first = result.stderr.splitlines()[0]
    line = line_of("overlap", MODULE, "- id: SHARE-ENOUGH")
    assert first.startswith(f"{MODULE}:{line}: error [overlap] SHARE-ENOUGH, SHARE-TOO-LOW: ")
    assert "    case (local@1.0, local_employer_contribution, as of " in result.stderr


def test_lint_json_is_for_machines_and_a_clean_root_exits_0() -> None:
    runner = CliRunner()
    broken = runner.invoke(
        main, ["lint", "--root", str(FIXTURES / "gap"), "--format", "json", "--budget", "2000"]
    )
    assert broken.exit_code == 1
    doc = json.loads(broken.stdout)
    assert doc["ok"] is False and doc["counts"]["error"] == {"gap": 1}
    (gap,) = [f for f in doc["findings"] if f["severity"] != "info"]
    assert gap["kind"] == "gap" and gap["file"] == MODULE
    assert gap["witness"]["facts"]["employee"]["category"] == "layoff"
    request = gap["witness"]["request"]  # replayable: the body of a decision request
    assert request["program"] == "local" and request["options"]["rule_set_version"] == "1.0"
    assert request["facts"] == gap["witness"]["facts"]
    clean = runner.invoke(
        main, ["lint", "--root", str(FIXTURES / "clean"), "--format", "json", "--budget", "2000"]
    )
    assert clean.exit_code == 0, clean.output
    assert json.loads(clean.stdout)["ok"] is True


def test_a_load_error_is_a_finding_too() -> None:
    runner = CliRunner()
    result = runner.invoke(
        main, ["lint", "--root", str(FIXTURES / "citation-unresolved"), "--format", "json"]
    )
    assert result.exit_code == 1
    (finding,) = json.loads(result.stdout)["findings"]
    assert finding["kind"] == "citation-unresolved"
    assert finding["rule_ids"] == ["SHARE-OPTIONAL"]


def test_a_witness_replays_through_eligibility_decide(tmp_path: Path) -> None:
    (only,) = problems("overlap")
    assert only.witness is not None
    case = tmp_path / "witness.json"
    case.write_text(json.dumps(only.witness.request()), encoding="utf-8")
    runner = CliRunner()
    result = runner.invoke(
        main,
        [
            "decide",
            str(case),
            "--question",
            "local_employer_contribution",
            "--root",
            str(FIXTURES / "overlap"),
        ],
    )
    assert result.exit_code == 0, result.output
    decision = json.loads(result.stdout)
    assert decision["outcome"] == "denied"
    assert {"SHARE-ENOUGH", "SHARE-TOO-LOW"} <= {r["rule_id"] for r in decision["reasons"]}
