"""Compare a recorded decision with a replayed one, field by field.

Only what the record holds is compared: the outcome always, each recorded date, and the
reason codes as a set when they were recorded. Dates compare as ISO text, so a recorded
``null`` (no such date was set) differs from any replayed date.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from ..cases.model import Recorded


@dataclass(frozen=True, slots=True)
class FieldDifference:
    field: str
    recorded: Any
    replayed: Any

    def as_dict(self) -> dict[str, Any]:
        return {"field": self.field, "recorded": self.recorded, "replayed": self.replayed}


def _iso(value: Any) -> Any:
    return value.isoformat() if isinstance(value, date) else value


def reason_codes(decision: dict[str, Any]) -> list[str]:
    return [r["reason_code"] for r in decision["reasons"]]


def compare(recorded: Recorded, replayed: dict[str, Any]) -> list[FieldDifference]:
    found: list[FieldDifference] = []
    if recorded.outcome != replayed["outcome"]:
        found.append(FieldDifference("outcome", recorded.outcome, replayed["outcome"]))
    if recorded.dates:
        new_dates = replayed["dates"]
        for name, value in recorded.dates.items():
            old = _iso(value)
            new = _iso(new_dates.get(name))
            if old != new:
                found.append(FieldDifference(f"dates.{name}", old, new))
    if recorded.reason_codes is not None:
        old_codes = sorted(set(recorded.reason_codes))
        new_codes = sorted(set(reason_codes(replayed)))
        if old_codes != new_codes:
            found.append(FieldDifference("reason_codes", old_codes, new_codes))
    return found
