"""Indonesian first, English available, and any language a deployment adds with the standard
gettext tools (``scripts/i18n.py``, README "Translations").

Messages are named by keys (``form.title``, ``status.received``); the catalogues are gettext
``.po`` files in ``cettar/locale/<language>/LC_MESSAGES/cettar.po``, compiled to ``.mo`` and shipped
in the package. A message missing from a language falls back to Indonesian; a key missing
everywhere shows itself, so it is noticed. Placeholders are ``{name}`` (python-brace-format).
"""

from __future__ import annotations

import gettext
from functools import cache
from pathlib import Path
from typing import Any

from starlette.requests import Request

LOCALE_DIR = Path(__file__).resolve().parent / "locale"
DOMAIN = "cettar"
DEFAULT_LANGUAGE = "id"


def _installed() -> tuple[str, ...]:
    """Indonesian and English first, then every other language with a compiled catalogue."""
    found = sorted(p.parent.parent.name for p in LOCALE_DIR.glob(f"*/LC_MESSAGES/{DOMAIN}.mo"))
    return ("id", "en", *[language for language in found if language not in ("id", "en")])


LANGUAGES = _installed()


@cache
def _catalogue(language: str) -> gettext.NullTranslations:
    fallback = gettext.translation(DOMAIN, LOCALE_DIR, languages=[DEFAULT_LANGUAGE])
    if language == DEFAULT_LANGUAGE:
        return fallback
    translations = gettext.translation(DOMAIN, LOCALE_DIR, languages=[language], fallback=True)
    translations.add_fallback(fallback)
    return translations


def has(key: str) -> bool:
    """Whether the Indonesian catalogue (the one every message must be in) knows ``key``."""
    return _catalogue(DEFAULT_LANGUAGE).gettext(key) != key


def translate(language: str, key: str, **values: Any) -> str:
    text = _catalogue(language if language in LANGUAGES else DEFAULT_LANGUAGE).gettext(key)
    try:
        return text.format(**values) if values else text
    except (KeyError, IndexError, ValueError):
        return text


def N_(key: str) -> str:  # noqa: N802 (the gettext convention for "extract this, translate it later")
    """Mark a message key for extraction where the text is looked up later (a label table)."""
    return key


def language_of(request: Request) -> str:
    """``?lang=`` wins, then the ``lang`` cookie, then Indonesian. Pages stay Indonesian whatever
    the browser's language (many phones here are set to English); API clients may ask for
    English messages with Accept-Language."""
    for candidate in (request.query_params.get("lang"), request.cookies.get("lang")):
        if candidate in LANGUAGES:
            return candidate
    if not request.url.path.startswith(("/api/", "/open311/")):
        return DEFAULT_LANGUAGE
    accept = request.headers.get("accept-language", "")
    first = accept.split(",")[0].strip().lower()
    if first.startswith("en"):
        return "en"
    return DEFAULT_LANGUAGE
