"""The one shape every source produces, and the text hygiene every source applies."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

# C0/C1 control characters other than tab, newline and carriage return, plus the Unicode
# bidirectional overrides that can make a text display differently from what it says.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
_SPACES = re.compile(r"[ \t\u00a0]+")
_BLANK_LINES = re.compile(r"\n{3,}")


def has_control_characters(value: str) -> bool:
    return bool(_CONTROL.search(value))


def clean_text(value: str, *, multiline: bool = True) -> str:
    """NFC-normalise, unify line ends, collapse runs of spaces and blank lines, trim.

    Control characters are not silently removed here: callers reject them with a field error,
    so what is stored is exactly what the citizen can see they sent.
    """
    value = unicodedata.normalize("NFC", value).replace("\r\n", "\n").replace("\r", "\n")
    if not multiline:
        value = value.replace("\n", " ")
    lines = [_SPACES.sub(" ", line).strip() for line in value.split("\n")]
    return _BLANK_LINES.sub("\n\n", "\n".join(lines)).strip()


@dataclass(frozen=True)
class Contact:
    name: str = ""
    phone: str = ""
    email: str = ""
    handle: str = ""  # a social-media account, as "x:username": private like the rest


@dataclass(frozen=True)
class IncomingComplaint:
    """A complaint as a source delivered it, before it is stored.

    ``source`` and ``external_id`` identify it at its origin; together they are unique, which is
    what makes delivering the same item twice harmless.
    """

    text: str
    channel: str
    source: str
    external_id: str
    title: str = ""
    region_code: str | None = None
    district_code: str | None = None
    address: str = ""
    latitude: float | None = None
    longitude: float | None = None
    privacy: str = "public"
    language: str = "id"  # the reporter's language, for the messages CETTAR sends them
    agency_code: str | None = None
    category: str | None = None  # what the source filed it as (an Open311 service); the intake lexicon's urgent one wins
    contact: Contact = field(default_factory=Contact)
