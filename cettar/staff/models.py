"""Staff accounts, their server-side sessions and API tokens.

A session is a row: the cookie holds a random token whose SHA-256 is the row's key, so disabling an
account (or changing its password) deletes its rows and ends every session at once.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import Column, String, UniqueConstraint
from sqlalchemy.types import TypeDecorator
from sqlmodel import Field, SQLModel

from cettar.types import UTCDateTime, enum_field, timestamp_field, utcnow


from cettar.staff.roles import Role as Role  # noqa: E402  (a module of its own: the CLI reads it without SQLModel)

AGENCY_ROLES = frozenset({Role.OFFICER, Role.SUPERVISOR})
SECOND_FACTOR_REQUIRED = frozenset({Role.ADMIN, Role.GOVERNOR})


class Staff(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    email: str = Field(max_length=254, unique=True, index=True)  # stored lower-case
    name: str = Field(default="", max_length=120)
    role: Role = enum_field(Role, 12)
    agency_id: int | None = Field(default=None, foreign_key="agency.id", index=True)
    password_hash: str = Field(max_length=200)
    totp_secret: str | None = Field(default=None, max_length=64)  # set once the second factor is confirmed
    totp_last_step: int | None = None  # the time step of the last code accepted: each code works once
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


class NoticeKind(StrEnum):
    SLA_WARNING = "sla_warning"
    SLA_BREACH = "sla_breach"
    SLA_ESCALATION = "sla_escalation"
    CITIZEN_MESSAGE = "citizen_message"  # the reporter answered, added information or contested


class RecipientKind(StrEnum):
    STAFF = "staff"  # one person (the complaint's assignee when the notification was queued)
    AGENCY_SUPERVISORS = "agency_supervisor"  # the supervisors of the agency whose code follows
    GOVERNOR_STAFF = "governor_staff"
    # before migration 0017 the sweep wrote "assignee" and delivery looked the person up; rows sent
    # then keep it, and nothing writes it any more
    LEGACY_ASSIGNEE = "assignee"


@dataclass(frozen=True)
class Recipient:
    """Who a notification is for, stored as ``kind`` or ``kind:key`` (``staff:12``,
    ``agency_supervisor:DINKES``, ``governor_staff``)."""

    kind: RecipientKind
    key: str = ""

    def __str__(self) -> str:
        return f"{self.kind.value}:{self.key}" if self.key else self.kind.value

    @classmethod
    def parse(cls, text: str) -> Recipient:
        kind, _, key = text.partition(":")
        return cls(RecipientKind(kind), key)


class RecipientText(TypeDecorator[Recipient]):
    impl = String(64)
    cache_ok = True

    def process_bind_param(self, value: Recipient | str | None, dialect: Any) -> str | None:
        return None if value is None else str(value if isinstance(value, Recipient) else Recipient.parse(value))

    def process_result_value(self, value: str | None, dialect: Any) -> Recipient | None:
        return None if value is None else Recipient.parse(value)


class Notification(SQLModel, table=True):
    """Who must hear about a complaint's warning, breach or escalation; at most one per
    complaint, recipient and local day, and never sent before ``send_after`` (office hours).
    The SLA sweep queues them; ``cettar.staff.notices`` delivers them as dashboard notices."""

    __tablename__ = "notification"
    __table_args__ = (UniqueConstraint("complaint_id", "recipient", "day"),)

    id: int | None = Field(default=None, primary_key=True)
    complaint_id: int = Field(foreign_key="complaint.id", index=True)
    recipient: Recipient = Field(sa_column=Column(RecipientText(), nullable=False))
    kind: NoticeKind = enum_field(NoticeKind, 24)
    day: str = Field(max_length=10)  # local date of send_after
    clock: str = Field(max_length=24)
    created_at: datetime | None = timestamp_field()
    send_after: datetime | None = timestamp_field(index=True)
    sent_at: datetime | None = timestamp_field()


class StaffNotice(SQLModel, table=True):
    """A notification delivered to one person's dashboard (an SLA warning, breach or escalation)."""

    __tablename__ = "staff_notice"
    __table_args__ = (UniqueConstraint("staff_id", "notification_id"),)

    id: int | None = Field(default=None, primary_key=True)
    staff_id: int = Field(foreign_key="staff.id", index=True)
    notification_id: int = Field(foreign_key="notification.id")
    complaint_id: int = Field(foreign_key="complaint.id", index=True)
    kind: NoticeKind = enum_field(NoticeKind, 24)
    clock: str = Field(default="", max_length=24)
    created_at: datetime = Field(default_factory=utcnow, sa_column=Column(UTCDateTime(), nullable=False))
    read_at: datetime | None = timestamp_field()
