"""create_app(): routers, error handlers, security headers, templates and static files."""

from __future__ import annotations

import logging
import re
from urllib.parse import quote
from pathlib import Path
from typing import Any

import redis
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse
from fastapi.staticfiles import StaticFiles
from sqlalchemy import text
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.responses import Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from cettar import __version__
from cettar.agency import service as agency_service
from cettar.agency.models import AgencyPublic
from cettar.complaint import photos
from cettar.operations import RequestMetrics
from cettar.open311.formats import error as open311_error
from cettar.open311.routes import PREFIX as OPEN311_PREFIX
from cettar.open311.routes import router as open311_router
from cettar.operations import router as operations_router
from cettar.complaint.routes import router as complaint_router
from cettar.dashboard.routes import api as metrics_api
from cettar.dashboard.routes import router as dashboard_router
from cettar.deps import SessionDep
from cettar.errors import DomainError, FieldError, RateLimited
from cettar.i18n import language_of, translate
from cettar.intake.routes import router as intake_router
from cettar.settings import get_settings
from cettar.sources.routes import router as sources_router
from cettar.staff.auth import COOKIE as STAFF_COOKIE
from cettar.staff.auth import LoginRequired
from cettar.admin.routes import router as admin_router
from cettar.staff.routes import router as staff_router
from cettar.workbench.routes import api as workbench_api
from cettar.workbench.routes import router as workbench_router
from cettar.queue import get_redis
from cettar.region import service as region_service
from cettar.region.models import RegionPublic
from cettar.validation import message_of, problem_from_field_error, problems_from_pydantic
from cettar.web import render

log = logging.getLogger(__name__)
STATIC_DIR = Path(__file__).resolve().parent / "static"
MAX_BODY_BYTES = 64 * 1024
# a multipart body to the photo uploads may carry three 5 MB photos beside the form's fields
UPLOAD_PATHS = re.compile(r"^/(lapor|lacak/[^/]+/foto|api/v1/complaints/[^/]+/photos)$")
MAX_UPLOAD_BYTES = photos.MAX_PHOTOS * photos.MAX_PHOTO_BYTES + MAX_BODY_BYTES

SECURITY_HEADERS = [
    (b"content-security-policy",
     b"default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; object-src 'none'; "
     b"base-uri 'none'; frame-ancestors 'none'; form-action 'self'"),
    (b"x-content-type-options", b"nosniff"),
    (b"x-frame-options", b"DENY"),
    (b"referrer-policy", b"no-referrer"),  # tracking codes are in page URLs
]
PERMISSIONS_POLICY = (b"permissions-policy", b"camera=(), microphone=(), payment=(), usb=(), geolocation=(self)")
HSTS = (b"strict-transport-security", b"max-age=31536000; includeSubDomains")
# Swagger UI sets style attributes: its page alone allows inline styles (never inline scripts)
DOCS_CSP = (b"content-security-policy",
            b"default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
            b"object-src 'none'; base-uri 'none'; frame-ancestors 'none'")
