"""Strict loading: every kind of mistake an analyst can make stops the load with file:line."""

from __future__ import annotations

import re
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner

from eligibility_service.cli import main
from eligibility_service.decisions.questions import QUESTIONS
from eligibility_service.rules.errors import LoadError
from eligibility_service.rules.registry import load_registry

from .conftest import ROOT

STATE = "rule_sets/state/2026.1/new_hire_state.yaml"
COMMON = "rule_sets/common/new_hire.yaml"


@pytest.fixture
def copy(tmp_path: Path) -> Path:
    for folder in ("rule_sets", "statutes", "contracts", "guidance"):
        shutil.copytree(ROOT / folder, tmp_path / folder)
    # the tests edit published versions to provoke other errors: no publishing records here
    for record in (tmp_path / "rule_sets").glob("*/published.yaml"):
        record.unlink()
    return tmp_path


def edit(root: Path, rel: str, change: Callable[[str], str]) -> None:
    path = root / rel
    before = path.read_text()
    after = change(before)
    assert after != before, "the mutation did not change the file"
    path.write_text(after)


def line_of(root: Path, rel: str, needle: str) -> int:
    for number, line in enumerate((root / rel).read_text().splitlines(), start=1):
        if needle in line:
            return number
    raise AssertionError(f"{needle!r} not in {rel}")


def problems(root: Path) -> list[str]:
    with pytest.raises(LoadError) as info:
        load_registry(root, QUESTIONS)
    return [str(p) for p in info.value.problems]


def test_repository_rule_sets_load(registry) -> None:  # type: ignore[no-untyped-def]
    assert set(registry.rule_sets) == {"state", "local"}
    for versions in registry.rule_sets.values():
        for rs in versions.values():
            assert rs.content_hash.startswith("sha256:")
            assert rs.questions["new_hire_enrollment"].rules


def test_duplicate_yaml_key(copy: Path) -> None:
    edit(
        copy,
        STATE,
        lambda s: s.replace(
            "module: new-hire-state\n", "module: new-hire-state\nmodule: again\n", 1
        ),
    )
    line = line_of(copy, STATE, "module: again")
    assert any(p.startswith(f"{STATE}:{line}: duplicate key 'module'") for p in problems(copy))


def test_unknown_key(copy: Path) -> None:
    edit(
        copy,
        STATE,
        lambda s: s.replace(
            "  - id: ELIG-STATE-ELECTED-OFFICIAL\n",
            "  - id: ELIG-STATE-ELECTED-OFFICIAL\n    colour: blue\n",
            1,
        ),
    )
    line = line_of(copy, STATE, "colour: blue")
    found = problems(copy)
    assert any(p.startswith(f"{STATE}:{line}:") and "unknown key" in p for p in found), found


def test_impossible_date(copy: Path) -> None:
    edit(
        copy,
        STATE,
        lambda s: s.replace(
            "- from: 2011-06-29\n        value: 2\n", "- from: 2011-02-30\n        value: 2\n", 1
        ),
    )
    line = line_of(copy, STATE, "2011-02-30")
    found = problems(copy)
    assert any(
        p.startswith(f"{STATE}:{line}:") and "not a real calendar date" in p for p in found
    ), found


def test_type_error_in_condition(copy: Path) -> None:
    edit(
        copy,
        STATE,
        lambda s: s.replace(
            "when: employee.position_type == 'elected_official'\n",
            "when: employee.position_type == 'elected_oficial'\n",
            1,
        ),
    )
    line = line_of(copy, STATE, "elected_oficial")
    found = problems(copy)
    assert any(p.startswith(f"{STATE}:{line}:") and "not a possible value" in p for p in found), (
        found
    )


def test_unknown_fact(copy: Path) -> None:
    edit(
        copy,
        COMMON,
        lambda s: s.replace("when: known(employee.hire_date)", "when: known(employee.hire_day)", 1),
    )
    line = line_of(copy, COMMON, "employee.hire_day")
    found = problems(copy)
    assert any(p.startswith(f"{COMMON}:{line}:") and "no fact 'hire_day'" in p for p in found), (
        found
    )


