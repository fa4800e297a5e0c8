"""Delivering the SLA notifications the sweep queued: to the assignee, the agency's supervisors and
the governor's staff, as notices on their dashboards. The sweep decides when (office hours, at
most one per complaint, recipient and day); this job decides who, once the time has come.

Safe to run twice or on several workers: a notification is delivered only while ``sent_at`` is
empty, under a row lock on PostgreSQL, and each person's notice is unique per notification."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlmodel import Session, col, select

from cettar.agency.models import Agency
from cettar.staff.models import Notification, RecipientKind, Role, Staff, StaffNotice

BATCH = 500


def _recipients(session: Session, notification: Notification) -> list[int]:
    target = notification.recipient
    active = Staff.active == True  # noqa: E712
    if target.kind == RecipientKind.STAFF:
        return [i for i in session.exec(select(Staff.id).where(Staff.id == int(target.key), active)) if i is not None]
    if target.kind == RecipientKind.LEGACY_ASSIGNEE:
        return []  # migration 0017 rewrote every unsent one to staff:<id>
    if target.kind == RecipientKind.GOVERNOR_STAFF:
        return [i for i in session.exec(select(Staff.id).where(Staff.role == Role.GOVERNOR, active)) if i is not None]
    agency = session.exec(select(Agency).where(Agency.code == target.key)).first()
    if agency is None:
        return []
    query = select(Staff.id).where(Staff.agency_id == agency.id, Staff.role == Role.SUPERVISOR, active)
    return [i for i in session.exec(query) if i is not None]


def deliver(session: Session, *, now: datetime) -> int:
    """Deliver what is due; returns the notices written."""
    query = (select(Notification).where(col(Notification.sent_at).is_(None), col(Notification.send_after) <= now)
             .order_by(col(Notification.id)).limit(BATCH))
    dialect = session.get_bind().dialect.name
    if dialect == "postgresql":
        query = query.with_for_update(skip_locked=True)
    written = 0
    insert = pg_insert if dialect == "postgresql" else sqlite_insert
    for notification in session.exec(query).all():
        rows = [{"staff_id": staff_id, "notification_id": notification.id, "complaint_id": notification.complaint_id,
                 "kind": notification.kind, "clock": notification.clock, "created_at": now}
                for staff_id in _recipients(session, notification)]
        if rows:
            inserted = session.execute(insert(StaffNotice).values(rows).on_conflict_do_nothing()
                                       .returning(StaffNotice.__table__.c.id))  # type: ignore[attr-defined]
            written += len(inserted.all())
        notification.sent_at = now
        session.add(notification)
    session.flush()
    return written


def mark_read(session: Session, *, staff_id: int, now: datetime) -> None:
    for notice in session.exec(select(StaffNotice).where(StaffNotice.staff_id == staff_id, col(StaffNotice.read_at).is_(None))):
        notice.read_at = now
        session.add(notice)
