"""What staff do to complaints: who may see which, the agency queue, the triage desk, and every
action (claim, assign, reply, note, ask the citizen, resolve, reopen, transfer, not our authority,
merge, spam). Each action is a workflow transition or an event, with the actor recorded; the pages
and the API call these same functions."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

import yaml
from sqlalchemy import func, or_
from sqlmodel import Session, col, select

from cettar.clock import service as clock_service
from cettar.clock.models import SlaClock
from cettar.complaint import routing
from cettar.complaint.models import CATEGORIES, ActorType, Complaint, ComplaintEvent
from cettar.complaint.workflow import OPEN_STATUSES, Status, can_transition, record_event, transition
from cettar.errors import Conflict, FieldError, NotFound
from cettar.sources.models import SourceItem
from cettar.staff import assignment
from cettar.staff.auth import Actor, Forbidden
from cettar.staff.models import AGENCY_ROLES, Role, Staff

PAGE_SIZE = 25
REPLY_TEMPLATES = Path(__file__).resolve().parent.parent / "data" / "reply_templates.yaml"
_WORDS = re.compile(r"[^\W\d_]{3,}", re.UNICODE)


# --- who sees what ------------------------------------------------------------------------------

def can_see(actor: Actor, complaint: Complaint) -> bool:
    if actor.role in (Role.ADMIN, Role.GOVERNOR, Role.TRIAGE):
        return True
    return complaint.agency_id is not None and complaint.agency_id == actor.staff.agency_id


def get_visible(session: Session, actor: Actor, code: str) -> Complaint:
    """The complaint, if this actor may see it; a plain 404 otherwise (whether it exists is not told)."""
    complaint = session.exec(select(Complaint).where(Complaint.tracking_code == code)).first()
    if complaint is None or not can_see(actor, complaint):
        raise NotFound("no such complaint")
    return complaint


def _may_work(actor: Actor, complaint: Complaint) -> None:
    """Acting on a complaint: its own agency's officers and supervisors, or an admin."""
    if actor.role == Role.ADMIN:
        return
    if actor.role in AGENCY_ROLES and complaint.agency_id == actor.staff.agency_id:
        return
    raise Forbidden("only the agency handling this complaint can act on it")


# --- the queue ----------------------------------------------------------------------------------

@dataclass
class QueueFilter:
    status: str = ""
    channel: str = ""
    district: str = ""
    category: str = ""
    mine: bool = False
    breached: bool = False
    search: str = ""
    page: int = 1


@dataclass
class QueuePage:
    rows: list[Complaint]
    total: int
    page: int
    pages: int
    breached_ids: set[int]
    warned_ids: set[int]


