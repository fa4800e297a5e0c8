"""The deployment's working calendar: its time zone (CETTAR_TIMEZONE) and, optionally, a YAML
file (CETTAR_CALENDAR_FILE) with office hours, regional days off and agency overrides::

    hours: {mon: "07:30-16:00", tue: "07:30-16:00", wed: "07:30-16:00", thu: "07:30-16:00", fri: "07:30-16:30"}
    days_off: [2026-05-31]            # regional days off, on top of the national ones
    agencies:
      RSUD-SOEWANDHIE: {sat: "08:00-12:00"}

Unlisted weekdays keep the default (Monday-Friday 08:00-16:00; Saturday and Sunday closed);
``null`` closes a day.
"""

from __future__ import annotations

from datetime import date, time
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

from cettar.settings import get_settings
from sla.calendar import DEFAULT_HOURS, WEEKDAYS, CalendarError, Hours, WorkingCalendar


def _hours(spec: Any, where: str) -> Hours | None:
    if spec is None:
        return None
    try:
        opening, closing = str(spec).split("-")
        return time.fromisoformat(opening.strip()), time.fromisoformat(closing.strip())
    except ValueError as exc:
        raise CalendarError(f"{where}: {spec!r} is not office hours like 08:00-16:00") from exc


def _week(overrides: dict[str, Any], base: dict[int, Hours | None], where: str) -> dict[int, Hours | None]:
    week = dict(base)
    for name, spec in (overrides or {}).items():
        key = str(name).lower()[:3]
        if key not in WEEKDAYS:
            raise CalendarError(f"{where}: {name!r} is not a weekday (mon ... sun)")
        week[WEEKDAYS.index(key)] = _hours(spec, f"{where}.{name}")
    return week


@lru_cache
def _load(path: str | None) -> dict[str, Any]:
    if not path:
        return {}
    loaded = yaml.safe_load(Path(path).read_text(encoding="utf-8")) or {}
    if not isinstance(loaded, dict):
        raise CalendarError(f"{path}: expected hours, days_off and agencies")
    return loaded


def deployment_calendar(agency_code: str | None = None) -> WorkingCalendar:
    settings = get_settings()
    config = _load(str(settings.calendar_file) if settings.calendar_file else None)
    where = str(settings.calendar_file)
    week = _week(config.get("hours") or {}, dict(DEFAULT_HOURS), f"{where}: hours")
    if agency_code:
        agencies = config.get("agencies") or {}
        week = _week(agencies.get(agency_code) or {}, week, f"{where}: agencies.{agency_code}")
    days_off = frozenset(d if isinstance(d, date) else date.fromisoformat(str(d)) for d in config.get("days_off") or [])
    return WorkingCalendar(zone=settings.zone, hours=week, extra_days_off=days_off)
