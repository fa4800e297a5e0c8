"""Sources of complaints other than the form: news feeds and X queries, and every item they gave.

A ``SourceItem`` row is written for every item a poll sees for the first time, whatever became of
it (a complaint, another source of an existing complaint, skipped with its reason, an error), so a
second poll, or the same poll run twice, recognises it by ``(source_id, item_key)`` and does
nothing. The items linked to one complaint are that complaint's sources.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import JSON, Column, Text, UniqueConstraint
from sqlmodel import Field, SQLModel

from cettar.types import UTCDateTime, timestamp_field, utcnow


from cettar.sources.kinds import SourceKind as SourceKind  # noqa: E402  (light: the CLI reads it)


class Health(StrEnum):
    NEW = "new"
    OK = "ok"
    WARNING = "warning"  # polled, but not cleanly (a malformed feed that still gave items)
    ERROR = "error"
    RATE_LIMITED = "rate_limited"
    DISABLED = "disabled"


class Outcome(StrEnum):
    CREATED = "created"
    DUPLICATE = "duplicate"  # the same story already has a complaint: this item became one of its sources
    THREADED = "threaded"  # a reply to a post that has a complaint: added to its timeline
    SKIPPED = "skipped"
    ERROR = "error"


class Source(SQLModel, table=True):
    __table_args__ = (UniqueConstraint("kind", "target"),)

    id: int | None = Field(default=None, primary_key=True)
    kind: str = Field(max_length=12)
    target: str = Field(max_length=1000)  # feed URL, search query or user id
    name: str = Field(default="", max_length=200)
    region_code: str | None = Field(default=None, foreign_key="region.code", max_length=32)
    language: str = Field(default="id", max_length=8)
    enabled: bool = True
    poll_interval: int = 900  # seconds
    backfill: int = 20  # items the first poll takes at most
    etag: str | None = Field(default=None, max_length=300)
    last_modified: str | None = Field(default=None, max_length=100)
    cursor: str | None = Field(default=None, max_length=64)  # X since_id
    health: str = Field(default=Health.NEW, max_length=14)
    last_error: str | None = Field(default=None, sa_column=Column(Text))
    failures: int = 0  # consecutive; drives the back-off
    created_at: datetime = Field(default_factory=utcnow, sa_column=Column(UTCDateTime(), nullable=False))
    last_poll_at: datetime | None = timestamp_field()
    last_success_at: datetime | None = timestamp_field()
    next_poll_at: datetime | None = timestamp_field(index=True)
    seen: int = 0  # totals over every poll
    created: int = 0
    duplicates: int = 0
    skipped: int = 0
    errors: int = 0
    last_counts: dict[str, Any] | None = Field(default=None, sa_column=Column(JSON))


class SourceItem(SQLModel, table=True):
    __tablename__ = "source_item"
    __table_args__ = (UniqueConstraint("source_id", "item_key"),)

    id: int | None = Field(default=None, primary_key=True)
    source_id: int = Field(foreign_key="source.id")
    item_key: str = Field(max_length=64)
    fingerprint: str = Field(default="", max_length=32, index=True)
    complaint_id: int | None = Field(default=None, foreign_key="complaint.id", index=True)
    outcome: str = Field(max_length=10)
    reason: str = Field(default="", max_length=500)
    title: str = Field(default="", max_length=500)
    link: str = Field(default="", max_length=2000)
    published_at: datetime | None = timestamp_field()
    seen_at: datetime = Field(default_factory=utcnow, sa_column=Column(UTCDateTime(), nullable=False, index=True))
