"""Semantic diff and impact reports (text, JSON, HTML), their CLI commands and the API diff."""

from __future__ import annotations

import dataclasses
import json
import re
import shutil
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from fastapi.testclient import TestClient

from eligibility_service.api.app import create_app
from eligibility_service.cli import main
from eligibility_service.decisions.questions import QUESTIONS
from eligibility_service.rules.registry import Registry, load_registry
from eligibility_service.versioning.diff import VersionDiff, diff_versions
from eligibility_service.versioning.impact import assess, read_cases
from eligibility_service.versioning.manage import new_version
from eligibility_service.versioning.render import (
    diff_html,
    diff_text,
    impact_html,
    impact_json,
    impact_text,
)

from .conftest import ROOT
from .tokens import bearer

CATALOGUE = """\
catalogue:
  id: test-illustration
  title: Test-only provisions
  kind: guidance
provisions:
  - id: test-illustration-1
    citation: "Test provision 1"
    title: Cited only by the test version
    summary: A provision no published version cites.
    url: https://example.org/test-1
    in_force: {from: 2000-01-01}
"""

MODULE = """\
module: illustration-2090
question: new_hire_enrollment
title: Test-only additions
parameters:
  illustration_days:
    title: Days, for the diff test
    unit: days
    values:
      - from: 2090-01-01
        value: 5
        cites: [test-illustration-1]
rules:
  - id: NEWHIRE-ILLUSTRATION
    title: Never applies
    implements: [test-illustration-1]
    in_force: {from: 2090-01-01}
    when: "false"
    outcome:
      reason: ILLUSTRATION_ONLY
      message: Never shown.
"""

DEFAULT = "policy_defaults:\n  newhire_effective_date: first_of_month_in_window\n"


def _replace(path: Path, old: str, new: str) -> None:
    text = path.read_text()
    assert old in text, f"{old!r} not in {path}"
    path.write_text(text.replace(old, new, 1))


def _cut_rule(path: Path, rule_id: str) -> None:
    text = path.read_text()
    start = text.index(f"  - id: {rule_id}\n")
    end = text.index("  - id: ", start + 1)
    path.write_text(text[:start] + text[end:])


