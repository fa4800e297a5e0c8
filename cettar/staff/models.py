"""Staff accounts, their server-side sessions and API tokens.

A session is a row: the cookie holds a random token whose SHA-256 is the row's key, so disabling an
account (or changing its password) deletes its rows and ends every session at once.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from typing import Any

from sqlalchemy import JSON, Column, UniqueConstraint
from sqlmodel import Field, SQLModel

from cettar.types import UTCDateTime, timestamp_field, utcnow


class Role(StrEnum):
    OFFICER = "officer"  # works the own agency's queue
    SUPERVISOR = "supervisor"  # own agency: assigns, sees breaches
    TRIAGE = "triage"  # the triage desk, province-wide
    GOVERNOR = "governor"  # the governor's staff: reads everything, changes nothing
    ADMIN = "admin"  # agencies, staff, SLA policies, sources


AGENCY_ROLES = frozenset({Role.OFFICER, Role.SUPERVISOR})
SECOND_FACTOR_REQUIRED = frozenset({Role.ADMIN, Role.GOVERNOR})


class Staff(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    email: str = Field(max_length=254, unique=True, index=True)  # stored lower-case
    name: str = Field(default="", max_length=120)
    role: str = Field(max_length=12)
    agency_id: int | None = Field(default=None, foreign_key="agency.id", index=True)
    password_hash: str = Field(max_length=200)
    totp_secret: str | None = Field(default=None, max_length=64)  # set once the second factor is confirmed
    active: bool = True
    created_at: datetime = Field(default_factory=utcnow, sa_column=Column(UTCDateTime(), nullable=False))
    password_changed_at: datetime | None = timestamp_field()
    last_login_at: datetime | None = timestamp_field()


class StaffSession(SQLModel, table=True):
    __tablename__ = "staff_session"

    id: str = Field(primary_key=True, max_length=64)  # SHA-256 of the cookie's token
    staff_id: int = Field(foreign_key="staff.id", index=True)
    csrf_token: str = Field(max_length=64)
    second_factor_ok: bool = False  # the password alone opens nothing when a second factor is due
    pending_totp_secret: str | None = Field(default=None, max_length=64)  # being enrolled, not yet confirmed
    created_at: datetime = Field(default_factory=utcnow, sa_column=Column(UTCDateTime(), nullable=False))
    last_seen_at: datetime = Field(default_factory=utcnow, sa_column=Column(UTCDateTime(), nullable=False))
    expires_at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False, index=True))


class ApiToken(SQLModel, table=True):
    __tablename__ = "api_token"

    id: int | None = Field(default=None, primary_key=True)
    token_hash: str = Field(max_length=64, unique=True, index=True)
    staff_id: int = Field(foreign_key="staff.id", index=True)
    name: str = Field(default="", max_length=120)
    created_at: datetime = Field(default_factory=utcnow, sa_column=Column(UTCDateTime(), nullable=False))
    last_used_at: datetime | None = timestamp_field()
    revoked_at: datetime | None = timestamp_field()


class StaffNotice(SQLModel, table=True):
    """A notification delivered to one person's dashboard (an SLA warning, breach or escalation)."""

    __tablename__ = "staff_notice"
    __table_args__ = (UniqueConstraint("staff_id", "notification_id"),)

    id: int | None = Field(default=None, primary_key=True)
    staff_id: int = Field(foreign_key="staff.id", index=True)
    notification_id: int = Field(foreign_key="notification.id")
    complaint_id: int = Field(foreign_key="complaint.id", index=True)
    kind: str = Field(max_length=24)
    clock: str = Field(default="", max_length=24)
    created_at: datetime = Field(default_factory=utcnow, sa_column=Column(UTCDateTime(), nullable=False))
    read_at: datetime | None = timestamp_field()


class AuditEntry(SQLModel, table=True):
    """What an admin changed outside complaints (accounts, agencies, policies, sources), by whom."""

    __tablename__ = "audit_entry"

    id: int | None = Field(default=None, primary_key=True)
    at: datetime = Field(default_factory=utcnow, sa_column=Column(UTCDateTime(), nullable=False, index=True))
    actor: str = Field(max_length=200)
    action: str = Field(max_length=40)
    target: str = Field(default="", max_length=300)
    data: dict[str, Any] | None = Field(default=None, sa_column=Column(JSON))
