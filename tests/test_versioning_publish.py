"""Versions: new drafts (with snapshots of shared modules), publishing, immutability at load."""

from __future__ import annotations

import re
import shutil
from datetime import date
from pathlib import Path

import pytest
from click.testing import CliRunner

from eligibility_service.cli import main
from eligibility_service.decisions.questions import QUESTIONS
from eligibility_service.rules.errors import LoadError
from eligibility_service.rules.publishing import read_records
from eligibility_service.rules.registry import load_registry
from eligibility_service.versioning.manage import (
    VersioningError,
    new_version,
    publish_version,
    snapshot_version,
)

from .conftest import ROOT

TODAY = date(2026, 11, 27)


@pytest.fixture
def root(tmp_path: Path) -> Path:
    """A copy of the repository's State rule set (the Local one only slows loading down),
    its shared modules and the catalogues, without publishing records or other drafts."""
    for folder in ("statutes", "contracts", "guidance", "rule_sets/common"):
        shutil.copytree(ROOT / folder, tmp_path / folder)
    state = tmp_path / "rule_sets/state"
    shutil.copytree(ROOT / "rule_sets/state/2026.1", state / "2026.1")
    shutil.copy2(ROOT / "rule_sets/state/rule_set.yaml", state / "rule_set.yaml")
    return tmp_path


def load_problems(root: Path) -> list[str]:
    with pytest.raises(LoadError) as info:
        load_registry(root, QUESTIONS)
    return [str(p) for p in info.value.problems]


def replace_in(path: Path, old: str, new: str) -> None:
    text = path.read_text()
    assert old in text, f"{old!r} not in {path}"
    path.write_text(text.replace(old, new, 1))


def status_line(path: Path) -> int:
    lines = path.read_text().splitlines()
    return next(i for i, line in enumerate(lines, start=1) if line.startswith("status:"))


def test_new_version_snapshots_shared_modules_and_decides_alike(root: Path) -> None:
    made = new_version(root, "state", "2026.1", "2090.1", date(2090, 1, 1))
    folder = root / "rule_sets/state/2090.1"
    assert "rule_sets/common/new_hire.yaml" in made.snapshot
    assert (folder / "new_hire.yaml").read_bytes() == (
        root / "rule_sets/common/new_hire.yaml"
    ).read_bytes()
    manifest = (folder / "version.yaml").read_text()
    assert "status: draft" in manifest and "../../common" not in manifest
    registry = load_registry(root, QUESTIONS)
    old, new = registry.get("state", "2026.1"), registry.get("state", "2090.1")
    assert new.manifest.in_force.from_ == date(2090, 1, 1)
    for question, compiled in old.questions.items():  # same modules in the same order
        assert [r.id for r in compiled.rules] == [r.id for r in new.questions[question].rules]
    # an edit of common/ reaches the version that shares it, not the snapshot
    replace_in(root / "rule_sets/common/new_hire.yaml", "value: 30\n", "value: 31\n")
    after = load_registry(root, QUESTIONS)
    assert after.get("state", "2026.1").content_hash != old.content_hash
    assert after.get("state", "2090.1").content_hash == new.content_hash
    with pytest.raises(VersioningError, match="already exists"):
        new_version(root, "state", "2026.1", "2090.1", date(2090, 1, 1))


def test_share_common_then_snapshot(root: Path) -> None:
    new_version(root, "state", "2026.1", "2091.1", date(2091, 1, 1), snapshot=False)
    manifest = root / "rule_sets/state/2091.1/version.yaml"
    assert "../../common/*.yaml" in manifest.read_text()
    before = load_registry(root, QUESTIONS).get("state", "2091.1")
    copied = snapshot_version(root, "state", "2091.1")
    assert "rule_sets/common/life_event_change.yaml" in copied
    assert "../../common" not in manifest.read_text()
    after = load_registry(root, QUESTIONS).get("state", "2091.1")
    assert [m for m in after.manifest.modules if m.endswith("new_hire.yaml")] == ["new_hire.yaml"]
    assert list(before.parameters) == list(after.parameters)
    assert snapshot_version(root, "state", "2091.1") == ()  # nothing left to copy
    with pytest.raises(VersioningError, match="is published"):
        snapshot_version(root, "state", "2026.1")


