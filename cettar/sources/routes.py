"""The sources page for staff: every feed and X query with its health, and why items were skipped."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import RedirectResponse
from starlette.responses import Response

from cettar.deps import SessionDep
from cettar.sources import service
from cettar.sources.models import SourceKind
from cettar.staff.auth import Actor, require
from cettar.staff.models import Role
from cettar.types import utcnow
from cettar.web import RowId, render

router = APIRouter(prefix="/staf/sumber", include_in_schema=False)
Viewer = Annotated[Actor, Depends(require(Role.ADMIN, Role.GOVERNOR, Role.TRIAGE))]
Admin = Annotated[Actor, Depends(require(Role.ADMIN))]


def _page(request: Request, session: SessionDep, actor: Actor, *, error: str | None = None, status_code: int = 200) -> Response:
    sources, skipped = service.listing(session)
    disabled = {s.id: service.x_unavailable_reason(s.kind) for s in sources}
    names = {s.id: s.name for s in sources}
    return render(request, "staff/sources.html", actor.page(
        sources=sources, disabled=disabled, skipped=skipped, names=names, error=error, can_edit=actor.role == Role.ADMIN,
    ), status_code=status_code)


@router.get("")
def sources_page(request: Request, session: SessionDep, actor: Viewer) -> Response:
    return _page(request, session, actor)


@router.post("")
def add_feed(request: Request, session: SessionDep, actor: Admin, url: Annotated[str, Form()] = "",
             name: Annotated[str, Form()] = "", region: Annotated[str, Form()] = "") -> Response:
    try:
        service.add_source(session, kind=SourceKind.FEED, target=url, name=name, region_code=region or None,
                           by=actor.label, now=utcnow())
    except service.SourceError as exc:
        return _page(request, session, actor, error=str(exc), status_code=422)
    return RedirectResponse("/staf/sumber", status_code=303)


@router.post("/{source_id}/aktif")
def toggle(request: Request, session: SessionDep, actor: Admin, source_id: RowId, enabled: Annotated[str, Form()] = "") -> Response:
    service.set_enabled(session, source_id=source_id, enabled=enabled == "1", by=actor.label, now=utcnow())
    return RedirectResponse("/staf/sumber", status_code=303)
