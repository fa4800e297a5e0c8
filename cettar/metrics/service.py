"""How responsive each agency is, per period: the governor's staff's view.

Read from the roll-up (cettar.metrics.rollup): a period is two rows of running totals per agency,
whatever its length and the number of complaints. Working hours are office time (the clocks' elapsed time, pauses excluded),
their medians and p90s exact to a quarter of an hour.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any, TypeVar

from sqlalchemy import String, literal, true, union_all
from sqlalchemy.orm import defer
from sqlmodel import Session, col, select

from cettar.agency.models import Agency
from cettar.region.models import Region, RegionLevel
from cettar.db import fetch_all
from cettar.metrics.models import COUNTED, HISTOGRAMS, AgencyRunning, DistrictRunning, bucket_middle
from cettar.metrics.rollup import add_histograms
from cettar.settings import get_settings

AGE_BUCKETS = ((3, "0-3d"), (7, "3-7d"), (14, "7-14d"), (30, "14-30d"))
OLDEST = ">30d"


@dataclass
class AgencyMetrics:
    agency_code: str | None
    agency_name: str
    received: int = 0
    routed: int = 0
    resolved: int = 0
    reopened: int = 0
    responses: int = 0  # first-response clocks stopped in the period
    responded_within_sla: int = 0
    breaches: int = 0
    first_response_hours_median: float | None = None
    first_response_hours_p90: float | None = None
    resolution_hours_median: float | None = None
    resolution_hours_p90: float | None = None
    backlog: dict[str, int] = field(default_factory=dict)
    rank: int | None = None

    @property
    def responded_within_sla_share(self) -> float | None:
        return self.responded_within_sla / self.responses if self.responses else None

    @property
    def resolved_share(self) -> float | None:
        return self.resolved / self.received if self.received else None

    @property
    def reopened_share(self) -> float | None:
        return self.reopened / self.resolved if self.resolved else None


def histogram_percentile(histogram: dict[int, int], share: float) -> float | None:
    """Nearest-rank percentile of a roll-up histogram, as hours (the bucket's middle)."""
    total = sum(histogram.values())
    if not total:
        return None
    rank = math.ceil(share * total)
    seen = 0
    for bucket in sorted(histogram):
        seen += histogram[bucket]
        if seen >= rank:
            return round(bucket_middle(bucket) / 3600, 2)
    raise AssertionError("unreachable")  # pragma: no cover


def running_totals(session: Session, day: str, *, before: bool) -> dict[int, AgencyRunning]:
    """Each agency's last running-total row on or before ``day`` (strictly before with ``before``)."""
    if not before:
        day = (date.fromisoformat(day) + timedelta(days=1)).isoformat()
    return running_totals_before(session, [day])[day]


RunningRow = TypeVar("RunningRow", AgencyRunning, DistrictRunning)


def running_totals_before(session: Session, days: Sequence[str], *, model: type[RunningRow] = AgencyRunning,  # type: ignore[assignment]
                          first_response_only: bool = False) -> dict[str, dict[Any, RunningRow]]:
    """For each of ``days``, each agency's (or, with ``model=DistrictRunning``, each district's)
    last running-total row strictly before it: one backward step on the (key, day) index per key
    and day, never a scan of the table; two statements however many days are asked for. With
    ``first_response_only`` the rows come without the resolution histogram and refresh time."""
    if model is DistrictRunning:
        column = "district_code"
        keys = union_all(select(col(Region.code).label("key")).where(Region.level == RegionLevel.DISTRICT),
                         select(literal("").label("key"))).subquery()
    else:
        column = "agency_key"
        keys = union_all(select(col(Agency.id).label("key")), select(literal(0).label("key"))).subquery()
    own = getattr(model, column)
    bounds = union_all(*(select(literal(day, String()).label("bound")) for day in days)).subquery()
    latest = (select(model.id).where(own == keys.c.key, col(model.day) < bounds.c.bound)
              .order_by(col(model.day).desc()).limit(1).correlate(keys, bounds).scalar_subquery())
    pairs = session.execute(select(bounds.c.bound, keys.c.key, latest).select_from(bounds.join(keys, true()))).all()
    wanted = {row_id for _, _, row_id in pairs if row_id is not None}
    query = select(model).where(col(model.id).in_(wanted))
    if first_response_only:
        query = query.options(defer(model.resolution_histogram), defer(model.refreshed_at))  # type: ignore[arg-type]
    rows = {row.id: row for row in session.exec(query)} if wanted else {}
    result: dict[str, dict[Any, RunningRow]] = {day: {} for day in days}
    for bound, key, row_id in pairs:
        if row_id is not None:
            result[bound][key] = rows[row_id]
    return result


def _local_days(start: datetime, end: datetime) -> tuple[date, date]:
    zone = get_settings().zone
    return start.astimezone(zone).date(), (end - timedelta(microseconds=1)).astimezone(zone).date()


def backlog_by_age(session: Session, *, today: date, where: str = "1 = 1", **params: Any) -> dict[int, dict[str, int]]:
    """Open complaints per agency key and age bucket (days since received, as of ``today``), from
    the roll-up's ``still_open``; ``where`` narrows the day rows (alias ``d``)."""
    cases = " ".join(f"WHEN d.day > :edge{i} THEN '{label}'" for i, (_, label) in enumerate(AGE_BUCKETS))
    edges = {f"edge{i}": (today - timedelta(days=days_old)).isoformat() for i, (days_old, _) in enumerate(AGE_BUCKETS)}
    result: dict[int, dict[str, int]] = {}
    for agency_key, bucket, count in fetch_all(session, f"""
            SELECT d.agency_key, CASE {cases} ELSE '{OLDEST}' END AS bucket, SUM(d.still_open)
            FROM agency_day d WHERE d.still_open > 0 AND {where} GROUP BY d.agency_key, bucket""", **params, **edges):
        result.setdefault(agency_key, {})[bucket] = int(count)
    return result


def agency_metrics(session: Session, *, start: datetime, end: datetime, now: datetime,
                   min_sample: int = 30) -> list[AgencyMetrics]:
    """Complaints received on the local days from ``start`` up to ``end``, and clocks started on
    them, read from the roll-up (``cettar sla rollup`` or the scheduled job keeps it up to date)
    as the difference of two running totals per agency, whatever the period's length. The backlog
    is the open complaints as of the roll-up's last refresh, aged from the day each was received to
    ``now``. Agencies are ranked by the share answered within the SLA, only those with at least
    ``min_sample`` answered complaints (a small sample says little)."""
    agencies = {a.id: a for a in session.exec(select(Agency)).all()}
    result: dict[int | None, AgencyMetrics] = {}

    def entry(agency_id: int | None) -> AgencyMetrics:
        if agency_id not in result:
            agency = agencies.get(agency_id) if agency_id is not None else None
            result[agency_id] = AgencyMetrics(agency.code if agency else None, agency.name if agency else "(belum dirouting)")
        return result[agency_id]

    first, last = _local_days(start, end)
    upper = running_totals(session, last.isoformat(), before=False)
    lower = running_totals(session, first.isoformat(), before=True)
    for key, total in upper.items():
        earlier = lower.get(key)
        if earlier is not None and all(getattr(total, n) == getattr(earlier, n) for n in (*COUNTED, *HISTOGRAMS)):
            continue  # nothing in the period
        m = entry(key or None)
        for name in COUNTED:
            setattr(m, name, getattr(total, name) - (getattr(earlier, name) if earlier else 0))
        for column in HISTOGRAMS:
            merged = add_histograms(getattr(total, column), getattr(earlier, column) if earlier else {}, sign=-1)
            name = column.removesuffix("_histogram")
            in_period = {int(bucket): count for bucket, count in merged.items()}
            setattr(m, f"{name}_hours_median", histogram_percentile(in_period, 0.5))
            setattr(m, f"{name}_hours_p90", histogram_percentile(in_period, 0.9))

    today = now.astimezone(get_settings().zone).date()
    for agency_key, backlog in backlog_by_age(session, today=today).items():
        entry(agency_key or None).backlog = backlog

    ranked = sorted((m for m in result.values() if m.agency_code and m.responses >= min_sample),
                    key=lambda m: (-(m.responded_within_sla_share or 0), m.agency_code or ""))
    for position, metrics in enumerate(ranked, start=1):
        metrics.rank = position
    return sorted(result.values(), key=lambda m: (m.rank is None, m.rank or 0, -m.received))
