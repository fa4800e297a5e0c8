"""Turning validation failures into field errors a person can act on, in their language."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from pydantic import BaseModel

from cettar.errors import DomainError, FieldError
from cettar.i18n import has, translate
from cettar.settings import get_settings
from ingest import clean_text, has_control_characters

_KEY_BY_TYPE = {
    "missing": "missing",
    "text_empty": "text_empty",
    "text_too_long": "text_too_long",
    "string_too_long": "string_too_long",
    "control_characters": "control_characters",
    "phone_invalid": "phone_invalid",
    "float_parsing": "number",
    "float_type": "number",
    "greater_than_equal": "number",
    "less_than_equal": "number",
    "finite_number": "number",
    "enum": "choice",
    "literal_error": "choice",
}


class FieldProblem(BaseModel):
    field: str
    code: str
    message: str


def problems_from_pydantic(errors: Sequence[Any], language: str) -> list[FieldProblem]:
    problems: list[FieldProblem] = []
    for error in errors:
        location = [str(part) for part in error.get("loc", ()) if part != "body"]
        field = ".".join(location) or "body"
        kind = str(error.get("type", ""))
        key = _KEY_BY_TYPE.get(kind)
        if key is None and field.endswith("email"):
            key = "email_invalid"
        if kind == "extra_forbidden":
            problems.append(FieldProblem(field=field, code=kind, message=f"unknown field {field!r}"))
            continue
        key = key or "invalid"
        message = translate(language, f"error.{key}", **(error.get("ctx") or {}))
        problems.append(FieldProblem(field=field, code=key, message=message))
    return problems


def problem_from_field_error(error: FieldError, language: str) -> FieldProblem:
    return FieldProblem(field=error.field or "body", code=error.key, message=translate(language, f"error.{error.key}", **error.values))


def message_of(error: DomainError, language: str) -> str:
    """What a page shows for ``error``: its catalogue text in the visitor's language when it has a
    key the catalogue knows, its English message otherwise."""
    if error.key and has(f"error.{error.key}"):
        return translate(language, f"error.{error.key}", **error.values)
    return error.message


def checked_text(value: str, *, field: str) -> str:
    """A person's free text (a reply, a note, a reporter's message): no control characters, tidied
    whitespace, not empty, at most CETTAR_MAX_TEXT_LENGTH characters."""
    if has_control_characters(value):
        raise FieldError("contains control characters; remove them and send again", field=field, key="control_characters")
    value = clean_text(value)
    if not value:
        raise FieldError("write something first", field=field, key="missing")
    limit = get_settings().max_text_length
    if len(value) > limit:
        raise FieldError(f"at most {limit} characters", field=field, key="text_too_long",
                         values={"max": limit, "length": len(value)})
    return value
