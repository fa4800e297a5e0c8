"""Citizen tracking and follow-up: ``/lacak/{code}`` (with its forms) and ``/api/v1/complaints/{code}``
(read, and ``messages``, ``confirm``, ``contest``, ``rating``)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, File, Form, Header, Query, Request, UploadFile
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import RedirectResponse
from starlette.responses import Response

from cettar import ratelimit
from cettar.complaint import citizen, codes, photos, similar
from cettar.complaint import service as complaint_service
from cettar.complaint.models import Status
from cettar.complaint.schemas import CitizenContest, CitizenMessage, CitizenRating, ComplaintPublic, SimilarComplaintPublic
from cettar.deps import SessionDep
from cettar.errors import Conflict, FieldError, NotFound
from cettar.i18n import language_of
from cettar.types import utcnow
from cettar.settings import get_settings
from cettar.validation import checked_text, message_of
from cettar.web import form_files, render

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


def _page(request: Request, session: SessionDep, code: str, secret: str | None, *, notice: str | None = None,
          error: str | None = None, status_code: int = 200) -> Response:
    _limit_lookups(request)
    complaint = complaint_service.get_by_tracking_code(session, code=code)
    if complaint is not None and complaint_service.needs_secret(complaint) and not secret:
        return render(request, "secret.html", {"code": complaint.tracking_code, "wrong": False})
    try:
        complaint = complaint_service.opened(session, code=code, secret=secret)
    except NotFound:
        if complaint is not None and secret:
            return render(request, "secret.html", {"code": complaint.tracking_code, "wrong": True}, status_code=404)
        raise
    view = complaint_service.view_of(session, complaint, language=language_of(request))
    # refresh while routing is under way; not for a confidential view, which a reload would lose
    refresh = view.status == Status.RECEIVED and secret is None
    return render(request, "track.html", {"c": view, "refresh": refresh, "secret": secret or "",
                                          "can": citizen.available(session, complaint, now=utcnow()), "notice": notice,
                                          "error": error, "max_photos": photos.MAX_PHOTOS,
                                          "max_photo_mb": photos.MAX_PHOTO_BYTES // (1024 * 1024)}, status_code=status_code)


@router.get("/lacak/{code}", include_in_schema=False)
def track_page(request: Request, code: str, session: SessionDep) -> Response:
    return _page(request, session, code, None)


@router.post("/lacak/{code}", include_in_schema=False)
def track_page_with_secret(
    request: Request, code: str, session: SessionDep, secret: Annotated[str, Form(max_length=200)] = ""
) -> Response:
    return _page(request, session, code, secret.strip() or None)


@router.get("/api/v1/complaints/similar", response_model=list[SimilarComplaintPublic], tags=["complaints"],
            responses={422: {"description": "The text is missing, too short or too long"}})
def similar_complaints(
    request: Request,
    session: SessionDep,
    text: Annotated[str, Query(min_length=10, max_length=100_000, description="what the citizen is about to report")],
    region_code: Annotated[str | None, Query(max_length=32, description="only complaints in this city or regency")] = None,
) -> list[SimilarComplaintPublic]:
    """Before filing: open complaints of the last 14 days that say the same thing ("already
    reported?"), so the citizen can follow one instead of filing another. Confidential complaints
    are never among them, and nothing of a reporter is."""
    _limit_lookups(request)
    checked_text(text, field="text")
    candidates = similar.open_candidates(session, now=utcnow(), public_only=True, region_code=region_code)
    language = language_of(request)
    base = get_settings().public_base_url
    return [SimilarComplaintPublic(tracking_code=c.tracking_code, tracking_url=f"{base}/lacak/{c.tracking_code}",
                                   title=c.title, excerpt=c.text[:200], status=c.status,
                                   status_label=complaint_service.status_label(language, c.status, c.routed_by),
                                   received_at=c.received_at, similarity=score)
            for c, score in similar.most_similar(text, candidates, limit=5)]


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


# --- the reporter's follow-up ------------------------------------------------------------------------

Secret = Annotated[str | None, Header(description="the access secret of a confidential complaint")]
FOLLOW_UP: dict[int | str, dict[str, Any]] = {404: {"description": "No such complaint, or a confidential one without its secret"},
             409: {"description": "Not possible in the complaint's status (the message says why)"},
             422: {"description": "A field is missing or invalid"}}


def _limit_follow_up(request: Request) -> None:
    """Follow-ups are limited like filing: each one writes."""
    ratelimit.limit(request, scope="follow-up")


def _view(request: Request, session: SessionDep, code: str, secret: str | None) -> ComplaintPublic:
    return complaint_service.public_view(session, code=code, secret=secret, language=language_of(request))


@router.post("/api/v1/complaints/{code}/messages", response_model=ComplaintPublic, tags=["complaints"], responses=FOLLOW_UP)
def post_message(request: Request, code: str, body: CitizenMessage, session: SessionDep,
                 x_tracking_secret: Secret = None) -> ComplaintPublic:
    """Answer the officer's request for information (the complaint goes back to the agency and its
    SLA clocks run again) or add information. The agency is notified on its dashboard."""
    _limit_follow_up(request)
    citizen.add_message(session, code=code, secret=x_tracking_secret, text=body.text, now=utcnow())
    return _view(request, session, code, x_tracking_secret)


@router.post("/api/v1/complaints/{code}/confirm", response_model=ComplaintPublic, tags=["complaints"], responses=FOLLOW_UP)
def post_confirm(request: Request, code: str, session: SessionDep, x_tracking_secret: Secret = None) -> ComplaintPublic:
    """Confirm the agency's answer or resolution: the complaint closes."""
    _limit_follow_up(request)
    citizen.confirm(session, code=code, secret=x_tracking_secret, now=utcnow())
    return _view(request, session, code, x_tracking_secret)


