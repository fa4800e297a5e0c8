"""The officer workbench: the agency queue, the complaint page and its actions, the triage desk —
as pages (``/staf/...``) and as a JSON API for integrations (``/api/v1/staff/...``, API tokens).
Both call the same functions in ``cettar.workbench.service``."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import JSONResponse, RedirectResponse
from sqlmodel import Session
from starlette.responses import Response

from cettar.agency import service as agency_service
from cettar.agency.models import Agency
from cettar.calendar import deployment_calendar
from cettar.complaint.models import CATEGORIES, Complaint
from cettar.db import SessionDep
from cettar.errors import Conflict, FieldError, NotFound
from cettar.i18n import language_of
from cettar.staff.auth import Actor, ActorDep, Forbidden, require
from cettar.staff.models import Role, Staff
from cettar.types import utcnow
from cettar.web import render
from cettar.workbench import service

router = APIRouter(include_in_schema=False)
api = APIRouter(prefix="/api/v1/staff", tags=["staff"])
QueueReader = Annotated[Actor, Depends(require(Role.OFFICER, Role.SUPERVISOR, Role.ADMIN, Role.GOVERNOR))]
TriageDesk = Annotated[Actor, Depends(require(Role.TRIAGE, Role.ADMIN, Role.GOVERNOR))]
Supervisor = Annotated[Actor, Depends(require(Role.SUPERVISOR, Role.ADMIN))]
Governor = Annotated[Actor, Depends(require(Role.GOVERNOR, Role.ADMIN))]


def _page_number(request: Request) -> int:
    page = request.query_params.get("page", "1")
    return int(page) if page.isdigit() else 1


def _filters(request: Request) -> service.QueueFilter:
    q = request.query_params
    return service.QueueFilter(status=q.get("status", ""), channel=q.get("channel", ""), district=q.get("district", ""),
                               category=q.get("category", ""), mine=q.get("mine") == "1", breached=q.get("breached") == "1",
                               search=q.get("q", "")[:200], page=_page_number(request))


def _agency_for(session: Session, actor: Actor, request: Request) -> Agency | None:
    if actor.staff.agency_id is not None:
        return session.get(Agency, actor.staff.agency_id)
    code = request.query_params.get("agency", "")
    agency = agency_service.get_by_code(session, code=code) if code else None
    if code and agency is None:
        raise NotFound(f"no agency {code!r}")
    return agency


def _queue_context(session: Session, actor: Actor, request: Request) -> dict[str, Any]:
    agency = _agency_for(session, actor, request)
    filters = _filters(request)
    page = service.queue(session, actor, filters, agency_id=agency.id if agency else None) if agency else None
    assignees = {s.id: s for s in service.staff_of_agency(session, agency.id)} if agency else {}
    agencies = agency_service.list_active(session) if actor.staff.agency_id is None else []
    now = utcnow()
    remaining: dict[int | None, float] = {}
    if page is not None and agency is not None:
        calendar = deployment_calendar(agency.code)
        for c in page.rows:
            if c.due_at is not None:  # office hours left (negative: past the deadline)
                ahead = c.due_at >= now
                span = calendar.working_time_between(*((now, c.due_at) if ahead else (c.due_at, now)))
                remaining[c.id] = round(span.total_seconds() / 3600 * (1 if ahead else -1), 1)
    return actor.page(agency=agency, filters=filters, page=page, now=now, assignees=assignees,
                    agencies=agencies, query=request.url.query, remaining=remaining)


@router.get("/staf/antrean")
def queue_page(request: Request, session: SessionDep, actor: QueueReader) -> Response:
    return render(request, "staff/queue.html", _queue_context(session, actor, request))


@router.get("/staf/antrean/baris")
def queue_rows(request: Request, session: SessionDep, actor: QueueReader) -> Response:
    """The queue's rows alone: what the page fetches to refresh itself without a reload."""
    return render(request, "staff/queue_rows.html", _queue_context(session, actor, request))


