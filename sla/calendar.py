"""The Indonesian working calendar: office hours, national holidays, joint leave (cuti bersama)
and a deployment's own days off. Pure: every answer depends only on the arguments.

Instants are timezone-aware datetimes (any zone; answers come back in the calendar's zone).
Working time is counted to the second.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

import holidays

Hours = tuple[time, time]
DEFAULT_HOURS: dict[int, Hours | None] = {
    0: (time(8), time(16)), 1: (time(8), time(16)), 2: (time(8), time(16)), 3: (time(8), time(16)),
    4: (time(8), time(16)), 5: None, 6: None,
}
WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
_SEARCH_LIMIT = 3660  # days: a calendar with no working day in ten years is a configuration error


class CalendarError(ValueError):
    pass


@lru_cache(maxsize=64)
def indonesian_days_off(year: int) -> frozenset[date]:
    """National public holidays and joint leave days (the ``government`` category) of one year."""
    days = holidays.country_holidays("ID", years=year, categories=("public", "government"))
    return frozenset(days.keys())


def holiday_names(year: int, language: str = "id") -> dict[date, str]:
    days = holidays.country_holidays("ID", years=year, categories=("public", "government"), language=language)
    return dict(sorted(days.items()))


@dataclass(frozen=True)
class WorkingCalendar:
    """``hours[weekday]`` (0 = Monday) is the office's (opening, closing) that day, or None when
    it is closed; ``extra_days_off`` are regional days off on top of the national ones."""

    zone: ZoneInfo = field(default_factory=lambda: ZoneInfo("Asia/Jakarta"))
    hours: dict[int, Hours | None] = field(default_factory=lambda: dict(DEFAULT_HOURS))
    extra_days_off: frozenset[date] = frozenset()
    national_holidays: bool = True

    def __post_init__(self) -> None:
        for weekday, span in self.hours.items():
            if span is not None and not span[0] < span[1]:
                raise CalendarError(f"{WEEKDAYS[weekday]}: opening {span[0]} is not before closing {span[1]}")
        if not any(self.hours.get(day) for day in range(7)):
            raise CalendarError("the office is open on no weekday")

    def __hash__(self) -> int:
        return hash((self.zone.key, tuple(sorted(self.hours.items())), self.extra_days_off, self.national_holidays))

    # ---- days -------------------------------------------------------------------------------

    def is_working_day(self, day: date) -> bool:
        if self.hours.get(day.weekday()) is None or day in self.extra_days_off:
            return False
        return not (self.national_holidays and day in indonesian_days_off(day.year))

    def office(self, day: date) -> tuple[datetime, datetime] | None:
        """Opening and closing instants of ``day``, or None when it is not a working day."""
        if not self.is_working_day(day):
            return None
        span = self.hours[day.weekday()]
        assert span is not None
        return datetime.combine(day, span[0], self.zone), datetime.combine(day, span[1], self.zone)

    def working_days_from(self, day: date) -> Iterator[date]:
        """``day`` if it is a working day, then every later working day."""
        for offset in range(_SEARCH_LIMIT):
            candidate = day + timedelta(days=offset)
            if self.is_working_day(candidate):
                yield candidate
        raise CalendarError(f"no working day within {_SEARCH_LIMIT} days of {day}")

    def _local(self, moment: datetime) -> datetime:
        if moment.tzinfo is None:
            raise CalendarError("instants must carry a time zone")
        return moment.astimezone(self.zone)

    # ---- durations --------------------------------------------------------------------------

    def receipt_day(self, moment: datetime) -> date:
        """The instant's own day when it is a working day and the office has not closed yet,
        otherwise the next working day."""
        local = self._local(moment)
        today = self.office(local.date())
        if today is not None and local < today[1]:
            return local.date()
        return next(self.working_days_from(local.date() + timedelta(days=1)))

    def add_working_days(self, moment: datetime, days: int) -> datetime:
        """Closing time on the ``days``-th working day after the receipt day (0: the receipt day)."""
        if days < 0:
            raise CalendarError("a number of working days cannot be negative")
        working = self.working_days_from(self.receipt_day(moment))
        day = next(working)
        for _ in range(days):
            day = next(working)
        office = self.office(day)
        assert office is not None
        return office[1]

    def add_working_time(self, moment: datetime, amount: timedelta) -> datetime:
        """The instant at which ``amount`` of office time has passed, counting from ``moment``
        (or from the next opening when the office is closed then). Zero gives ``moment`` itself."""
        if amount < timedelta(0):
            raise CalendarError("working time to add cannot be negative")
        local = self._local(moment)
        if amount == timedelta(0):
            return local
        remaining = amount
        for day in self.working_days_from(local.date()):
            office = self.office(day)
            assert office is not None
            begin = max(office[0], local)
            if begin >= office[1]:
                continue
            available = office[1] - begin
            if remaining <= available:
                return begin + remaining
            remaining -= available
        raise AssertionError("unreachable")  # pragma: no cover

    def next_working_instant(self, moment: datetime) -> datetime:
        """``moment`` itself during office hours, otherwise the next opening."""
        local = self._local(moment)
        for day in self.working_days_from(local.date()):
            office = self.office(day)
            assert office is not None
            if local < office[1]:
                return max(local, office[0])
        raise AssertionError("unreachable")  # pragma: no cover

    def add_working_hours(self, moment: datetime, hours: float) -> datetime:
        return self.add_working_time(moment, timedelta(hours=hours))

    def working_time_between(self, start: datetime, end: datetime) -> timedelta:
        """Office time within [start, end); negative when end is before start."""
        a, b = self._local(start), self._local(end)
        if b < a:
            return -self.working_time_between(end, start)
        total = timedelta(0)
        day = a.date()
        while day <= b.date():
            office = self.office(day)
            if office is not None:
                overlap = min(office[1], b) - max(office[0], a)
                if overlap > timedelta(0):
                    total += overlap
            day += timedelta(days=1)
        return total

    def working_day_length(self, day: date) -> timedelta:
        office = self.office(day)
        return office[1] - office[0] if office else timedelta(0)


def parse_days_off(lines: Iterable[str]) -> frozenset[date]:
    """A deployment's regional days off: one ISO date per line, ``#`` starts a comment."""
    days = set()
    for number, line in enumerate(lines, start=1):
        text = line.split("#", 1)[0].strip()
        if not text:
            continue
        try:
            days.add(date.fromisoformat(text))
        except ValueError as exc:
            raise CalendarError(f"line {number}: {text!r} is not a date like 2026-05-31") from exc
    return frozenset(days)
