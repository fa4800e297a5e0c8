"""The SLA sweep as an RQ job (scheduled in cettar.schedule); safe to run on several workers at once."""

from __future__ import annotations

from dataclasses import asdict
from datetime import timedelta

from cettar.complaint import sweep as sla_sweep
from cettar.db import session_scope
from cettar.settings import get_settings
from cettar.types import utcnow


def sweep_clocks() -> dict[str, int]:
    with session_scope() as session:
        result = sla_sweep.sweep(
            session, now=utcnow(), escalate_after=timedelta(hours=get_settings().sla_escalate_after_hours)
        )
    return asdict(result)
