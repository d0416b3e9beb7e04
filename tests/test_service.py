"""The decision service in-process: versions, determinism, threads, CLI."""

from __future__ import annotations

import json
import re
import shutil
from concurrent.futures import ThreadPoolExecutor
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from eligibility_service.cli import main
from eligibility_service.decisions.questions import QUESTIONS
from eligibility_service.decisions.questions.new_hire import NEW_HIRE, NewHireFacts
from eligibility_service.decisions.schema import DecisionOptions, DecisionResponse
from eligibility_service.decisions.service import DecisionInputError, DecisionService, to_json
from eligibility_service.rules.examples import iter_examples
from eligibility_service.rules.registry import load_registry

from .conftest import ROOT

CASE = ROOT / "examples" / "cases" / "state-new-hire.json"


def facts_of(question: str, example: Any) -> dict[str, Any]:
    return QUESTIONS[question].facts_model.model_validate(example.facts).model_dump()


def all_examples(registry: Any) -> list[tuple[Any, str, Any]]:
    return [
        (rs, q, ex)
        for versions in registry.rule_sets.values()
        for rs in versions.values()
        for q, ex, _src in iter_examples(rs)
    ]


def decide_example(service: DecisionService, rs: Any, q: str, ex: Any) -> dict[str, Any]:
    options = DecisionOptions(
        policy_choices=ex.policy_choices, trace=True, as_of=ex.as_of, rule_set_version=rs.version
    )
    return service.decide(q, rs.info.program, facts_of(q, ex), options)


def test_answers_match_the_response_schema(registry: Any) -> None:
    service = DecisionService(registry)
    for rs, q, ex in all_examples(registry):
        DecisionResponse.model_validate_json(to_json(decide_example(service, rs, q, ex)))


def test_evaluation_is_thread_safe_and_deterministic(registry: Any) -> None:
    service = DecisionService(registry)
    cases = all_examples(registry)

    def answer(i: int) -> bytes:
        rs, q, ex = cases[i % len(cases)]
        return to_json(decide_example(service, rs, q, ex))

    expected = [answer(i) for i in range(len(cases))]
    with ThreadPoolExecutor(max_workers=8) as pool:
        got = list(pool.map(answer, range(len(cases) * 4)))
    for i, body in enumerate(got):
        assert body == expected[i % len(cases)]


def test_engine_never_reads_the_clock() -> None:
    """Rule evaluation must not depend on when it runs: no clock reads in the engine."""
    pattern = re.compile(r"\b(today|now|utcnow|time\.time|monotonic|perf_counter)\s*\(")
    for path in (ROOT / "eligibility_service" / "rules").rglob("*.py"):
        assert not pattern.search(path.read_text()), f"{path} reads the clock"


@pytest.fixture
def two_versions(tmp_path: Path) -> Path:
    for folder in ("rule_sets", "statutes", "contracts", "guidance"):
        shutil.copytree(ROOT / folder, tmp_path / folder)
    # these copies invent versions and edit shared files: no publishing records for them
    for record in (tmp_path / "rule_sets").glob("*/published.yaml"):
        record.unlink()
    state = tmp_path / "rule_sets" / "state"
    shutil.rmtree(state / "2026.2")  # this test is about 2026.1 and versions made from it
    # a published 2027.1 that answers from 2027 with the statute's effective-date reading,
    # and a draft that must never be picked unless pinned
    for name, status, start in (
        ("2027.1", "published", "2027-01-01"),
        ("2028.1", "draft", "2028-01-01"),
    ):
        target = state / name
        shutil.rmtree(target, ignore_errors=True)  # the repository's own draft of that name
        shutil.copytree(state / "2026.1", target)
        manifest = (target / "version.yaml").read_text()
        manifest = manifest.replace('version: "2026.1"', f'version: "{name}"')
        manifest = manifest.replace("status: published", f"status: {status}")
        manifest = manifest.replace("from: 1982-01-01", f"from: {start}")
        manifest += "policy_defaults:\n  newhire_effective_date: first_of_month_in_window\n"
        (target / "version.yaml").write_text(manifest)
    return tmp_path


