"""What staff read: the agency queue, the triage desk, the escalations, one complaint's page, and
a person's own work and notices. Every change to a complaint is made in ``cettar.complaint``
(``complaint.actions``); the pages and the JSON API read through these functions."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import case, func, or_
from sqlmodel import Session, col, select

from cettar.agency import service as agency_service
from cettar.agency.models import Agency
from cettar.calendar import deployment_calendar
from cettar.clock.models import ClockRow, SlaClock
from cettar.complaint import actions, photos, replies, similar
from cettar.complaint.models import (
    CATEGORIES,
    OPEN_STATUSES,
    Complaint,
    ComplaintEvent,
    ComplaintPhoto,
    Priority,
    Privacy,
    ReporterContact,
    Status,
)
from cettar.open311 import keys as open311_keys
from cettar.errors import FieldError, NotFound
from cettar.region import service as region_service
from cettar.sources.models import SourceItem
from cettar.staff.auth import Actor, Forbidden
from cettar.staff.models import AGENCY_ROLES, Role, Staff, StaffNotice
from cettar.types import utcnow

PAGE_SIZE = 25
DUE_SOON = timedelta(days=2)
QUEUE_STATUSES = sorted(OPEN_STATUSES - {Status.RECEIVED, Status.TRIAGE})


def like_pattern(term: str) -> str:
    """``term`` as a LIKE pattern that matches it literally anywhere (``%`` and ``_`` are text)."""
    escaped = term.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


# --- the queue ----------------------------------------------------------------------------------

@dataclass
class QueueFilter:
    status: str = ""  # one of QUEUE_STATUSES, or '' for all
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
    remaining: dict[int, float] = field(default_factory=dict)  # office hours left to the deadline (negative: past it)
    agency_codes: dict[int, str] = field(default_factory=dict)


URGENT_FIRST = case((col(Complaint.priority) == Priority.URGENT.value, 0), else_=1)


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
    query = select(Complaint).where(col(Complaint.status).in_(QUEUE_STATUSES))
    if agency_id is not None:
        query = query.where(Complaint.agency_id == agency_id)
    elif actor.role in AGENCY_ROLES:
        raise Forbidden("an officer's queue is the own agency's", key="not_your_agency")
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
        breached = select(SlaClock.complaint_id).where(SlaClock.status == ClockRow.BREACHED, col(SlaClock.stopped_at).is_(None))
        query = query.where(col(Complaint.id).in_(breached))
    if filters.search.strip():
        term = like_pattern(filters.search.strip().lower())
        query = query.where(or_(func.lower(Complaint.text).like(term, escape="\\"),
                                func.lower(Complaint.title).like(term, escape="\\"),
                                func.lower(Complaint.tracking_code).like(term, escape="\\")))
    rows, total, page, pages = _paginate(session, query, filters.page, URGENT_FIRST, col(Complaint.due_at).is_(None),
                                         col(Complaint.due_at), col(Complaint.id))
    ids = [r.id for r in rows]
    flags = session.exec(select(SlaClock.complaint_id, SlaClock.status, SlaClock.warned_at)
                         .where(col(SlaClock.complaint_id).in_(ids), col(SlaClock.stopped_at).is_(None))).all()
    breached_ids = {c for c, status, _ in flags if status == ClockRow.BREACHED}
    warned_ids = {c for c, _, warned in flags if warned is not None} - breached_ids
    return QueuePage(rows, total, page, pages, breached_ids, warned_ids, agency_codes=_agency_codes(session, rows))


def _agency_codes(session: Session, rows: list[Complaint]) -> dict[int, str]:
    """The agency code of each complaint on a page, in one query."""
    ids = {r.agency_id for r in rows if r.agency_id is not None}
    if not ids:
        return {}
    codes = dict(session.exec(select(Agency.id, Agency.code).where(col(Agency.id).in_(ids))).all())
    return {r.id: codes[r.agency_id] for r in rows if r.id is not None and r.agency_id in codes}


def with_remaining(page: QueuePage, *, agency_code: str | None, now: datetime) -> QueuePage:
    """Add the office hours each complaint has left before its deadline, on its agency's calendar."""
    calendar = deployment_calendar(agency_code)
    for c in page.rows:
        if c.due_at is not None and c.id is not None:
            ahead = c.due_at >= now
            span = calendar.working_time_between(*((now, c.due_at) if ahead else (c.due_at, now)))
            page.remaining[c.id] = round(span.total_seconds() / 3600 * (1 if ahead else -1), 1)
    return page


def agency_for(session: Session, actor: Actor, code: str) -> Agency | None:
    """The agency whose queue this person reads: their own, or (province-wide roles) the one asked for."""
    if actor.staff.agency_id is not None:
        return session.get(Agency, actor.staff.agency_id)
    agency = agency_service.get_by_code(session, code=code) if code else None
    if code and agency is None:
        raise NotFound(f"no agency {code!r}", key="no_agency")
    return agency


