"""The officer workbench: a person's home, the agency queue, the complaint page and its actions,
the triage desk — as pages (``/staf/...``) and as a JSON API for integrations
(``/api/v1/staff/...``, API tokens). Routes translate HTTP: reads go through
``cettar.workbench.service``, every change through ``cettar.complaint.actions``."""

from __future__ import annotations

import json
from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.responses import RedirectResponse
from sqlmodel import Session
from starlette.responses import Response

from cettar.agency import service as agency_service
from cettar.complaint import actions, photos
from cettar.complaint.models import CATEGORIES, Complaint
from cettar.dashboard.routes import dashboard_home
from cettar.deps import SessionDep
from cettar.errors import Conflict, FieldError
from cettar.i18n import language_of
from cettar.staff import notices
from cettar.staff.auth import Actor, ActorDep, require
from cettar.staff.models import Role
from cettar.types import utcnow
from cettar.validation import message_of
from cettar.web import render
from cettar.workbench import service
from cettar.workbench.schemas import (StaffComplaintDetail, StaffComplaintPublic, StaffEventPublic, StaffPhotoPublic,
                                     StaffQueuePublic)

router = APIRouter(include_in_schema=False)
api = APIRouter(prefix="/api/v1/staff", tags=["staff"])
QueueReader = Annotated[Actor, Depends(require(Role.OFFICER, Role.SUPERVISOR, Role.ADMIN, Role.GOVERNOR))]
TriageDesk = Annotated[Actor, Depends(require(Role.TRIAGE, Role.ADMIN, Role.GOVERNOR))]
AgencyWorker = Annotated[Actor, Depends(require(Role.OFFICER, Role.SUPERVISOR, Role.ADMIN))]
Governor = Annotated[Actor, Depends(require(Role.GOVERNOR, Role.ADMIN))]


def _page_number(request: Request) -> int:
    page = request.query_params.get("page", "1")
    return min(int(page), 100_000) if page.isdigit() and len(page) < 7 else 1


@router.get("/staf")
def home(request: Request, session: SessionDep, actor: ActorDep) -> Response:
    assert actor.staff.id is not None
    if actor.role == Role.GOVERNOR:  # the governor's staff come for the dashboard: it is their home
        return dashboard_home(request, session, actor, service.unread_notices(session, staff_id=actor.staff.id))
    now = utcnow()
    mine = service.home(session, actor, now=now)
    return render(request, "staff/home.html", actor.page(home=mine, now=now, notices=mine.notices))


@router.post("/staf/pemberitahuan/dibaca")
def notices_read(session: SessionDep, actor: ActorDep) -> Response:
    assert actor.staff.id is not None
    notices.mark_read(session, staff_id=actor.staff.id, now=utcnow())
    return RedirectResponse("/staf", status_code=303)


def _filters(request: Request) -> service.QueueFilter:
    q = request.query_params
    status = q.get("status", "")
    return service.QueueFilter(status=status if status in service.QUEUE_STATUSES else "", channel=q.get("channel", ""),
                               district=q.get("district", ""), category=q.get("category", ""),
                               mine=q.get("mine") == "1", breached=q.get("breached") == "1",
                               search=q.get("q", "")[:200], page=_page_number(request))


def _queue_context(session: Session, actor: Actor, request: Request) -> dict[str, object]:
    filters = _filters(request)
    view = service.queue_view(session, actor, filters, agency_code=request.query_params.get("agency", ""), now=utcnow())
    return actor.page(view=view, agency=view.agency, filters=filters, page=view.page, assignees=view.assignees,
                      agencies=view.agencies if actor.staff.agency_id is None else [], all_agencies=view.agencies,
                      districts=view.districts, query=request.url.query,
                      remaining=view.page.remaining if view.page else {}, categories=CATEGORIES,
                      bulk_actions=actions.bulk_actions(actor))


@router.get("/staf/antrean")
def queue_page(request: Request, session: SessionDep, actor: QueueReader) -> Response:
    return render(request, "staff/queue.html", _queue_context(session, actor, request))


@router.get("/staf/antrean/baris")
def queue_rows(request: Request, session: SessionDep, actor: QueueReader) -> Response:
    """The queue's rows alone: what the page fetches to refresh itself without a reload."""
    return render(request, "staff/queue_rows.html", _queue_context(session, actor, request))


@router.post("/staf/antrean/massal")
async def bulk(request: Request, session: SessionDep, actor: AgencyWorker) -> Response:
    form = await request.form()
    fields = {k: str(v) for k, v in form.items() if k != "code"}
    actions.bulk(session, actor, codes=[str(c) for c in form.getlist("code")], action=fields.get("action", ""),
                 form=fields, now=utcnow())
    return RedirectResponse(f"/staf/antrean?{request.url.query}", status_code=303)


def _complaint_page(request: Request, session: Session, actor: Actor, code: str, error: str | None = None,
                    status_code: int = 200) -> Response:
    view = service.complaint_view(session, actor, code, language=language_of(request))
    return render(request, "staff/complaint.html",
                  actor.page(view=view, complaint=view.complaint, agency=view.agency, assignee=view.assignee,
                             events=view.events, sources=view.sources, similar=view.similar, agencies=view.agencies,
                             colleagues=view.colleagues, templates=view.templates, available=view.available,
                             suggestions=view.suggestions, categories=view.categories, priorities=view.priorities,
                             contact=view.contact, photos=view.photos, integration=view.integration,
                             error=error), status_code=status_code)