@router.post("/api/v1/complaints/{code}/contest", response_model=ComplaintPublic, tags=["complaints"], responses=FOLLOW_UP)
def post_contest(request: Request, code: str, body: CitizenContest, session: SessionDep,
                 x_tracking_secret: Secret = None) -> ComplaintPublic:
    """Contest the resolution within 10 working days of it: the complaint reopens with the reason."""
    _limit_follow_up(request)
    citizen.contest(session, code=code, secret=x_tracking_secret, reason=body.reason, now=utcnow())
    return _view(request, session, code, x_tracking_secret)


@router.post("/api/v1/complaints/{code}/rating", response_model=ComplaintPublic, tags=["complaints"], responses=FOLLOW_UP)
def post_rating(request: Request, code: str, body: CitizenRating, session: SessionDep,
                x_tracking_secret: Secret = None) -> ComplaintPublic:
    """Rate the handling once, after resolution: ``score`` 1 (bad) … 5 (good), ``comment`` optional."""
    _limit_follow_up(request)
    citizen.rate(session, code=code, secret=x_tracking_secret, score=body.score, comment=body.comment, now=utcnow())
    return _view(request, session, code, x_tracking_secret)


@router.post("/api/v1/complaints/{code}/photos", response_model=ComplaintPublic, tags=["complaints"],
             responses={**FOLLOW_UP, 413: {"description": "The body is over 15 MB"}})
def post_photos(
    request: Request,
    code: str,
    session: SessionDep,
    uploaded: Annotated[list[UploadFile], File(alias="photos", description="1 to 3 JPEG, PNG, WebP or GIF pictures, 5 MB each")],
    x_tracking_secret: Secret = None,
) -> ComplaintPublic:
    """Attach photos (``multipart/form-data``, field ``photos``, repeatable) while the complaint is open:
    at most 3 per complaint, each checked by decoding, stripped of EXIF/GPS and re-encoded. The same
    picture sent twice is kept once. The public sees them only on a public complaint (``photos``);
    ``photo_count`` counts them all."""
    _limit_follow_up(request)
    complaint = complaint_service.opened(session, code=code, secret=x_tracking_secret)
    uploads = [photos.Upload(f.filename or "", f.file.read(photos.MAX_PHOTO_BYTES + 1)) for f in uploaded]
    photos.add_by_reporter(session, complaint, uploads, now=utcnow())
    return _view(request, session, code, x_tracking_secret)


@router.get("/foto/{code}/{photo_id}", include_in_schema=False)
def public_photo(request: Request, code: str, photo_id: int, session: SessionDep, kecil: bool = False) -> Response:
    """A public complaint's photo (``?kecil=1``: its thumbnail); any other is not found."""
    _limit_lookups(request)
    complaint = complaint_service.get_by_tracking_code(session, code=code)
    photo = photos.public_photo(session, complaint, photo_id) if complaint is not None else None
    if photo is None:
        raise NotFound("no such photo")
    return Response(photos.read(photo, thumbnail=kecil), media_type="image/jpeg",
                    headers={"cache-control": "public, max-age=300"})


PAGE_ACTIONS = {"pesan": "message", "konfirmasi": "confirm", "sanggah": "contest", "nilai": "rating", "foto": "photos"}


@router.post("/lacak/{code}/{action}", include_in_schema=False)
async def track_page_action(request: Request, code: str, action: str, session: SessionDep) -> Response:
    """The tracking page's forms: the same follow-ups as the API."""
    if action not in PAGE_ACTIONS:
        raise NotFound(f"no action {action!r}")
    _limit_follow_up(request)
    data = await request.form(max_files=photos.MAX_PHOTOS + 7)
    form = {k: v for k, v in data.items() if isinstance(v, str)}
    secret = form.get("secret", "").strip() or None
    now = utcnow()
    try:
        if action == "foto":
            uploads = [photos.Upload(name, content) for name, content in await form_files(data, "photos")]
            complaint = complaint_service.opened(session, code=code, secret=secret)
            await run_in_threadpool(photos.add_by_reporter, session, complaint, uploads, now=now)
        elif action == "pesan":
            citizen.add_message(session, code=code, secret=secret, text=form.get("text", ""), now=now)
        elif action == "konfirmasi":
            citizen.confirm(session, code=code, secret=secret, now=now)
        elif action == "sanggah":
            citizen.contest(session, code=code, secret=secret, reason=form.get("reason", ""), now=now)
        else:
            score = form.get("score", "")
            citizen.rate(session, code=code, secret=secret, score=int(score) if score.isdigit() and len(score) < 3 else 0,
                         comment=form.get("comment", ""), now=now)
    except (FieldError, Conflict) as exc:
        session.rollback()
        return _page(request, session, code, secret, error=message_of(exc, language_of(request)),
                     status_code=exc.status_code)
    if secret is not None:  # a confidential complaint: show the page again (a redirect would lose the secret)
        return _page(request, session, code, secret, notice=f"track.done.{PAGE_ACTIONS[action]}")
    return RedirectResponse(f"/lacak/{code}?selesai={PAGE_ACTIONS[action]}", status_code=303)
