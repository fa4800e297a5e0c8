"""A daily roll-up per agency, so that a period's metrics read a few hundred rows instead of a
million complaints. Counts are exact; response times are kept as histograms whose buckets widen
with the time taken: 15 minutes up to one working day (8 h), 1 hour up to 48 h, 4 hours up to
200 h, then one bucket for the rest. A median or p90 is reported as its bucket's middle."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, Column, UniqueConstraint
from sqlmodel import Field, SQLModel

from cettar.types import UTCDateTime

# (first bucket, lower edge in seconds, bucket width in seconds) of each band
BANDS = ((0, 0, 900), (32, 8 * 3600, 3600), (72, 48 * 3600, 4 * 3600))
LAST_BUCKET = 110  # 200 working hours and beyond
LAST_EDGE = 200 * 3600

# the same banding in SQL, for the roll-up query (integer division on SQLite and PostgreSQL)
BUCKET_SQL = (
    "CASE WHEN elapsed_seconds < 28800 THEN elapsed_seconds / 900 "
    "WHEN elapsed_seconds < 172800 THEN 32 + (elapsed_seconds - 28800) / 3600 "
    f"WHEN elapsed_seconds < {LAST_EDGE} THEN 72 + (elapsed_seconds - 172800) / 14400 "
    f"ELSE {LAST_BUCKET} END"
)


def bucket_of(seconds: int) -> int:
    if seconds >= LAST_EDGE:
        return LAST_BUCKET
    first, edge, width = next(band for band in reversed(BANDS) if seconds >= band[1])
    return first + (seconds - edge) // width


def bucket_middle(bucket: int) -> float:
    """Seconds at the middle of a bucket (the lower edge of the last, open-ended one)."""
    if bucket >= LAST_BUCKET:
        return float(LAST_EDGE)
    first, edge, width = next(band for band in reversed(BANDS) if bucket >= band[0])
    return edge + (bucket - first) * width + width / 2


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
