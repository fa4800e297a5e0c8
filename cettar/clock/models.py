"""SLA clocks as stored rows, kept in step with each complaint's status history, so that the
sweep and the queues find what is due with an index instead of recomputing every complaint."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Index, UniqueConstraint
from sqlmodel import Field, SQLModel

from cettar.types import timestamp_field


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
    status: str = Field(max_length=12)  # running, paused, met, breached
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


class Notification(SQLModel, table=True):
    """Who must hear about a complaint's warning, breach or escalation; at most one per
    complaint, recipient and local day, and never sent before ``send_after`` (office hours).
    Delivery to staff dashboards and e-mail comes with the officer workbench."""

    __tablename__ = "notification"
    __table_args__ = (UniqueConstraint("complaint_id", "recipient", "day"),)

    id: int | None = Field(default=None, primary_key=True)
    complaint_id: int = Field(foreign_key="complaint.id", index=True)
    recipient: str = Field(max_length=64)  # assignee, agency_supervisor:<code>, governor_staff
    kind: str = Field(max_length=24)  # sla_warning, sla_breach, sla_escalation
    day: str = Field(max_length=10)  # local date of send_after
    clock: str = Field(max_length=24)
    created_at: datetime | None = timestamp_field()
    send_after: datetime | None = timestamp_field(index=True)
    sent_at: datetime | None = timestamp_field()
