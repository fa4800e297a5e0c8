"""What the reporter does after filing, with the tracking code (and the access secret of a
confidential complaint): answer the officer or add information, confirm the resolution, contest it
within ten working days, and rate the handling once.

Each is a workflow transition or an event by the citizen. An answer to a request for information
moves the complaint from "waiting for the citizen" back to the agency, which resumes the paused SLA
clocks; the agency hears of every message on its dashboard (a notification the delivery job hands
to the assignee, or to the supervisors when nobody holds the complaint).
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select

from cettar.calendar import deployment_calendar
from cettar.complaint import photos
from cettar.complaint import service as complaint_service
from cettar.complaint.models import ActorType, Complaint, ComplaintRating, Status
from cettar.complaint.workflow import agency_code, record_event, transition
from cettar.errors import Conflict, FieldError
from cettar.staff.models import NoticeKind, Notification, Recipient, RecipientKind
from cettar.validation import checked_text
from sla.duration import Duration, Unit

CONTEST_WITHIN = Duration(10, Unit.WORKING_DAYS)  # SP4N-LAPOR!: the reporter may object for 10 working days
S = Status


def _tell_the_agency(session: Session, complaint: Complaint, now: datetime) -> None:
    """A dashboard notice for whoever handles the complaint: at most one per complaint, person and day."""
    assert complaint.id is not None
    if complaint.assignee_id is not None:
        recipient = Recipient(RecipientKind.STAFF, str(complaint.assignee_id))
    else:
        code = agency_code(session, complaint)
        if code is None:
            return  # at the triage desk: the desk's own list shows it
        recipient = Recipient(RecipientKind.AGENCY_SUPERVISORS, code)
    day = now.astimezone(deployment_calendar(None).zone).date().isoformat()
    insert = pg_insert if session.get_bind().dialect.name == "postgresql" else sqlite_insert
    session.execute(insert(Notification).values(
        complaint_id=complaint.id, recipient=recipient, kind=NoticeKind.CITIZEN_MESSAGE, day=day, clock="",
        created_at=now, send_after=now).on_conflict_do_nothing())


def available(session: Session, complaint: Complaint, *, now: datetime) -> frozenset[str]:
    """What the tracking page offers the reporter now."""
    offered = set()
    if complaint.status not in (S.CLOSED, S.REJECTED):
        offered.add("message")
        if photos.count_of(session, complaint) < photos.MAX_PHOTOS:
            offered.add("photos")
    if complaint.status in (S.RESOLVED, S.RESPONDED):
        offered.add("confirm")
    if complaint.status in (S.RESOLVED, S.CLOSED) and complaint.duplicate_of_id is None:
        deadline = contest_deadline(complaint, agency_code(session, complaint))
        if deadline is not None and now <= deadline:
            offered.add("contest")
        if session.exec(select(ComplaintRating.id).where(ComplaintRating.complaint_id == complaint.id)).first() is None:
            offered.add("rating")
    return frozenset(offered)


def add_message(session: Session, *, code: str, secret: str | None, text: str, now: datetime) -> Complaint:
    """Answer the officer's question (back to the agency, clocks running again) or add information."""
    complaint = complaint_service.opened(session, code=code, secret=secret)
    text = checked_text(text, field="text")
    if complaint.status in (S.CLOSED, S.REJECTED):
        raise Conflict("this complaint is closed; file a new one, or contest the resolution", key="citizen_closed")
    if complaint.status == S.WAITING_CITIZEN:
        transition(session, complaint, S.IN_PROGRESS, actor_type=ActorType.CITIZEN, actor="reporter", now=now,
                   public_message=text, data={"answer": True})
    else:
        record_event(session, complaint, kind="citizen_message", actor_type=ActorType.CITIZEN, actor="reporter",
                     now=now, public_message=text)
        complaint.updated_at = now
        session.add(complaint)
    _tell_the_agency(session, complaint, now)
    return complaint


def confirm(session: Session, *, code: str, secret: str | None, now: datetime) -> Complaint:
    """The reporter agrees the complaint is settled: it closes."""
    complaint = complaint_service.opened(session, code=code, secret=secret)
    if complaint.status not in (S.RESOLVED, S.RESPONDED):
        raise Conflict("only an answered or resolved complaint can be confirmed", key="citizen_cannot_confirm")
    transition(session, complaint, S.CLOSED, actor_type=ActorType.CITIZEN, actor="reporter", now=now,
               data={"confirmed_by_reporter": True})
    return complaint


def contest_deadline(complaint: Complaint, calendar_code: str | None) -> datetime | None:
    settled = complaint.resolved_at if complaint.status == S.RESOLVED else complaint.closed_at
    return CONTEST_WITHIN.deadline(deployment_calendar(calendar_code), settled) if settled else None


def contest(session: Session, *, code: str, secret: str | None, reason: str, now: datetime) -> Complaint:
    """The reporter objects to the resolution: within ten working days it reopens with the reason."""
    complaint = complaint_service.opened(session, code=code, secret=secret)
    reason = checked_text(reason, field="reason")
    if complaint.status not in (S.RESOLVED, S.CLOSED) or complaint.duplicate_of_id is not None:
        raise Conflict("only a resolved or closed complaint can be contested", key="citizen_cannot_contest")
    deadline = contest_deadline(complaint, agency_code(session, complaint))
    if deadline is None or now > deadline:
        raise Conflict("the ten working days to contest this resolution have passed; file a new complaint",
                       key="citizen_contest_late")
    transition(session, complaint, S.REOPENED, actor_type=ActorType.CITIZEN, actor="reporter", now=now,
               public_message=reason, data={"contested": True})
    _tell_the_agency(session, complaint, now)
    return complaint


def rate(session: Session, *, code: str, secret: str | None, score: int, comment: str, now: datetime) -> ComplaintRating:
    """Once per complaint, after it is resolved or closed: 1 (bad) … 5 (good), with an optional comment."""
    complaint = complaint_service.opened(session, code=code, secret=secret)
    assert complaint.id is not None
    if complaint.status not in (S.RESOLVED, S.CLOSED) or complaint.duplicate_of_id is not None:
        raise Conflict("a complaint is rated once it is resolved", key="citizen_cannot_rate")
    if not 1 <= score <= 5:
        raise FieldError("a score from 1 to 5", field="score", key="score")
    comment = checked_text(comment, field="comment") if comment.strip() else ""
    rating = ComplaintRating(complaint_id=complaint.id, score=score, comment=comment, created_at=now)
    try:
        with session.begin_nested():  # two ratings at once: the unique key keeps the first
            session.add(rating)
            session.flush()
    except IntegrityError:
        raise Conflict("this complaint has been rated already", key="citizen_rated") from None
    record_event(session, complaint, kind="rating", actor_type=ActorType.CITIZEN, actor="reporter", now=now,
                 data={"score": score})
    session.flush()
    return rating
