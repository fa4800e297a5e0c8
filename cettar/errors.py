"""Domain errors carry their HTTP status; one handler in ``cettar.main`` renders them.

``message`` is the English text for logs and the API; ``key`` (with ``values``) names the message in
the catalogue (``error.<key>``), which pages show in the visitor's language."""

from __future__ import annotations

from typing import Any


class DomainError(Exception):
    status_code = 400
    code = "bad_request"

    def __init__(self, message: str, *, field: str | None = None, key: str | None = None,
                 values: dict[str, Any] | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field
        self.key = key
        self.values = values or {}


class NotFound(DomainError):
    status_code = 404
    code = "not_found"


class Conflict(DomainError):
    status_code = 409
    code = "conflict"


class FieldError(DomainError):
    """A value that is well-formed but refers to nothing we know (an unknown region or agency).
    ``key`` names the message in the i18n catalogue (``error.<key>``)."""

    status_code = 422
    code = "invalid_field"

    key: str

    def __init__(self, message: str, *, field: str, key: str = "invalid", values: dict[str, Any] | None = None) -> None:
        super().__init__(message, field=field, key=key, values=values)


class RateLimited(DomainError):
    status_code = 429
    code = "rate_limited"

    def __init__(self, message: str, *, retry_after: int) -> None:
        super().__init__(message)
        self.retry_after = retry_after
