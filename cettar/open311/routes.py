"""Open311 GeoReport v2 at ``/open311/v2/`` (http://wiki.open311.org/GeoReport_v2): discovery, the
service list and each service's definition, in JSON and XML. Every failure answers in the
specification's error format, never a 500 page."""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated
from urllib.parse import urlparse

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response

from cettar import ratelimit
from cettar.deps import SessionDep
from cettar.errors import DomainError, RateLimited
from cettar.i18n import language_of, translate
from cettar.open311 import requests as open311_requests
from cettar.open311 import services
from cettar.open311.formats import FORMATS, Open311Error, error, render, split_format
from cettar.settings import get_settings
from cettar.types import utcnow

PREFIX = "/open311/v2"
CHANGESET = "2026-12-03T00:00:00+07:00"  # when this endpoint's behaviour last changed
router = APIRouter(prefix=PREFIX, include_in_schema=False)


def jurisdiction() -> str:
    """The jurisdiction_id this deployment answers to: CETTAR_OPEN311_JURISDICTION, else the host of
    CETTAR_PUBLIC_BASE_URL."""
    settings = get_settings()
    return settings.open311_jurisdiction or (urlparse(settings.public_base_url).hostname or "")


def check_jurisdiction(given: str | None) -> None:
    """Absent or empty (a client configured without one sends ``jurisdiction_id=``) is this one."""
    if given and given.strip() != jurisdiction():
        raise Open311Error(404, f"jurisdiction_id {given!r} is not served here (this endpoint serves {jurisdiction()!r})")


Build = Callable[[str, str], tuple[str, object]]


def _answer(request: Request, name: str, build: Build) -> Response:
    """Run ``build(stem, language)`` and render its (root, body) in the format the name ends in;
    every refusal in the specification's error format."""
    fmt = name.rpartition(".")[2]
    try:
        stem, fmt = split_format(name)
        check_jurisdiction(request.query_params.get("jurisdiction_id"))
        root, body = build(stem, language_of(request))
        return render(fmt, root, body)
    except Open311Error as exc:
        return error(fmt, exc.status, exc.description)
    except RateLimited as exc:
        return error(fmt, 429, exc.message)
    except DomainError as exc:
        return error(fmt, 400, exc.message)


async def _form(request: Request) -> dict[str, str] | None:
    """A POST body as fields, or None when it is not form-encoded (or cannot be read)."""
    kind = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if kind not in {"application/x-www-form-urlencoded", "multipart/form-data"}:
        return None
    try:
        form = await request.form()
    except Exception:  # noqa: BLE001  (a malformed body is the client's error: answered as a 400)
        return None
    return {key: value for key, value in form.items() if isinstance(value, str)}


Form = Annotated[dict[str, str] | None, Depends(_form)]


@router.post("/{name}")
def file(request: Request, name: str, session: SessionDep, form: Form) -> Response:
    def build(stem: str, language: str) -> tuple[str, object]:
        if stem != "requests":
            raise Open311Error(404, f"no such resource: {stem}")
        if form is None:
            raise Open311Error(400, "the body must be form-encoded (application/x-www-form-urlencoded)")
        check_jurisdiction(form.get("jurisdiction_id"))
        now = utcnow()
        key = open311_requests.integration(session, form.get("api_key"), now)
        ratelimit.hit(scope="open311", client=str(key.id), limit=key.per_minute, window=60)
        filed = open311_requests.file_request(session, form=form, key=key, now=now)
        return "service_requests", open311_requests.filed_answer(filed, language)

    answer = _answer(request, name, build)
    if answer.status_code >= 400:
        session.rollback()  # nothing of a refused request is kept
    return answer


@router.get("/requests/{name}")
def request_by_id(request: Request, name: str, session: SessionDep) -> Response:
    def build(stem: str, language: str) -> tuple[str, object]:
        _limit(request)
        return "service_requests", open311_requests.one(session, request_id=stem, language=language)

    return _answer(request, name, build)


@router.get("/tokens/{name}")
def token(request: Request, name: str, session: SessionDep) -> Response:
    def build(stem: str, language: str) -> tuple[str, object]:
        _limit(request)
        return "service_requests", open311_requests.by_token(session, token=stem)

    return _answer(request, name, build)


def _limit(request: Request) -> None:
    """Reading is open, at ten times the form's rate per client address."""
    ratelimit.limit(request, scope="open311-read", factor=10)


@router.get("/{name}")
def top(request: Request, name: str, session: SessionDep) -> Response:
    def build(stem: str, language: str) -> tuple[str, object]:
        if stem == "discovery":
            return "discovery", _discovery(language)
        if stem == "services":
            return "services", services.listing(language)
        if stem == "requests":
            _limit(request)
            return "service_requests", open311_requests.search(session, params=request.query_params, now=utcnow(),
                                                               language=language)
        if stem == "servicerequestupdates":
            _limit(request)
            return "service_request_updates", open311_requests.updates(session, params=request.query_params, now=utcnow())
        raise Open311Error(404, f"no such resource: {stem}")

    return _answer(request, name, build)


@router.get("/services/{name}")
def service_definition(request: Request, name: str) -> Response:
    def build(code: str, language: str) -> tuple[str, object]:
        if code not in services.codes():
            raise Open311Error(404, f"unknown service_code {code!r} (GET {PREFIX}/services.json lists them)")
        return "service_definition", services.definition(code, language)

    return _answer(request, name, build)


def _discovery(language: str) -> dict[str, object]:
    settings = get_settings()
    base = settings.public_base_url.rstrip("/")
    return {"changeset": CHANGESET, "contact": settings.open311_contact or f"{base}/privasi",
            "key_service": settings.open311_key_service or translate(language, "open311.key_service"),
            "endpoints": [{"specification": "http://wiki.open311.org/GeoReport_v2", "url": f"{base}{PREFIX}",
                           "changeset": CHANGESET, "type": "production" if settings.environment == "production" else "test",
                           "formats": sorted(value.split(";")[0] for value in FORMATS.values())}]}
