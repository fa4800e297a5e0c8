"""Durations, defined once: N working days, N working hours, N (calendar) hours."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from sla.calendar import WorkingCalendar


class Unit(StrEnum):
    WORKING_DAYS = "working_days"
    WORKING_HOURS = "working_hours"
    HOURS = "hours"  # day and night, for urgent categories (fire, flood, disaster)


_SPEC = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*(wd|wh|h)\s*$")
_UNITS = {"wd": Unit.WORKING_DAYS, "wh": Unit.WORKING_HOURS, "h": Unit.HOURS}


@dataclass(frozen=True)
class Duration:
    amount: float
    unit: Unit

    def __post_init__(self) -> None:
        if self.amount < 0:
            raise ValueError("a duration cannot be negative")
        if self.unit == Unit.WORKING_DAYS and self.amount != int(self.amount):
            raise ValueError("working days are whole days")

    @classmethod
    def parse(cls, text: str) -> Duration:
        """``3wd`` (working days), ``8wh`` (working hours), ``24h`` (calendar hours)."""
        match = _SPEC.match(text)
        if not match:
            raise ValueError(f"{text!r} is not a duration like 3wd, 8wh or 24h")
        return cls(float(match.group(1)), _UNITS[match.group(2)])

    def deadline(self, calendar: WorkingCalendar, start: datetime) -> datetime:
        if self.unit == Unit.WORKING_DAYS:
            return calendar.add_working_days(start, int(self.amount))
        if self.unit == Unit.WORKING_HOURS:
            return calendar.add_working_time(start, timedelta(hours=self.amount))
        return start.astimezone(calendar.zone) + timedelta(hours=self.amount)

    def counts_working_time(self) -> bool:
        return self.unit != Unit.HOURS

    def __str__(self) -> str:
        amount = int(self.amount) if self.amount == int(self.amount) else self.amount
        return f"{amount}{ {Unit.WORKING_DAYS: 'wd', Unit.WORKING_HOURS: 'wh', Unit.HOURS: 'h'}[self.unit]}"
