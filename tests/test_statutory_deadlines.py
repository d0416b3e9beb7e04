"""Time limits set by Wisconsin statutes: Wis. Stat. § 990.001(4) with the § 995.20 calendar."""

from __future__ import annotations

from datetime import date

import pytest

from eligibility_service.rules import dates

# The calendar as the 2026.2 parameter wis_legal_holidays states it from 2018-06-01.
CURRENT = (
    "01-01; 01 Mon#3; 02 Mon#3; 05 Mon#last; 06-19; 07-04; 09 Mon#1; 10 Mon#2; 11-11; "
    "11 Thu#4; 12-25; 08 Tue#2 even (partisan primary); 11 Mon#1+1 even (general election); "
    "sunday->monday"
)
# The 2009 list (before Juneteenth): January 15, the September primary.
LIST_2009 = (
    "01-01; 01-15; 02 Mon#3; 05 Mon#last; 07-04; 09 Mon#1; 10 Mon#2; 11-11; 11 Thu#4; "
    "12-25; 09 Tue#2 even (September primary); 11 Mon#1+1 even (general election); "
    "sunday->monday"
)


@pytest.mark.parametrize(
    ("start", "days", "calendar", "saturday_closed", "end"),
    [
        # 30 days ending on Sunday 2016-02-14; Monday 2016-02-15 is the 3rd Monday in
        # February, also a legal holiday -> Tuesday 2016-02-16
        (date(2016, 1, 15), 30, CURRENT, False, date(2016, 2, 16)),
        # Sunday 2016-04-10 -> Monday 2016-04-11
        (date(2016, 3, 11), 30, CURRENT, False, date(2016, 4, 11)),
        # an ordinary weekday: no move (first day excluded: Jan 15 + 30 = Feb 14)
        (date(2024, 1, 15), 30, CURRENT, False, date(2024, 2, 14)),
        # Christmas (Wednesday 2024-12-25) -> Thursday
        (date(2024, 11, 25), 30, CURRENT, False, date(2024, 12, 26)),
        # Labor Day (Monday 2023-09-04) -> Tuesday
        (date(2023, 8, 5), 30, CURRENT, False, date(2023, 9, 5)),
        # July 4 (Thursday 2024) -> Friday
        (date(2024, 6, 4), 30, CURRENT, False, date(2024, 7, 5)),
        # Sunday 2006-12-31, then New Year's Day -> Tuesday 2007-01-02
        (date(2006, 12, 1), 30, LIST_2009, False, date(2007, 1, 2)),
        # Saturday: kept unless the office is closed on Saturdays (990.001(4)(c))
        (date(2024, 8, 8), 30, CURRENT, False, date(2024, 9, 7)),
        (date(2024, 8, 8), 30, CURRENT, True, date(2024, 9, 9)),
        # July 4, 2021 on a Sunday: the Monday is a legal holiday too -> Tuesday July 6
        (date(2021, 6, 4), 30, CURRENT, False, date(2021, 7, 6)),
        # general election day (Tuesday 2024-11-05) -> Wednesday
        (date(2024, 10, 6), 30, CURRENT, False, date(2024, 11, 6)),
        # MLK: the 3rd Monday now, January 15 in 2009
        (date(2023, 12, 16), 30, CURRENT, False, date(2024, 1, 16)),
        # Friday 2010-01-15 (then a legal holiday) -> Saturday 2010-01-16, or Monday 18 when
        # the office is closed on Saturdays
        (date(2009, 12, 16), 30, LIST_2009, False, date(2010, 1, 16)),
        (date(2009, 12, 16), 30, LIST_2009, True, date(2010, 1, 18)),
        (date(2008, 12, 16), 30, LIST_2009, False, date(2009, 1, 16)),
    ],
)
def test_statutory_window_end(
    start: date, days: int, calendar: str, saturday_closed: bool, end: date
) -> None:
    assert dates.statutory_window_end(start, days, calendar, saturday_closed) == end


def test_calendar_rules_land_on_real_dates() -> None:
    cal = dates.parse_holiday_calendar(CURRENT)
    days = cal.holidays(2024)
    for d in [
        date(2024, 1, 15),  # MLK, 3rd Monday
        date(2024, 2, 19),  # 3rd Monday in February
        date(2024, 5, 27),  # Memorial Day (last Monday)
        date(2024, 8, 13),  # partisan primary (2nd Tuesday of August, even year)
        date(2024, 9, 2),  # Labor Day
        date(2024, 10, 14),  # 2nd Monday in October
        date(2024, 11, 5),  # general election
        date(2024, 11, 28),  # Thanksgiving
    ]:
        assert d in days, d
    assert date(2023, 11, 7) not in cal.holidays(2023)  # no general election in odd years
    assert date(2023, 8, 8) not in cal.holidays(2023)
    assert date(2022, 12, 26) in cal.holidays(2022)  # Christmas on a Sunday -> Monday


def test_calendar_is_parsed_once() -> None:
    assert dates.parse_holiday_calendar(CURRENT) is dates.parse_holiday_calendar(CURRENT)


@pytest.mark.parametrize(
    "bad", ["", "13-01", "02-30", "01 Mon#6", "01 Funday#1", "July 4", "01-01; 12-25 yearly"]
)
def test_bad_calendar_is_a_clear_error(bad: str) -> None:
    with pytest.raises(ValueError, match="holiday calendar"):
        dates.parse_holiday_calendar(bad)


def test_the_function_validates_its_calendar_argument() -> None:
    from eligibility_service.rules.expr import functions

    check = dict(functions.FUNCTIONS["statutory_window_end"].checks)[2]
    with pytest.raises(ValueError, match="not MM-DD"):
        check("01-01; Xmas")