def test_publish_records_hash_and_edits_of_published_versions_fail_with_file_and_line(
    root: Path,
) -> None:
    new_version(root, "state", "2026.1", "2090.1", date(2090, 1, 1))
    draft = publish_version(root, "state", "2090.1", TODAY)
    assert not draft.already and draft.shared_files == ()
    manifest = root / "rule_sets/state/2090.1/version.yaml"
    assert re.search(r"^status: published$", manifest.read_text(), re.MULTILINE)
    # the repository's 2026.1 was published before records existed: now it needs one too
    line = status_line(root / "rule_sets/state/2026.1/version.yaml")
    assert [str(p) for p in draft.problems] == [
        f"rule_sets/state/2026.1/version.yaml:{line}: version state@2026.1 says 'status: "
        "published' but rule_sets/state/published.yaml has no content hash for it; publish it "
        "with `eligibility version publish state 2026.1`"
    ]
    existing = publish_version(root, "state", "2026.1", TODAY)
    assert existing.shared_files and not existing.problems  # it reads rule_sets/common/
    records = read_records(root / "rule_sets/state")
    assert records is not None and set(records) == {"2026.1", "2090.1"}
    assert records["2090.1"].content_hash == draft.rule_set.content_hash
    assert records["2090.1"].published_on == TODAY
    assert publish_version(root, "state", "2090.1", TODAY).already

    # edit the published 2090.1 (its own copy of a shared module)
    replace_in(root / "rule_sets/state/2090.1/new_hire.yaml", "value: 30\n", "value: 31\n")
    problems = load_problems(root)
    assert len(problems) == 1
    line = status_line(manifest)
    assert problems[0].startswith(
        f"rule_sets/state/2090.1/version.yaml:{line}: version state@2090.1 is published and "
        "its content changed (changed: rule_sets/state/2090.1/new_hire.yaml; recorded sha256:"
    )
    assert problems[0].endswith(
        "published versions are immutable: undo the change and create a new version with "
        "`eligibility version new state 2090.1 NEW --in-force-from DATE`"
    )
    with pytest.raises(VersioningError, match="immutable"):
        publish_version(root, "state", "2090.1", TODAY)


def test_edit_of_a_shared_module_breaks_the_published_version_that_reads_it(root: Path) -> None:
    publish_version(root, "state", "2026.1", TODAY)
    replace_in(root / "statutes/wis-stat-ch40.yaml", "citation: ", "citation:  ")  # layout only
    load_registry(root, QUESTIONS)  # comments and layout are not content
    replace_in(root / "rule_sets/common/new_hire.yaml", "value: 30\n", "value: 31\n")
    (problem,) = load_problems(root)
    assert "version state@2026.1 is published and its content changed (changed: " in problem
    assert "rule_sets/common/new_hire.yaml;" in problem


def test_removing_a_published_version_is_refused(root: Path) -> None:
    publish_version(root, "state", "2026.1", TODAY)
    record_file = root / "rule_sets/state/published.yaml"
    assert "content_hash: sha256:" in record_file.read_text()
    shutil.rmtree(root / "rule_sets/state/2026.1")
    assert load_problems(root) == [
        "rule_sets/state/published.yaml:6: published version state@2026.1 is recorded but its "
        "folder is gone; published versions cannot be removed"
    ]


def test_records_of_one_rule_set_do_not_block_publishing_another(root: Path) -> None:
    other = root / "rule_sets/other"
    shutil.copytree(root / "rule_sets/state", other)
    replace_in(other / "rule_set.yaml", "id: state", "id: other")
    publish_version(root, "state", "2026.1", TODAY)
    done = publish_version(root, "other", "2026.1", TODAY)
    assert done.problems == ()
    registry = load_registry(root, QUESTIONS)
    assert sorted(registry.rule_sets) == ["other", "state"]


def test_publish_refuses_a_draft_whose_examples_fail_and_keeps_it_a_draft(root: Path) -> None:
    new_version(root, "state", "2026.1", "2090.1", date(2090, 1, 1))
    folder = root / "rule_sets/state/2090.1"
    replace_in(
        folder / "version.yaml",
        "modules:",
        "policy_defaults:\n  newhire_effective_date: first_of_following_month\nmodules:",
    )
    with pytest.raises(VersioningError, match="worked example") as info:
        publish_version(root, "state", "2090.1", TODAY)
    assert info.value.problems and info.value.problems[0].file.startswith("rule_sets/state/2090.1/")
    assert "status: draft" in (folder / "version.yaml").read_text()
    assert read_records(root / "rule_sets/state") is None


def test_cli_version_new_and_publish(root: Path) -> None:
    runner = CliRunner()
    made = runner.invoke(
        main,
        [
            "version",
            "new",
            "state",
            "2026.1",
            "2092.1",
            "--in-force-from",
            "2092-01-01",
            "--changes",
            "Nothing yet.",
            "--root",
            str(root),
        ],
    )
    assert made.exit_code == 0, made.output
    assert "copied rule_sets/common/new_hire.yaml" in made.output
    assert "changes: Nothing yet." in (root / "rule_sets/state/2092.1/version.yaml").read_text()
    done = runner.invoke(main, ["version", "publish", "state", "2092.1", "--root", str(root)])
    # 2026.1 is published without a record, so the rule set no longer loads until it has one
    assert done.exit_code == 1
    assert "published state@2092.1: sha256:" in done.output
    assert "eligibility version publish state 2026.1" in done.output
    again = runner.invoke(main, ["version", "publish", "state", "2026.1", "--root", str(root)])
    assert again.exit_code == 0, again.output
    assert "rule_sets/common/new_hire.yaml" in again.output  # the shared-module warning
    unknown = runner.invoke(main, ["version", "publish", "federal", "1", "--root", str(root)])
    assert unknown.exit_code == 1 and "no rule set 'federal'" in unknown.output
