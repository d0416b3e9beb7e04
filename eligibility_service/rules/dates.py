"""Calendar arithmetic the Wisconsin rules need, as pure functions.

Every function here is total over valid dates and never reads the clock: the engine calls
them with dates from the case and the as-of date only. Conventions follow section 0 of the
research brief (``CONV-*``): a "first of the month on or after" of the 1st is that same day,
"end of month" honours February 29, and adding months clamps to the last day of the target
month (Jan 31 + 1 month = Feb 28/29), which is how the payroll calendars read.
"""

from __future__ import annotations

import calendar
import functools
import re
from dataclasses import dataclass
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


# --- statutory time limits: Wis. Stat. § 990.001(4) and the legal holidays of § 995.20 ---------

_WEEKDAYS = {"Mon": 0, "Tue": 1, "Wed": 2, "Thu": 3, "Fri": 4, "Sat": 5, "Sun": 6}
_HOLIDAY_ENTRY = re.compile(
    r"^(?P<month>\d{2})(?:-(?P<day>\d{2})"
    r"|\s+(?P<dow>Mon|Tue|Wed|Thu|Fri|Sat|Sun)#(?P<nth>[1-5]|last)(?:\+(?P<offset>\d{1,2}))?)"
    r"(?:\s+(?P<years>even|odd))?$"
)
SUNDAY_TO_MONDAY = "sunday->monday"


@dataclass(frozen=True)
class HolidayRule:
    """One entry of a holiday calendar (see :func:`parse_holiday_calendar`)."""

    month: int
    day: int | None = None  # a fixed date: MM-DD
    weekday: int | None = None  # or the nth (1-5, or -1 = last) weekday of the month
    nth: int = 0
    offset: int = 0  # days added to that weekday (the general election: Mon#1+1)
    years: str = ""  # "", "even" or "odd"
    label: str = ""

    def on(self, year: int) -> date | None:
        """The day this entry names in ``year``, or None when it does not occur that year."""
        if (self.years == "even" and year % 2) or (self.years == "odd" and not year % 2):
            return None
        if self.day is not None:
            return date(year, self.month, self.day)
        assert self.weekday is not None
        if self.nth == -1:
            last = date(year, self.month, days_in_month(year, self.month))
            found = last - timedelta(days=(last.weekday() - self.weekday) % 7)
        else:
            first = date(year, self.month, 1)
            ahead = (self.weekday - first.weekday()) % 7 + 7 * (self.nth - 1)
            found = first + timedelta(days=ahead)
            if found.month != self.month:
                return None
        return found + timedelta(days=self.offset)


@dataclass(frozen=True)
class HolidayCalendar:
    rules: tuple[HolidayRule, ...]
    sunday_to_monday: bool  # a fixed-date holiday on a Sunday makes the Monday after a holiday

    def holidays(self, year: int) -> frozenset[date]:
        return _holidays_in(self, year)

    def is_holiday(self, d: date) -> bool:
        return d in _holidays_in(self, d.year)


@functools.lru_cache(maxsize=256)
def _holidays_in(calendar_: HolidayCalendar, year: int) -> frozenset[date]:
    days: set[date] = set()
    for rule in calendar_.rules:
        d = rule.on(year)
        if d is None:
            continue
        days.add(d)
        if calendar_.sunday_to_monday and rule.day is not None and d.weekday() == 6:
            days.add(d + timedelta(days=1))
    return frozenset(days)


@functools.lru_cache(maxsize=64)
def parse_holiday_calendar(text: str) -> HolidayCalendar:
    """Parse a holiday calendar written as ``;``-separated entries (blank entries ignored).

    An entry is one of:

    - ``MM-DD``: a fixed date (``12-25``);
    - ``MM Dow#N``: the Nth weekday of the month, N = 1..5 (``09 Mon#1``: Labor Day);
    - ``MM Dow#last``: the last such weekday (``05 Mon#last``: Memorial Day);
    - ``MM Dow#N+K``: K days after it (``11 Mon#1+1``: the Tuesday after the 1st Monday of
      November, the general election);

    optionally followed by ``even`` or ``odd`` (only in even / odd years: election days) and a
    label in parentheses, e.g. ``11 Mon#1+1 even (general election)``. The entry
    ``sunday->monday`` says that when a fixed-date holiday falls on a Sunday the following
    Monday is a holiday too. Weekdays are Mon Tue Wed Thu Fri Sat Sun. A malformed entry
    raises ValueError naming it.
    """
    rules: list[HolidayRule] = []
    sunday_to_monday = False
    for raw in text.split(";"):
        entry = raw.strip()
        if not entry:
            continue
        if entry == SUNDAY_TO_MONDAY:
            sunday_to_monday = True
            continue
        label = ""
        if entry.endswith(")") and "(" in entry:
            entry, _, rest = entry.partition("(")
            label, entry = rest[:-1].strip(), entry.strip()
        m = _HOLIDAY_ENTRY.match(entry)
        if m is None:
            raise ValueError(
                f"holiday calendar entry {raw.strip()!r} is not MM-DD, 'MM Dow#N[+K]', "
                f"'MM Dow#last' (optionally followed by even/odd and a (label)) "
                f"or {SUNDAY_TO_MONDAY!r}"
            )
        month = int(m["month"])
        if not 1 <= month <= 12:
            raise ValueError(f"holiday calendar entry {raw.strip()!r}: no month {month}")
        years = m["years"] or ""
        if m["day"] is not None:
            day = int(m["day"])
            if not 1 <= day <= days_in_month(2000, month):  # 2000: a leap year allows 02-29
                raise ValueError(f"holiday calendar entry {raw.strip()!r}: no such day")
            rules.append(HolidayRule(month, day=day, years=years, label=label))
        else:
            nth = -1 if m["nth"] == "last" else int(m["nth"])
            rules.append(
                HolidayRule(
                    month,
                    weekday=_WEEKDAYS[m["dow"]],
                    nth=nth,
                    offset=int(m["offset"] or 0),
                    years=years,
                    label=label,
                )
            )
    if not rules:
        raise ValueError("holiday calendar names no holiday")
    return HolidayCalendar(tuple(rules), sunday_to_monday)


def next_secular_day(d: date, holidays: str, saturday_closed: bool = False) -> date:
    """``d`` itself, or the first later day that is not a Sunday or a legal holiday.

    With ``saturday_closed`` a Saturday is passed over too (Wis. Stat. § 990.001(4)(c): a
    filing with a state or local office whose official hours do not include Saturday).
    """
    cal = parse_holiday_calendar(holidays)
    while d.weekday() == 6 or (saturday_closed and d.weekday() == 5) or cal.is_holiday(d):
        d += timedelta(days=1)
    return d


def statutory_window_end(
    start: date, days: int, holidays: str, saturday_closed: bool = False
) -> date:
    """Last day of a time limit of ``days`` days after ``start`` set by a Wisconsin statute.

    Wis. Stat. § 990.001(4)(a): the first day is excluded and the last included, so the
    period ends on ``start + days``. § 990.001(4)(b): a last day on a Sunday or a legal
    holiday (the calendar ``holidays``, see :func:`parse_holiday_calendar`) moves to the next
    secular day. § 990.001(4)(c): with ``saturday_closed`` (a filing with a public office not
    open on Saturdays) a Saturday last day moves on as well.
    """
    return next_secular_day(start + timedelta(days=days), holidays, saturday_closed)