@dataclass
class QueueView:
    agency: Agency | None
    page: QueuePage | None
    assignees: dict[int | None, Staff]
    agencies: list[Agency]
    districts: list[Any]


def queue_view(session: Session, actor: Actor, filters: QueueFilter, *, agency_code: str, now: datetime) -> QueueView:
    """Everything the queue page shows: the page of complaints with their hours left, who they are
    assigned to, and the choices of its filters and bulk actions."""
    agency = agency_for(session, actor, agency_code)
    page = None
    if agency is not None:
        page = with_remaining(queue(session, actor, filters, agency_id=agency.id), agency_code=agency.code, now=now)
    assignees = {s.id: s for s in staff_of_agency(session, agency.id)} if agency else {}
    return QueueView(agency=agency, page=page, assignees=assignees, agencies=agency_service.list_active(session),
                     districts=region_service.districts(session))


def escalated(session: Session, *, page: int = 1) -> QueuePage:
    """The governor's staff queue: open complaints whose breach was escalated, oldest escalation first."""
    escalated_ids = select(SlaClock.complaint_id).where(col(SlaClock.escalated_at).is_not(None), col(SlaClock.stopped_at).is_(None))
    query = select(Complaint).where(col(Complaint.id).in_(escalated_ids), col(Complaint.status).in_(sorted(OPEN_STATUSES)))
    rows, total, page, pages = _paginate(session, query, page, col(Complaint.due_at), col(Complaint.id))
    return QueuePage(rows, total, page, pages, {c.id for c in rows if c.id is not None}, set())


def triage_desk(session: Session, *, page: int = 1) -> QueuePage:
    """What the router left to a person: urgent first, then integrity complaints, then the oldest."""
    query = select(Complaint).where(Complaint.status == Status.TRIAGE)
    rows, total, page, pages = _paginate(session, query, page, URGENT_FIRST, col(Complaint.sensitive).desc(),
                                         col(Complaint.received_at), col(Complaint.id))
    return QueuePage(rows, total, page, pages, set(), set())


# --- one complaint ------------------------------------------------------------------------------

def timeline(session: Session, complaint: Complaint) -> list[ComplaintEvent]:
    return list(session.exec(select(ComplaintEvent).where(ComplaintEvent.complaint_id == complaint.id)
                             .order_by(col(ComplaintEvent.occurred_at), col(ComplaintEvent.id))))


def sources_of(session: Session, complaint: Complaint) -> list[SourceItem]:
    return list(session.exec(select(SourceItem).where(SourceItem.complaint_id == complaint.id).order_by(col(SourceItem.id))))


def similar_open(session: Session, complaint: Complaint, *, limit: int = 5) -> list[tuple[Complaint, float]]:
    """Open complaints of the last 14 days, of the same agency (or anywhere while it has none), that
    say the same thing (``complaint.similar``): the possible duplicates to merge."""
    candidates = similar.open_candidates(session, now=utcnow(), agency_id=complaint.agency_id, exclude_id=complaint.id)
    return similar.most_similar(f"{complaint.title}\n{complaint.text}", candidates, limit=limit)


def staff_of_agency(session: Session, agency_id: int | None) -> list[Staff]:
    return list(session.exec(select(Staff).where(Staff.agency_id == agency_id, Staff.active == True)  # noqa: E712
                             .order_by(col(Staff.name), col(Staff.email))))


@dataclass
class ComplaintView:
    complaint: Complaint
    agency: Agency | None
    assignee: Staff | None
    events: list[ComplaintEvent]
    sources: list[SourceItem]
    similar: list[tuple[Complaint, float]]
    agencies: list[Agency]
    colleagues: list[Staff]
    templates: list[dict[str, str]]
    available: frozenset[str]
    suggestions: list[dict[str, Any]]  # the routing suggestions, most confident first
    contact: ReporterContact | None  # only for a public complaint: the officers may call back
    photos: list[ComplaintPhoto] = field(default_factory=list)
    integration: str | None = None  # the Open311 integration it came through
    categories: tuple[str, ...] = CATEGORIES
    priorities: tuple[str, ...] = tuple(Priority)


def suggestions_by_confidence(complaint: Complaint) -> list[dict[str, Any]]:
    """For an integrity complaint the integrity agency first; then the reporter's choice, then the
    model's suggestions from the most confident down."""
    given = complaint.routing_suggestions or []
    rank = {"integrity": 0, "reporter": 1}
    return sorted(given, key=lambda s: (rank.get(s.get("by") or "", 2), -(s.get("confidence") or 0.0)))


