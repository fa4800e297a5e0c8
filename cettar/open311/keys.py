"""Issuing, checking and revoking Open311 api_keys (admins only; every change audited)."""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timedelta

from sqlmodel import Session, col, select

from cettar.audit import service as audit_service
from cettar.errors import Conflict, FieldError, NotFound
from cettar.open311.models import Open311Key

PREFIX = "o311_"
SOURCE = "open311:"  # a complaint's source: "open311:<key id>"


def digest(key: str) -> str:
    return hashlib.sha256(key.encode("utf-8")).hexdigest()


def issue(session: Session, *, name: str, per_minute: int = 60, by: str, now: datetime) -> tuple[Open311Key, str]:
    """A new integration and its key (returned once: only its hash is kept)."""
    name = " ".join(name.split())
    if not name or len(name) > 120:
        raise FieldError("name the integration (1-120 characters), e.g. the app's name", field="name", key="give_name")
    if not 1 <= per_minute <= 10_000:
        raise FieldError("requests per minute: 1-10000", field="per_minute", key="choice")
    if session.exec(select(Open311Key).where(Open311Key.name == name)).first() is not None:
        raise Conflict(f"an integration named {name!r} exists already", key="name_taken", values={"name": name})
    key = PREFIX + secrets.token_urlsafe(30)
    row = Open311Key(name=name, key_hash=digest(key), key_prefix=key[: len(PREFIX) + 4], per_minute=per_minute,
                     created_by=by, created_at=now)
    session.add(row)
    session.flush()
    audit_service.record(session, by=by, action="open311.key.issue", target=name, now=now, data={"per_minute": per_minute})
    return row, key


def revoke(session: Session, *, key_id: int, by: str, now: datetime) -> Open311Key:
    row = session.get(Open311Key, key_id)
    if row is None:
        raise NotFound("no such integration", key="no_integration")
    if row.revoked_at is None:
        row.revoked_at = now
        session.add(row)
        audit_service.record(session, by=by, action="open311.key.revoke", target=row.name, now=now)
    return row


def check(session: Session, *, key: str, now: datetime) -> Open311Key | None:
    """The integration this key belongs to, if it is one and not revoked."""
    if not key.startswith(PREFIX):
        return None
    row = session.exec(select(Open311Key).where(Open311Key.key_hash == digest(key))).first()
    if row is None or row.revoked_at is not None:
        return None
    if row.last_used_at is None or now - row.last_used_at > timedelta(minutes=5):
        row.last_used_at = now
        session.add(row)
    return row


def listing(session: Session) -> list[Open311Key]:
    return list(session.exec(select(Open311Key).order_by(col(Open311Key.revoked_at).is_not(None), col(Open311Key.name))))


def names(session: Session, sources: set[str]) -> dict[str, str]:
    """The integration's name for each ``open311:<id>`` source among these."""
    ids = [int(s[len(SOURCE):]) for s in sources if s.startswith(SOURCE) and s[len(SOURCE):].isdigit()]
    if not ids:
        return {}
    return {f"{SOURCE}{row.id}": row.name for row in session.exec(select(Open311Key).where(col(Open311Key.id).in_(ids)))}
