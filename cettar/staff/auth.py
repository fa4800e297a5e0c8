"""Who is asking, and may they: the dependencies every staff page and staff API route uses.

- Pages: the ``cettar_staff`` cookie (HttpOnly, SameSite=Strict, Secure behind https) names a
  server-side session; a session whose second factor is due opens only the second-factor pages.
- API: ``Authorization: Bearer cettar_…`` (an API token) acts as its account; no cookie, so no CSRF.
- Every state-changing request with a cookie must carry the session's CSRF token (form field
  ``csrf_token`` or header ``X-CSRF-Token``).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Annotated, Any

from fastapi import Depends, Request
from sqlmodel import Session

from cettar.deps import SessionDep
from cettar.errors import DomainError
from cettar.settings import get_settings
from cettar.staff import service
from cettar.staff.models import Role, Staff, StaffSession
from cettar.types import utcnow

COOKIE = "cettar_staff"


class LoginRequired(DomainError):
    status_code = 401
    code = "login_required"

    def __init__(self, message: str, *, second_factor: bool = False) -> None:
        super().__init__(message)
        self.second_factor = second_factor


class Forbidden(DomainError):
    status_code = 403
    code = "forbidden"


@dataclass
class Actor:
    staff: Staff
    row: StaffSession | None  # None when the request came with an API token

    @property
    def role(self) -> Role:
        return Role(self.staff.role)

    @property
    def csrf_token(self) -> str:
        """What the pages put in their forms (an API token's request has no session, and needs none)."""
        return self.row.csrf_token if self.row else ""

    def page(self, **values: Any) -> dict[str, Any]:
        """The context every staff page starts from: who is signed in, and the forms' CSRF token."""
        return {"actor": self, "csrf_token": self.csrf_token, **values}

    @property
    def label(self) -> str:
        """How the actor appears in a complaint's timeline."""
        return f"{self.staff.name or self.staff.email} <{self.staff.email}>"


def cookie_is_secure(request: Request) -> bool:
    return request.url.scheme == "https" or get_settings().public_base_url.startswith("https://")


def _from_cookie(request: Request, session: Session) -> tuple[StaffSession, Staff] | None:
    token = request.cookies.get(COOKIE)
    return service.resume(session, token=token, now=utcnow()) if token else None


def _from_bearer(request: Request, session: Session) -> Staff | None:
    header = request.headers.get("authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token:
        return None
    return service.staff_for_api_token(session, token=token.strip(), now=utcnow())


def signed_in(request: Request, session: SessionDep) -> tuple[StaffSession, Staff] | None:
    """The cookie's session, second factor done or not (for the second-factor pages themselves)."""
    return _from_cookie(request, session)


async def _csrf_given(request: Request) -> str | None:
    given = request.headers.get("x-csrf-token")
    if given:
        return given
    if request.headers.get("content-type", "").startswith(("application/x-www-form-urlencoded", "multipart/form-data")):
        form = await request.form()
        value = form.get("csrf_token")
        return value if isinstance(value, str) else None
    return None


async def current_actor(request: Request, session: SessionDep) -> Actor:
    staff = _from_bearer(request, session)
    if staff is not None:
        return Actor(staff, None)
    found = _from_cookie(request, session)
    if found is None:
        raise LoginRequired("sign in first")
    row, staff = found
    if service.needs_second_factor(staff) and not row.second_factor_ok:
        raise LoginRequired("the second factor is still due", second_factor=True)
    if request.method not in ("GET", "HEAD", "OPTIONS") and not service.csrf_ok(row, await _csrf_given(request)):
        raise Forbidden("the form is out of date or did not come from CETTAR (CSRF token missing or wrong); reload and try again",
                        key="csrf")
    request.state.actor = Actor(staff, row)
    return request.state.actor  # type: ignore[no-any-return]


ActorDep = Annotated[Actor, Depends(current_actor)]


def require(*roles: Role) -> Callable[..., Actor]:
    """A dependency: the signed-in actor, if their role is one of ``roles``; 403 otherwise."""
    allowed = frozenset(roles)

    def dependency(actor: ActorDep) -> Actor:
        if actor.role not in allowed:
            raise Forbidden("your role does not allow this", key="role")
        return actor

    return dependency
