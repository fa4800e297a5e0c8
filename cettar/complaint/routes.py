"""Citizen tracking: ``/lacak/{code}`` and ``GET /api/v1/complaints/{code}``."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Header, Request
from fastapi.responses import RedirectResponse
from starlette.responses import Response

from cettar import ratelimit
from cettar.complaint import codes
from cettar.complaint import service as complaint_service
from cettar.complaint.schemas import ComplaintPublic
from cettar.complaint.models import Status
from cettar.db import SessionDep
from cettar.errors import NotFound
from cettar.i18n import language_of
from cettar.web import render

router = APIRouter()


def _limit_lookups(request: Request) -> None:
    """Looking codes up is limited more loosely than filing, but limited: it is what guessing would use."""
    ratelimit.limit(request, scope="lookup", factor=10)


@router.get("/lacak", include_in_schema=False)
def track_lookup(request: Request, code: str = "") -> Response:
    if code:
        normalised = codes.normalise_tracking_code(code)
        if normalised:
            return RedirectResponse(f"/lacak/{normalised}", status_code=303)
        return render(request, "lookup.html", {"code": code, "error": True}, status_code=404)
    return render(request, "lookup.html", {"code": "", "error": False})


def _page(request: Request, session: SessionDep, code: str, secret: str | None) -> Response:
    _limit_lookups(request)
    complaint = complaint_service.get_by_tracking_code(session, code=code)
    if complaint is not None and complaint_service.needs_secret(complaint) and not secret:
        return render(request, "secret.html", {"code": complaint.tracking_code, "wrong": False})
    try:
        view = complaint_service.public_view(session, code=code, secret=secret, language=language_of(request))
    except NotFound:
        if complaint is not None and secret:
            return render(request, "secret.html", {"code": complaint.tracking_code, "wrong": True}, status_code=404)
        raise
    # refresh while routing is under way; not for a confidential view, which a reload would lose
    refresh = view.status == Status.RECEIVED and secret is None
    return render(request, "track.html", {"c": view, "refresh": refresh})


@router.get("/lacak/{code}", include_in_schema=False)
def track_page(request: Request, code: str, session: SessionDep) -> Response:
    return _page(request, session, code, None)


@router.post("/lacak/{code}", include_in_schema=False)
def track_page_with_secret(
    request: Request, code: str, session: SessionDep, secret: Annotated[str, Form(max_length=200)] = ""
) -> Response:
    return _page(request, session, code, secret.strip() or None)


@router.get(
    "/api/v1/complaints/{code}",
    response_model=ComplaintPublic,
    tags=["complaints"],
    responses={404: {"description": "No such complaint, or a confidential one without its secret"}},
)
def get_complaint(
    request: Request,
    code: str,
    session: SessionDep,
    x_tracking_secret: Annotated[str | None, Header(description="the access secret of a confidential complaint")] = None,
) -> ComplaintPublic:
    """A complaint's public status and timeline, never the reporter's contact."""
    _limit_lookups(request)
    return complaint_service.public_view(session, code=code, secret=x_tracking_secret, language=language_of(request))
