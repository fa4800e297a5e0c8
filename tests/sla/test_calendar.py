"""The working calendar as a table of fixed dates (2026: Nyepi 19 March, Idul Fitri 21-22 March,
joint leave 18, 20, 23, 24 March)."""

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sla.calendar import CalendarError, WorkingCalendar, holiday_names, parse_days_off
from sla.duration import Duration

WIB = ZoneInfo("Asia/Jakarta")
WITA = ZoneInfo("Asia/Makassar")
CAL = WorkingCalendar()


def at(*args: int, zone: ZoneInfo = WIB) -> datetime:
    return datetime(*args, tzinfo=zone)


@pytest.mark.parametrize(
    ("day", "working"),
    [
        (date(2026, 3, 13), True),   # Friday
        (date(2026, 3, 14), False),  # Saturday
        (date(2026, 3, 18), False),  # joint leave before Nyepi
        (date(2026, 3, 19), False),  # Nyepi
        (date(2026, 3, 23), False),  # Idul Fitri joint leave
        (date(2026, 3, 25), True),
        (date(2026, 8, 17), False),  # Independence Day
        (date(2026, 12, 24), False),  # Christmas joint leave
    ],
)
def test_working_days(day: date, working: bool) -> None:
    assert CAL.is_working_day(day) is working


@pytest.mark.parametrize(
    ("received", "duration", "deadline"),
    [
        # Friday afternoon before Nyepi and the Idul Fitri joint leave: Mon 16, Tue 17, then Wed 25
        (at(2026, 3, 13, 15, 0), "3wd", at(2026, 3, 25, 16, 0)),
        # the same Friday after closing: the receipt day is Monday 16
        (at(2026, 3, 13, 16, 0), "3wd", at(2026, 3, 26, 16, 0)),
        # received on a Saturday: the receipt day is Monday
        (at(2026, 2, 7, 10, 0), "3wd", at(2026, 2, 12, 16, 0)),
        (at(2026, 2, 7, 10, 0), "0wd", at(2026, 2, 9, 16, 0)),
        (at(2026, 2, 9, 7, 0), "5wd", at(2026, 2, 18, 16, 0)),  # 16-17 Feb: Imlek and its joint leave
        (at(2026, 2, 9, 15, 0), "2wh", at(2026, 2, 10, 9, 0)),
        (at(2026, 2, 7, 10, 0), "8wh", at(2026, 2, 9, 16, 0)),
        (at(2026, 2, 7, 10, 0), "24h", at(2026, 2, 8, 10, 0)),  # urgent: day and night
    ],
)
def test_deadlines(received: datetime, duration: str, deadline: datetime) -> None:
    assert Duration.parse(duration).deadline(CAL, received) == deadline


def test_other_zones_and_office_hours() -> None:
    makassar = WorkingCalendar(zone=WITA)
    # 15:30 WIB is 16:30 WITA: after closing in Makassar, before it in Jakarta
    assert makassar.receipt_day(at(2026, 2, 9, 15, 30)) == date(2026, 2, 10)
    assert CAL.receipt_day(at(2026, 2, 9, 15, 30)) == date(2026, 2, 9)
    saturday_office = WorkingCalendar(hours={**CAL.hours, 5: (time(8), time(12))})
    assert saturday_office.add_working_days(at(2026, 2, 6, 17, 0), 0) == at(2026, 2, 7, 12, 0)
    regional = WorkingCalendar(extra_days_off=parse_days_off(["2026-02-10  # hari jadi kota", "", "# comment"]))
    assert regional.add_working_days(at(2026, 2, 9, 9, 0), 1) == at(2026, 2, 11, 16, 0)


def test_working_time_is_exact_to_the_second() -> None:
    start = at(2026, 2, 13, 15, 59, 59)  # one second before Friday closing
    assert CAL.add_working_time(start, timedelta(seconds=2)) == at(2026, 2, 18, 8, 0, 1)  # Mon-Tue off (Imlek)
    assert CAL.working_time_between(start, at(2026, 2, 18, 8, 0, 1)) == timedelta(seconds=2)
    assert CAL.working_time_between(at(2026, 2, 9, 0, 0), at(2026, 2, 14, 0, 0)) == timedelta(hours=40)
    assert CAL.working_time_between(at(2026, 2, 14), at(2026, 2, 9)) == -timedelta(hours=40)


def test_bad_calendars_and_instants_are_refused() -> None:
    with pytest.raises(CalendarError, match="not before closing"):
        WorkingCalendar(hours={0: (time(16), time(8))})
    with pytest.raises(CalendarError, match="open on no weekday"):
        WorkingCalendar(hours={})
    with pytest.raises(CalendarError, match="time zone"):
        CAL.receipt_day(datetime(2026, 2, 9, 10, 0))
    with pytest.raises(CalendarError, match="not a date"):
        parse_days_off(["31-05-2026"])
    with pytest.raises(ValueError, match="not a duration"):
        Duration.parse("3 days")


def test_holiday_names_are_indonesian_first() -> None:
    names = holiday_names(2026)
    assert names[date(2026, 8, 17)] == "Hari Kemerdekaan Republik Indonesia"


instants = st.datetimes(min_value=datetime(2024, 1, 1), max_value=datetime(2027, 12, 31), timezones=st.just(WIB))
amounts = st.timedeltas(min_value=timedelta(0), max_value=timedelta(days=40))


@settings(max_examples=200, deadline=None)
@given(start=instants, amount=amounts)
def test_adding_then_measuring_working_time_returns_the_same_amount(start: datetime, amount: timedelta) -> None:
    end = CAL.add_working_time(start, amount)
    assert end >= start
    assert CAL.working_time_between(start, end) == amount


@settings(max_examples=200, deadline=None)
@given(start=instants, days=st.integers(min_value=0, max_value=30), unit=st.sampled_from(["wd", "wh", "h"]))
def test_a_deadline_is_never_before_its_start(start: datetime, days: int, unit: str) -> None:
    assert Duration.parse(f"{days}{unit}").deadline(CAL, start) >= start
