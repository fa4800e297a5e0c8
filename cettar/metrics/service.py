"""How responsive each agency is, per period: the governor's staff's view.

Plain SQL aggregates over the complaint table and the stored SLA clocks (indexed on
``received_at`` and ``(agency_id, status)``); percentiles use the nearest-rank method with window
functions, which SQLite and PostgreSQL both run. Working hours are office time (the clocks'
elapsed time, pauses excluded).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import text
from sqlmodel import Session, select

from cettar.agency.models import Agency
from cettar.complaint.workflow import OPEN_STATUSES

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


def _rows(session: Session, sql: str, **params: Any) -> list[Any]:
    return list(session.execute(text(sql), params).all())


def agency_metrics(session: Session, *, start: datetime, end: datetime, now: datetime,
                   min_sample: int = 30) -> list[AgencyMetrics]:
    """Complaints received in [start, end); clocks started in it; the backlog as of ``now``.
    Agencies are ranked by the share answered within the SLA, only those with at least
    ``min_sample`` answered complaints (a small sample says little)."""
    agencies = {a.id: a for a in session.exec(select(Agency)).all()}
    result: dict[int | None, AgencyMetrics] = {}

    def entry(agency_id: int | None) -> AgencyMetrics:
        if agency_id not in result:
            agency = agencies.get(agency_id) if agency_id is not None else None
            result[agency_id] = AgencyMetrics(agency.code if agency else None, agency.name if agency else "(belum dirouting)")
        return result[agency_id]

    for agency_id, received, routed, resolved, reopened in _rows(session, """
            SELECT agency_id, COUNT(*), COUNT(dispositioned_at), COUNT(resolved_at), COUNT(reopened_at)
            FROM complaint WHERE received_at >= :start AND received_at < :end GROUP BY agency_id""",
            start=start, end=end):
        m = entry(agency_id)
        m.received, m.routed, m.resolved, m.reopened = received, routed, resolved, reopened

    for agency_id, stopped, met, breaches in _rows(session, """
            SELECT agency_id, COUNT(stopped_at),
                   SUM(CASE WHEN stopped_at IS NOT NULL AND status = 'met' THEN 1 ELSE 0 END),
                   SUM(CASE WHEN status = 'breached' THEN 1 ELSE 0 END)
            FROM sla_clock WHERE name = 'first_response' AND started_at >= :start AND started_at < :end
            GROUP BY agency_id""", start=start, end=end):
        m = entry(agency_id)
        m.responses, m.responded_within_sla, m.breaches = stopped, int(met or 0), int(breaches or 0)

    for agency_id, name, percentile, seconds in _rows(session, """
            SELECT agency_id, name, p, elapsed_seconds FROM (
                SELECT agency_id, name, elapsed_seconds,
                       ROW_NUMBER() OVER (PARTITION BY agency_id, name ORDER BY elapsed_seconds) AS position,
                       COUNT(*) OVER (PARTITION BY agency_id, name) AS n
                FROM sla_clock
                WHERE name IN ('first_response', 'resolution') AND stopped_at IS NOT NULL
                  AND started_at >= :start AND started_at < :end
            ) ranked
            CROSS JOIN (SELECT 50 AS p UNION ALL SELECT 90) wanted
            WHERE position = (n * p + 99) / 100""", start=start, end=end):
        m = entry(agency_id)
        setattr(m, f"{'first_response' if name == 'first_response' else 'resolution'}_hours_"
                   f"{'median' if percentile == 50 else 'p90'}", round(seconds / 3600, 2))

    cases = " ".join(f"WHEN received_at > :edge{i} THEN '{label}'" for i, (_, label) in enumerate(AGE_BUCKETS))
    edges = {f"edge{i}": now - timedelta(days=days) for i, (days, _) in enumerate(AGE_BUCKETS)}
    statuses = ", ".join(f"'{status.value}'" for status in sorted(OPEN_STATUSES))
    for agency_id, bucket, count in _rows(session, f"""
            SELECT agency_id, CASE {cases} ELSE '{OLDEST}' END AS bucket, COUNT(*)
            FROM complaint WHERE status IN ({statuses}) GROUP BY agency_id, bucket""", **edges):
        entry(agency_id).backlog[bucket] = count

    ranked = sorted((m for m in result.values() if m.agency_code and m.responses >= min_sample),
                    key=lambda m: (-(m.responded_within_sla_share or 0), m.agency_code or ""))
    for position, metrics in enumerate(ranked, start=1):
        metrics.rank = position
    return sorted(result.values(), key=lambda m: (m.rank is None, m.rank or 0, -m.received))
