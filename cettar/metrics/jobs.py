"""Keeping the dashboard's roll-up current, as an RQ job (scheduled in cettar.schedule)."""

from __future__ import annotations

from datetime import timedelta

from cettar.db import session_scope
from cettar.metrics import rollup
from cettar.settings import get_settings
from cettar.types import utcnow


def refresh_rollup() -> int:
    """Recompute the roll-up days of whatever changed in the last two roll-up intervals (overlapping
    windows: a change is never missed, and recomputing a day twice gives the same rows). Every
    CETTAR_ROLLUP_INTERVAL seconds, so a complaint answered now shows on the dashboard within a minute."""
    now = utcnow()
    look_back = timedelta(seconds=2 * get_settings().rollup_interval + 60)
    with session_scope() as session:
        return rollup.refresh_days(session, days=rollup.changed_days(session, since=now - look_back), now=now)
