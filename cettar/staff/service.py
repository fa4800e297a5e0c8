"""Staff accounts: creating them, passwords (argon2), sessions, the TOTP second factor, API tokens."""

from __future__ import annotations

import functools
import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

import pyotp
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError
from sqlalchemy import delete
from sqlmodel import Session, col, select

from cettar.agency import service as agency_service
from cettar.audit import service as audit_service
from cettar.errors import FieldError
from cettar.staff.models import AGENCY_ROLES, SECOND_FACTOR_REQUIRED, ApiToken, Role, Staff, StaffSession

SESSION_LIFETIME = timedelta(hours=12)
IDLE_TIMEOUT = timedelta(hours=2)
MIN_PASSWORD = 12
TOKEN_PREFIX = "cettar_"
_hasher = PasswordHasher()
# a hash to verify against when the account does not exist: the answer takes as long either way
@functools.cache
def _dummy_hash() -> str:  # made at the first sign-in attempt, not at import (90 ms every command would pay)
    return _hasher.hash(secrets.token_urlsafe(16))


def digest(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def check_password_rules(password: str) -> None:
    if len(password) < MIN_PASSWORD:
        raise FieldError(f"a password needs at least {MIN_PASSWORD} characters", field="password", key="password_short")
    if password.strip() != password or len(set(password)) < 5:
        raise FieldError("choose a password that is not a repetition of a few characters", field="password",
                         key="password_weak")


def create_staff(session: Session, *, email: str, name: str, role: Role, password: str,
                 agency_code: str | None = None, now: datetime, by: str = "system") -> Staff:
    """A new account (audited as ``staff.create`` by ``by``: an admin's label or ``cli:<user>``)."""
    email = email.strip().lower()
    if "@" not in email:
        raise FieldError(f"{email!r} is not an e-mail address", field="email", key="email_invalid")
    if session.exec(select(Staff).where(Staff.email == email)).first() is not None:
        raise FieldError(f"there is already an account for {email}", field="email", key="email_taken")
    agency_id = None
    if role in AGENCY_ROLES:
        if not agency_code:
            raise FieldError(f"a {role.value} belongs to an agency: give its code", field="agency", key="agency_required")
        agency = agency_service.get_by_code(session, code=agency_code)
        if agency is None:
            raise FieldError(f"unknown agency {agency_code!r}", field="agency", key="unknown_agency")
        agency_id = agency.id
    elif agency_code:
        raise FieldError(f"a {role.value} works across agencies: give no agency", field="agency", key="agency_not_allowed")
    check_password_rules(password)
    staff = Staff(email=email, name=name.strip(), role=role, agency_id=agency_id, password_hash=_hasher.hash(password),
                  created_at=now, password_changed_at=now)
    session.add(staff)
    session.flush()
    audit_service.record(session, by=by, action="staff.create", target=email, now=now,
                         data={"role": role.value, "agency": agency_code or None})
    return staff


def authenticate(session: Session, *, email: str, password: str, now: datetime) -> Staff | None:
    """The active account with this e-mail and password, or None (which of the two was wrong is not said)."""
    staff = session.exec(select(Staff).where(Staff.email == email.strip().lower())).first()
    try:
        _hasher.verify(staff.password_hash if staff else _dummy_hash(), password)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return None
    if staff is None or not staff.active:
        return None
    if _hasher.check_needs_rehash(staff.password_hash):
        staff.password_hash = _hasher.hash(password)
    staff.last_login_at = now
    session.add(staff)
    return staff


@dataclass
class Started:
    token: str  # for the cookie; only its hash is stored
    row: StaffSession


def start_session(session: Session, *, staff: Staff, now: datetime) -> Started:
    assert staff.id is not None
    token = secrets.token_urlsafe(32)
    row = StaffSession(id=digest(token), staff_id=staff.id, csrf_token=secrets.token_urlsafe(32),
                       second_factor_ok=False, created_at=now, last_seen_at=now, expires_at=now + SESSION_LIFETIME)
    session.add(row)
    session.flush()
    return Started(token, row)


def needs_second_factor(staff: Staff) -> bool:
    return staff.totp_secret is not None or staff.role in SECOND_FACTOR_REQUIRED


def resume(session: Session, *, token: str, now: datetime) -> tuple[StaffSession, Staff] | None:
    """The live session for a cookie token and its active account; expired or idle ones are removed."""
    row = session.get(StaffSession, digest(token))
    if row is None:
        return None
    staff = session.get(Staff, row.staff_id)
    if staff is None or not staff.active or now >= row.expires_at or now - row.last_seen_at > IDLE_TIMEOUT:
        session.delete(row)
        return None
    if now - row.last_seen_at > timedelta(minutes=1):  # not a write on every request
        row.last_seen_at = now
        session.add(row)
    return row, staff


def end_session(session: Session, *, row: StaffSession) -> None:
    session.delete(row)


def end_all_sessions(session: Session, *, staff_id: int) -> None:
    session.execute(delete(StaffSession).where(col(StaffSession.staff_id) == staff_id))


def set_active(session: Session, *, staff: Staff, active: bool, by: str, now: datetime,
               by_staff_id: int | None = None) -> None:
    """Disabling an account ends its sessions and stops its API tokens at once. Nobody disables
    their own account (``by_staff_id``: the account of whoever asks, when it is a person signed in)."""
    if not active and by_staff_id is not None and by_staff_id == staff.id:
        raise FieldError("you cannot disable your own account", field="active", key="own_account")
    staff.active = active
    session.add(staff)
    if not active and staff.id is not None:
        end_all_sessions(session, staff_id=staff.id)
    audit_service.record(session, by=by, action="staff.enable" if active else "staff.disable", target=staff.email,
                         now=now)


def accounts(session: Session) -> list[Staff]:
    return list(session.exec(select(Staff).order_by(col(Staff.role), col(Staff.email))))


def reset_second_factor(session: Session, *, staff: Staff, by: str, now: datetime) -> None:
    """For a lost phone: the account enrols a new second factor at its next sign-in."""
    staff.totp_secret, staff.totp_last_step = None, None
    session.add(staff)
    assert staff.id is not None
    end_all_sessions(session, staff_id=staff.id)
    audit_service.record(session, by=by, action="staff.reset_second_factor", target=staff.email, now=now)


def change_password(session: Session, *, staff: Staff, current: str, new: str, keep: StaffSession | None,
                    now: datetime) -> None:
    try:
        _hasher.verify(staff.password_hash, current)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        raise FieldError("the current password is not right", field="current", key="password_wrong") from None
    check_password_rules(new)
    staff.password_hash = _hasher.hash(new)
    staff.password_changed_at = now
    session.add(staff)
    assert staff.id is not None
    others = delete(StaffSession).where(col(StaffSession.staff_id) == staff.id)
    if keep is not None:
        others = others.where(col(StaffSession.id) != keep.id)
    session.execute(others)  # every other session ends


# --- the TOTP second factor ----------------------------------------------------------------------

def begin_totp(session: Session, *, row: StaffSession) -> str:
    """A new secret for this session to confirm; returned for the authenticator app."""
    row.pending_totp_secret = pyotp.random_base32()
    session.add(row)
    return row.pending_totp_secret


def totp_uri(staff: Staff, secret: str) -> str:
    return pyotp.TOTP(secret).provisioning_uri(name=staff.email, issuer_name="CETTAR")


def totp_qr_svg(uri: str) -> str:
    """The set-up URI as a QR code, an inline SVG drawn on the server (no script, no third party)."""
    import segno

    svg: str = segno.make(uri, error="m").svg_inline(scale=5, dark="#111", light="#fff", title="TOTP", omitsize=True)
    return svg


def _matching_step(secret: str, code: str, *, now: datetime, after: int | None) -> int | None:
    """The 30-second time step whose code this is (the current one or a neighbour, for a phone's
    clock a little off), if it is later than ``after``: a code is accepted once only, so one read
    over a shoulder or from a log cannot be used again while it is still valid."""
    code = "".join(code.split())
    totp = pyotp.TOTP(secret)
    current = totp.timecode(now)
    for step in (current - 1, current, current + 1):
        if (after is None or step > after) and secrets.compare_digest(totp.generate_otp(step), code):
            return step
    return None


def confirm_totp(session: Session, *, staff: Staff, row: StaffSession, code: str, now: datetime) -> None:
    step = _matching_step(row.pending_totp_secret, code, now=now, after=None) if row.pending_totp_secret else None
    if step is None:
        raise FieldError("that code is not right; try the newest one from the app", field="code", key="totp_wrong")
    staff.totp_secret, row.pending_totp_secret, row.second_factor_ok = row.pending_totp_secret, None, True
    staff.totp_last_step = step
    session.add(staff)
    session.add(row)


def verify_second_factor(session: Session, *, staff: Staff, row: StaffSession, code: str, now: datetime) -> None:
    step = _matching_step(staff.totp_secret, code, now=now, after=staff.totp_last_step) if staff.totp_secret else None
    if step is None:
        raise FieldError("that code is not right, or was used already; wait for the next one from the app",
                         field="code", key="totp_wrong")
    staff.totp_last_step = step
    row.second_factor_ok = True
    session.add(staff)
    session.add(row)


def csrf_ok(row: StaffSession, given: str | None) -> bool:
    return bool(given) and hmac.compare_digest(row.csrf_token, given or "")


# --- API tokens ----------------------------------------------------------------------------------

def create_api_token(session: Session, *, staff: Staff, name: str, now: datetime, by: str = "system") -> str:
    assert staff.id is not None
    token = TOKEN_PREFIX + secrets.token_urlsafe(32)
    session.add(ApiToken(token_hash=digest(token), staff_id=staff.id, name=name, created_at=now))
    session.flush()
    audit_service.record(session, by=by, action="token.create", target=staff.email, now=now, data={"name": name})
    return token


def staff_for_api_token(session: Session, *, token: str, now: datetime) -> Staff | None:
    if not token.startswith(TOKEN_PREFIX):
        return None
    row = session.exec(select(ApiToken).where(ApiToken.token_hash == digest(token))).first()
    if row is None or row.revoked_at is not None:
        return None
    staff = session.get(Staff, row.staff_id)
    if staff is None or not staff.active:
        return None
    if row.last_used_at is None or now - row.last_used_at > timedelta(minutes=5):
        row.last_used_at = now
        session.add(row)
    return staff
