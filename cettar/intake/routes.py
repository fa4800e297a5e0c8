"""The public complaint form and ``POST /api/v1/complaints``: both end in ``file_complaint``."""

from __future__ import annotations

import re
from typing import Annotated, Any

from fastapi import APIRouter, Header, Request, status
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import JSONResponse
from pydantic import ValidationError
from starlette.responses import Response

from cettar import ratelimit
from cettar.complaint import photos
from cettar.complaint import service as complaint_service
from cettar.complaint.models import Channel, Privacy
from cettar.complaint.schemas import ComplaintFiled
from cettar.deps import SessionDep
from cettar.errors import FieldError
from cettar.i18n import language_of
from cettar.intake import service as intake_service
from cettar.intake.schemas import ComplaintCreate, max_text_length
from cettar.region import service as region_service
from cettar.region.models import RegionLevel
from cettar.settings import get_settings
from cettar.types import utcnow
from cettar.validation import problem_from_field_error, problems_from_pydantic
from cettar.web import form_files, form_text, render
from ingest import IncomingComplaint
from ingest.incoming import Contact

router = APIRouter()
_SUBMISSION_ID = re.compile(r"^[0-9a-f]{32}$")
_IDEMPOTENCY_KEY = re.compile(r"^[A-Za-z0-9_.:-]{8,128}$")
FORM_FIELDS = ("text", "title", "region_code", "district_code", "address", "privacy", "name", "phone", "email",
               "language")


def _incoming(payload: ComplaintCreate, *, channel: Channel, source: str, external_id: str) -> IncomingComplaint:
    reporter = payload.reporter
    contact = Contact(
        name=reporter.name if reporter else "",
        phone=reporter.phone if reporter else "",
        email=str(reporter.email) if reporter and reporter.email else "",
    )
    return IncomingComplaint(
        text=payload.text,
        title=payload.title,
        channel=channel,
        source=source,
        external_id=external_id,
        region_code=payload.region_code,
        district_code=payload.district_code,
        address=payload.address,
        latitude=payload.latitude,
        longitude=payload.longitude,
        privacy=payload.privacy,
        agency_code=payload.agency_code,
        contact=contact,
        language=payload.language,
    )


def _filed(filed: intake_service.Filed) -> ComplaintFiled:
    code = filed.complaint.tracking_code
    return ComplaintFiled(
        tracking_code=code,
        tracking_url=f"{get_settings().public_base_url}/lacak/{code}",
        status=filed.complaint.status,
        access_secret=filed.access_secret,
        duplicate=not filed.created,
    )


def _form_context(session: SessionDep, values: dict[str, str], errors: dict[str, str]) -> dict[str, Any]:
    regions = region_service.list_all(session)
    places = [r for r in regions if r.level in {RegionLevel.CITY, RegionLevel.REGENCY}]
    districts: dict[str, list[Any]] = {}
    for region in regions:
        if region.level == RegionLevel.DISTRICT and region.parent_code:
            districts.setdefault(region.parent_code, []).append(region)
    names = {r.code: r.name for r in places}
    return {
        "values": values,
        "errors": errors,
        "places": places,
        "districts": [(names.get(code, code), items) for code, items in districts.items()],
        "privacies": [p.value for p in Privacy],
        "max_text": max_text_length(),
        "max_photos": photos.MAX_PHOTOS,
        "max_photo_mb": photos.MAX_PHOTO_BYTES // (1024 * 1024),
        "submission_id": values.get("submission_id") or intake_service.new_external_id(),
    }


@router.get("/", include_in_schema=False)
@router.get("/lapor", include_in_schema=False)
def complaint_form(request: Request, session: SessionDep) -> Response:
    defaults = {"region_code": "3578", "privacy": Privacy.PUBLIC.value}
    return render(request, "form.html", _form_context(session, defaults, {}))


