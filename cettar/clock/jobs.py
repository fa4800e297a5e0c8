"""The SLA sweep as an RQ job (scheduled in cettar.schedule); safe to run on several workers at once."""

from __future__ import annotations

from dataclasses import asdict
from datetime import timedelta

from cettar.clock import sweep as sla_sweep
from cettar.db import session_scope
from cettar.settings import get_settings
from cettar.types import utcnow


def sweep_clocks() -> dict[str, int]:
    with session_scope() as session:
        result = sla_sweep.sweep(
            session, now=utcnow(), escalate_after=timedelta(hours=get_settings().sla_escalate_after_hours)
        )
    return asdict(result)


def refresh_rollup() -> int:
    """Recompute the roll-up days of whatever changed in the last two roll-up intervals (overlapping
    windows: a change is never missed, and recomputing a day twice gives the same rows). Every
    CETTAR_ROLLUP_INTERVAL seconds, so a complaint answered now shows on the dashboard within a minute."""
    from cettar.metrics import rollup

    now = utcnow()
    look_back = timedelta(seconds=2 * get_settings().rollup_interval + 60)
    with session_scope() as session:
        return rollup.refresh_days(session, days=rollup.changed_days(session, since=now - look_back), now=now)


def deliver_notifications() -> int:
    """Hand the due SLA notifications to the people they are for (cettar.staff.notices)."""
    from cettar.staff import notices

    with session_scope() as session:
        return notices.deliver(session, now=utcnow())
