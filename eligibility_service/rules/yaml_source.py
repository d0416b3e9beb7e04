"""Strict YAML reading that remembers where every value came from.

PyYAML silently keeps the last of two duplicate keys and reports impossible dates without a
position; both are mistakes an analyst makes while editing. This loader refuses duplicates,
reports bad dates with their line, and returns mappings that know the line of each key so
that later schema errors can be reported as ``file:line`` too.
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from typing import Any

import yaml

from .errors import LoadError, Problem, display_path


class LineDict(dict[str, Any]):
    """A mapping that also records the 1-based source line of each key and of itself."""

    line: int = 0
    key_lines: dict[str, int]

    def __init__(self) -> None:
        super().__init__()
        self.key_lines = {}


class LineList(list[Any]):
    """A sequence that records the 1-based line of each item and of itself."""

    line: int = 0
    item_lines: list[int]

    def __init__(self) -> None:
        super().__init__()
        self.item_lines = []


_DATE_RE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


# libyaml's parser (C) when PyYAML was built with it: the same documents and marks, about ten
# times faster than the pure-Python scanner, which dominated start-up time.
_BaseLoader: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class _StrictLoader(_BaseLoader):  # type: ignore[valid-type,misc]
    """SafeLoader with duplicate-key detection, line tracking and positioned date errors."""


def _construct_mapping(loader: _StrictLoader, node: yaml.MappingNode) -> LineDict:
    result = LineDict()
    result.line = node.start_mark.line + 1
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=True)
        if not isinstance(key, str):
            key = str(key)
        if key in result:
            raise yaml.constructor.ConstructorError(
                None,
                None,
                f"duplicate key {key!r} (first at line {result.key_lines[key]})",
                key_node.start_mark,
            )
        result[key] = loader.construct_object(value_node, deep=True)
        result.key_lines[key] = key_node.start_mark.line + 1
    return result


def _construct_sequence(loader: _StrictLoader, node: yaml.SequenceNode) -> LineList:
    result = LineList()
    result.line = node.start_mark.line + 1
    for item in node.value:
        result.append(loader.construct_object(item, deep=True))
        result.item_lines.append(item.start_mark.line + 1)
    return result


def _construct_timestamp(loader: _StrictLoader, node: yaml.ScalarNode) -> dt.date:
    text = loader.construct_scalar(node)
    if not isinstance(text, str) or not _DATE_RE.match(text):
        raise yaml.constructor.ConstructorError(
            None, None, f"{text!r} is not a date in YYYY-MM-DD form", node.start_mark
        )
    try:
        return dt.date.fromisoformat(text)
    except ValueError as exc:
        raise yaml.constructor.ConstructorError(
            None, None, f"{text!r} is not a real calendar date ({exc})", node.start_mark
        ) from None


_StrictLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)
_StrictLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_SEQUENCE_TAG, _construct_sequence)
_StrictLoader.add_constructor("tag:yaml.org,2002:timestamp", _construct_timestamp)
# Plain scalars shaped like dates but impossible (2023-02-30) must still reach the date
# constructor so they fail loudly instead of loading as strings.
_StrictLoader.add_implicit_resolver(
    "tag:yaml.org,2002:timestamp", re.compile(r"^\d{4}-\d{1,2}-\d{1,2}$"), list("0123456789")
)


def load_yaml(path: Path) -> Any:
    """Parse ``path`` strictly; raise :class:`LoadError` with file:line on any problem."""
    text = path.read_text(encoding="utf-8")
    return load_yaml_text(text, display_path(path))


def load_yaml_text(text: str, name: str) -> Any:
    try:
        return yaml.load(text, Loader=_StrictLoader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else None
        message = exc.problem or str(exc)
        if exc.context and exc.context not in message:
            message = f"{exc.context}: {message}"
        raise LoadError([Problem(name, line, message)]) from None
    except yaml.YAMLError as exc:
        raise LoadError([Problem(name, None, str(exc))]) from None


def line_of(data: Any, loc: tuple[int | str, ...]) -> int | None:
    """Best line for a pydantic error location inside data loaded by :func:`load_yaml`."""
    best: int | None = getattr(data, "line", None) or None
    node = data
    for part in loc:
        if isinstance(node, LineDict) and isinstance(part, str) and part in node:
            best = node.key_lines.get(part, best)
            node = node[part]
        elif isinstance(node, LineList) and isinstance(part, int) and 0 <= part < len(node):
            best = node.item_lines[part]
            node = node[part]
        else:
            break
        inner = getattr(node, "line", None)
        if inner and isinstance(node, LineDict | LineList) and best is None:
            best = inner
    return best
