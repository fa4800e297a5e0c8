"""An Open311 integration: an app or system that files and reads complaints through
``/open311/v2/``, with its own ``api_key`` (issued by an admin, shown once, stored as a hash) and its
own rate limit. Its complaints carry its name as their channel."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Column
from sqlmodel import Field, SQLModel

from cettar.types import UTCDateTime, timestamp_field, utcnow


class Open311Key(SQLModel, table=True):
    __tablename__ = "open311_key"

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(max_length=120, unique=True)  # shown as the channel of its complaints
    key_hash: str = Field(max_length=64, unique=True, index=True)  # SHA-256 of the key
    key_prefix: str = Field(max_length=16)  # the first characters, to tell keys apart on the admin page
    per_minute: int = 60  # requests filed per minute at most
    created_by: str = Field(default="", max_length=200)
    created_at: datetime = Field(default_factory=utcnow, sa_column=Column(UTCDateTime(), nullable=False))
    last_used_at: datetime | None = timestamp_field()
    revoked_at: datetime | None = timestamp_field()
    filed: int = 0  # requests filed with it
