"""Delivering staff notifications, as an RQ job (scheduled in cettar.schedule)."""

from __future__ import annotations

from cettar.db import session_scope
from cettar.staff import notices
from cettar.types import utcnow


def deliver_notifications() -> int:
    """Hand the due SLA notifications to the people they are for."""
    with session_scope() as session:
        return notices.deliver(session, now=utcnow())
