"""JSON Schemas of the rule-set and provision files, for editors (VS Code's YAML support).

Generated from the same pydantic models the loader validates with, so editor hints and the
loader cannot drift apart; a test fails when the committed schemas are stale.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import click
from pydantic import BaseModel

from ..rules.model import Module, RuleSetInfo, VersionManifest
from ..rules.pinned_provisions import PIN_FOLDER
from ..rules.provisions import CatalogueFile
from ..settings import REPO_ROOT

SCHEMA_DIR = REPO_ROOT / "schemas"

# file name -> (model, title, the files it describes)
SCHEMAS: dict[str, tuple[type[BaseModel], str, list[str]]] = {
    "rule-module.schema.json": (
        Module,
        "Rule module: parameters, policy choices, definitions, rules and worked examples",
        ["rule_sets/common/*.yaml", "rule_sets/*/*/*.yaml"],
    ),
    "version.schema.json": (
        VersionManifest,
        "Rule-set version manifest",
        ["rule_sets/*/*/version.yaml"],
    ),
    "rule-set.schema.json": (RuleSetInfo, "Rule set", ["rule_sets/*/rule_set.yaml"]),
    "provisions.schema.json": (
        CatalogueFile,
        "Provision catalogue (statutes, administrative code, contracts, ETF guidance)",
        ["statutes/*.yaml", "contracts/*.yaml", "guidance/*.yaml"],
    ),
}


def schema_for(model: type[BaseModel], title: str) -> dict[str, Any]:
    schema = model.model_json_schema(by_alias=True, mode="validation")
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["title"] = title
    return schema


def render_all() -> dict[str, str]:
    return {
        name: json.dumps(schema_for(model, title), indent=2, sort_keys=True) + "\n"
        for name, (model, title, _globs) in SCHEMAS.items()
    }


def vscode_settings() -> str:
    """``yaml.schemas`` for VS Code (redhat.vscode-yaml), mapping each schema to its files.

    The version manifest pattern is listed for the version schema only: VS Code applies every
    matching schema, so the module pattern excludes version.yaml (and the pinned provisions
    the tools write) with negated globs.
    """
    mapping: dict[str, list[str]] = {}
    for name, (_model, _title, globs) in SCHEMAS.items():
        patterns = list(globs)
        if name == "rule-module.schema.json":
            patterns += [
                "!rule_sets/*/*/version.yaml",
                "!rule_sets/*/rule_set.yaml",
                f"!rule_sets/*/{PIN_FOLDER}/*.yaml",
            ]
        mapping[f"./schemas/{name}"] = patterns
    return json.dumps({"yaml.schemas": mapping}, indent=2) + "\n"


@click.command("schemas")
@click.option(
    "--output",
    type=click.Path(file_okay=False, path_type=Path),
    default=SCHEMA_DIR,
    show_default=True,
)
def schemas_cmd(output: Path) -> None:
    """Write the editor JSON Schemas (schemas/) and the VS Code settings that use them."""
    output.mkdir(parents=True, exist_ok=True)
    for name, text in render_all().items():
        (output / name).write_text(text, encoding="utf-8")
    vscode = output.parent / ".vscode"
    vscode.mkdir(exist_ok=True)
    (vscode / "settings.json").write_text(vscode_settings(), encoding="utf-8")
    click.echo(f"wrote {len(SCHEMAS)} schemas to {output} and {vscode / 'settings.json'}")


COMMANDS = [schemas_cmd]
