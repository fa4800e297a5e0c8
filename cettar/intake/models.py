"""The intake outbox: one row per accepted complaint, written in the same transaction as the
complaint, until a worker has processed it. The sweep re-sends rows a worker never finished."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Column, Text
from sqlmodel import Field, SQLModel

from cettar.types import UTCDateTime, utcnow


class IntakeRecord(SQLModel, table=True):
    __tablename__ = "intake_record"

    id: int | None = Field(default=None, primary_key=True)
    complaint_id: int = Field(foreign_key="complaint.id", unique=True)
    created_at: datetime = Field(default_factory=utcnow, sa_column=Column(UTCDateTime(), nullable=False))
    enqueued_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime(), index=True))
    sends: int = 0
    processed_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime(), index=True))
    last_error: str | None = Field(default=None, sa_column=Column(Text))
    request_id: str | None = Field(default=None, max_length=64)  # of the request that filed it (cettar.logs)