def complaint_view(session: Session, actor: Actor, code: str, *, language: str) -> ComplaintView:
    complaint = actions.get_visible(session, actor, code)
    return ComplaintView(
        complaint=complaint,
        agency=session.get(Agency, complaint.agency_id) if complaint.agency_id else None,
        assignee=session.get(Staff, complaint.assignee_id) if complaint.assignee_id else None,
        events=timeline(session, complaint), sources=sources_of(session, complaint),
        integration=open311_keys.names(session, {complaint.source}).get(complaint.source),
        similar=similar_open(session, complaint), agencies=agency_service.list_active(session),
        colleagues=staff_of_agency(session, complaint.agency_id), templates=replies.reply_templates(language),
        available=actions.available(actor, complaint), suggestions=suggestions_by_confidence(complaint),
        contact=reporter_contact(session, complaint), photos=photos.photos_of(session, complaint),
    )


def photo_for(session: Session, actor: Actor, photo_id: int) -> ComplaintPhoto:
    """A photo for a member of staff who may see its complaint (whatever the complaint's privacy)."""
    photo = session.get(ComplaintPhoto, photo_id)
    complaint = session.get(Complaint, photo.complaint_id) if photo is not None else None
    if photo is None or complaint is None:
        raise NotFound("no such photo")
    actions.get_visible(session, actor, complaint.tracking_code)
    return photo


def reporter_contact(session: Session, complaint: Complaint) -> ReporterContact | None:
    """Who to call back, for a public complaint only: an anonymous or confidential reporter's
    identity is kept for notifications and never shown to staff."""
    if complaint.privacy != Privacy.PUBLIC or complaint.id is None:
        return None
    return session.get(ReporterContact, complaint.id)


def as_json(complaint: Complaint, agency_code: str | None) -> dict[str, Any]:
    return {"tracking_code": complaint.tracking_code, "status": complaint.status, "agency_code": agency_code,
            "channel": complaint.channel, "title": complaint.title, "text": complaint.text,
            "received_at": complaint.received_at, "due_at": complaint.due_at,
            "assignee_id": complaint.assignee_id, "routing_suggestions": complaint.routing_suggestions or [],
            "priority": complaint.priority, "category": complaint.category or None, "sensitive": complaint.sensitive,
            "flags": complaint.flags or {}}


def agency_code_of(session: Session, complaint: Complaint) -> str | None:
    agency = session.get(Agency, complaint.agency_id) if complaint.agency_id else None
    return agency.code if agency else None


def api_queue_page(session: Session, actor: Actor, filters: QueueFilter, *, agency_code: str) -> QueuePage:
    agency = agency_for(session, actor, agency_code)
    if agency is None:
        raise FieldError("give ?agency=CODE", field="agency", key="missing")
    return queue(session, actor, filters, agency_id=agency.id)


# --- a person's home ------------------------------------------------------------------------------

def unread_notices(session: Session, *, staff_id: int, limit: int = 20) -> list[tuple[StaffNotice, Complaint]]:
    query = (select(StaffNotice, Complaint).join(Complaint, col(Complaint.id) == StaffNotice.complaint_id)
             .where(StaffNotice.staff_id == staff_id, col(StaffNotice.read_at).is_(None))
             .order_by(col(StaffNotice.id).desc()).limit(limit))
    return [(notice, complaint) for notice, complaint in session.exec(query)]


@dataclass
class Home:
    mine: list[Complaint]  # my open complaints, nearest deadline first
    due_soon: list[Complaint]  # my agency's open complaints due within two days (or past due), unassigned first
    triage_waiting: int
    notices: list[tuple[StaffNotice, Complaint]]


def home(session: Session, actor: Actor, *, now: datetime, limit: int = 10) -> Home:
    """What a person sees first: their own work, what is about to be late, and their notices."""
    assert actor.staff.id is not None
    order = (col(Complaint.due_at).is_(None), col(Complaint.due_at), col(Complaint.id))
    mine = list(session.exec(select(Complaint).where(Complaint.assignee_id == actor.staff.id,
                                                     col(Complaint.status).in_(QUEUE_STATUSES))
                             .order_by(*order).limit(limit)))
    due_soon: list[Complaint] = []
    if actor.role in AGENCY_ROLES and actor.staff.agency_id is not None:
        due_soon = list(session.exec(
            select(Complaint).where(Complaint.agency_id == actor.staff.agency_id, col(Complaint.status).in_(QUEUE_STATUSES),
                                    col(Complaint.due_at).is_not(None), col(Complaint.due_at) <= now + DUE_SOON)
            .order_by(col(Complaint.assignee_id).is_not(None), col(Complaint.due_at)).limit(limit)))
    triage_waiting = 0
    if actor.role in (Role.TRIAGE, Role.ADMIN):
        triage_waiting = int(session.exec(select(func.count()).select_from(Complaint)
                                          .where(Complaint.status == Status.TRIAGE)).one())
    return Home(mine=mine, due_soon=due_soon, triage_waiting=triage_waiting,
                notices=unread_notices(session, staff_id=actor.staff.id))

