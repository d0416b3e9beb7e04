"""A published version keeps the provision records it cited: correcting the catalogue (a
url, a period) improves the versions that follow and leaves published answers unchanged."""

from __future__ import annotations

import re
import shutil
from datetime import date
from pathlib import Path

import pytest

from eligibility_service.decisions.questions import QUESTIONS
from eligibility_service.rules.errors import LoadError
from eligibility_service.rules.pinned_provisions import pin_path
from eligibility_service.rules.registry import load_registry
from eligibility_service.versioning.manage import (
    VersioningError,
    new_version,
    pin_version,
    publish_version,
)

from .conftest import ROOT

CORRECT = "https://docs.legis.wisconsin.gov/document/statutes/40.51(2)"


@pytest.fixture
def root(tmp_path: Path) -> Path:
    """The State rule set as published (record and pin) with the live catalogue."""
    for folder in ("statutes", "contracts", "guidance", "rule_sets/common"):
        shutil.copytree(ROOT / folder, tmp_path / folder, dirs_exist_ok=True)
    state = tmp_path / "rule_sets/state"
    for part in ("2026.1", "2026.2", "pinned-provisions"):
        shutil.copytree(ROOT / "rule_sets/state" / part, state / part)
    for file in ("rule_set.yaml", "published.yaml"):
        shutil.copy2(ROOT / "rule_sets/state" / file, state / file)
    return tmp_path


def set_url(root: Path, pid: str, url: str) -> None:
    path = root / "statutes/wis-stat-ch40.yaml"
    text = path.read_text()
    start = text.index(f"id: {pid}\n")
    old = re.compile(r"url: [^\n]+").search(text, start)
    assert old is not None
    path.write_text(text[: old.start()] + f"url: {url}" + text[old.end() :])


def test_a_catalogue_correction_leaves_the_published_version_as_published(root: Path) -> None:
    before = load_registry(root, QUESTIONS).get("state", "2026.1")
    old_url = before.provisions["wis-stat-40.51-2"].provision.url
    assert old_url != CORRECT
    set_url(root, "wis-stat-40.51-2", CORRECT)
    new_version(root, "state", "2026.1", "2090.1", date(2090, 1, 1))
    registry = load_registry(root, QUESTIONS)  # the published version still loads
    published = registry.get("state", "2026.1")
    assert published.content_hash == before.content_hash
    assert published.provisions["wis-stat-40.51-2"].provision.url == old_url
    # the new version reads the corrected record
    assert registry.get("state", "2090.1").provisions["wis-stat-40.51-2"].provision.url == CORRECT


def test_without_its_pin_the_correction_would_change_the_published_version(root: Path) -> None:
    shutil.rmtree(root / "rule_sets/state/pinned-provisions")
    set_url(root, "wis-stat-40.51-2", CORRECT)
    with pytest.raises(LoadError) as info:
        load_registry(root, QUESTIONS)
    message = "\n".join(str(p) for p in info.value.problems)
    assert "statutes/wis-stat-ch40.yaml (cited provisions)" in message
    # and a pin cannot be taken now: it would record the correction, not what was published
    with pytest.raises(VersioningError, match="no longer matches its recorded hash"):
        pin_version(root, "state", "2026.1")


def test_an_edited_pin_fails_the_published_version(root: Path) -> None:
    pin = pin_path(root / "rule_sets/state", "2026.1")
    text = pin.read_text()
    pin.write_text(text.replace("40.51(15m)", "40.51(2)", 1))
    with pytest.raises(LoadError) as info:
        load_registry(root, QUESTIONS)
    assert any("published and its content changed" in str(p) for p in info.value.problems)


def test_publishing_pins_what_the_version_cites(root: Path) -> None:
    new_version(root, "state", "2026.1", "2090.1", date(2090, 1, 1))
    done = publish_version(root, "state", "2090.1", date(2026, 12, 8))
    pin = pin_path(root / "rule_sets/state", "2090.1")
    assert pin.is_file()
    assert set(re.findall(r"^    id: (\S+)$", pin.read_text(), re.MULTILINE)) == set(
        done.rule_set.provisions
    )
    set_url(root, "wis-stat-40.51-2", CORRECT)
    # both published versions survive the correction
    registry = load_registry(root, QUESTIONS)
    assert registry.get("state", "2090.1").content_hash == done.record.content_hash
