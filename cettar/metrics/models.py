"""A daily roll-up per agency, so that a period's metrics read a few hundred rows instead of a
million complaints. Counts are exact; response times are kept as histograms of 15-minute
buckets, so medians and p90s are exact to a quarter of an hour."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Column, UniqueConstraint
from sqlmodel import Field, SQLModel

from cettar.types import UTCDateTime

BUCKET_SECONDS = 900
LAST_BUCKET = 2000  # 500 working hours and beyond


class AgencyDay(SQLModel, table=True):
    __tablename__ = "agency_day"
    __table_args__ = (UniqueConstraint("agency_key", "day"),)

    id: int | None = Field(default=None, primary_key=True)
    agency_key: int = 0  # the agency's id; 0 for complaints not routed to any agency
    day: str = Field(max_length=10, index=True)  # local date, ISO
    received: int = 0
    routed: int = 0
    resolved: int = 0
    reopened: int = 0
    responses: int = 0
    responded_within_sla: int = 0
    breaches: int = 0
    first_response_histogram: dict[str, int] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    resolution_histogram: dict[str, int] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    refreshed_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime(), nullable=True))


def empty_histogram() -> dict[str, Any]:
    return {}