@router.get("/staf/pengaduan/{code}")
def complaint_page(request: Request, session: SessionDep, actor: ActorDep, code: str) -> Response:
    return _complaint_page(request, session, actor, code)


@router.post("/staf/pengaduan/{code}/{action}")
async def complaint_action(request: Request, session: SessionDep, actor: ActorDep, code: str, action: str) -> Response:
    form = {k: str(v) for k, v in (await request.form()).items()}
    try:
        complaint = actions.act(session, actor, code=code, action=action, form=form, now=utcnow(),
                                language=language_of(request))
    except (FieldError, Conflict) as exc:
        session.rollback()
        return _complaint_page(request, session, actor, code, error=message_of(exc, language_of(request)),
                               status_code=exc.status_code)
    back = "/staf/triase" if action == "route" else f"/staf/pengaduan/{complaint.tracking_code}"
    return RedirectResponse(back, status_code=303)


@router.get("/staf/foto/{photo_id}")
def staff_photo(session: SessionDep, actor: ActorDep, photo_id: int, kecil: bool = False) -> Response:
    """A photo of a complaint this account may see (``?kecil=1``: the thumbnail), whatever its privacy."""
    photo = service.photo_for(session, actor, photo_id)
    return Response(photos.read(photo, thumbnail=kecil), media_type="image/jpeg",
                    headers={"cache-control": "private, max-age=300"})


@router.get("/staf/triase")
def triage_page(request: Request, session: SessionDep, actor: TriageDesk) -> Response:
    page = service.triage_desk(session, page=_page_number(request))
    agencies = agency_service.list_active(session)
    return render(request, "staff/triage.html",
                  actor.page(page=page, names={a.code: a.name for a in agencies}, agencies=agencies,
                             suggestions={c.id: service.suggestions_by_confidence(c) for c in page.rows},
                             can_route=actor.role in actions.ROUTING_ROLES))


@router.get("/staf/eskalasi")
def escalated_page(request: Request, session: SessionDep, actor: Governor) -> Response:
    page = service.escalated(session, page=_page_number(request))
    return render(request, "staff/escalated.html", actor.page(page=page, now=utcnow(), assignees={}, remaining={},
                                                            query=request.url.query))


# --- the JSON API (API tokens; with a cookie, the CSRF header) --------------------------------------

def _public(complaint: Complaint, agency_code: str | None) -> StaffComplaintPublic:
    return StaffComplaintPublic.model_validate(service.as_json(complaint, agency_code))


@api.get("/queue", response_model=StaffQueuePublic)
def api_queue(request: Request, session: SessionDep, actor: QueueReader) -> StaffQueuePublic:
    """The agency's open complaints, nearest SLA deadline first (``?agency=CODE`` for admins and the governor's staff)."""
    page = service.api_queue_page(session, actor, _filters(request), agency_code=request.query_params.get("agency", ""))
    return StaffQueuePublic(total=page.total, page=page.page, pages=page.pages,
                            complaints=[_public(c, page.agency_codes.get(c.id or 0)) for c in page.rows])


def _detail(session: Session, actor: Actor, code: str) -> StaffComplaintDetail:
    complaint = actions.get_visible(session, actor, code)
    body = service.as_json(complaint, service.agency_code_of(session, complaint))
    events = [StaffEventPublic(at=e.occurred_at, kind=e.kind, actor=e.actor, to_status=e.to_status,
                               public_message=e.public_message, internal_note=e.internal_note)
              for e in service.timeline(session, complaint)]
    pictures = [StaffPhotoPublic(url=f"/staf/foto/{p.id}", thumbnail_url=f"/staf/foto/{p.id}?kecil=1", width=p.width,
                                 height=p.height) for p in photos.photos_of(session, complaint)]
    return StaffComplaintDetail.model_validate({**body, "events": events, "photos": pictures})


@api.get("/complaints/{code}", response_model=StaffComplaintDetail)
def api_complaint(session: SessionDep, actor: ActorDep, code: str) -> StaffComplaintDetail:
    return _detail(session, actor, code)


ACTION_BODY = {"requestBody": {"required": False, "content": {"application/json": {"schema": {
    "type": "object", "additionalProperties": {"type": ["string", "number", "boolean", "null"]},
    "example": {"message": "Petugas kami sudah menuju lokasi."}}}}}}


async def _json_fields(request: Request) -> dict[str, str]:
    """The action's fields: a JSON object (anything else in a JSON body is a clear 422, never a 500)."""
    if not request.headers.get("content-type", "").startswith("application/json"):
        return {}
    raw = await request.body()
    try:
        payload = json.loads(raw) if raw.strip() else {}
    except (ValueError, UnicodeDecodeError):
        raise FieldError("the body is not valid JSON", field="body", key="invalid") from None
    if not isinstance(payload, dict) or any(isinstance(v, (dict, list)) for v in payload.values()):
        raise FieldError("send a JSON object of fields (strings, numbers, true/false)", field="body", key="invalid")
    return {str(k): "" if v is None else str(v) for k, v in payload.items()}


@api.post("/complaints/{code}/{action}", response_model=StaffComplaintPublic, openapi_extra=ACTION_BODY)
async def api_action(request: Request, session: SessionDep, actor: ActorDep, code: str, action: str) -> StaffComplaintPublic:
    """One action (claim, assign, reply, note, ask, resolve, reopen, transfer, not-ours, merge, spam,
    categorise, route) with its fields as a JSON object."""
    form = await _json_fields(request)
    complaint = actions.act(session, actor, code=code, action=action, form=form, now=utcnow(),
                            language=language_of(request))
    return _public(complaint, service.agency_code_of(session, complaint))