@pytest.fixture(scope="module")
def root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The State rule set with two drafts made from 2026.1.

    2090.1 (snapshot): a rule added, one removed, one changed (with markup in its title), a
    parameter value and a parameter added, a policy default changed, a citation added.
    2091.1 (shares common/): only the policy default of newhire_effective_date changed.
    """
    root = tmp_path_factory.mktemp("versions")
    for folder in ("statutes", "contracts", "guidance", "rule_sets/common"):
        shutil.copytree(ROOT / folder, root / folder)
    state = root / "rule_sets/state"
    shutil.copytree(ROOT / "rule_sets/state/2026.1", state / "2026.1")
    shutil.copy2(ROOT / "rule_sets/state/rule_set.yaml", state / "rule_set.yaml")
    (root / "guidance/test-illustration.yaml").write_text(CATALOGUE)

    new_version(root, "state", "2026.1", "2090.1", date(2090, 1, 1))
    v2090 = state / "2090.1"
    (v2090 / "version.yaml").write_text((v2090 / "version.yaml").read_text() + DEFAULT)
    (v2090 / "illustration.yaml").write_text(MODULE)
    _cut_rule(v2090 / "new_hire.yaml", "NEWHIRE-EFFECTIVE-DATE-FOLLOWING")
    _replace(
        v2090 / "new_hire.yaml",
        "title: The new-hire application is due within 30 days of hire",
        "title: 'The new-hire application is due within <b>30</b> days & on time'",
    )
    _replace(
        v2090 / "new_hire_state.yaml",
        "        cites: [wis-act-2011-10, wis-stat-40.05-4-a-2, src-s6, src-s7]\n",
        "        cites: [wis-act-2011-10, wis-stat-40.05-4-a-2, src-s6, src-s7]\n"
        "      - from: 2090-01-01\n        value: 1\n        cites: [wis-stat-40.05-4-a-2]\n",
    )
    new_version(root, "state", "2026.1", "2091.1", date(2091, 1, 1), snapshot=False)
    v2091 = state / "2091.1/version.yaml"
    v2091.write_text(v2091.read_text() + DEFAULT)
    return root


@pytest.fixture(scope="module")
def registry(root: Path) -> Registry:
    return load_registry(root, QUESTIONS)


@pytest.fixture(scope="module")
def diff(registry: Registry) -> VersionDiff:
    return diff_versions(registry.get("state", "2026.1"), registry.get("state", "2090.1"))


def _change(d: VersionDiff, kind: str, key: str) -> Any:
    found = [c for c in d.changes if c.kind == kind and c.key == key]
    assert len(found) == 1, f"{kind} {key} not in the diff"
    return found[0]


# -- diff --------------------------------------------------------------------------------------


def test_diff_finds_each_kind_of_change(diff: VersionDiff) -> None:
    added = _change(diff, "rule", "NEWHIRE-ILLUSTRATION")
    assert added.change == "added" and added.source_before is None
    assert added.source_after == "rule_sets/state/2090.1/illustration.yaml:13"
    assert _change(diff, "rule", "NEWHIRE-EFFECTIVE-DATE-FOLLOWING").change == "removed"
    changed = _change(diff, "rule", "NEWHIRE-WINDOW")
    assert [(f.field, f.after) for f in changed.fields] == [
        ("title", "The new-hire application is due within <b>30</b> days & on time")
    ]
    assert changed.source_before.startswith("rule_sets/common/new_hire.yaml:")
    assert changed.source_after.startswith("rule_sets/state/2090.1/new_hire.yaml:")
    param = _change(diff, "parameter", "state_contribution_wait_months")
    assert [(f.field, f.before, f.after) for f in param.fields] == [
        (
            "value from 2090-01-01",
            None,
            {"value": 1, "cites": ["wis-stat-40.05-4-a-2"], "note": None},
        )
    ]
    assert _change(diff, "parameter", "illustration_days").change == "added"
    choice = _change(diff, "policy_choice", "newhire_effective_date")
    assert [(f.field, f.before, f.after) for f in choice.fields] == [
        (
            "default in this version",
            "first_of_month_on_or_after_receipt",
            "first_of_month_in_window",
        )
    ]
    assert _change(diff, "citation", "test-illustration-1").change == "added"
    version = _change(diff, "version", "manifest")
    assert {f.field for f in version.fields} >= {"status", "in_force", "title", "changes"}
    # modules copied by the snapshot are not changes: only what the test edited shows
    assert {c.kind for c in diff.changes} == {
        "version",
        "rule",
        "parameter",
        "policy_choice",
        "citation",
    }
    assert diff.summary["rule"].model_dump() == {"added": 1, "removed": 1, "changed": 1}
    assert diff.content_changes == len(diff.changes) - 1


def test_diff_of_a_changed_citation(registry: Registry) -> None:
    a = registry.get("state", "2026.1")
    located = a.provisions["wis-stat-40.51-2"]
    renamed = dataclasses.replace(
        located, provision=located.provision.model_copy(update={"title": "Renamed"})
    )
    b = dataclasses.replace(a, provisions={**a.provisions, "wis-stat-40.51-2": renamed})
    d = diff_versions(a, b)
    assert [(c.kind, c.key, c.change) for c in d.changes] == [
        ("citation", "wis-stat-40.51-2", "changed")
    ]
    assert [(f.field, f.after) for f in d.changes[0].fields] == [("title", "Renamed")]
    assert diff_versions(a, a).changes == []
    assert "No differences." in diff_text(diff_versions(a, a))


def test_diff_text_shows_changed_fields_side_by_side(diff: VersionDiff) -> None:
    text = diff_text(diff)
    assert "Rule set state: 2026.1 (published, in force from 1982-01-01" in text
    assert "  + NEWHIRE-ILLUSTRATION — Never applies  [added]" in text
    assert "  - NEWHIRE-EFFECTIVE-DATE-FOLLOWING" in text
    row = next(line for line in text.splitlines() if "default in this version" in line)
    assert re.search(r"first_of_month_on_or_after_receipt\s+\| first_of_month_in_window$", row)
    assert re.search(r"value from 2090-01-01\s+\(none\)\s+\| 1  \(cites wis-stat-40", text)


def test_diff_json_and_html(diff: VersionDiff) -> None:
    data = json.loads(diff.model_dump_json())
    assert data["from_version"]["version"] == "2026.1"
    assert data["to_version"]["status"] == "draft"
    html = diff_html(diff)
    assert html.startswith("<!doctype html>")
    assert "<b>30</b>" not in html and "&lt;b&gt;30&lt;/b&gt; days &amp; on time" in html
    assert 'class="badge added">added</span> <code>NEWHIRE-ILLUSTRATION</code>' in html
    assert "first_of_month_in_window" in html
    assert not re.search(r"(src|href)=\"(https?:)?//", html)  # no external assets
    assert "<script" not in html


def test_cli_diff(root: Path, tmp_path: Path) -> None:
    runner = CliRunner()
    args = ["diff", "state@2026.1", "state@2091.1", "--root", str(root)]
    text = runner.invoke(main, args)
    assert text.exit_code == 0, text.output
    assert "POLICY CHOICES" in text.output and "RULES" not in text.output
    out = tmp_path / "diff.json"
    as_json = runner.invoke(main, [*args, "--format", "json", "--output", str(out)])
    assert as_json.exit_code == 0, as_json.output
    assert json.loads(out.read_text())["content_changes"] == 1
    missing = runner.invoke(main, ["diff", "state@2026.1", "state@1999.1", "--root", str(root)])
    assert missing.exit_code == 2
    assert "state@1999.1: rule set state has no version" in missing.output
    bad = runner.invoke(main, ["diff", "state", "state@2091.1", "--root", str(root)])
    assert bad.exit_code == 2 and "expected RULESET@VERSION" in bad.output


# -- impact ------------------------------------------------------------------------------------


def _new_hire(hire: str, received: str, **options: Any) -> dict[str, Any]:
    return {
        "program": "state",
        "facts": {
            "employee": {
                "hire_date": hire,
                "position_type": "regular",
                "is_teacher": False,
                "expected_annual_hours": 2080,
                "expected_to_last_one_year": True,
                "prior_state_wrs_service_months": 0,
            },
            "application": {
                "received_date": received,
                "signed": True,
                "coverage_level": "individual",
                "subscriber_has_ssn_or_itin": True,
            },
        },
        "options": options,
    }


def _cases() -> list[str]:
    """Nine lines: three changes, two unchanged, three errors, one blank."""
    mid_month = _new_hire("2024-01-15", "2024-02-10")  # coverage Mar 1 -> Feb 1
    on_the_first = _new_hire("2024-03-01", "2024-03-01")  # same date, another rule
    pinned = _new_hire(
        "2024-01-15",
        "2024-02-10",
        policy_choices={"newhire_effective_date": "first_of_month_on_or_after_receipt"},
    )
    local = json.loads((ROOT / "examples/cases/local-marriage.json").read_text())
    late = _new_hire("2024-01-15", "2024-06-01")  # denied under both
    bad_facts = _new_hire("2024-01-15", "2024-02-10")
    bad_facts["facts"]["employee"]["expected_annual_hours"] = "lots"
    lines = [
        {"id": "A", **mid_month},
        on_the_first,
        pinned,
        "{not json",
        {"question": "life_event_change", **local},
        "",
        {"question": "new-hire-enrollment", "id": "B", **mid_month},
        late,
        bad_facts,
    ]
    return [x if isinstance(x, str) else json.dumps(x) for x in lines]


def test_impact_counts_grouped_by_rule_reason_and_date(registry: Registry) -> None:
    r = assess(registry, "state", "2026.1", "2091.1", _cases(), "cases.jsonl")
    assert (r.cases_read, r.evaluated, r.changed, r.unchanged, r.errors) == (8, 5, 3, 2, 3)
    assert {c.label: c.count for c in r.by_kind} == {
        "the outcome changes": 0,
        "a date changes, not the outcome": 2,
        "only the reasons change": 1,
    }
    assert [(e.line, e.field) for e in r.error_samples] == [
        (4, "(line)"),
        (5, "program"),
        (9, "facts.employee.expected_annual_hours"),
    ]
    assert "lots" not in impact_json(r)  # submitted values are never echoed
    assert r.outcome_changes == []
    assert [(d.date, d.count, [(s.label, s.count) for s in d.set_by]) for d in r.date_changes] == [
        ("coverage_effective_date", 2, [("NEWHIRE-EFFECTIVE-DATE-WINDOW", 2)])
    ]
    assert [(c.change, c.rule_id, c.reason_code, c.count) for c in r.rule_changes] == [
        (
            "appears",
            "NEWHIRE-EFFECTIVE-DATE-WINDOW",
            "NEWHIRE_TIMELY_COVERAGE_FIRST_OF_MONTH_IN_WINDOW",
            3,
        ),
        (
            "disappears",
            "NEWHIRE-EFFECTIVE-DATE-RECEIPT",
            "NEWHIRE_TIMELY_COVERAGE_FIRST_OF_MONTH_AFTER_RECEIPT",
            3,
        ),
    ]
    first = r.examples[0]
    assert (first.line, first.case_id, first.as_of) == (1, "A", date(2024, 2, 10))
    assert [(d.field, d.before, d.after) for d in first.dates] == [
        ("coverage_effective_date", "2024-03-01", "2024-02-01")
    ]
    assert [e.line for e in r.examples] == [1, 2, 7]


def test_impact_renders_as_text_and_html_with_a_chart(registry: Registry) -> None:
    r = assess(registry, "state", "2026.1", "2091.1", _cases(), "cases.jsonl")
    text = impact_text(r)
    assert "decisions that change: 3 (60.0%); unchanged: 2" in text
    assert (
        "       3  + NEWHIRE-EFFECTIVE-DATE-WINDOW "
        "(NEWHIRE_TIMELY_COVERAGE_FIRST_OF_MONTH_IN_WINDOW)" in text
    )
    assert re.search(r"coverage_effective_date\s+2024-03-01\s+\| 2024-02-01", text)
    html = impact_html(r)
    svg = html[html.index("<svg") : html.rindex("</svg>")]
    assert svg.count('<rect class="add"') == 1 and svg.count('<rect class="remove"') == 1
    assert "NEWHIRE-EFFECTIVE-DATE-WINDOW (NEWHIRE_TIMELY_COVERAGE_FIRST_OF_MONTH_IN_WINDOW)" in svg
    assert not re.search(r"(src|href)=\"(https?:)?//", html) and "<script" not in html


def test_cases_are_read_lazily() -> None:
    consumed: list[int] = []

    def lines() -> Iterator[str]:
        for i in range(1000):
            consumed.append(i)
            yield json.dumps(_new_hire("2024-01-15", "2024-02-10"))

    first = next(read_cases(lines()))
    assert getattr(first, "line", None) == 1 and consumed == [0]


def test_cli_impact_html(root: Path, tmp_path: Path) -> None:
    cases = tmp_path / "cases.jsonl"
    cases.write_text("\n".join(_cases()) + "\n")
    out = tmp_path / "impact.html"
    result = CliRunner().invoke(
        main,
        [
            "impact",
            "--from",
            "state@2026.1",
            "--to",
            "state@2091.1",
            str(cases),
            "--format",
            "html",
            "-o",
            str(out),
            "--root",
            str(root),
        ],
    )
    assert result.exit_code == 0, result.output
    assert "<svg" in out.read_text()
    mixed = CliRunner().invoke(
        main, ["impact", "--from", "state@2026.1", "--to", "local@2026.1", str(cases)]
    )
    assert mixed.exit_code == 2 and "same rule set" in mixed.output


# -- API -----------------------------------------------------------------------------------------


def test_api_diff_json_html_and_problems(registry: Registry) -> None:
    client = TestClient(create_app(registry=registry), headers=bearer())
    url = "/v1/rule-sets/state/diff"
    got = client.get(url, params={"from": "2026.1", "to": "2090.1"})
    assert got.status_code == 200 and got.headers["content-type"] == "application/json"
    body = got.json()
    assert body["summary"]["rule"] == {"added": 1, "removed": 1, "changed": 1}
    assert VersionDiff.model_validate(body).changes[0].kind == "version"
    page = client.get(url, params={"from": "2026.1", "to": "2090.1", "format": "html"})
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    assert "&lt;b&gt;30&lt;/b&gt;" in page.text
    missing = client.get(url, params={"from": "2026.1", "to": "1999.1"})
    assert missing.status_code == 404
    assert missing.headers["content-type"] == "application/problem+json"
    assert "no version of that name" in missing.json()["detail"]  # the name is not repeated
    assert [e["field"] for e in missing.json()["errors"]] == ["to"]
    assert "1999.1" not in missing.text
    unknown = client.get("/v1/rule-sets/federal/diff", params={"from": "1", "to": "2"})
    assert unknown.status_code == 404
    invalid = client.get(url, params={"from": "2026.1"})
    assert invalid.status_code == 422
    assert [e["field"] for e in invalid.json()["errors"]] == ["to"]
