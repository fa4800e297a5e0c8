"""Keeping the daily per-agency roll-up up to date.

A day's rows are recomputed whole from the complaints received that day and the clocks started
that day (delete, then insert), so refreshing a day twice, or from two workers, gives the same rows.
The periodic job refreshes the days of whatever changed since its last look-back window.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from datetime import date, datetime, time, timedelta
from typing import Any

from sqlalchemy import delete
from sqlmodel import Session

from cettar.db import fetch_all, stored_datetime
from cettar.metrics.models import BUCKET_SQL, AgencyDay
from cettar.settings import get_settings


def _bounds(day: date) -> tuple[datetime, datetime]:
    zone = get_settings().zone
    return datetime.combine(day, time(0), zone), datetime.combine(day + timedelta(days=1), time(0), zone)


def refresh_days(session: Session, *, days: Iterable[date], now: datetime) -> int:
    written = 0
    for day in sorted(set(days)):
        start, end = _bounds(day)
        rows: dict[int, AgencyDay] = {}

        def row(agency_id: int | None) -> AgencyDay:
            key = agency_id or 0
            if key not in rows:
                rows[key] = AgencyDay(agency_key=key, day=day.isoformat(), refreshed_at=now)
            return rows[key]

        for agency_id, received, routed, resolved, reopened in fetch_all(session, """
                SELECT agency_id, COUNT(*), COUNT(dispositioned_at), COUNT(resolved_at), COUNT(reopened_at)
                FROM complaint WHERE received_at >= :start AND received_at < :end GROUP BY agency_id""",
                start=start, end=end):
            r = row(agency_id)
            r.received, r.routed, r.resolved, r.reopened = received, routed, resolved, reopened
        for agency_id, stopped, met, breaches in fetch_all(session, """
                SELECT agency_id, COUNT(stopped_at),
                       SUM(CASE WHEN stopped_at IS NOT NULL AND status = 'met' THEN 1 ELSE 0 END),
                       SUM(CASE WHEN status = 'breached' THEN 1 ELSE 0 END)
                FROM sla_clock WHERE name = 'first_response' AND started_at >= :start AND started_at < :end
                GROUP BY agency_id""", start=start, end=end):
            r = row(agency_id)
            r.responses, r.responded_within_sla, r.breaches = stopped, int(met or 0), int(breaches or 0)
        histograms: dict[tuple[int, str], dict[str, int]] = defaultdict(dict)
        for agency_id, name, bucket, count in fetch_all(session, f"""
                SELECT agency_id, name, {BUCKET_SQL} AS bucket, COUNT(*)
                FROM sla_clock
                WHERE name IN ('first_response', 'resolution') AND stopped_at IS NOT NULL
                  AND started_at >= :start AND started_at < :end
                GROUP BY agency_id, name, bucket""", start=start, end=end):
            histograms[(agency_id or 0, name)][str(bucket)] = count
        for (key, name), histogram in histograms.items():
            r = row(key or None)
            if name == "first_response":
                r.first_response_histogram = histogram
            else:
                r.resolution_histogram = histogram
        session.execute(delete(AgencyDay).where(AgencyDay.day == day.isoformat()))  # type: ignore[arg-type]
        session.add_all(rows.values())
        session.flush()
        written += len(rows)
    return written


def changed_days(session: Session, *, since: datetime) -> set[date]:
    """The local days whose figures may have changed since ``since``."""
    zone = get_settings().zone
    moments = [m for (m,) in fetch_all(session, "SELECT received_at FROM complaint WHERE updated_at >= :since", since=since)]
    moments += [m for (m,) in fetch_all(session, "SELECT started_at FROM sla_clock WHERE updated_at >= :since AND started_at IS NOT NULL",
                                    since=since)]
    return {stored_datetime(m).astimezone(zone).date() for m in moments}


def all_days(session: Session) -> set[date]:
    first = fetch_all(session, "SELECT MIN(received_at) FROM complaint")[0][0]
    if first is None:
        return set()
    zone = get_settings().zone
    day = stored_datetime(first).astimezone(zone).date()
    today = datetime.now(zone).date()
    return {day + timedelta(days=n) for n in range((today - day).days + 1)}