@router.post("/staf/antrean/massal")
async def bulk(request: Request, session: SessionDep, actor: Supervisor) -> Response:
    form = await request.form()
    codes = [str(c) for c in form.getlist("code")][:100]
    now = utcnow()
    for code in codes:
        complaint = service.get_visible(session, actor, code)
        if form.get("action") == "assign":
            staff = session.get(Staff, int(str(form.get("assignee") or 0) or 0))
            if staff is None:
                raise FieldError("choose whom to assign to", field="assignee", key="missing")
            service.assign_to(session, actor, complaint, staff=staff, now=now)
        elif form.get("action") == "transfer":
            service.transfer(session, actor, complaint, agency_code=str(form.get("agency_code") or ""),
                             reason=str(form.get("reason") or ""), now=now)
        else:
            raise FieldError("choose assign or transfer", field="action", key="choice")
    return RedirectResponse(f"/staf/antrean?{request.url.query}", status_code=303)


def _complaint_context(session: Session, actor: Actor, complaint: Complaint, request: Request,
                       error: str | None = None) -> dict[str, Any]:
    agency = session.get(Agency, complaint.agency_id) if complaint.agency_id else None
    assignee = session.get(Staff, complaint.assignee_id) if complaint.assignee_id else None
    return actor.page(complaint=complaint, agency=agency, assignee=assignee,
                    events=service.timeline(session, complaint), sources=service.sources_of(session, complaint),
                    similar=service.similar_open(session, complaint), agencies=agency_service.list_active(session),
                    colleagues=service.staff_of_agency(session, complaint.agency_id),
                    templates=service.reply_templates(language_of(request)), error=error,
                    can_work=actor.role == Role.ADMIN or (actor.staff.agency_id is not None
                                                          and actor.staff.agency_id == complaint.agency_id),
                    can_route=actor.role in (Role.TRIAGE, Role.ADMIN) and complaint.status == "triage",
                    categories=CATEGORIES, priorities=service.PRIORITIES)


@router.get("/staf/pengaduan/{code}")
def complaint_page(request: Request, session: SessionDep, actor: ActorDep, code: str) -> Response:
    complaint = service.get_visible(session, actor, code)
    return render(request, "staff/complaint.html", _complaint_context(session, actor, complaint, request))


Action = Callable[[Session, Actor, Complaint, dict[str, str], datetime, str], object]


def _reply(session: Session, actor: Actor, complaint: Complaint, form: dict[str, str], now: datetime, language: str) -> None:
    message = form.get("message", "").strip()
    if not message and form.get("template"):
        message = service.template_text(form["template"], language)
    service.reply(session, actor, complaint, message=message, now=now)


def _assign(session: Session, actor: Actor, complaint: Complaint, form: dict[str, str], now: datetime, language: str) -> None:
    staff = session.get(Staff, int(form["assignee"])) if form.get("assignee", "").isdigit() else None
    if staff is None:
        raise FieldError("choose whom to assign to", field="assignee", key="missing")
    service.assign_to(session, actor, complaint, staff=staff, now=now)


ACTIONS: dict[str, Action] = {
    "claim": lambda s, a, c, f, now, lang: service.claim(s, a, c, now=now),
    "assign": _assign,
    "reply": _reply,
    "note": lambda s, a, c, f, now, lang: service.note(s, a, c, text=f.get("text", ""), now=now),
    "ask": lambda s, a, c, f, now, lang: service.ask_citizen(s, a, c, question=f.get("question", ""), now=now),
    "resolve": lambda s, a, c, f, now, lang: service.resolve(s, a, c, message=f.get("message", ""), now=now),
    "reopen": lambda s, a, c, f, now, lang: service.reopen(s, a, c, reason=f.get("reason", ""), now=now),
    "transfer": lambda s, a, c, f, now, lang: service.transfer(s, a, c, agency_code=f.get("agency_code", ""),
                                                             reason=f.get("reason", ""), now=now),
    "not-ours": lambda s, a, c, f, now, lang: service.not_our_authority(s, a, c, reason=f.get("reason", ""), now=now),
    "merge": lambda s, a, c, f, now, lang: service.merge(s, a, c, into_code=f.get("into", ""), now=now),
    "spam": lambda s, a, c, f, now, lang: service.mark_spam(s, a, c, now=now),
    "categorise": lambda s, a, c, f, now, lang: service.categorise(s, a, c, category=f.get("category", ""),
                                                                 priority=f.get("priority", "normal"), now=now),
    "route": lambda s, a, c, f, now, lang: service.route(s, a, c, agency_code=f.get("agency_code", ""), now=now),
}