def test_unresolved_citation(copy: Path) -> None:
    edit(
        copy,
        STATE,
        lambda s: s.replace(
            "implements: [wis-stat-40.02-25-a-2]\n", "implements: [wis-stat-40.99-9]\n", 1
        ),
    )
    found = problems(copy)
    assert any(
        STATE in p and "'wis-stat-40.99-9', which is not a known provision" in p for p in found
    ), found


def test_parameter_value_of_wrong_type(copy: Path) -> None:
    edit(copy, COMMON, lambda s: s.replace("value: 30\n", "value: thirty\n", 1))
    found = problems(copy)
    # reported once, where the parameter is used, not again at every use of the definition
    assert len(found) == 1, found
    assert COMMON in found[0] and "window_end() argument 2 must be number" in found[0]


def test_parameter_values_must_share_a_type(copy: Path) -> None:
    edit(copy, COMMON, lambda s: s.replace("value: 1200\n", "value: many\n", 1))
    found = problems(copy)
    assert any(COMMON in p and "same type" in p for p in found), found


def test_policy_default_not_an_alternative(copy: Path) -> None:
    edit(copy, COMMON, lambda s: s.replace("default: event_day_zero", "default: event_day_two", 1))
    found = problems(copy)
    assert any(COMMON in p and "event_day_two" in p for p in found), found


def test_broken_worked_example_facts(copy: Path) -> None:
    edit(
        copy,
        STATE,
        lambda s: s.replace(
            "position_type: graduate_assistant,\n                 prior",
            "position_type: professor,\n                 prior",
            1,
        ),
    )
    line = line_of(copy, STATE, "position_type: professor")
    found = problems(copy)
    assert any(p.startswith(f"{STATE}:{line}:") and "example" in p for p in found), found


def test_duplicate_provision_id(copy: Path) -> None:
    rel = "guidance/etf-pages.yaml"
    text = (copy / rel).read_text()
    first = re.search(r"\n  - id: (src-e1)\n", text)
    assert first
    edit(copy, rel, lambda s: s.replace("  - id: src-e2\n", "  - id: src-e1\n", 1))
    found = problems(copy)
    assert any("duplicate provision id 'src-e1'" in p for p in found), found


def test_lint_passes_on_repository() -> None:
    result = CliRunner().invoke(main, ["lint", "--root", str(ROOT)])
    assert result.exit_code == 0, result.output
    assert "lint: ok" in result.output


def test_lint_fails_with_file_and_line_on_a_broken_copy(copy: Path) -> None:
    edit(
        copy,
        STATE,
        lambda s: s.replace(
            "when: employee.position_type == 'graduate_assistant'",
            "when: employee.position_type = 'graduate_assistant'",
            1,
        ),
    )
    line = line_of(copy, STATE, "position_type = 'graduate_assistant'")
    result = CliRunner().invoke(main, ["lint", "--root", str(copy)])
    assert result.exit_code == 1
    assert re.search(
        rf"new_hire_state\.yaml:{line}: error \[load\] rule ELIG-STATE-GRADUATE-ASSISTANT "
        r"'when': syntax error",
        result.output,
    ), result.output


def test_lint_fails_when_a_worked_example_is_wrong(copy: Path) -> None:
    edit(
        copy,
        STATE,
        lambda s: s.replace(
            "employer_contribution_start_date: 2024-08-01\n      reasons: [STATE_CONTRIBUTION_LTE",
            "employer_contribution_start_date: 2024-09-01\n      reasons: [STATE_CONTRIBUTION_LTE",
            1,
        ),
    )
    result = CliRunner().invoke(main, ["lint", "--root", str(copy)])
    assert result.exit_code == 1
    assert "Limited-term employee waits six months" in result.output
    assert "expected 2024-09-01, got 2024-08-01" in result.output
