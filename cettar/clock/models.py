"""SLA clocks as stored rows, kept in step with each complaint's status history, so that the
sweep and the queues find what is due with an index instead of recomputing every complaint."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import Index, UniqueConstraint
from sqlmodel import Field, SQLModel

from cettar.types import enum_field, timestamp_field


class ClockRow(StrEnum):
    """A stored clock's state. A clock past its deadline stays ``running`` until the sweep records
    the breach (once), so "breached" always has a ``breached_at``."""

    RUNNING = "running"
    PAUSED = "paused"
    MET = "met"
    BREACHED = "breached"


class SlaClock(SQLModel, table=True):
    __tablename__ = "sla_clock"
    __table_args__ = (
        UniqueConstraint("complaint_id", "name"),
        Index("ix_sla_clock_status_deadline", "status", "deadline"),
        Index("ix_sla_clock_status_warn_at", "status", "warn_at"),
        Index("ix_sla_clock_agency_status", "agency_id", "status"),
        Index("ix_sla_clock_name_started_at", "name", "started_at"),  # the metrics read clocks by period
        Index("ix_sla_clock_name_status_deadline", "name", "status", "deadline"),  # the dashboard's newest breaches
    )

    id: int | None = Field(default=None, primary_key=True)
    complaint_id: int = Field(foreign_key="complaint.id")
    name: str = Field(max_length=24)
    policy: str = Field(max_length=40)
    agency_id: int | None = Field(default=None, foreign_key="agency.id")
    status: ClockRow = enum_field(ClockRow, 12)
    started_at: datetime | None = timestamp_field()
    deadline: datetime | None = timestamp_field()
    warn_at: datetime | None = timestamp_field()
    stopped_at: datetime | None = timestamp_field()
    allowed_seconds: int = 0
    elapsed_seconds: int = 0
    warned_at: datetime | None = timestamp_field()
    breached_at: datetime | None = timestamp_field()
    escalate_at: datetime | None = timestamp_field(index=True)
    escalated_at: datetime | None = timestamp_field()
    updated_at: datetime | None = timestamp_field(index=True)  # the roll-up refreshes the days of what changed
