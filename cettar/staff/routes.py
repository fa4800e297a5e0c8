"""Staff sign-in and account pages under ``/staf``: sign in, the second factor, sign out, password."""

from __future__ import annotations

import secrets
from typing import Annotated
from urllib.parse import quote

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import RedirectResponse
from starlette.responses import Response

from cettar import ratelimit
from cettar.deps import SessionDep
from cettar.errors import FieldError
from cettar.i18n import N_
from cettar.staff import service
from cettar.staff.auth import COOKIE, ActorDep, Forbidden, cookie_is_secure, signed_in
from cettar.staff.models import SECOND_FACTOR_REQUIRED, Staff, StaffSession
from cettar.types import utcnow
from cettar.web import render

router = APIRouter(prefix="/staf", include_in_schema=False)
LOGIN_CSRF_COOKIE = "cettar_login_csrf"
LOGIN_FAILURES_PER_ADDRESS = 30  # failed sign-ins from one address in LOGIN_WINDOW; successes never count
LOGIN_WINDOW = 900  # an account's failures are forgotten this long after the latest one

SignedIn = Annotated[tuple[StaffSession, Staff] | None, Depends(signed_in)]


def _safe_next(value: str | None) -> str:
    """Only a path on this site: never an open redirect."""
    if value and value.startswith("/") and not value.startswith("//") and "\\" not in value:
        return value
    return "/staf"


def _login_page(request: Request, *, next_url: str, email: str = "", error: str | None = None,
                status_code: int = 200) -> Response:
    token = secrets.token_urlsafe(24)
    response = render(request, "staff/login.html", {"csrf_token": token, "next": next_url, "email": email, "error": error},
                      status_code=status_code)
    response.set_cookie(LOGIN_CSRF_COOKIE, token, httponly=True, samesite="strict", secure=cookie_is_secure(request),
                        path="/staf/masuk", max_age=3600)
    return response


@router.get("/masuk")
def login_form(request: Request, next: str = "/staf") -> Response:
    return _login_page(request, next_url=_safe_next(next))


@router.post("/masuk")
def login(request: Request, session: SessionDep, email: Annotated[str, Form()] = "",
          password: Annotated[str, Form()] = "", csrf_token: Annotated[str, Form()] = "",
          next: Annotated[str, Form()] = "/staf") -> Response:
    next_url = _safe_next(next)
    cookie = request.cookies.get(LOGIN_CSRF_COOKIE, "")
    if not cookie or not secrets.compare_digest(cookie, csrf_token):
        return _login_page(request, next_url=next_url, email=email, error=N_("staff.login.expired"), status_code=403)
    address = request.client.host if request.client else "unknown"
    account = email.strip().lower()[:254]
    ratelimit.refuse_if_failing(scope="login-address", client=address, limit=LOGIN_FAILURES_PER_ADDRESS)
    ratelimit.refuse_if_failing(scope="login-account", client=account)
    now = utcnow()
    staff = service.authenticate(session, email=email, password=password, now=now)
    if staff is None:
        ratelimit.record_failure(scope="login-address", client=address, window=LOGIN_WINDOW)
        ratelimit.record_failure(scope="login-account", client=account, window=LOGIN_WINDOW)
        return _login_page(request, next_url=next_url, email=email, error=N_("staff.login.wrong"), status_code=401)
    ratelimit.clear_failures(scope="login-account", client=account)
    started = service.start_session(session, staff=staff, now=now)
    if staff.totp_secret:
        target = f"/staf/masuk/kode?next={quote(next_url)}"
    elif staff.role in SECOND_FACTOR_REQUIRED:
        target = f"/staf/2fa?next={quote(next_url)}"
    else:
        started.row.second_factor_ok = True
        session.add(started.row)
        target = next_url
    response = RedirectResponse(target, status_code=303)
    response.set_cookie(COOKIE, started.token, httponly=True, samesite="strict", secure=cookie_is_secure(request),
                        max_age=int(service.SESSION_LIFETIME.total_seconds()), path="/")
    response.delete_cookie(LOGIN_CSRF_COOKIE, path="/staf/masuk")
    return response


def _pending(found: tuple[StaffSession, Staff] | None, csrf_token: str) -> tuple[StaffSession, Staff]:
    """The signed-in (second factor perhaps still due) session of a form post, its token checked."""
    if found is None:
        raise Forbidden("sign in first", key="sign_in_first")
    if not service.csrf_ok(found[0], csrf_token):
        raise Forbidden("the form is out of date; reload and try again", key="csrf")
    return found


