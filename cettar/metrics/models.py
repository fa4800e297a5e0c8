"""A daily roll-up per agency, so that a period's metrics read a few hundred rows instead of a
million complaints. Counts are exact; response times are kept as histograms whose buckets widen
with the time taken: 15 minutes up to one working day (8 h), 1 hour up to 48 h, 4 hours up to
200 h, then one bucket for the rest. A median or p90 is reported as its bucket's middle."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, Index, UniqueConstraint, text
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


class _Period(SQLModel):
    """What a roll-up row counts, for one period (a day, or everything up to a day)."""

    id: int | None = Field(default=None, primary_key=True)
    received: int = 0
    routed: int = 0
    resolved: int = 0
    reopened: int = 0
    responses: int = 0
    responded_within_sla: int = 0
    breaches: int = 0
    finished: int = 0  # resolved or closed (as of the refresh)
    finished_first_time: int = 0  # ... and never reopened
    public_responses: int = 0  # with at least one public answer from staff
    resolutions: int = 0  # resolution clocks stopped by a resolution (not by an automatic closing)
    resolved_within_sla: int = 0
    media_received: int = 0  # picked up from news and social media (MEDIA_CHANNELS)
    media_responses: int = 0
    media_within_sla: int = 0
    still_open: int = 0  # received that day and open when the row was refreshed: the backlog by age
    ratings: int = 0  # the reporters' ratings (1-5) of these complaints' handling
    rating_points: int = 0  # their sum: the mean is rating_points / ratings
    satisfied: int = 0  # ratings of 4 or 5
    first_response_histogram: dict[str, int] = Field(default_factory=dict, sa_type=JSON, nullable=False)
    resolution_histogram: dict[str, int] = Field(default_factory=dict, sa_type=JSON, nullable=False)
    refreshed_at: datetime | None = Field(default=None, sa_type=UTCDateTime, nullable=True)


class _AgencyPeriod(_Period):
    agency_key: int = 0  # the agency's id; 0 for complaints not routed to any agency


COUNTED = ("received", "routed", "resolved", "reopened", "responses", "responded_within_sla", "breaches",
           "finished", "finished_first_time", "public_responses", "resolutions", "resolved_within_sla",
           "media_received", "media_responses", "media_within_sla", "still_open", "ratings", "rating_points", "satisfied")
MEDIA_CHANNELS = ("news", "social")  # what the Tanggap letter counts
# what a day row is split by, so the dashboard can filter; '' where a complaint has none
SLICE = ("region_code", "district_code", "channel", "category", "confidential")
HISTOGRAMS = ("first_response_histogram", "resolution_histogram")


class AgencyDay(_AgencyPeriod, table=True):
    """One agency's complaints received (and clocks started) on one local day, split by the
    dashboard's filters: region, district, channel, category and whether it is confidential (the
    public figures leave those out). Unfiltered figures read the running totals instead."""

    __tablename__ = "agency_day"
    __table_args__ = (
        UniqueConstraint("day", "agency_key", "region_code", "district_code", "channel", "category", "confidential"),
        Index("ix_agency_day_agency_key_day", "agency_key", "day"),
        # the backlog by age reads only the rows that still have open complaints, from the index alone
        Index("ix_agency_day_open", "agency_key", "day", "still_open", sqlite_where=text("still_open > 0"),
              postgresql_where=text("still_open > 0")),
    )

    day: str = Field(max_length=10, index=True)  # local date, ISO
    region_code: str = Field(default="", max_length=32)
    district_code: str = Field(default="", max_length=32)
    channel: str = Field(default="", max_length=10)
    category: str = Field(default="", max_length=40)
    confidential: bool = False


class AgencyRunning(_AgencyPeriod, table=True):
    """Running totals: an agency's AgencyDay rows (every slice) summed from the first day up to and including
    ``day`` (histograms merged). Any period is then the difference of two rows per agency — the
    last one on or before its end and the last one before its start — so a year costs what a
    day costs."""

    __tablename__ = "agency_running"
    __table_args__ = (UniqueConstraint("agency_key", "day"),)

    day: str = Field(max_length=10)  # local date, ISO


class DistrictRunning(_Period, table=True):
    """Running totals per district (every agency's AgencyDay rows of that district), so that the
    dashboard's district table for any period is two rows per district, like the league's."""

    __tablename__ = "district_running"
    __table_args__ = (UniqueConstraint("district_code", "day"),)

    district_code: str = Field(max_length=32)  # '' for complaints without a district
    day: str = Field(max_length=10)  # local date, ISO
