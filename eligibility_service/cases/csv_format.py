"""The CSV form of a case record, for cases kept in spreadsheets.

One row per case. Columns (header names, any order):

- ``case_id``, ``question``, ``program``, ``decided_on``, ``as_of``, ``rule_set_version``:
  as in the JSON Lines record;
- ``outcome``: the decision made; ``reason_codes``: codes separated by ``;`` (column absent
  or cell empty: not compared);
- ``date.<name>``: a date decided then, e.g. ``date.coverage_effective_date`` (an empty cell:
  not compared; ``null``: the decision set no such date);
- ``fact.<path>``: one fact, its path dotted as in the API request, list items by index:
  ``fact.employee.hire_date``, ``fact.application.dependents.0.relationship``; an empty cell
  leaves the fact out (unknown);
- ``facts``: alternatively, all facts as one JSON object;
- ``choice.<name>``: a policy-choice alternative requested then;
- ``suites``: suite names separated by ``;``.

Cells are text; each fact cell is converted by the type the question's facts schema gives at
that path (``true``/``false``, numbers, dates as YYYY-MM-DD), so a value of the wrong type is
reported against its column rather than guessed.
"""

from __future__ import annotations

from functools import cache
from typing import Any

import orjson
from pydantic import BaseModel

from ..decisions.questions import QUESTIONS

TRUE = {"true", "yes", "y", "1"}
FALSE = {"false", "no", "n", "0"}


class CellError(ValueError):
    def __init__(self, column: str, message: str) -> None:
        self.column = column
        super().__init__(message)


@cache
def _schema(question: str) -> dict[str, Any]:
    model: type[BaseModel] = QUESTIONS[question].facts_model
    return model.model_json_schema()


def _resolve(schema: dict[str, Any], node: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in node:
        node = schema["$defs"][node["$ref"].rsplit("/", 1)[-1]]
    if "anyOf" in node:  # Optional[X]: the non-null branch
        branches = [b for b in node["anyOf"] if b.get("type") != "null"]
        if len(branches) == 1:
            return _resolve(schema, branches[0])
    return node


def _type_at(question: str, path: list[str]) -> str | None:
    schema = _schema(question)
    node = _resolve(schema, schema)
    for part in path:
        if node.get("type") == "object":
            props = node.get("properties", {})
            if part not in props:
                return None
            node = _resolve(schema, props[part])
        elif node.get("type") == "array" and part.isdigit():
            node = _resolve(schema, node.get("items", {}))
        else:
            return None
    found = node.get("type")
    return found if isinstance(found, str) else None


def _convert(text: str, kind: str | None, column: str) -> Any:
    if kind == "boolean":
        low = text.strip().lower()
        if low in TRUE:
            return True
        if low in FALSE:
            return False
        raise CellError(column, "expected true or false")
    if kind in ("number", "integer"):
        try:
            number = float(text)
        except ValueError:
            raise CellError(column, "expected a number") from None
        return int(number) if kind == "integer" and number.is_integer() else number
    return text.strip()


def _place(facts: dict[str, Any], path: list[str], value: Any, column: str) -> None:
    node: Any = facts
    for i, part in enumerate(path):
        last = i == len(path) - 1
        nxt = path[i + 1] if not last else None
        if isinstance(node, list):
            index = int(part)
            while len(node) <= index:
                node.append({} if nxt is not None and not nxt.isdigit() else [])
            if last:
                node[index] = value
            else:
                node = node[index]
        else:
            if last:
                node[part] = value
            else:
                node = node.setdefault(part, [] if nxt is not None and nxt.isdigit() else {})
        if not last and not isinstance(node, dict | list):
            raise CellError(column, "this path runs through a fact that is not an object")


def row_to_record(row: dict[str, str]) -> dict[str, Any]:
    """The JSON-shaped record of a CSV row (validated afterwards like any JSON line)."""
    question = (row.get("question") or "").strip()
    record: dict[str, Any] = {}
    for key in ("case_id", "question", "program", "decided_on", "as_of", "rule_set_version"):
        value = (row.get(key) or "").strip()
        if value:
            record[key] = value
    decision: dict[str, Any] = {}
    if (row.get("outcome") or "").strip():
        decision["outcome"] = row["outcome"].strip()
    codes = row.get("reason_codes")
    if codes is not None and codes.strip():
        decision["reason_codes"] = [c.strip() for c in codes.split(";") if c.strip()]
    facts: dict[str, Any] = {}
    if (row.get("facts") or "").strip():
        try:
            loaded = orjson.loads(row["facts"])
        except orjson.JSONDecodeError:
            raise CellError("facts", "not a JSON object") from None
        if not isinstance(loaded, dict):
            raise CellError("facts", "not a JSON object")
        facts = loaded
    choices: dict[str, str] = {}
    dates: dict[str, Any] = {}
    for column, cell in row.items():
        if column is None or cell is None or cell.strip() == "":
            continue
        if column.startswith("fact."):
            path = column[len("fact.") :].split(".")
            kind = _type_at(question, path) if question in QUESTIONS else None
            _place(facts, path, _convert(cell, kind, column), column)
        elif column.startswith("date."):
            dates[column[len("date.") :]] = None if cell.strip() == "null" else cell.strip()
        elif column.startswith("choice."):
            choices[column[len("choice.") :]] = cell.strip()
    if dates:
        decision["dates"] = dates
    record["facts"] = facts
    record["decision"] = decision
    if choices:
        record["policy_choices"] = choices
    if (row.get("suites") or "").strip():
        record["suites"] = [s.strip() for s in row["suites"].split(";") if s.strip()]
    return record
