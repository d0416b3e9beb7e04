"""Read back facts that were validated when they were stored, without validating again.

The case store keeps each request as the JSON pydantic wrote after validating it, together
with a fingerprint of the facts schema it was validated against. While the schema is
unchanged, replay only has to turn that JSON back into Python (dates as ``date`` objects):
a tenth of the cost of validating. When the schema has changed since, the fingerprints
differ and the case is validated in full, so a case that no longer fits is reported, never
decided on stale terms. ``tests/store`` checks the two paths give identical facts for every
worked example.
"""

from __future__ import annotations

import hashlib
from datetime import date
from functools import cache
from typing import Any

import orjson

from ..rules.question import QuestionSpec

Path = tuple[str, ...]  # keys; "[]" walks every item of a list


@cache
def fingerprint(spec: QuestionSpec) -> str:
    """A short hash of the question's facts schema: equal means stored facts still fit."""
    schema = spec.facts_model.model_json_schema()
    return hashlib.sha256(orjson.dumps(schema, option=orjson.OPT_SORT_KEYS)).hexdigest()[:16]


def _resolve(root: dict[str, Any], node: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in node:
        node = root["$defs"][node["$ref"].rsplit("/", 1)[-1]]
    return node


def _walk(root: dict[str, Any], node: dict[str, Any], path: Path, out: list[Path]) -> None:
    node = _resolve(root, node)
    for branch in node.get("anyOf", ()):
        _walk(root, branch, path, out)
    if node.get("type") == "string" and node.get("format") == "date":
        out.append(path)
    elif node.get("type") == "object":
        for name, child in node.get("properties", {}).items():
            _walk(root, child, (*path, name), out)
    elif node.get("type") == "array" and "items" in node:
        _walk(root, node["items"], (*path, "[]"), out)


@cache
def date_paths(spec: QuestionSpec) -> tuple[Path, ...]:
    schema = spec.facts_model.model_json_schema()
    out: list[Path] = []
    _walk(schema, schema, (), out)
    return tuple(dict.fromkeys(out))


def _convert(node: Any, path: Path, i: int) -> None:
    if node is None:
        return
    key = path[i]
    last = i == len(path) - 1
    if key == "[]":
        if isinstance(node, list):
            for j, item in enumerate(node):
                if last:
                    if isinstance(item, str):
                        node[j] = date.fromisoformat(item)
                else:
                    _convert(item, path, i + 1)
        return
    if not isinstance(node, dict):
        return
    value = node.get(key)
    if last:
        if isinstance(value, str):
            node[key] = date.fromisoformat(value)
    elif value is not None:
        _convert(value, path, i + 1)


def load_request(spec: QuestionSpec, data: bytes) -> dict[str, Any]:
    """``{"program", "facts", "options"}`` from stored, already validated JSON."""
    request: dict[str, Any] = orjson.loads(data)
    facts = request["facts"]
    for path in date_paths(spec):
        _convert(facts, path, 0)
    return request