def _run(session: Session, actor: Actor, code: str, action: str, form: dict[str, str], language: str) -> Complaint:
    complaint = service.get_visible(session, actor, code)
    handler = ACTIONS.get(action)
    if handler is None:
        raise NotFound(f"no action {action!r}")
    if actor.role == Role.GOVERNOR:
        raise Forbidden("the governor's staff read; they do not change complaints")
    handler(session, actor, complaint, form, utcnow(), language)
    return complaint


@router.post("/staf/pengaduan/{code}/{action}")
async def complaint_action(request: Request, session: SessionDep, actor: ActorDep, code: str, action: str) -> Response:
    form = {k: str(v) for k, v in (await request.form()).items()}
    try:
        complaint = _run(session, actor, code, action, form, language_of(request))
    except (FieldError, Conflict) as exc:
        session.rollback()
        complaint = service.get_visible(session, actor, code)
        return render(request, "staff/complaint.html", _complaint_context(session, actor, complaint, request, error=exc.message),
                      status_code=exc.status_code)
    back = "/staf/triase" if action == "route" else f"/staf/pengaduan/{complaint.tracking_code}"
    return RedirectResponse(back, status_code=303)


@router.get("/staf/triase")
def triage_page(request: Request, session: SessionDep, actor: TriageDesk) -> Response:
    page = service.triage_desk(session, page=_page_number(request))
    names = {a.code: a.name for a in agency_service.list_active(session)}
    return render(request, "staff/triage.html", actor.page(page=page, names=names,
                                                         agencies=agency_service.list_active(session)))


@router.get("/staf/eskalasi")
def escalated_page(request: Request, session: SessionDep, actor: Governor) -> Response:
    page = service.escalated(session, page=_page_number(request))
    return render(request, "staff/escalated.html", actor.page(page=page, now=utcnow(), assignees={}, remaining={},
                                                            query=request.url.query))


# --- the JSON API (API tokens; with a cookie, the CSRF header) --------------------------------------

def _as_json(session: Session, complaint: Complaint) -> dict[str, Any]:
    agency = session.get(Agency, complaint.agency_id) if complaint.agency_id else None
    return {"tracking_code": complaint.tracking_code, "status": complaint.status, "agency_code": agency.code if agency else None,
            "channel": complaint.channel, "title": complaint.title, "text": complaint.text,
            "received_at": complaint.received_at.isoformat(), "due_at": complaint.due_at.isoformat() if complaint.due_at else None,
            "assignee_id": complaint.assignee_id, "routing_suggestions": complaint.routing_suggestions or []}


@api.get("/queue")
def api_queue(request: Request, session: SessionDep, actor: QueueReader) -> JSONResponse:
    """The agency's open complaints, nearest SLA deadline first (``?agency=CODE`` for admins and the governor's staff)."""
    agency = _agency_for(session, actor, request)
    if agency is None:
        raise FieldError("give ?agency=CODE", field="agency", key="missing")
    page = service.queue(session, actor, _filters(request), agency_id=agency.id)
    return JSONResponse({"total": page.total, "page": page.page, "pages": page.pages,
                         "complaints": [_as_json(session, c) for c in page.rows]})


@api.get("/complaints/{code}")
def api_complaint(session: SessionDep, actor: ActorDep, code: str) -> JSONResponse:
    complaint = service.get_visible(session, actor, code)
    body = _as_json(session, complaint)
    body["events"] = [{"at": e.occurred_at.isoformat(), "kind": e.kind, "actor": e.actor, "to_status": e.to_status,
                       "public_message": e.public_message, "internal_note": e.internal_note}
                      for e in service.timeline(session, complaint)]
    return JSONResponse(body)


@api.post("/complaints/{code}/{action}")
async def api_action(request: Request, session: SessionDep, actor: ActorDep, code: str, action: str) -> JSONResponse:
    """One action (claim, assign, reply, note, ask, resolve, reopen, transfer, not-ours, merge, spam,
    route) with its fields as a JSON object."""
    payload = await request.json() if request.headers.get("content-type", "").startswith("application/json") else {}
    if not isinstance(payload, dict):
        raise FieldError("send a JSON object", field="body", key="invalid")
    complaint = _run(session, actor, code, action, {k: str(v) for k, v in payload.items()}, language_of(request))
    return JSONResponse(_as_json(session, complaint))