@router.get("/privasi", include_in_schema=False)
def privacy_notice(request: Request) -> Response:
    """What is collected, why, who sees it, how long it is kept, and whom to ask (CETTAR_PRIVACY_CONTACT)."""
    settings = get_settings()
    return render(request, "privacy.html", {"retention_years": settings.retention_years,
                                            "privacy_contact": settings.privacy_contact})


@router.post("/lapor", include_in_schema=False)
async def submit_complaint_form(request: Request, session: SessionDep) -> Response:
    form = await request.form(max_files=photos.MAX_PHOTOS + 7)
    values = {name: form_text(form, name) for name in (*FORM_FIELDS, "submission_id")}
    uploads = [photos.Upload(name, data) for name, data in await form_files(form, "photos")]
    language = language_of(request)
    errors: dict[str, str] = {}
    ratelimit.limit(request, scope="form")
    prepared: list[photos.Prepared] = []
    try:  # the photos are checked before anything is filed: a bad one is a field error beside the others
        prepared = await run_in_threadpool(photos.prepare_all, uploads)
    except FieldError as exc:
        errors["photos"] = problem_from_field_error(exc, language).message
    try:
        reporter = {k: values[k] for k in ("name", "phone", "email") if values[k].strip()}
        payload = ComplaintCreate.model_validate(
            {
                "text": values["text"],
                "title": values["title"],
                "region_code": values["region_code"] or None,
                "district_code": values["district_code"] or None,
                "address": values["address"],
                "privacy": values["privacy"] or Privacy.PUBLIC.value,
                "reporter": reporter or None,
                "language": values["language"] or language,
            }
        )
        if not errors:
            submission = values["submission_id"]
            external_id = submission if _SUBMISSION_ID.match(submission) else intake_service.new_external_id()
            incoming = _incoming(payload, channel=Channel.WEB, source="web", external_id=external_id)
            filed = intake_service.file_complaint(session, incoming=incoming, now=utcnow())
            if prepared:
                photos.attach(session, filed.complaint, prepared, now=utcnow())
    except ValidationError as exc:
        problems = problems_from_pydantic(exc.errors(), language)
        errors.update({p.field.removeprefix("reporter."): p.message for p in problems})
    except FieldError as exc:
        session.rollback()
        errors[exc.field or "text"] = problem_from_field_error(exc, language).message
    if errors:
        context = _form_context(session, values, errors)
        context["photos_dropped"] = bool(uploads) and "photos" not in errors  # a browser cannot keep them
        return render(request, "form.html", context, status_code=422)
    expected = complaint_service.expected_response(session, filed.complaint)
    return render(request, "filed.html", {"filed": _filed(filed), "expected": expected}, status_code=status.HTTP_201_CREATED)


@router.post(
    "/api/v1/complaints",
    response_model=ComplaintFiled,
    status_code=status.HTTP_201_CREATED,
    tags=["complaints"],
    responses={
        200: {"model": ComplaintFiled, "description": "Already filed with this Idempotency-Key"},
        422: {"description": "A field is missing, malformed or unknown; the body names it"},
        429: {"description": "Too many submissions from this client"},
    },
)
def create_complaint(
    request: Request,
    payload: ComplaintCreate,
    session: SessionDep,
    idempotency_key: Annotated[str | None, Header(description="retrying with the same key files one complaint")] = None,
) -> Any:
    """File a complaint. Only ``text`` is required; the answer carries the tracking code at once,
    and routing happens in the background within seconds."""
    ratelimit.limit(request, scope="api")
    if idempotency_key is not None and not _IDEMPOTENCY_KEY.match(idempotency_key):
        raise FieldError("Idempotency-Key must be 8-128 characters of A-Z a-z 0-9 _ . : -", field="Idempotency-Key")
    external_id = idempotency_key or intake_service.new_external_id()
    filed = intake_service.file_complaint(
        session, incoming=_incoming(payload, channel=Channel.API, source="api", external_id=external_id), now=utcnow()
    )
    body = _filed(filed)
    if not filed.created:
        return JSONResponse(body.model_dump(mode="json"), status_code=status.HTTP_200_OK)
    return body

