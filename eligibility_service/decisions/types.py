"""Field types for case facts that accept exactly what the OpenAPI schema promises.

Pydantic's lax mode would take ``0.0`` for ``false``, ``"12"`` for a number and a Unix
timestamp for a date; callers relying on the published schema must get a 422 for those, not
a silently converted value. Dates are limited to 1900-2199, which covers every case the
programs can have and keeps date arithmetic far from the calendar's limits.
"""

from __future__ import annotations

import re
from datetime import date, datetime
from typing import Annotated, Any

from pydantic import BeforeValidator, Field

_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
FIRST_CASE_DATE = date(1900, 1, 1)
LAST_CASE_DATE = date(2199, 12, 31)
CASE_DATE_RANGE = f"between {FIRST_CASE_DATE} and {LAST_CASE_DATE}"


def in_case_range(day: date) -> bool:
    """Whether ``day`` is within the dates any case can have (the decisions' bounds, which
    every other date input - reconciliation's as-of dates, coverage months - shares)."""
    return FIRST_CASE_DATE <= day <= LAST_CASE_DATE


def _iso_date_only(value: Any) -> Any:
    if isinstance(value, date) and not isinstance(value, datetime):
        return value
    if isinstance(value, str) and _ISO_DATE.match(value):
        return value
    raise ValueError("must be a date written YYYY-MM-DD")


CaseDate = Annotated[
    date,
    BeforeValidator(_iso_date_only),
    Field(ge=FIRST_CASE_DATE, le=LAST_CASE_DATE),
]
Flag = Annotated[bool, Field(strict=True)]
Number = Annotated[float, Field(strict=True, allow_inf_nan=False)]
