"""Calendar arithmetic the Wisconsin rules need, as pure functions.

Every function here is total over valid dates and never reads the clock: the engine calls
them with dates from the case and the as-of date only. Conventions follow section 0 of the
research brief (``CONV-*``): a "first of the month on or after" of the 1st is that same day,
"end of month" honours February 29, and adding months clamps to the last day of the target
month (Jan 31 + 1 month = Feb 28/29), which is how the payroll calendars read.
"""

from __future__ import annotations

import calendar
from datetime import date, timedelta

DAY_COUNT_CONVENTIONS = ("event_day_zero", "event_day_one")


_MONTH_DAYS = (31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)


def days_in_month(year: int, month: int) -> int:
    if month == 2 and calendar.isleap(year):
        return 29
    return _MONTH_DAYS[month - 1]


def end_of_month(d: date) -> date:
    """Last calendar day of ``d``'s month (CONV-END-OF-MONTH)."""
    return date(d.year, d.month, days_in_month(d.year, d.month))


def first_of_next_month(d: date) -> date:
    """The 1st of the month after ``d``'s month, even when ``d`` is itself a 1st."""
    if d.month == 12:
        return date(d.year + 1, 1, 1)
    return date(d.year, d.month + 1, 1)


def first_of_month_on_or_after(d: date) -> date:
    """``d`` if it is a 1st, else the 1st of the next month (CONV-FIRST-OF-MONTH-ON-OR-AFTER)."""
    return d if d.day == 1 else first_of_next_month(d)


def first_of_month(d: date) -> date:
    """The 1st of ``d``'s own month."""
    return d.replace(day=1)


def add_days(d: date, n: int) -> date:
    return d + timedelta(days=n)


def add_months(d: date, n: int) -> date:
    """Same day ``n`` months later, clamped to the month's last day (Jan 31 + 1 = Feb 28/29)."""
    year, month0 = divmod(d.year * 12 + (d.month - 1) + n, 12)
    day = d.day
    if day > 28:
        day = min(day, days_in_month(year, month0 + 1))
    return date(year, month0 + 1, day)


def add_years(d: date, n: int) -> date:
    """Anniversary ``n`` years on; a February 29 anniversary falls on February 28.

    Which day a leap-day birthday is reached is not settled by any source in the brief
    (conflict 12). February 28 is the reading under which a person is never a day late
    for an age-based limit; the choice is documented here so a rule can name it.
    """
    return add_months(d, 12 * n)


def age_on(birth: date, on: date) -> int:
    """Completed years of age on ``on``; leap-day births reach a birthday on Feb 28."""
    years = on.year - birth.year
    if add_years(birth, years) > on:
        years -= 1
    return years


def days_between(start: date, end: date) -> int:
    """Signed count of days from ``start`` to ``end`` (end - start)."""
    return (end - start).days


def window_end(event: date, days: int, convention: str) -> date:
    """Last day of a window of ``days`` days after ``event``.

    ``event_day_zero`` counts the event date as day 0, so the window ends on event + days
    (ETF's own 1999 example: appointed Oct 1, application due Oct 31). ``event_day_one``
    counts the event date as day 1, ending on event + days - 1 (UW-Milwaukee, 2011).
    """
    if convention == "event_day_zero":
        return event + timedelta(days=days)
    if convention == "event_day_one":
        return event + timedelta(days=days - 1)
    raise ValueError(f"unknown day-count convention {convention!r}")
