"""Round-robin assignment: an agency that asks for it has each newly routed complaint handed to
one of its officers in turn (the one with the fewest open complaints, the earliest account first
among equals)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import func
from sqlmodel import Session, col, select

from cettar.agency.models import Agency
from cettar.complaint.models import ActorType, Complaint
from cettar.complaint.workflow import OPEN_STATUSES, record_event
from cettar.staff.models import Role, Staff


def auto_assign(session: Session, complaint: Complaint, *, now: datetime) -> Staff | None:
    """The officer who takes this complaint, when its agency assigns round-robin (None otherwise)."""
    agency = session.get(Agency, complaint.agency_id) if complaint.agency_id else None
    if agency is None or not agency.auto_assign or complaint.assignee_id is not None:
        return None
    load = (select(Complaint.assignee_id, func.count().label("n"))
            .where(col(Complaint.status).in_(sorted(OPEN_STATUSES))).group_by(col(Complaint.assignee_id)).subquery())
    officer = session.exec(
        select(Staff).outerjoin(load, load.c.assignee_id == Staff.id)
        .where(Staff.agency_id == agency.id, Staff.role == Role.OFFICER, Staff.active == True)  # noqa: E712
        .order_by(func.coalesce(load.c.n, 0), col(Staff.id))).first()
    if officer is None:
        return None
    complaint.assignee_id = officer.id
    record_event(session, complaint, kind="assigned", actor_type=ActorType.SYSTEM, now=now,
                 data={"assignee": officer.email, "by": "round-robin"})
    session.add(complaint)
    return officer