def test_version_in_force_on_as_of_and_pinning(two_versions: Path) -> None:
    registry = load_registry(two_versions, QUESTIONS)
    service = DecisionService(registry)
    facts = json.loads(CASE.read_text())["facts"]
    facts = NewHireFacts.model_validate(facts).model_dump()

    def decide(**options: Any) -> dict[str, Any]:
        return service.decide(NEW_HIRE.name, "state", facts, DecisionOptions(**options))

    assert decide()["rule_set"]["version"] == "2026.1"  # as_of 2024-02-10
    later = decide(as_of=date(2027, 6, 1))
    assert later["rule_set"]["version"] == "2027.1"
    choice = next(c for c in later["policy_choices"] if c["choice"] == "newhire_effective_date")
    assert (choice["alternative"], choice["source"]) == (
        "first_of_month_in_window",
        "version_default",
    )
    assert later["dates"]["coverage_effective_date"] == date(2024, 2, 1)
    assert decide(as_of=date(2029, 1, 1))["rule_set"]["version"] == "2027.1"  # drafts skipped
    pinned = decide(rule_set_version="2028.1")
    assert pinned["rule_set"] == {**pinned["rule_set"], "version": "2028.1", "status": "draft"}
    assert decide()["rule_set"]["content_hash"] != pinned["rule_set"]["content_hash"]
    with pytest.raises(DecisionInputError) as info:
        decide(rule_set_version="1999.1")
    assert info.value.field == "options.rule_set_version"
    with pytest.raises(DecisionInputError) as info:
        decide(as_of=date(1950, 1, 1))  # before any version answers
    assert info.value.field == "options.as_of"


def test_content_hash_is_stable_and_sensitive(two_versions: Path) -> None:
    first = load_registry(two_versions, QUESTIONS).get("state", "2027.1").content_hash
    again = load_registry(two_versions, QUESTIONS).get("state", "2027.1").content_hash
    assert first == again
    path = two_versions / "rule_sets" / "common" / "new_hire.yaml"
    path.write_text(path.read_text().replace("value: 30\n", "value: 31\n", 1))
    assert load_registry(two_versions, QUESTIONS).get("state", "2027.1").content_hash != first


def test_cli_decide_prints_the_decision() -> None:
    result = CliRunner().invoke(main, ["decide", str(CASE)])
    assert result.exit_code == 0, result.output
    decision = json.loads(result.output)
    assert decision["outcome"] == "approved"
    # hired 2024-01-15, received 2024-02-10: Wis. Stat. § 40.51(2) since 2015 Act 55
    assert decision["rule_set"]["version"] == "2026.2"
    assert decision["dates"]["coverage_effective_date"] == "2024-02-01"
    assert decision["trace"] is None
    traced = json.loads(CliRunner().invoke(main, ["decide", str(CASE), "--trace"]).output)
    assert traced["trace"]


def test_cli_decide_reports_bad_files(tmp_path: Path) -> None:
    broken = tmp_path / "case.json"
    broken.write_text('{\n  "program": "state",\n  "facts": {,\n}\n')
    result = CliRunner().invoke(main, ["decide", str(broken)])
    assert result.exit_code == 2
    assert f"{broken}:3:" in result.output and "invalid JSON" in result.output
    wrong = tmp_path / "wrong.json"
    wrong.write_text(
        json.dumps({"program": "state", "facts": {"employee": {"hire_date": "2023-02-30"}}})
    )
    result = CliRunner().invoke(main, ["decide", str(wrong)])
    assert result.exit_code == 2
    assert "facts.employee.hire_date" in result.output


def test_cli_examples_runs_every_example() -> None:
    result = CliRunner().invoke(main, ["examples"])
    assert result.exit_code == 0, result.output
    match = re.search(r"(\d+) passed, 0 failed", result.output)
    assert match and int(match.group(1)) >= 30