DOCS_HTML = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>CETTAR API</title><link rel="stylesheet" href="/docs/assets/swagger-ui.css">
<link rel="icon" href="/docs/assets/favicon-32x32.png"></head>
<body><div id="swagger-ui"></div>
<script src="/docs/assets/swagger-ui-bundle.js"></script><script src="/static/api-docs.js"></script></body></html>"""


def _edge_error(scope: Scope, status: int, code: str, message: str) -> Response:
    """A request refused before the app reads it: in the Open311 error format under /open311/."""
    if scope.get("path", "").startswith(OPEN311_PREFIX):
        answer = open311_error(scope["path"].rpartition(".")[2], 400 if status == 422 else status, message)
        answer.headers["connection"] = "close"
        return answer
    return JSONResponse({"error": code, "message": message}, status, headers={"connection": "close"})


def _nul_refused(scope: Scope) -> Response:
    return _edge_error(scope, 422, "invalid_field", "the request contains a NUL character, which no text may hold")


# NUL is never part of a text CETTAR keeps (PostgreSQL refuses it in text columns): a query string or
# a form/JSON body holding one is refused at the edge, whichever field it is in
NUL_MARKERS = (b"\x00", b"%00", b"\\u0000")
SCANNED_BODIES = (b"application/x-www-form-urlencoded", b"application/json")


def _too_large(scope: Scope, limit: int) -> Response:
    return _edge_error(scope, 413, "too_large", f"the body is over {limit} bytes")


def body_limit(scope: Scope, content_type: bytes) -> int:
    """The largest body a request may send: bigger only for multipart posts to the photo uploads."""
    if content_type == b"multipart/form-data" and scope.get("method") == "POST" and UPLOAD_PATHS.match(scope["path"]):
        return MAX_UPLOAD_BYTES
    return MAX_BODY_BYTES


class BodyLimitAndHeaders:
    """Refuses bodies over their limit (``body_limit``) before the app reads them, and adds security headers."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app
        self.headers = [*SECURITY_HEADERS, PERMISSIONS_POLICY]
        if get_settings().public_base_url.startswith("https://"):
            self.headers.append(HSTS)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = dict(scope.get("headers") or [])
        content_type = headers.get(b"content-type", b"").split(b";")[0].strip().lower()
        limit = body_limit(scope, content_type)
        length = headers.get(b"content-length")
        if length is not None and length.isdigit() and int(length) > limit:
            await _too_large(scope, limit)(scope, receive, send)
            return
        query = scope.get("query_string", b"").lower()
        if any(marker in query for marker in NUL_MARKERS):
            await _nul_refused(scope)(scope, receive, send)
            return
        scan = content_type in SCANNED_BODIES
        tail = b""
        received = 0
        refused = False
        is_docs = scope["path"] == "/docs"

        async def send_with_headers(message: Message) -> None:
            if refused:
                return  # the 413 went out already: whatever the app says after it is dropped
            if message["type"] == "http.response.start":
                extra = [DOCS_CSP, *self.headers[1:]] if is_docs else self.headers
                message["headers"] = list(message.get("headers", [])) + extra
            await send(message)

        async def limited_receive() -> Message:
            """A chunked body has no length to refuse it by: count what arrives, answer 413 once it
            passes the limit, and tell the app the client went away."""
            nonlocal received, refused, tail
            message = await receive()
            if message["type"] == "http.request" and not refused:
                chunk = message.get("body", b"")
                received += len(chunk)
                answer = _too_large(scope, limit) if received > limit else None
                if scan and answer is None:
                    window = tail + chunk.lower()
                    if any(marker in window for marker in NUL_MARKERS):
                        answer = _nul_refused(scope)
                    tail = window[-6:]  # a marker split across two chunks is still found
                if answer is not None:
                    await answer(scope, receive, send_with_headers)
                    refused = True
                    return {"type": "http.disconnect"}
            return message

        await self.app(scope, limited_receive, send_with_headers)


def _wants_json(request: Request) -> bool:
    return request.url.path.startswith("/api/") or "application/json" in request.headers.get("accept", "")


def _domain_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, DomainError)
    language = language_of(request)
    headers = {"Retry-After": str(exc.retry_after)} if isinstance(exc, RateLimited) else None
    if _wants_json(request):
        # the catalogue's text in the client's language (Accept-Language), the English message otherwise
        body: dict[str, Any] = {"error": exc.code, "message": message_of(exc, language)}
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
    return render(request, "message.html", {"title": message_of(exc, language), "message": ""}, status_code=exc.status_code)


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
    if request.url.path.startswith(OPEN311_PREFIX):  # e.g. 405 for a method it does not take
        return open311_error(request.url.path.rpartition(".")[2], exc.status_code, str(exc.detail))
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
        docs_url=None,
        redoc_url=None,
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
    app.include_router(operations_router)
    app.include_router(open311_router)
    app.mount("/static", StaticFiles(directory=str(STATIC_DIR)), name="static")
    if get_settings().api_docs:
        import swagger_ui_bundle

        app.mount("/docs/assets", StaticFiles(directory=swagger_ui_bundle.swagger_ui_path), name="docs-assets")

        @app.get("/docs", include_in_schema=False)
        def api_docs() -> HTMLResponse:
            return HTMLResponse(DOCS_HTML)

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
    app.add_middleware(RequestMetrics)
    return app
