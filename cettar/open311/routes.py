"""Open311 GeoReport v2 at ``/open311/v2/`` (http://wiki.open311.org/GeoReport_v2): discovery, the
service list and each service's definition, in JSON and XML. Every failure answers in the
specification's error format, never a 500 page."""

from __future__ import annotations

from urllib.parse import urlparse

from fastapi import APIRouter, Request
from fastapi.responses import Response

from cettar.i18n import language_of
from cettar.open311 import services
from cettar.open311.formats import FORMATS, Open311Error, error, render, split_format
from cettar.settings import get_settings

PREFIX = "/open311/v2"
CHANGESET = "2026-12-03T00:00:00+07:00"  # when this endpoint's behaviour last changed
router = APIRouter(prefix=PREFIX, include_in_schema=False)


def jurisdiction() -> str:
    """The jurisdiction_id this deployment answers to: CETTAR_OPEN311_JURISDICTION, else the host of
    CETTAR_PUBLIC_BASE_URL."""
    settings = get_settings()
    return settings.open311_jurisdiction or (urlparse(settings.public_base_url).hostname or "")


def _check_jurisdiction(request: Request) -> None:
    given = request.query_params.get("jurisdiction_id")
    if given is not None and given != jurisdiction():
        raise Open311Error(404, f"jurisdiction_id {given!r} is not served here (this endpoint serves {jurisdiction()!r})")


def _answer(request: Request, name: str, build: object) -> Response:
    fmt = name.rpartition(".")[2]
    try:
        stem, fmt = split_format(name)
        _check_jurisdiction(request)
        root, body = build(stem, language_of(request))  # type: ignore[operator]
        return render(fmt, root, body)
    except Open311Error as exc:
        return error(fmt, exc.status, exc.description)


@router.get("/{name}")
def top(request: Request, name: str) -> Response:
    def build(stem: str, language: str) -> tuple[str, object]:
        if stem == "discovery":
            return "discovery", _discovery()
        if stem == "services":
            return "services", services.listing(language)
        raise Open311Error(404, f"no such resource: {stem}")

    return _answer(request, name, build)


@router.get("/services/{name}")
def service_definition(request: Request, name: str) -> Response:
    def build(code: str, language: str) -> tuple[str, object]:
        if code not in services.codes():
            raise Open311Error(404, f"unknown service_code {code!r} (GET {PREFIX}/services.json lists them)")
        return "service_definition", services.definition(code, language)

    return _answer(request, name, build)


def _discovery() -> dict[str, object]:
    settings = get_settings()
    base = settings.public_base_url.rstrip("/")
    return {"changeset": CHANGESET, "contact": settings.open311_contact or f"{base}/privasi",
            "key_service": settings.open311_key_service or "Kunci API diberikan admin CETTAR / API keys are issued by the CETTAR admins",
            "endpoints": [{"specification": "http://wiki.open311.org/GeoReport_v2", "url": f"{base}{PREFIX}",
                           "changeset": CHANGESET, "type": "production" if settings.environment == "production" else "test",
                           "formats": sorted(value.split(";")[0] for value in FORMATS.values())}]}
