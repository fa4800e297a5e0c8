"""What the public (the citizen with the tracking code) may see of a complaint. No contact
details and no internal notes are ever part of these shapes."""

from __future__ import annotations

from datetime import datetime

from sqlmodel import SQLModel

from cettar.agency.models import AgencyPublic
from cettar.region.models import RegionPublic


class TimelineEntryPublic(SQLModel):
    at: datetime
    status: str | None
    status_label: str | None
    by: str  # citizen, staff or system: never a person's name
    message: str | None


class PhotoPublic(SQLModel):
    url: str
    thumbnail_url: str
    width: int
    height: int


class ComplaintPublic(SQLModel):
    tracking_code: str
    status: str
    status_label: str
    title: str
    text: str
    privacy: str
    channel: str
    agency: AgencyPublic | None
    region: RegionPublic | None
    district: RegionPublic | None
    created_at: datetime
    updated_at: datetime
    due_at: datetime | None = None  # the nearest deadline of the clocks still running
    timeline: list[TimelineEntryPublic]
    photo_count: int = 0  # how many the reporter attached; staff see them all
    photos: list[PhotoPublic] = []  # shown only when the complaint is public


class SimilarComplaintPublic(SQLModel):
    """An open complaint that looks like the text given: follow it instead of filing another."""

    tracking_code: str
    tracking_url: str
    title: str
    excerpt: str  # the first 200 characters of its text
    status: str
    status_label: str
    received_at: datetime
    similarity: float  # 0 … 1 (cosine of TF-IDF over the normalised words)


class ComplaintFiled(SQLModel):
    tracking_code: str
    tracking_url: str
    status: str
    access_secret: str | None = None
    duplicate: bool = False


class CitizenMessage(SQLModel):
    """An answer to the officer's question, or more information."""

    text: str


class CitizenContest(SQLModel):
    reason: str


class CitizenRating(SQLModel):
    score: int  # 1 (bad) … 5 (good)
    comment: str = ""
