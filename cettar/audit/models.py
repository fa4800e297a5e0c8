"""The audit trail: what was changed outside complaints (accounts, agencies, policies, sources), by
whom — a person signed in, or an operator at the command line (``cli:<user>``)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Column
from sqlmodel import Field, SQLModel

from cettar.types import UTCDateTime, utcnow


class AuditEntry(SQLModel, table=True):
    """One change outside complaints, by whom (a staff label or ``cli:<user>``)."""

    __tablename__ = "audit_entry"

    id: int | None = Field(default=None, primary_key=True)
    at: datetime = Field(default_factory=utcnow, sa_column=Column(UTCDateTime(), nullable=False, index=True))
    actor: str = Field(max_length=200)
    action: str = Field(max_length=40)
    target: str = Field(default="", max_length=300)
    data: dict[str, Any] | None = Field(default=None, sa_column=Column(JSON))
