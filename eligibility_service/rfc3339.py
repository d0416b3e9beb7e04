"""RFC 3339 date-times: the one text form the API and the CLI take for an instant.

A time filter must mean one instant wherever the caller is: the text must carry its offset
(``Z`` or ``+hh:mm``), as RFC 3339 and the OpenAPI ``date-time`` format require. Anything
else (a bare date, a local time without an offset, a Unix timestamp, a word) is refused
rather than guessed at; messages never repeat the value, which came from a caller.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime
from typing import Annotated, Any

from pydantic import BeforeValidator, WithJsonSchema

_RFC3339 = re.compile(
    r"^\d{4}-\d{2}-\d{2}[Tt]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$", re.ASCII
)
EXAMPLE = "2026-12-01T00:00:00Z"
DESCRIPTION = f"RFC 3339 date-time with an offset or Z, e.g. {EXAMPLE} or 2026-12-01T06:00:00-06:00"


def parse_rfc3339(value: object) -> datetime:
    """``value`` (RFC 3339 text) as an aware UTC datetime; ValueError (without the value)
    for anything else."""
    if not isinstance(value, str) or not _RFC3339.match(value):
        raise ValueError(f"must be an RFC 3339 date-time with an offset or Z, e.g. {EXAMPLE}")
    try:
        return datetime.fromisoformat(value.upper()).astimezone(UTC)
    except (OverflowError, ValueError):
        raise ValueError("not a real date-time (or out of range)") from None


def _validate(value: Any) -> datetime:
    if isinstance(value, datetime) and value.tzinfo is not None:  # built in code, not sent
        return value
    return parse_rfc3339(value)


Instant = Annotated[
    datetime,
    BeforeValidator(_validate),
    WithJsonSchema({"type": "string", "format": "date-time", "description": DESCRIPTION}),
]
"""An instant in a request body: RFC 3339 text only (see :func:`parse_rfc3339`)."""
