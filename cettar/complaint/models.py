"""Complaints, the reporter's contact (kept in its own table, never joined into a public view),
and the append-only event trail every status change writes."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import JSON, Column, Index, Text, UniqueConstraint
from sqlmodel import Field, SQLModel

from cettar.types import UTCDateTime, enum_field, timestamp_field, utcnow


class Status(StrEnum):
    """Where a complaint is in its life; ``complaint.workflow.ALLOWED`` says which moves exist."""

    RECEIVED = "received"
    TRIAGE = "triage"  # waiting for a person to route it
    DISPOSITIONED = "dispositioned"  # routed to an agency, not yet picked up
    IN_PROGRESS = "in_progress"
    WAITING_CITIZEN = "waiting_citizen"
    RESPONDED = "responded"
    RESOLVED = "resolved"
    CLOSED = "closed"
    REOPENED = "reopened"
    REJECTED = "rejected"  # spam, or a duplicate of another complaint


OPEN_STATUSES = frozenset(set(Status) - {Status.RESOLVED, Status.CLOSED, Status.REJECTED})


class Channel(StrEnum):
    WEB = "web"
    API = "api"
    NEWS = "news"
    SOCIAL = "social"
    HISTORY = "history"  # imported from a past system (cettar seed-demo --history)
    OPEN311 = "open311"  # an Open311 integration (its name: cettar.open311.keys.names)


# what staff may categorise a complaint as ('' for none); a category chooses the SLA policy
CATEGORIES = ("", "fire", "flood", "disaster", "emergency", "infrastructure", "environment", "administration", "social")


class Priority(StrEnum):
    NORMAL = "normal"
    URGENT = "urgent"


class Privacy(StrEnum):
    PUBLIC = "public"
    ANONYMOUS = "anonymous"  # shown without the reporter's identity
    CONFIDENTIAL = "confidential"  # never public; the reporter reads it with the secret


class ActorType(StrEnum):
    CITIZEN = "citizen"
    STAFF = "staff"
    SYSTEM = "system"


class RoutedBy(StrEnum):
    MODEL = "model"
    PERSON = "person"


class Complaint(SQLModel, table=True):
    __table_args__ = (
        UniqueConstraint("source", "external_id"),
        Index("ix_complaint_agency_status", "agency_id", "status"),
        # covers the backlog query (open complaints by agency and age) without reading the table
        Index("ix_complaint_status_agency_received", "status", "agency_id", "received_at"),
        # the officer queue: an agency's open complaints by their nearest SLA deadline
        Index("ix_complaint_agency_status_due", "agency_id", "status", "due_at"),
    )

    id: int | None = Field(default=None, primary_key=True)
    tracking_code: str = Field(max_length=24, unique=True, index=True)
    access_secret_hash: str | None = Field(default=None, max_length=64)
    title: str = Field(default="", max_length=200)
    text: str = Field(sa_column=Column(Text, nullable=False))
    channel: Channel = enum_field(Channel, 10)
    source: str = Field(max_length=64)
    external_id: str = Field(max_length=200)
    region_code: str | None = Field(default=None, foreign_key="region.code", max_length=32)
    district_code: str | None = Field(default=None, foreign_key="region.code", max_length=32)
    address: str = Field(default="", max_length=500)
    latitude: float | None = None
    longitude: float | None = None
    privacy: Privacy = enum_field(Privacy, 12, default=Privacy.PUBLIC)
    language: str = Field(default="id", max_length=8, sa_column_kwargs={"server_default": "id"})  # the reporter's
    status: Status = enum_field(Status, 20, index=True)
    agency_id: int | None = Field(default=None, foreign_key="agency.id")
    routed_by: RoutedBy | None = enum_field(RoutedBy, 10, nullable=True)
    routing_confidence: float | None = None
    routing_suggestions: list[dict[str, Any]] | None = Field(default=None, sa_column=Column(JSON))
    duplicate_of_id: int | None = Field(default=None, foreign_key="complaint.id", index=True)
    assignee_id: int | None = Field(default=None, foreign_key="staff.id", index=True)
    category: str | None = Field(default=None, max_length=40)  # e.g. flood, fire: chooses the SLA policy
    priority: Priority = enum_field(Priority, 10, default=Priority.NORMAL)
    # an integrity complaint (classifier.flags): never routed automatically; staff see why
    sensitive: bool = False
    # what the intake lexicon found, shown to staff as the reason: {"urgent": {"category", "why"}, "sensitive": {...}}
    flags: dict[str, Any] | None = Field(default=None, sa_column=Column(JSON))
    due_at: datetime | None = timestamp_field()  # the nearest deadline of its running SLA clocks
    received_at: datetime = Field(default_factory=utcnow, sa_column=Column(UTCDateTime(), nullable=False, index=True))
    triaged_at: datetime | None = timestamp_field()
    dispositioned_at: datetime | None = timestamp_field()
    in_progress_at: datetime | None = timestamp_field()
    waiting_citizen_at: datetime | None = timestamp_field()
    responded_at: datetime | None = timestamp_field()
    resolved_at: datetime | None = timestamp_field()
    closed_at: datetime | None = timestamp_field()
    rejected_at: datetime | None = timestamp_field()
    reopened_at: datetime | None = timestamp_field()
    updated_at: datetime = Field(default_factory=utcnow, sa_column=Column(UTCDateTime(), nullable=False, index=True))


class ReporterContact(SQLModel, table=True):
    __tablename__ = "reporter_contact"

    complaint_id: int = Field(foreign_key="complaint.id", primary_key=True)
    name: str = Field(default="", max_length=120)
    phone: str = Field(default="", max_length=20)
    email: str = Field(default="", max_length=254)
    handle: str = Field(default="", max_length=100)  # a social-media account (e.g. x:username); never public


class ComplaintEvent(SQLModel, table=True):
    __tablename__ = "complaint_event"

    id: int | None = Field(default=None, primary_key=True)
    complaint_id: int = Field(foreign_key="complaint.id", index=True)
    occurred_at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))
    actor_type: ActorType = enum_field(ActorType, 10)
    actor: str = Field(default="", max_length=120)
    kind: str = Field(max_length=20)
    from_status: Status | None = enum_field(Status, 20, nullable=True)
    to_status: Status | None = enum_field(Status, 20, nullable=True)
    public_message: str | None = Field(default=None, sa_column=Column(Text))
    internal_note: str | None = Field(default=None, sa_column=Column(Text))
    data: dict[str, Any] | None = Field(default=None, sa_column=Column(JSON))


class CorrectionKind(StrEnum):
    ROUTED_FROM_TRIAGE = "routed_from_triage"
    TRANSFERRED = "transferred"
    NOT_OUR_AUTHORITY = "not_our_authority"


class RoutingCorrection(SQLModel, table=True):
    """A person's routing decision, kept as a labelled example for retraining the classifier.
    ``agency_code`` is the agency a person chose; it is empty for "not our authority", which
    says only that ``previous_agency_code`` was wrong."""

    __tablename__ = "routing_correction"

    id: int | None = Field(default=None, primary_key=True)
    complaint_id: int = Field(foreign_key="complaint.id", index=True)
    kind: CorrectionKind = enum_field(CorrectionKind, 24)
    agency_code: str | None = Field(default=None, max_length=32)
    previous_agency_code: str | None = Field(default=None, max_length=32)
    actor: str = Field(default="", max_length=120)
    created_at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False, index=True))


class MessageKind(StrEnum):
    """The public steps a reporter is told of."""

    RECEIVED = "received"
    ROUTED = "routed"
    QUESTION = "question"
    REPLY = "reply"
    RESOLVED = "resolved"
    REOPENED = "reopened"
    CLOSED = "closed"


class Delivery(StrEnum):
    PENDING = "pending"
    SENT = "sent"
    FAILED = "failed"  # gave up after the last retry
    SKIPPED = "skipped"  # nothing to send it with (no SMTP server, no address): ``last_error`` says why


class ReporterMessage(SQLModel, table=True):
    """The outbox of what the reporter is told: one row per public event and channel (the unique key
    is what makes queuing or sending twice harmless), sent by a job after the commit, retried with
    growing delays."""

    __tablename__ = "reporter_message"
    __table_args__ = (UniqueConstraint("event_id", "channel"), Index("ix_reporter_message_status_next", "status", "next_attempt_at"))

    id: int | None = Field(default=None, primary_key=True)
    complaint_id: int = Field(foreign_key="complaint.id", index=True)
    event_id: int = Field(foreign_key="complaint_event.id")
    channel: str = Field(max_length=8)  # email, sms
    kind: MessageKind = enum_field(MessageKind, 12)
    language: str = Field(max_length=8)
    status: Delivery = enum_field(Delivery, 8, default=Delivery.PENDING)
    attempts: int = 0
    last_error: str = Field(default="", max_length=500)
    created_at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))
    next_attempt_at: datetime | None = timestamp_field()
    sent_at: datetime | None = timestamp_field()


class ComplaintRating(SQLModel, table=True):
    """The reporter's rating of how the complaint was handled: once per complaint, after resolution."""

    __tablename__ = "complaint_rating"

    id: int | None = Field(default=None, primary_key=True)
    complaint_id: int = Field(foreign_key="complaint.id", unique=True)
    score: int  # 1 (bad) … 5 (good)
    comment: str = Field(default="", sa_column=Column(Text, nullable=False, server_default=""))
    created_at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False, index=True))


class ComplaintPhoto(SQLModel, table=True):
    """A photo the reporter attached: re-encoded without EXIF or GPS, kept in ``cettar.storage``
    under ``key`` with a thumbnail under ``thumb_key``. The same picture twice is one row."""

    __tablename__ = "complaint_photo"
    __table_args__ = (UniqueConstraint("complaint_id", "sha256"),)

    id: int | None = Field(default=None, primary_key=True)
    complaint_id: int = Field(foreign_key="complaint.id", index=True)
    key: str = Field(max_length=200)
    thumb_key: str = Field(max_length=200)
    sha256: str = Field(max_length=64)  # of the bytes as uploaded: a retried upload is recognised
    width: int
    height: int
    size_bytes: int  # of the stored (re-encoded) image
    created_at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))
