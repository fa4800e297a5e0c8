"""create_app(): routers, error handlers, security headers, templates and static files."""

from __future__ import annotations

import logging
from urllib.parse import quote
from pathlib import Path
from typing import Any

import redis
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, RedirectResponse
from fastapi.staticfiles import StaticFiles
from sqlalchemy import text
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.responses import Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from cettar import __version__
from cettar.agency import service as agency_service
from cettar.agency.models import AgencyPublic
from cettar.complaint.routes import router as complaint_router
from cettar.dashboard.routes import api as metrics_api
from cettar.dashboard.routes import router as dashboard_router
from cettar.db import SessionDep
from cettar.errors import DomainError, FieldError, RateLimited
from cettar.i18n import CATALOG, DEFAULT_LANGUAGE, language_of, translate
from cettar.intake.routes import router as intake_router
from cettar.sources.routes import router as sources_router
from cettar.staff.auth import COOKIE as STAFF_COOKIE
from cettar.staff.auth import LoginRequired
from cettar.staff.admin import router as admin_router
from cettar.staff.routes import router as staff_router
from cettar.workbench.routes import api as workbench_api
from cettar.workbench.routes import router as workbench_router
from cettar.queue import get_redis
from cettar.region import service as region_service
from cettar.region.models import RegionPublic
from cettar.validation import problem_from_field_error, problems_from_pydantic
from cettar.web import render

log = logging.getLogger(__name__)
STATIC_DIR = Path(__file__).resolve().parent / "static"
MAX_BODY_BYTES = 64 * 1024

SECURITY_HEADERS = [
    (b"content-security-policy",
     b"default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; object-src 'none'; "
     b"base-uri 'none'; frame-ancestors 'none'; form-action 'self'"),
    (b"x-content-type-options", b"nosniff"),
    (b"x-frame-options", b"DENY"),
    (b"referrer-policy", b"no-referrer"),  # tracking codes are in page URLs
]
DOCS_CSP = (b"content-security-policy", b"default-src 'self' 'unsafe-inline' https://cdn.jsdelivr.net; img-src 'self' data: https://fastapi.tiangolo.com")


class BodyLimitAndHeaders:
    """Refuses bodies over MAX_BODY_BYTES before the app reads them, and adds security headers."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = dict(scope.get("headers") or [])
        length = headers.get(b"content-length")
        if length is not None and length.isdigit() and int(length) > MAX_BODY_BYTES:
            response = JSONResponse({"error": "too_large", "message": f"the body is over {MAX_BODY_BYTES} bytes"}, 413)
            await response(scope, receive, send)
            return
        received = 0

        async def limited_receive() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > MAX_BODY_BYTES:
                    raise DomainError("the body is too large")
            return message

        is_docs = scope["path"] in ("/docs", "/redoc")

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                extra = [DOCS_CSP, *SECURITY_HEADERS[1:]] if is_docs else SECURITY_HEADERS
                message["headers"] = list(message.get("headers", [])) + extra
            await send(message)

        await self.app(scope, limited_receive, send_with_headers)


def _wants_json(request: Request) -> bool:
    return request.url.path.startswith("/api/") or "application/json" in request.headers.get("accept", "")


def _domain_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, DomainError)
    language = language_of(request)
    headers = {"Retry-After": str(exc.retry_after)} if isinstance(exc, RateLimited) else None
    if _wants_json(request):
        body: dict[str, Any] = {"error": exc.code, "message": exc.message}
        if isinstance(exc, FieldError):
            body["fields"] = [problem_from_field_error(exc, language).model_dump()]
        if isinstance(exc, RateLimited):
            body["message"] = translate(language, "ratelimited", seconds=exc.retry_after)
        return JSONResponse(body, status_code=exc.status_code, headers=headers)
    if isinstance(exc, LoginRequired):
        target = "/staf/2fa" if request.cookies.get(STAFF_COOKIE) and exc.second_factor else "/staf/masuk"
        return RedirectResponse(f"{target}?next={quote(request.url.path)}", status_code=303)
    if isinstance(exc, RateLimited):
        message = translate(language, "ratelimited", seconds=exc.retry_after)
        response = render(request, "message.html", {"title": message, "message": ""}, status_code=429)
        response.headers["Retry-After"] = str(exc.retry_after)
        return response
    if exc.status_code == 404:
        return render(request, "message.html", {"title": translate(language, "notfound.title"),
                                                "message": translate(language, "notfound.text")}, status_code=404)
    title = exc.message
    if isinstance(exc, FieldError) and f"error.{exc.key}" in CATALOG[DEFAULT_LANGUAGE]:
        title = translate(language, f"error.{exc.key}")  # a page speaks the visitor's language
    return render(request, "message.html", {"title": title, "message": ""}, status_code=exc.status_code)


def _validation_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, RequestValidationError)
    problems = problems_from_pydantic(exc.errors(), language_of(request))
    fields = ", ".join(p.field for p in problems)
    return JSONResponse(
        {"error": "validation_error", "message": f"check these fields: {fields}", "fields": [p.model_dump() for p in problems]},
        status_code=422,
    )


def _http_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, StarletteHTTPException)
    if exc.status_code == 404 and not _wants_json(request):
        language = language_of(request)
        return render(request, "message.html", {"title": translate(language, "notfound.title"),
                                                "message": translate(language, "notfound.text")}, status_code=404)
    return JSONResponse({"error": "http_error", "message": str(exc.detail)}, status_code=exc.status_code,
                        headers=getattr(exc, "headers", None))


def create_app() -> FastAPI:
    app = FastAPI(
        title="CETTAR",
        version=__version__,
        description="Citizen complaint intake and response tracker. Only `text` is needed to file a complaint.",
    )
    app.add_exception_handler(DomainError, _domain_error)
    app.add_exception_handler(RequestValidationError, _validation_error)
    app.add_exception_handler(StarletteHTTPException, _http_error)
    app.include_router(intake_router)
    app.include_router(complaint_router)
    app.include_router(staff_router)
    app.include_router(admin_router)
    app.include_router(sources_router)
    app.include_router(workbench_router)
    app.include_router(workbench_api)
    app.include_router(dashboard_router)
    app.include_router(metrics_api)
    app.mount("/static", StaticFiles(directory=str(STATIC_DIR)), name="static")

    @app.get("/api/v1/regions", response_model=list[RegionPublic], tags=["directory"])
    def list_regions(session: SessionDep) -> list[RegionPublic]:
        """Cities, regencies and districts a complaint may name (``region_code``, ``district_code``)."""
        return [RegionPublic.model_validate(r, from_attributes=True) for r in region_service.list_all(session)]

    @app.get("/api/v1/agencies", response_model=list[AgencyPublic], tags=["directory"])
    def list_agencies(session: SessionDep) -> list[AgencyPublic]:
        return [AgencyPublic(code=a.code, name=a.name) for a in agency_service.list_active(session)]

    @app.get("/healthz", tags=["operations"])
    def health(session: SessionDep) -> JSONResponse:
        """The database must answer; Redis being away is reported but does not fail intake."""
        session.exec(text("SELECT 1"))  # type: ignore[call-overload]
        try:
            redis_ok = bool(get_redis().ping())
        except (redis.RedisError, OSError):
            redis_ok = False
        return JSONResponse({"database": "ok", "redis": "ok" if redis_ok else "unreachable"})

    app.add_middleware(BodyLimitAndHeaders)
    return app
