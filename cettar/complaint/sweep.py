"""The periodic SLA sweep: record each warning and breach once, escalate breaches that stay
open, queue notifications, and close complaints the citizen did not answer.

Set-based: each step is one UPDATE ... WHERE <not yet recorded> RETURNING, so a million open
clocks cost one indexed scan, and several sweeps running at once record every event exactly once
(the second UPDATE finds the column already set).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import and_, insert, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlmodel import Session, col, select

from cettar.agency.models import Agency
from cettar.calendar import deployment_calendar
from cettar.clock.models import ClockRow, SlaClock
from cettar.complaint.models import ActorType, Complaint, ComplaintEvent, Status
from cettar.complaint.workflow import transition
from cettar.staff.models import NoticeKind, Notification, Recipient, RecipientKind

AUTO_CLOSE = "auto_close"
CLOCK = SlaClock.__table__  # type: ignore[attr-defined]
AUTO_CLOSE_MESSAGE = ("Pengaduan ditutup otomatis: tidak ada tanggapan dari pelapor dalam 10 hari kerja "
                      "setelah jawaban instansi. / Closed automatically: no reply within 10 working days.")


@dataclass
class SweepResult:
    warnings: int = 0
    breaches: int = 0
    escalations: int = 0
    closed: int = 0
    notifications: int = 0  # queued; one per complaint, recipient and day is kept


def _events(session: Session, rows: Sequence[Any], kind: str, now: datetime) -> None:
    if rows:
        session.execute(insert(ComplaintEvent), [
            {"complaint_id": r.complaint_id, "occurred_at": now, "actor_type": ActorType.SYSTEM, "actor": "sla",
             "kind": kind, "data": {"clock": r.name, "deadline": r.deadline.isoformat() if r.deadline else None}}
            for r in rows
        ])


def _recipients(kind: NoticeKind, assignee_id: int | None, agency_code: str) -> list[Recipient]:
    if kind == NoticeKind.SLA_ESCALATION:
        return [Recipient(RecipientKind.GOVERNOR_STAFF)]
    supervisors = [Recipient(RecipientKind.AGENCY_SUPERVISORS, agency_code)]
    return ([Recipient(RecipientKind.STAFF, str(assignee_id))] if assignee_id else []) + supervisors


def _notify(session: Session, rows: Sequence[Any], kind: NoticeKind, now: datetime, codes: dict[int, str]) -> int:
    """At most one notification per complaint, recipient and local day, sent in office hours. The
    assignee is the one holding the complaint now; the supervisors are looked up at delivery."""
    if not rows:
        return 0
    calendar = deployment_calendar(None)
    send_after = calendar.next_working_instant(now)
    day = send_after.astimezone(calendar.zone).date().isoformat()
    assignees = dict(session.exec(select(Complaint.id, Complaint.assignee_id)
                                  .where(col(Complaint.id).in_({r.complaint_id for r in rows}))).all())
    values = []
    for r in rows:
        recipients = _recipients(kind, assignees.get(r.complaint_id), codes.get(r.agency_id, "-"))
        values += [{"complaint_id": r.complaint_id, "recipient": recipient, "kind": kind, "clock": r.name, "day": day,
                    "created_at": now, "send_after": send_after} for recipient in recipients]
    dialect = session.get_bind().dialect.name
    statement = (pg_insert(Notification) if dialect == "postgresql" else sqlite_insert(Notification)).on_conflict_do_nothing()
    session.execute(statement, values)
    return len(values)


def _agency_codes(session: Session) -> dict[int, str]:
    return {agency_id: code for agency_id, code in session.exec(select(Agency.id, Agency.code)) if agency_id is not None}


def sweep(session: Session, *, now: datetime, escalate_after: timedelta) -> SweepResult:
    result = SweepResult()
    codes = _agency_codes(session)
    returning = (CLOCK.c.id, CLOCK.c.complaint_id, CLOCK.c.name, CLOCK.c.agency_id, CLOCK.c.deadline)
    running = and_(CLOCK.c.status == ClockRow.RUNNING, CLOCK.c.stopped_at.is_(None), CLOCK.c.name != AUTO_CLOSE)

    breached = session.execute(
        update(CLOCK).where(running, CLOCK.c.breached_at.is_(None), CLOCK.c.deadline <= now)
        .values(status=ClockRow.BREACHED, breached_at=now, updated_at=now,
                escalate_at=deployment_calendar(None).add_working_time(now, escalate_after))
        .returning(*returning)
    ).all()
    warned = session.execute(
        update(CLOCK).where(running, CLOCK.c.warned_at.is_(None), CLOCK.c.warn_at <= now)
        .values(warned_at=now, updated_at=now).returning(*returning)
    ).all()
    escalated = session.execute(
        update(CLOCK).where(CLOCK.c.status == ClockRow.BREACHED, CLOCK.c.stopped_at.is_(None), CLOCK.c.escalated_at.is_(None),
                            CLOCK.c.escalate_at <= now)
        .values(escalated_at=now, updated_at=now).returning(*returning)
    ).all()
    for rows, kind in ((warned, NoticeKind.SLA_WARNING), (breached, NoticeKind.SLA_BREACH),
                       (escalated, NoticeKind.SLA_ESCALATION)):
        _events(session, rows, kind.value, now)
    # one notification per complaint, person and day: when a warning and a breach fall in the same
    # sweep, the breach is the one kept
    for rows, kind in ((escalated, NoticeKind.SLA_ESCALATION), (breached, NoticeKind.SLA_BREACH),
                       (warned, NoticeKind.SLA_WARNING)):
        result.notifications += _notify(session, rows, kind, now, codes)
    result.warnings, result.breaches, result.escalations = len(warned), len(breached), len(escalated)
    result.closed = close_unanswered(session, now=now)
    session.flush()
    return result


def close_unanswered(session: Session, *, now: datetime, limit: int = 5000) -> int:
    """Close each responded complaint whose auto-close clock ran out: the citizen did not reply."""
    due = session.exec(
        select(SlaClock.complaint_id)
        .where(SlaClock.name == AUTO_CLOSE, SlaClock.status == ClockRow.RUNNING, col(SlaClock.stopped_at).is_(None),
               col(SlaClock.deadline) <= now)
        .limit(limit)
    ).all()
    closed = 0
    for complaint_id in due:
        query = select(Complaint).where(Complaint.id == complaint_id)
        if session.get_bind().dialect.name == "postgresql":
            query = query.with_for_update(skip_locked=True)
        complaint = session.exec(query).first()
        if complaint is None or complaint.status != Status.RESPONDED:
            continue  # another sweep closed it, or the citizen answered meanwhile
        transition(session, complaint, Status.CLOSED, actor_type=ActorType.SYSTEM, actor="sla", now=now,
                   public_message=AUTO_CLOSE_MESSAGE)
        closed += 1
    return closed
