"""Calendar arithmetic at the edges the rules care about."""

from __future__ import annotations

from datetime import date

import pytest

from eligibility_service.rules import dates


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        (date(2024, 3, 1), date(2024, 3, 1)),  # a 1st is its own first-of-month
        (date(2024, 3, 2), date(2024, 4, 1)),
        (date(2024, 12, 31), date(2025, 1, 1)),  # year end
        (date(2024, 2, 29), date(2024, 3, 1)),  # leap day
        (date(2023, 2, 28), date(2023, 3, 1)),
    ],
)
def test_first_of_month_on_or_after(day: date, expected: date) -> None:
    assert dates.first_of_month_on_or_after(day) == expected


def test_first_of_next_month_even_from_a_first() -> None:
    assert dates.first_of_next_month(date(2024, 3, 1)) == date(2024, 4, 1)


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        (date(2024, 2, 10), date(2024, 2, 29)),
        (date(2023, 2, 10), date(2023, 2, 28)),
        (date(1900, 2, 1), date(1900, 2, 28)),  # century, not a leap year
        (date(2000, 2, 1), date(2000, 2, 29)),  # divisible by 400, a leap year
        (date(2024, 4, 30), date(2024, 4, 30)),
        (date(2024, 12, 1), date(2024, 12, 31)),
    ],
)
def test_end_of_month(day: date, expected: date) -> None:
    assert dates.end_of_month(day) == expected


@pytest.mark.parametrize(
    ("day", "months", "expected"),
    [
        (date(2024, 1, 31), 1, date(2024, 2, 29)),  # clamp into a leap February
        (date(2023, 1, 31), 1, date(2023, 2, 28)),
        (date(2024, 8, 31), 1, date(2024, 9, 30)),
        (date(2024, 11, 15), 2, date(2025, 1, 15)),  # across the year
        (date(2024, 3, 31), -1, date(2024, 2, 29)),
        (date(2024, 1, 15), 6, date(2024, 7, 15)),
    ],
)
def test_add_months_clamps_to_month_end(day: date, months: int, expected: date) -> None:
    assert dates.add_months(day, months) == expected


def test_two_month_wait_examples_from_the_brief() -> None:
    # CONTRIB-STATE-WAIT-2MO: hired Jan 15 -> Apr 1; hired Mar 1 -> May 1.
    def start(hire: date) -> date:
        return dates.first_of_next_month(dates.add_days(dates.add_months(hire, 2), -1))

    assert start(date(2024, 1, 15)) == date(2024, 4, 1)
    assert start(date(2024, 3, 1)) == date(2024, 5, 1)
    assert start(date(2023, 12, 31)) == date(2024, 3, 1)  # Feb 29 + ... ends Feb 28
    assert start(date(2024, 12, 31)) == date(2025, 3, 1)


@pytest.mark.parametrize(
    ("birth", "on", "age"),
    [
        (date(2000, 5, 10), date(2026, 5, 9), 25),
        (date(2000, 5, 10), date(2026, 5, 10), 26),
        (date(2000, 2, 29), date(2026, 2, 27), 25),
        (date(2000, 2, 29), date(2026, 2, 28), 26),  # leap-day birthday reached Feb 28
        (date(2000, 2, 29), date(2028, 2, 29), 28),
    ],
)
def test_age_on(birth: date, on: date, age: int) -> None:
    assert dates.age_on(birth, on) == age


@pytest.mark.parametrize(
    ("event", "convention", "end"),
    [
        (date(1999, 10, 1), "event_day_zero", date(1999, 10, 31)),  # ETF 1999 bulletin
        (date(2011, 8, 25), "event_day_one", date(2011, 9, 23)),  # UW-Milwaukee 2011
        (date(2011, 9, 1), "event_day_one", date(2011, 9, 30)),
        (date(2024, 1, 31), "event_day_zero", date(2024, 3, 1)),  # over a leap February
        (date(2023, 1, 31), "event_day_zero", date(2023, 3, 2)),
    ],
)
def test_window_end_conventions(event: date, convention: str, end: date) -> None:
    assert dates.window_end(event, 30, convention) == end


def test_window_end_rejects_unknown_convention() -> None:
    with pytest.raises(ValueError, match="convention"):
        dates.window_end(date(2024, 1, 1), 30, "weekdays")


def test_days_between_is_signed() -> None:
    assert dates.days_between(date(2024, 2, 28), date(2024, 3, 1)) == 2
    assert dates.days_between(date(2024, 3, 1), date(2024, 2, 28)) == -2
