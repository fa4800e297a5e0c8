"""Server-rendered pages: one Jinja2 environment (autoescaped: every template ends in .html)."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import Path as PathParam
from fastapi.templating import Jinja2Templates
from starlette.datastructures import FormData, UploadFile
from starlette.requests import Request
from starlette.responses import Response

from cettar.i18n import LANGUAGES, language_of, translate
from cettar.settings import get_settings

# A row id in a URL: anything outside a database integer is a 422, not an overflow in the driver.
RowId = Annotated[int, PathParam(ge=1, le=2_147_483_647)]

TEMPLATES_DIR = Path(__file__).resolve().parent / "templates"
templates = Jinja2Templates(directory=str(TEMPLATES_DIR))
templates.env.autoescape = True  # for every template, not only those named .html
# the i18n extension: `_()` and `{% trans %}` in templates, found by `pybabel extract` (scripts/i18n.py);
# each render passes the visitor's language's `_`/`gettext` in its context
templates.env.add_extension("jinja2.ext.i18n")


def local_time(moment: datetime) -> str:
    """A moment in the deployment's zone, as people there write it: 01-12-2026 14:05 WIB."""
    return moment.astimezone(get_settings().zone).strftime("%d-%m-%Y %H:%M %Z")


def _switch_url(request: Request, language: str) -> str:
    query = dict(request.query_params)
    query["lang"] = "en" if language == "id" else "id"
    return f"{request.url.path}?{urlencode(query)}"


def render(request: Request, name: str, context: dict[str, Any] | None = None, status_code: int = 200) -> Response:
    language = language_of(request)

    def t(key: str, **values: Any) -> str:
        return translate(language, key, **values)

    page = {
        "lang": language,
        "_": t,
        "gettext": t,
        "local": local_time,
        "refresh": False,
        "switch_url": _switch_url(request, language),
        "languages": LANGUAGES,
        "operator": get_settings().service_operator,
        "logo_url": get_settings().logo_url,
    }
    page.update(context or {})
    response = templates.TemplateResponse(request, name, page, status_code=status_code)
    if request.query_params.get("lang") in LANGUAGES:
        response.set_cookie("lang", language, max_age=365 * 86400, samesite="lax", httponly=True)
    return response


def form_text(form: FormData, name: str) -> str:
    value = form.get(name)
    return value if isinstance(value, str) else ""  # a file sent under a text field's name is no text


async def form_files(form: FormData, name: str) -> list[tuple[str, bytes]]:
    """The files of a multipart form's field, as (file name, bytes)."""
    return [(item.filename or "", await item.read()) for item in form.getlist(name) if isinstance(item, UploadFile)]
