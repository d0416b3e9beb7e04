"""The functions rule expressions may call, with their signatures.

Each entry says which argument types it accepts and what it returns; the type checker uses
that, and the compiler calls ``impl``. All functions are pure. Unless ``null_aware`` is set,
a call with an unknown argument is itself unknown (the engine then reports the missing fact).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from .. import dates
from .types import BOOL, DATE, NUMBER, STRING, Type


@dataclass(frozen=True)
class Function:
    params: tuple[Type | str, ...]  # a Type, or "T" for "any type, all the same"
    returns: Type | str
    impl: Callable[..., Any]
    doc: str
    variadic: bool = False
    null_aware: bool = False
    # (argument index, validator): a string argument that must parse (checked at load time
    # for a literal, and for every dated value of a parameter passed there)
    checks: tuple[tuple[int, Callable[[Any], object]], ...] = ()


def _min(*xs: Any) -> Any:
    return min(xs)


def _max(*xs: Any) -> Any:
    return max(xs)


def _coalesce(*xs: Any) -> Any:
    for x in xs:
        if x is not None:
            return x
    return None


# Counts of days, months and years are whole: a fraction is dropped (2.9 months -> 2).
def _add_days(d: Any, n: Any) -> Any:
    return d + timedelta(days=n if type(n) is int else int(n))


def _add_months(d: Any, n: Any) -> Any:
    return dates.add_months(d, n if type(n) is int else int(n))


def _add_years(d: Any, n: Any) -> Any:
    return dates.add_years(d, n if type(n) is int else int(n))


def _window_end(d: Any, n: Any, convention: Any) -> Any:
    return dates.window_end(d, n if type(n) is int else int(n), convention)


def _statutory_window_end(d: Any, n: Any, holidays: Any, saturday_closed: Any) -> Any:
    return dates.statutory_window_end(
        d, n if type(n) is int else int(n), holidays, bool(saturday_closed)
    )


CONVENTION = Type("string", enum=frozenset(dates.DAY_COUNT_CONVENTIONS))

FUNCTIONS: dict[str, Function] = {
    "first_of_month_on_or_after": Function(
        (DATE,),
        DATE,
        dates.first_of_month_on_or_after,
        "The date itself if it is a 1st, otherwise the 1st of the next month.",
    ),
    "first_of_next_month": Function(
        (DATE,), DATE, dates.first_of_next_month, "The 1st of the month after the date's month."
    ),
    "first_of_month": Function((DATE,), DATE, dates.first_of_month, "The 1st of the same month."),
    "end_of_month": Function((DATE,), DATE, dates.end_of_month, "Last day of the date's month."),
    "add_days": Function((DATE, NUMBER), DATE, _add_days, "The date plus N (whole) days."),
    "add_months": Function(
        (DATE, NUMBER),
        DATE,
        _add_months,
        "Same day N months later, clamped to the month's last day.",
    ),
    "add_years": Function(
        (DATE, NUMBER), DATE, _add_years, "Anniversary N years later (Feb 29 -> Feb 28)."
    ),
    "age_on": Function(
        (DATE, DATE), NUMBER, dates.age_on, "Completed years from a birth date to a date."
    ),
    "days_between": Function(
        (DATE, DATE), NUMBER, dates.days_between, "Days from the first date to the second."
    ),
    "window_end": Function(
        (DATE, NUMBER, CONVENTION),
        DATE,
        _window_end,
        "Last day of an N-day window after an event, under a day-count convention.",
    ),
    "statutory_window_end": Function(
        (DATE, NUMBER, STRING, BOOL),
        DATE,
        _statutory_window_end,
        "Last day of an N-day time limit set by a Wisconsin statute (Wis. Stat. § 990.001(4)): "
        "the day after the start is day 1; a last day on a Sunday or a legal holiday of the "
        "calendar (the third argument, e.g. param.wis_legal_holidays) moves to the next "
        "secular day, and with the fourth argument true (a filing with a public office closed "
        "on Saturdays) a Saturday moves on too.",
        checks=((2, dates.parse_holiday_calendar),),
    ),
    "day_of_month": Function((DATE,), NUMBER, lambda d: d.day, "Day of the month, 1 to 31."),
    "month_of": Function((DATE,), NUMBER, lambda d: d.month, "Month number, 1 to 12."),
    "year_of": Function((DATE,), NUMBER, lambda d: d.year, "The calendar year."),
    "date_of": Function(
        (NUMBER, NUMBER, NUMBER),
        DATE,
        lambda y, m, d: dates.add_days(
            dates.add_months(date(int(y), 1, 1), int(m) - 1), int(d) - 1
        ),
        "The date for a year, month and day (day past the month's end rolls over).",
    ),
    "round_to": Function(
        (NUMBER, NUMBER),
        NUMBER,
        lambda n, digits: float(round(Decimal(str(n)), int(digits))),
        "A number rounded half to even to N decimals (money to the cent: round_to(x, 2)).",
    ),
    "min": Function(("T",), "T", _min, "The smallest of the values.", variadic=True),
    "max": Function(("T",), "T", _max, "The largest of the values.", variadic=True),
    "coalesce": Function(
        ("T",), "T", _coalesce, "The first value that is known.", variadic=True, null_aware=True
    ),
    "missing": Function(
        ("T",), BOOL, lambda x: x is None, "True when the fact was not given.", null_aware=True
    ),
    "known": Function(
        ("T",), BOOL, lambda x: x is not None, "True when the fact was given.", null_aware=True
    ),
    "size": Function(("T",), NUMBER, len, "Number of items in a list."),
}

# Functions whose string argument must be one of a closed set are checked like enums.
__all__ = ["CONVENTION", "FUNCTIONS", "STRING", "Function"]
