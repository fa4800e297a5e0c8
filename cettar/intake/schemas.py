"""What a citizen or an integration may send, validated once for the form and the API alike."""

from __future__ import annotations

import re
from typing import Annotated, Literal

from pydantic_core import PydanticCustomError
from pydantic import AfterValidator, BaseModel, BeforeValidator, ConfigDict, EmailStr, Field, field_validator

from cettar.complaint.models import Privacy
from cettar.settings import get_settings
from ingest import clean_text, has_control_characters
_PHONE_CHARS = re.compile(r"[\s().-]")
_PHONE = re.compile(r"^(?:\+62|62|0)(\d{8,13})$")


def _no_control(value: str) -> str:
    if has_control_characters(value):
        raise PydanticCustomError("control_characters", "contains control characters; remove them and send again")
    return value


def _single_line(value: str) -> str:
    return clean_text(_no_control(value), multiline=False)


def _multi_line(value: str) -> str:
    return clean_text(_no_control(value))


def max_text_length() -> int:
    """CETTAR_MAX_TEXT_LENGTH: the longest complaint text (after cleaning), for the form and the API."""
    return get_settings().max_text_length


def _not_huge(value: object) -> object:
    """Refuse a text far over the limit before cleaning it (cleaning is linear, but why do the work)."""
    if isinstance(value, str) and len(value) > 2 * max_text_length():
        limit = max_text_length()
        raise PydanticCustomError("text_too_long", "at most {max} characters (this one has {length})",
                                  {"max": limit, "length": len(value)})
    return value


def normalise_phone(value: str) -> str:
    """Indonesian numbers in any common spelling (0812…, 62812…, +62 812-…) as +62…."""
    value = _PHONE_CHARS.sub("", value)
    if not value:
        return ""
    match = _PHONE.match(value)
    if not match:
        raise PydanticCustomError("phone_invalid", "not an Indonesian phone number (e.g. 0812 3456 7890 or +62 812 3456 7890)")
    return "+62" + match.group(1)


SingleLine = Annotated[str, AfterValidator(_single_line)]


class ContactIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: Annotated[SingleLine, Field(max_length=120)] = ""
    phone: Annotated[str, Field(max_length=32), AfterValidator(normalise_phone)] = ""
    email: EmailStr | None = None


class ComplaintCreate(BaseModel):
    """The body of ``POST /api/v1/complaints``: only ``text`` is required."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {
                    "text": "Lampu PJU di Jl. Kenjeran depan masjid mati sejak seminggu.",
                    "region_code": "3578",
                    "district_code": "3578-kenjeran",
                    "privacy": "anonymous",
                }
            ]
        },
    )

    text: Annotated[str, BeforeValidator(_not_huge), AfterValidator(_multi_line)]
    title: Annotated[SingleLine, Field(max_length=200)] = ""
    region_code: Annotated[SingleLine, Field(max_length=32)] | None = None
    district_code: Annotated[SingleLine, Field(max_length=32)] | None = None
    address: Annotated[SingleLine, Field(max_length=500)] = ""
    latitude: Annotated[float, Field(ge=-11.5, le=6.5)] | None = None
    longitude: Annotated[float, Field(ge=94.5, le=141.5)] | None = None
    privacy: Privacy = Privacy.PUBLIC
    agency_code: Annotated[SingleLine, Field(max_length=32)] | None = None
    reporter: ContactIn | None = None
    language: Literal["id", "en"] = "id"  # the language of the messages the reporter receives

    @field_validator("text")
    @classmethod
    def _text_length(cls, value: str) -> str:
        if not value:
            raise PydanticCustomError("text_empty", "write what the complaint is about")
        limit = max_text_length()
        if len(value) > limit:
            raise PydanticCustomError(
                "text_too_long",
                "at most {max} characters (this one has {length})",
                {"max": limit, "length": len(value)},
            )
        return value

    @field_validator("region_code", "district_code", "agency_code")
    @classmethod
    def _empty_is_none(cls, value: str | None) -> str | None:
        return value or None
