"""Keeping the daily per-agency roll-up up to date.

A day's rows are recomputed whole from the complaints received that day and the clocks started
that day (delete, then insert); then each agency whose rows changed has its running totals
recomputed from the earliest changed day on. Refreshing a day twice, or from two workers, gives the
same rows. The periodic job refreshes
the days of whatever changed since its last look-back window.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime, time, timedelta
from typing import Any

from sqlalchemy import delete
from sqlmodel import Session, col, select

from cettar.db import fetch_all, stored_datetime
from cettar.complaint.models import OPEN_STATUSES
from cettar.metrics.models import BUCKET_SQL, COUNTED, HISTOGRAMS, MEDIA_CHANNELS, AgencyDay, AgencyRunning, DistrictRunning
from cettar.settings import get_settings


def _bounds(day: date) -> tuple[datetime, datetime]:
    zone = get_settings().zone
    return datetime.combine(day, time(0), zone), datetime.combine(day + timedelta(days=1), time(0), zone)


ROLLUP_LOCK = 0x43_45_54_52  # "CETR": the roll-up's transaction-level advisory lock


def _open_statuses_sql() -> str:
    return ", ".join(f"'{status.value}'" for status in sorted(OPEN_STATUSES))


SliceKey = tuple[int, str, str, str, str, bool]  # agency key, then SLICE's values
_DIMENSIONS = ("COALESCE(c.region_code, '')", "COALESCE(c.district_code, '')", "c.channel", "COALESCE(c.category, '')",
               "CASE WHEN c.privacy = 'confidential' THEN 1 ELSE 0 END")
_GROUP = ", ".join(_DIMENSIONS)


def _key(agency_id: int | None, region: str, district: str, channel: str, category: str, confidential: Any) -> SliceKey:
    return (agency_id or 0, region, district, channel, category, bool(confidential))


def _day_rows(session: Session, day: date, now: datetime) -> dict[SliceKey, AgencyDay]:
    """The roll-up rows of one local day, computed from the complaints and clocks themselves."""
    start, end = _bounds(day)
    rows: dict[SliceKey, AgencyDay] = {}

    def row(key: SliceKey) -> AgencyDay:
        if key not in rows:
            agency_key, region, district, channel, category, confidential = key
            rows[key] = AgencyDay(agency_key=agency_key, day=day.isoformat(), region_code=region, district_code=district,
                                  channel=channel, category=category, confidential=confidential, refreshed_at=now)
        return rows[key]

    finished = "c.status IN ('resolved', 'closed')"
    for (agency_id, *dims, received, routed, resolved, reopened, still_open, done, first_time,
         public) in fetch_all(session, f"""
            SELECT c.agency_id, {_GROUP}, COUNT(*), COUNT(c.dispositioned_at), COUNT(c.resolved_at), COUNT(c.reopened_at),
                   SUM(CASE WHEN c.status IN ({_open_statuses_sql()}) THEN 1 ELSE 0 END),
                   SUM(CASE WHEN {finished} THEN 1 ELSE 0 END),
                   SUM(CASE WHEN {finished} AND c.reopened_at IS NULL THEN 1 ELSE 0 END),
                   SUM(CASE WHEN EXISTS (SELECT 1 FROM complaint_event e WHERE e.complaint_id = c.id
                                         AND e.actor_type = 'staff' AND e.public_message IS NOT NULL) THEN 1 ELSE 0 END)
            FROM complaint c WHERE c.received_at >= :start AND c.received_at < :end
            GROUP BY c.agency_id, {_GROUP}""", start=start, end=end):
        r = row(_key(agency_id, *dims))
        r.received, r.routed, r.resolved, r.reopened = received, routed, resolved, reopened
        r.still_open, r.finished, r.finished_first_time, r.public_responses = (
            int(still_open or 0), int(done or 0), int(first_time or 0), int(public or 0))
    first, resolution = "k.name = 'first_response'", "k.name = 'resolution'"
    for agency_id, *dims, responses, met, breaches, resolutions, resolved_met in fetch_all(session, f"""
            SELECT k.agency_id, {_GROUP},
                   SUM(CASE WHEN {first} AND k.stopped_at IS NOT NULL THEN 1 ELSE 0 END),
                   SUM(CASE WHEN {first} AND k.stopped_at IS NOT NULL AND k.status = 'met' THEN 1 ELSE 0 END),
                   SUM(CASE WHEN {first} AND k.status = 'breached' THEN 1 ELSE 0 END),
                   SUM(CASE WHEN {resolution} AND k.stopped_at IS NOT NULL AND c.resolved_at IS NOT NULL THEN 1 ELSE 0 END),
                   SUM(CASE WHEN {resolution} AND k.stopped_at IS NOT NULL AND c.resolved_at IS NOT NULL
                            AND k.status = 'met' THEN 1 ELSE 0 END)
            FROM sla_clock k JOIN complaint c ON c.id = k.complaint_id
            WHERE k.name IN ('first_response', 'resolution') AND k.started_at >= :start AND k.started_at < :end
            GROUP BY k.agency_id, {_GROUP}""", start=start, end=end):
        r = row(_key(agency_id, *dims))
        r.responses, r.responded_within_sla, r.breaches = int(responses or 0), int(met or 0), int(breaches or 0)
        r.resolutions, r.resolved_within_sla = int(resolutions or 0), int(resolved_met or 0)
    for agency_id, *dims, name, bucket, count in fetch_all(session, f"""
            SELECT k.agency_id, {_GROUP}, k.name, {BUCKET_SQL.replace("elapsed_seconds", "k.elapsed_seconds")} AS bucket,
                   COUNT(*)
            FROM sla_clock k JOIN complaint c ON c.id = k.complaint_id
            WHERE k.name IN ('first_response', 'resolution') AND k.stopped_at IS NOT NULL
              AND k.started_at >= :start AND k.started_at < :end
            GROUP BY k.agency_id, {_GROUP}, k.name, bucket""", start=start, end=end):
        r = row(_key(agency_id, *dims))
        histogram = r.first_response_histogram if name == "first_response" else r.resolution_histogram
        histogram[str(bucket)] = count
    for agency_id, *dims, ratings, points, satisfied in fetch_all(session, f"""
            SELECT c.agency_id, {_GROUP}, COUNT(*), SUM(g.score), SUM(CASE WHEN g.score >= 4 THEN 1 ELSE 0 END)
            FROM complaint_rating g JOIN complaint c ON c.id = g.complaint_id
            WHERE c.received_at >= :start AND c.received_at < :end
            GROUP BY c.agency_id, {_GROUP}""", start=start, end=end):
        r = row(_key(agency_id, *dims))
        r.ratings, r.rating_points, r.satisfied = int(ratings or 0), int(points or 0), int(satisfied or 0)
    for r in rows.values():  # kept apart too, so that the running totals carry the Tanggap letter
        if r.channel in MEDIA_CHANNELS:
            r.media_received, r.media_responses, r.media_within_sla = r.received, r.responses, r.responded_within_sla
    return rows


def refresh_days(session: Session, *, days: Iterable[date], now: datetime) -> int:
    """Recompute the given local days and the running totals after them; returns the day rows written."""
    written = 0
    days = sorted(set(days))
    agencies_from: dict[int, str] = {}  # agency key -> its earliest day refreshed
    districts_from: dict[str, str] = {}
    if session.get_bind().dialect.name == "postgresql":
        # two refreshes of one day would both delete, then both insert: one at a time (SQLite's
        # BEGIN IMMEDIATE already serialises writers)
        fetch_all(session, "SELECT pg_advisory_xact_lock(:key)", key=ROLLUP_LOCK)
    for day in days:
        rows = _day_rows(session, day, now)
        before = session.exec(select(AgencyDay.agency_key, AgencyDay.district_code).where(AgencyDay.day == day.isoformat())).all()
        for agency_key, district in {*before, *((k[0], k[2]) for k in rows)}:
            agencies_from.setdefault(agency_key, day.isoformat())
            districts_from.setdefault(district, day.isoformat())
        session.execute(delete(AgencyDay).where(AgencyDay.day == day.isoformat()))  # type: ignore[arg-type]
        session.add_all(rows.values())
        session.flush()
        written += len(rows)
    for agency_key, first in agencies_from.items():
        _refresh_running(session, AgencyRunning, "agency_key", agency_key, first, now=now)
    for district, first in districts_from.items():
        _refresh_running(session, DistrictRunning, "district_code", district, first, now=now)
    return written


def add_histograms(a: dict[str, int], b: dict[str, int], sign: int = 1) -> dict[str, int]:
    merged = dict(a)
    for bucket, count in b.items():
        merged[bucket] = merged.get(bucket, 0) + sign * count
    return {bucket: count for bucket, count in merged.items() if count}


def _refresh_running(session: Session, model: type[AgencyRunning] | type[DistrictRunning], column: str, key: int | str,
                     first: str, *, now: datetime) -> None:
    """Running totals of one agency (or district) from ``first`` on: the last total before it,
    plus each day's rows."""
    own, own_days = getattr(model, column), getattr(AgencyDay, column)
    base = session.exec(select(model).where(own == key, col(model.day) < first)
                        .order_by(col(model.day).desc()).limit(1)).first()
    totals = {name: getattr(base, name) if base else 0 for name in COUNTED}
    histograms = {name: dict(getattr(base, name)) if base else {} for name in HISTOGRAMS}
    days = session.exec(select(AgencyDay).where(own_days == key, col(AgencyDay.day) >= first).order_by(col(AgencyDay.day))).all()
    session.execute(delete(model).where(own == key, col(model.day) >= first))
    running: list[AgencyRunning | DistrictRunning] = []
    for day_row in days:  # several slices a day: one running row per day, after its last slice
        for name in COUNTED:
            totals[name] += getattr(day_row, name)
        for name in HISTOGRAMS:
            histograms[name] = add_histograms(histograms[name], getattr(day_row, name))
        if running and running[-1].day == day_row.day:
            row = running[-1]
        else:
            row = model.model_validate({column: key, "day": day_row.day, "refreshed_at": now})
            running.append(row)
        for name, value in totals.items():
            setattr(row, name, value)
        for name, histogram in histograms.items():
            setattr(row, name, dict(histogram))
    session.add_all(running)
    session.flush()


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