def _paginate(session: Session, query: Any, page: int, *order: Any) -> tuple[list[Complaint], int, int, int]:
    """One page of ``query`` in ``order``: (rows, total, the page shown, pages); a page number out of
    range shows the nearest page."""
    total = session.exec(select(func.count()).select_from(query.subquery())).one()
    pages = max(1, (total + PAGE_SIZE - 1) // PAGE_SIZE)
    page = min(max(page, 1), pages)
    rows = list(session.exec(query.order_by(*order).offset((page - 1) * PAGE_SIZE).limit(PAGE_SIZE)))
    return rows, total, page, pages


def queue(session: Session, actor: Actor, filters: QueueFilter, *, agency_id: int | None = None) -> QueuePage:
    """An agency's open complaints, nearest SLA deadline first (no deadline last)."""
    agency_id = agency_id if actor.role not in AGENCY_ROLES else actor.staff.agency_id
    query = select(Complaint).where(col(Complaint.status).in_(sorted(OPEN_STATUSES - {Status.RECEIVED, Status.TRIAGE})))
    if agency_id is not None:
        query = query.where(Complaint.agency_id == agency_id)
    elif actor.role in AGENCY_ROLES:
        raise Forbidden("an officer's queue is the own agency's")
    if filters.status:
        query = query.where(Complaint.status == filters.status)
    if filters.channel:
        query = query.where(Complaint.channel == filters.channel)
    if filters.district:
        query = query.where(Complaint.district_code == filters.district)
    if filters.category:
        query = query.where(Complaint.category == filters.category)
    if filters.mine:
        query = query.where(Complaint.assignee_id == actor.staff.id)
    if filters.breached:
        breached = select(SlaClock.complaint_id).where(SlaClock.status == "breached", col(SlaClock.stopped_at).is_(None))
        query = query.where(col(Complaint.id).in_(breached))
    if filters.search.strip():
        term = f"%{filters.search.strip().lower()}%"
        query = query.where(or_(func.lower(Complaint.text).like(term), func.lower(Complaint.title).like(term),
                                func.lower(Complaint.tracking_code).like(term)))
    rows, total, page, pages = _paginate(session, query, filters.page, col(Complaint.due_at).is_(None),
                                         col(Complaint.due_at), col(Complaint.id))
    ids = [r.id for r in rows]
    flags = session.exec(select(SlaClock.complaint_id, SlaClock.status, SlaClock.warned_at)
                         .where(col(SlaClock.complaint_id).in_(ids), col(SlaClock.stopped_at).is_(None))).all()
    breached_ids = {c for c, status, _ in flags if status == "breached"}
    warned_ids = {c for c, _, warned in flags if warned is not None} - breached_ids
    return QueuePage(rows, total, page, pages, breached_ids, warned_ids)


def escalated(session: Session, *, page: int = 1) -> QueuePage:
    """The governor's staff queue: open complaints whose breach was escalated, oldest escalation first."""
    escalated_ids = select(SlaClock.complaint_id).where(col(SlaClock.escalated_at).is_not(None), col(SlaClock.stopped_at).is_(None))
    query = select(Complaint).where(col(Complaint.id).in_(escalated_ids), col(Complaint.status).in_(sorted(OPEN_STATUSES)))
    rows, total, page, pages = _paginate(session, query, page, col(Complaint.due_at), col(Complaint.id))
    return QueuePage(rows, total, page, pages, {c.id for c in rows if c.id is not None}, set())


def triage_desk(session: Session, *, page: int = 1) -> QueuePage:
    query = select(Complaint).where(Complaint.status == Status.TRIAGE)
    rows, total, page, pages = _paginate(session, query, page, col(Complaint.received_at))
    return QueuePage(rows, total, page, pages, set(), set())


# --- one complaint ------------------------------------------------------------------------------

def timeline(session: Session, complaint: Complaint) -> list[ComplaintEvent]:
    return list(session.exec(select(ComplaintEvent).where(ComplaintEvent.complaint_id == complaint.id)
                             .order_by(col(ComplaintEvent.occurred_at), col(ComplaintEvent.id))))


def sources_of(session: Session, complaint: Complaint) -> list[SourceItem]:
    return list(session.exec(select(SourceItem).where(SourceItem.complaint_id == complaint.id).order_by(col(SourceItem.id))))


def _words(text: str) -> set[str]:
    return {w.lower() for w in _WORDS.findall(text)}


def similar_open(session: Session, complaint: Complaint, *, limit: int = 5, threshold: float = 0.25) -> list[tuple[Complaint, float]]:
    """Open complaints of the same agency (or at the triage desk) whose words overlap most: the
    possible duplicates to merge. Compares with the 300 most recent, by word-set overlap."""
    query = select(Complaint).where(col(Complaint.status).in_(sorted(OPEN_STATUSES)), Complaint.id != complaint.id)
    if complaint.agency_id is not None:
        query = query.where(Complaint.agency_id == complaint.agency_id)
    own = _words(f"{complaint.title} {complaint.text}")
    if not own:
        return []
    scored = []
    for other in session.exec(query.order_by(col(Complaint.received_at).desc()).limit(300)):
        theirs = _words(f"{other.title} {other.text}")
        if theirs:
            score = len(own & theirs) / len(own | theirs)
            if score >= threshold:
                scored.append((other, round(score, 2)))
    return sorted(scored, key=lambda pair: -pair[1])[:limit]


def reply_templates(language: str) -> list[dict[str, str]]:
    entries: list[dict[str, Any]] = yaml.safe_load(REPLY_TEMPLATES.read_text(encoding="utf-8")) or []
    return [{"key": str(e["key"]), "title": str(e["title"].get(language) or e["title"]["id"]),
             "text": str(e["text"].get(language) or e["text"]["id"])} for e in entries]


def template_text(key: str, language: str) -> str:
    for entry in reply_templates(language):
        if entry["key"] == key:
            return entry["text"]
    raise FieldError(f"unknown reply template {key!r}", field="template", key="choice")


# --- actions ------------------------------------------------------------------------------------

def _text(value: str, field: str) -> str:
    value = value.strip()
    if not value:
        raise FieldError("write something first", field=field, key="missing")
    if len(value) > 5000:
        raise FieldError("at most 5000 characters", field=field, key="string_too_long")
    return value


def _staff_event(session: Session, actor: Actor, complaint: Complaint, now: datetime, target: Status | None = None,
                 **fields: Any) -> None:
    """A transition when ``target`` is given and allowed from here, an event otherwise."""
    kind = fields.pop("kind", "note")
    if target is not None and complaint.status != target:
        transition(session, complaint, target, actor_type=ActorType.STAFF, actor=actor.label, now=now, **fields)
    else:
        record_event(session, complaint, kind=kind, actor_type=ActorType.STAFF, actor=actor.label, now=now, **fields)
        complaint.updated_at = now
        session.add(complaint)


def _start_work(session: Session, actor: Actor, complaint: Complaint, now: datetime) -> None:
    if complaint.status in (Status.DISPOSITIONED, Status.REOPENED):
        transition(session, complaint, Status.IN_PROGRESS, actor_type=ActorType.STAFF, actor=actor.label, now=now)


def claim(session: Session, actor: Actor, complaint: Complaint, *, now: datetime) -> None:
    _may_work(actor, complaint)
    assign_to(session, actor, complaint, staff=actor.staff, now=now, check=False)


def assign_to(session: Session, actor: Actor, complaint: Complaint, *, staff: Staff, now: datetime, check: bool = True) -> None:
    if check:
        _may_work(actor, complaint)
        if actor.role not in (Role.SUPERVISOR, Role.ADMIN):
            raise Forbidden("only a supervisor assigns complaints to others")
    if staff.agency_id != complaint.agency_id or staff.role not in AGENCY_ROLES or not staff.active:
        raise FieldError(f"{staff.email} does not work for this complaint's agency", field="assignee", key="invalid")
    complaint.assignee_id = staff.id
    record_event(session, complaint, kind="assigned", actor_type=ActorType.STAFF, actor=actor.label, now=now,
                 data={"assignee": staff.email})
    _start_work(session, actor, complaint, now)
    complaint.updated_at = now
    session.add(complaint)


def reply(session: Session, actor: Actor, complaint: Complaint, *, message: str, now: datetime) -> None:
    """A public reply to the citizen: the agency's response (the first one stops the response clock)."""
    _may_work(actor, complaint)
    message = _text(message, "message")
    _start_work(session, actor, complaint, now)
    target = Status.RESPONDED if can_transition(complaint.status, Status.RESPONDED) else None
    _staff_event(session, actor, complaint, now, target, public_message=message, kind="reply")


def note(session: Session, actor: Actor, complaint: Complaint, *, text: str, now: datetime) -> None:
    if actor.role == Role.GOVERNOR:
        raise Forbidden("the governor's staff read; they do not write on complaints")
    if actor.role != Role.TRIAGE:
        _may_work(actor, complaint)
    _staff_event(session, actor, complaint, now, None, internal_note=_text(text, "text"), kind="note")


def ask_citizen(session: Session, actor: Actor, complaint: Complaint, *, question: str, now: datetime) -> None:
    """Ask the citizen for information: the SLA clocks pause until they answer."""
    _may_work(actor, complaint)
    _start_work(session, actor, complaint, now)
    transition(session, complaint, Status.WAITING_CITIZEN, actor_type=ActorType.STAFF, actor=actor.label, now=now,
               public_message=_text(question, "question"))


def resolve(session: Session, actor: Actor, complaint: Complaint, *, message: str, now: datetime) -> None:
    _may_work(actor, complaint)
    _start_work(session, actor, complaint, now)
    transition(session, complaint, Status.RESOLVED, actor_type=ActorType.STAFF, actor=actor.label, now=now,
               public_message=_text(message, "message"))


def reopen(session: Session, actor: Actor, complaint: Complaint, *, reason: str, now: datetime) -> None:
    _may_work(actor, complaint)
    transition(session, complaint, Status.REOPENED, actor_type=ActorType.STAFF, actor=actor.label, now=now,
               internal_note=_text(reason, "reason"))


def transfer(session: Session, actor: Actor, complaint: Complaint, *, agency_code: str, reason: str, now: datetime) -> None:
    _may_work(actor, complaint)
    routing.transfer(session, complaint=complaint, agency_code=agency_code, reason=reason, actor=actor.label, now=now)
    complaint.assignee_id = None
    session.add(complaint)


def not_our_authority(session: Session, actor: Actor, complaint: Complaint, *, reason: str, now: datetime) -> None:
    _may_work(actor, complaint)
    routing.not_our_authority(session, complaint=complaint, reason=reason, actor=actor.label, now=now)
    complaint.assignee_id = None
    session.add(complaint)


def route(session: Session, actor: Actor, complaint: Complaint, *, agency_code: str, now: datetime) -> None:
    if actor.role not in (Role.TRIAGE, Role.ADMIN):
        raise Forbidden("the triage desk routes complaints")
    routing.route_from_triage(session, complaint=complaint, agency_code=agency_code, actor=actor.label, now=now)
    assignment.auto_assign(session, complaint, now=now)


def merge(session: Session, actor: Actor, complaint: Complaint, *, into_code: str, now: datetime) -> Complaint:
    """This complaint repeats another: it is closed as a duplicate, pointing at the one that stays."""
    if actor.role not in (Role.TRIAGE, Role.ADMIN):
        _may_work(actor, complaint)
    target = session.exec(select(Complaint).where(Complaint.tracking_code == into_code.strip().upper())).first()
    if target is None or target.id == complaint.id or not can_see(actor, target):
        raise FieldError(f"no other complaint {into_code!r} to merge into", field="into", key="invalid")
    if target.duplicate_of_id is not None:
        raise Conflict("that complaint is itself a duplicate: merge into the one it points at")
    complaint.duplicate_of_id = target.id
    transition(session, complaint, Status.REJECTED, actor_type=ActorType.STAFF, actor=actor.label, now=now,
               public_message=f"Digabung dengan pengaduan {target.tracking_code}.",
               data={"reason": "duplicate", "duplicate_of": target.tracking_code})
    record_event(session, target, kind="merged", actor_type=ActorType.STAFF, actor=actor.label, now=now,
                 data={"merged": complaint.tracking_code})
    return target


PRIORITIES = ("normal", "urgent")


def categorise(session: Session, actor: Actor, complaint: Complaint, *, category: str, priority: str, now: datetime) -> None:
    """Set the category and priority; the SLA clocks follow the policy they choose (fire, flood and
    disaster run on calendar hours)."""
    if actor.role not in (Role.TRIAGE, Role.ADMIN):
        _may_work(actor, complaint)
    if category not in CATEGORIES:
        raise FieldError(f"unknown category {category!r}", field="category", key="choice")
    if priority not in PRIORITIES:
        raise FieldError(f"unknown priority {priority!r}", field="priority", key="choice")
    complaint.category, complaint.priority = category or None, priority
    complaint.updated_at = now
    session.add(complaint)
    record_event(session, complaint, kind="categorised", actor_type=ActorType.STAFF, actor=actor.label, now=now,
                 data={"category": category or None, "priority": priority})
    clock_service.refresh(session, complaint=complaint, now=now)


def mark_spam(session: Session, actor: Actor, complaint: Complaint, *, now: datetime) -> None:
    if actor.role not in (Role.TRIAGE, Role.ADMIN):
        _may_work(actor, complaint)
    transition(session, complaint, Status.REJECTED, actor_type=ActorType.STAFF, actor=actor.label, now=now,
               data={"reason": "spam"})


def staff_of_agency(session: Session, agency_id: int | None) -> list[Staff]:
    return list(session.exec(select(Staff).where(Staff.agency_id == agency_id, Staff.active == True)  # noqa: E712
                             .order_by(col(Staff.name), col(Staff.email))))
