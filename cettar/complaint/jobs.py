"""The SLA sweep as an RQ job (scheduled in cettar.schedule); safe to run on several workers at once."""

from __future__ import annotations

from dataclasses import asdict
from datetime import timedelta

from cettar.complaint import outbox
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


def send_reporter_message(message_id: int) -> str | None:
    """Send one queued message to a reporter (cettar.complaint.outbox); safe to run twice."""
    with session_scope() as session:
        delivered = outbox.send(session, message_id=message_id, now=utcnow())
    return delivered.value if delivered is not None else None


def send_due_reporter_messages() -> int:
    """Retries whose time has come, and messages whose job was lost (Redis down at the commit)."""
    with session_scope() as session:
        due = outbox.due(session, now=utcnow())
    for message_id in due:
        send_reporter_message(message_id)
    return len(due)
