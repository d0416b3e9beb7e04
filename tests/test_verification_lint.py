"""`eligibility lint` holds every rule, value and default to a record of the text it was
checked against, and every provision to a url and a period taken from the text (issue 17).

Each test starts from the clean lint fixture with a verification record on every item and no
reviewed exception, then breaks one thing.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

import pytest
import yaml

from eligibility_service.analysis.findings import Finding
from eligibility_service.analysis.lint import lint
from eligibility_service.analysis.runner import Budget

CLEAN = Path(__file__).parent / "fixtures" / "lint" / "clean"
MODULE = "rule_sets/local/1.0/contribution.yaml"
STATUTES = "statutes/fixture.yaml"

Edit = Callable[[dict[str, Any]], None]


def record(source: str, verdict: str = "agrees", why: str | None = None) -> dict[str, Any]:
    found: dict[str, Any] = {
        "source": source,
        "text": "Fixture statutes, 2026 edition",
        "read_on": date(2026, 12, 8),
        "verdict": verdict,
        "quote": "at least half",
    }
    if why:
        found["why"] = why
    return found


def verified_root(tmp_path: Path) -> Path:
    root = tmp_path / "root"
    shutil.copytree(CLEAN, root)
    (root / "verification" / "exceptions.yaml").unlink()
    module = root / MODULE
    data = yaml.safe_load(module.read_text())
    for rule in data["rules"]:
        rule["verified"] = record(rule["implements"][0])
    for param in data["parameters"].values():
        for value in param["values"]:
            value["verified"] = record(value["cites"][0])
    module.write_text(yaml.safe_dump(data, sort_keys=False))
    return root


def edit_yaml(path: Path, change: Edit) -> None:
    data = yaml.safe_load(path.read_text())
    change(data)
    path.write_text(yaml.safe_dump(data, sort_keys=False))


def rule(data: dict[str, Any], rule_id: str) -> dict[str, Any]:
    return next(r for r in data["rules"] if r["id"] == rule_id)


def provision(data: dict[str, Any], pid: str) -> dict[str, Any]:
    return next(p for p in data["provisions"] if p["id"] == pid)


def findings(root: Path) -> list[Finding]:
    return [f for f in lint(root, Budget.quick()).findings if f.severity != "info"]


def exceptions(root: Path, *entries: tuple[str, str]) -> None:
    (root / "verification" / "exceptions.yaml").write_text(
        yaml.safe_dump(
            {
                "exceptions": [
                    {
                        "check": check,
                        "target": target,
                        "reason": "Accepted after review for this test.",
                        "reviewed_by": "tests",
                        "reviewed_on": date(2026, 12, 8),
                    }
                    for check, target in entries
                ]
            }
        )
    )


def test_every_item_verified_is_clean(tmp_path: Path) -> None:
    assert findings(verified_root(tmp_path)) == []


def test_a_rule_without_a_record_is_an_error(tmp_path: Path) -> None:
    root = verified_root(tmp_path)
    edit_yaml(root / MODULE, lambda d: rule(d, "SHARE-TOO-LOW").pop("verified"))
    (only,) = findings(root)
    assert (only.kind, only.severity, only.rule_ids) == (
        "verification-missing",
        "error",
        ("SHARE-TOO-LOW",),
    )
    assert only.file == MODULE and only.line is not None
    # a reviewed exception for the one item turns it into information
    exceptions(root, ("verification-missing", "local@1.0:SHARE-TOO-LOW"))
    assert findings(root) == []


def test_a_parameter_value_without_a_record_is_an_error(tmp_path: Path) -> None:
    root = verified_root(tmp_path)
    edit_yaml(root / MODULE, lambda d: d["parameters"]["cap_percent"]["values"][0].pop("verified"))
    (only,) = findings(root)
    assert only.kind == "verification-missing"
    assert "parameter cap_percent (value from 2012-01-01)" in only.message


def test_a_record_about_a_text_the_rule_does_not_cite(tmp_path: Path) -> None:
    root = verified_root(tmp_path)
    edit_yaml(root / MODULE, lambda d: rule(d, "SHARE-ENOUGH").update(verified=record("fx-cap")))
    (only,) = findings(root)
    assert (only.kind, only.rule_ids) == ("verification-source", ("SHARE-ENOUGH",))
    assert "'fx-cap', which it does not cite" in only.message


def test_agrees_must_rest_on_primary_text(tmp_path: Path) -> None:
    root = verified_root(tmp_path)
    edit_yaml(root / STATUTES, lambda d: provision(d, "fx-share").update(kind="guidance"))
    found = findings(root)
    assert {f.kind for f in found} == {"verification-source"}
    assert {("SHARE-ENOUGH",), ("SHARE-TOO-LOW",)} <= {f.rule_ids for f in found}
    assert "not primary text" in found[0].message


def test_a_record_that_disagrees_is_an_error_until_fixed_or_excused(tmp_path: Path) -> None:
    root = verified_root(tmp_path)
    edit_yaml(
        root / MODULE,
        lambda d: rule(d, "SHARE-OPTIONAL").update(
            verified=record("fx-optional", "disagrees", "The text says retirees only.")
        ),
    )
    (only,) = findings(root)
    assert (only.kind, only.severity) == ("verification-disagrees", "error")
    assert "The text says retirees only." in only.message


def test_a_verdict_other_than_agrees_needs_why(tmp_path: Path) -> None:
    root = verified_root(tmp_path)
    edit_yaml(
        root / MODULE,
        lambda d: rule(d, "SHARE-OPTIONAL").update(verified=record("fx-optional", "beyond_source")),
    )
    found = lint(root, Budget.quick()).findings
    assert [f.kind for f in found] == ["load"]
    assert "'beyond_source' verdict needs 'why'" in found[0].message
    assert found[0].file == MODULE


def test_a_default_on_guidance_while_an_alternative_cites_the_statute(tmp_path: Path) -> None:
    root = verified_root(tmp_path)

    def add_guidance(d: dict[str, Any]) -> None:
        d["provisions"].append(
            {
                **provision(d, "fx-optional"),
                "id": "fx-guidance",
                "citation": "Fixture agency page",
                "kind": "guidance",
            }
        )

    def add_choice(d: dict[str, Any]) -> None:
        d["policy_choices"] = {
            "share_rounding": {
                "title": "Rounding of the share",
                "conflict": "The page and the statute round differently.",
                "default": "page",
                "rationale": "The page is what employers read.",
                "alternatives": {
                    "page": {
                        "title": "As the page",
                        "description": "Down.",
                        "cites": ["fx-guidance"],
                    },
                    "statute": {
                        "title": "As the statute",
                        "description": "Up.",
                        "cites": ["fx-share"],
                    },
                },
                "verified": record("fx-guidance", "guidance_only", "Only the page speaks."),
            }
        }

    edit_yaml(root / STATUTES, add_guidance)
    edit_yaml(root / MODULE, add_choice)
    (only,) = findings(root)
    assert only.kind == "default-without-primary" and only.severity == "error"
    assert "share_rounding (page)" in only.message


def test_a_url_that_shows_another_section(tmp_path: Path) -> None:
    root = verified_root(tmp_path)
    edit_yaml(
        root / STATUTES,
        lambda d: provision(d, "fx-share").update(
            citation="Wis. Stat. § 40.51(2)",
            url="https://docs.legis.wisconsin.gov/document/statutes/2017/40.51(15m)",
        ),
    )
    (only,) = findings(root)
    assert (only.kind, only.file) == ("provision-url", STATUTES)
    assert "40.51(15m)" in only.message
    exceptions(root, ("provision-url", "fx-share"))
    assert findings(root) == []


def test_a_period_not_dated_from_the_text(tmp_path: Path) -> None:
    root = verified_root(tmp_path)
    edit_yaml(root / STATUTES, lambda d: provision(d, "fx-cap").pop("in_force_source"))
    (only,) = findings(root)
    assert (only.kind, only.severity) == ("provision-placeholder-period", "error")
    assert "fx-cap" in only.message


def test_a_rule_before_its_source_is_an_error_in_a_verified_version(tmp_path: Path) -> None:
    root = verified_root(tmp_path)
    edit_yaml(
        root / STATUTES,
        lambda d: provision(d, "fx-optional")["in_force"].update({"from": date(2005, 1, 1)}),
    )
    (only,) = findings(root)
    assert (only.kind, only.severity, only.rule_ids) == (
        "citation-period",
        "error",
        ("SHARE-OPTIONAL",),
    )
    # an exception on the source: the document describes a practice older than itself
    exceptions(root, ("citation-period", "fx-optional"))
    assert findings(root) == []


def test_an_exception_that_names_nothing_is_reported(tmp_path: Path) -> None:
    root = verified_root(tmp_path)
    exceptions(root, ("provision-url", "fx-gone"))
    (only,) = findings(root)
    assert (only.kind, only.severity) == ("exception-unused", "warning")
    assert only.file == "verification/exceptions.yaml"


@pytest.mark.parametrize("check", ["no-such-check"])
def test_an_unknown_check_in_the_exceptions_is_a_load_finding(tmp_path: Path, check: str) -> None:
    root = verified_root(tmp_path)
    exceptions(root, (check, "local@1.0"))
    found = findings(root)
    assert [f.kind for f in found] == ["load"]
    assert "unknown check 'no-such-check'" in found[0].message
