"""The editor JSON Schemas are current and accept exactly what the loader accepts."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from eligibility_service.rules.yaml_source import load_yaml
from eligibility_service.tools.editor_schema import SCHEMAS, render_all, vscode_settings

from .conftest import ROOT


def plain(value: Any) -> Any:
    """YAML as an editor sees it: dates are strings."""
    if isinstance(value, dict):
        return {k: plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [plain(v) for v in value]
    if isinstance(value, date):
        return value.isoformat()
    return value


def test_committed_schemas_are_current() -> None:
    for name, text in render_all().items():
        assert (ROOT / "schemas" / name).read_text() == text, (
            f"schemas/{name} is stale: run `eligibility schemas`"
        )
    assert (ROOT / ".vscode" / "settings.json").read_text() == vscode_settings()


def files_for(name: str) -> list[Path]:
    globs = SCHEMAS[name][2]
    found = {p for g in globs for p in ROOT.glob(g)}
    if name == "rule-module.schema.json":
        found = {
            p
            for p in found
            if p.name not in ("version.yaml", "rule_set.yaml")
            and p.parent.name != "pinned-provisions"
        }
    return sorted(found)


@pytest.mark.parametrize("name", sorted(SCHEMAS))
def test_every_repository_file_validates(name: str) -> None:
    schema = json.loads((ROOT / "schemas" / name).read_text())
    validator = jsonschema.Draft202012Validator(schema, format_checker=jsonschema.FormatChecker())
    files = files_for(name)
    assert files
    for path in files:
        errors = list(validator.iter_errors(plain(load_yaml(path))))
        assert not errors, f"{path}: {errors[0].message}"


def test_schema_flags_an_unknown_key_and_a_bad_date() -> None:
    schema = json.loads((ROOT / "schemas" / "rule-module.schema.json").read_text())
    validator = jsonschema.Draft202012Validator(schema, format_checker=jsonschema.FormatChecker())
    module = plain(load_yaml(ROOT / "rule_sets" / "common" / "new_hire.yaml"))
    module["rules"][0]["colour"] = "blue"
    module["rules"][1]["in_force"]["from"] = "2011-02-30"
    messages = [e.message for e in validator.iter_errors(module)]
    assert any("colour" in m for m in messages), messages
    assert any("2011-02-30" in m for m in messages), messages