def _totp_page(request: Request, row: StaffSession, staff: Staff, *, secret: str, next_url: str,
               error: str | None = None, status_code: int = 200) -> Response:
    qr = service.totp_qr_svg(service.totp_uri(staff, secret))
    return render(request, "staff/totp.html", {"csrf_token": row.csrf_token, "secret": secret, "next": _safe_next(next_url),
                                               "qr": qr, "error": error, "required": staff.role in SECOND_FACTOR_REQUIRED},
                  status_code=status_code)


@router.get("/masuk/kode")
def code_form(request: Request, found: SignedIn, next: str = "/staf") -> Response:
    if found is None:
        return RedirectResponse("/staf/masuk", status_code=303)
    row, _ = found
    return render(request, "staff/code.html", {"csrf_token": row.csrf_token, "next": _safe_next(next), "error": None})


@router.post("/masuk/kode")
def code_check(request: Request, session: SessionDep, found: SignedIn, code: Annotated[str, Form()] = "",
               csrf_token: Annotated[str, Form()] = "", next: Annotated[str, Form()] = "/staf") -> Response:
    row, staff = _pending(found, csrf_token)
    ratelimit.refuse_if_failing(scope="login-code", client=str(staff.id))
    try:
        service.verify_second_factor(session, staff=staff, row=row, code=code, now=utcnow())
    except FieldError:
        ratelimit.record_failure(scope="login-code", client=str(staff.id), window=LOGIN_WINDOW)
        return render(request, "staff/code.html", {"csrf_token": row.csrf_token, "next": _safe_next(next),
                                                   "error": N_("staff.code.wrong")}, status_code=401)
    ratelimit.clear_failures(scope="login-code", client=str(staff.id))
    return RedirectResponse(_safe_next(next), status_code=303)


@router.get("/2fa")
def totp_setup(request: Request, session: SessionDep, found: SignedIn, next: str = "/staf") -> Response:
    if found is None:
        return RedirectResponse("/staf/masuk?next=/staf/2fa", status_code=303)
    row, staff = found
    if service.needs_second_factor(staff) and staff.totp_secret and not row.second_factor_ok:
        return RedirectResponse("/staf/masuk/kode", status_code=303)  # changing it needs the current one first
    return _totp_page(request, row, staff, secret=service.begin_totp(session, row=row), next_url=next)


@router.post("/2fa")
def totp_confirm(request: Request, session: SessionDep, found: SignedIn, code: Annotated[str, Form()] = "",
                 csrf_token: Annotated[str, Form()] = "", next: Annotated[str, Form()] = "/staf") -> Response:
    row, staff = _pending(found, csrf_token)
    if staff.totp_secret and not row.second_factor_ok:
        raise Forbidden("give the current second factor first", key="second_factor_first")
    try:
        service.confirm_totp(session, staff=staff, row=row, code=code, now=utcnow())
    except FieldError:
        secret = row.pending_totp_secret or service.begin_totp(session, row=row)
        return _totp_page(request, row, staff, secret=secret, next_url=next, error=N_("staff.code.wrong"), status_code=422)
    return RedirectResponse(_safe_next(next), status_code=303)


@router.post("/keluar")
def logout(request: Request, session: SessionDep, actor: ActorDep) -> Response:
    if actor.row is not None:
        service.end_session(session, row=actor.row)
    response = RedirectResponse("/staf/masuk", status_code=303)
    response.delete_cookie(COOKIE, path="/")
    return response


@router.get("/sandi")
def password_form(request: Request, actor: ActorDep) -> Response:
    return render(request, "staff/password.html", actor.page(error=None, done=False))


@router.post("/sandi")
def password_change(request: Request, session: SessionDep, actor: ActorDep, current: Annotated[str, Form()] = "",
                    new: Annotated[str, Form()] = "", again: Annotated[str, Form()] = "") -> Response:
    context = actor.page(done=False)
    if new != again:
        return render(request, "staff/password.html", {**context, "error": N_("staff.password.mismatch")}, status_code=422)
    try:
        service.change_password(session, staff=actor.staff, current=current, new=new, keep=actor.row, now=utcnow())
    except FieldError as exc:
        return render(request, "staff/password.html", {**context, "error": f"error.{exc.key}"}, status_code=422)
    return render(request, "staff/password.html", {**context, "error": None, "done": True})
