"""What the staff JSON API returns, as models, so the OpenAPI document describes it."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel

from cettar.complaint.models import Channel, Priority, Status


class StaffComplaintPublic(BaseModel):
    tracking_code: str
    status: Status
    agency_code: str | None
    channel: Channel
    title: str
    text: str
    received_at: datetime
    due_at: datetime | None
    assignee_id: int | None
    routing_suggestions: list[dict[str, Any]]
    priority: Priority = Priority.NORMAL
    category: str | None = None
    sensitive: bool = False  # an integrity complaint: never routed automatically
    flags: dict[str, Any] = {}  # why it is urgent or sensitive: {"urgent": {"category", "why"}, "sensitive": {"topic", "why"}}


class StaffEventPublic(BaseModel):
    at: datetime
    kind: str
    actor: str
    to_status: Status | None
    public_message: str | None
    internal_note: str | None


class StaffPhotoPublic(BaseModel):
    url: str
    thumbnail_url: str
    width: int
    height: int


class StaffComplaintDetail(StaffComplaintPublic):
    events: list[StaffEventPublic]
    photos: list[StaffPhotoPublic] = []


class StaffQueuePublic(BaseModel):
    total: int
    page: int
    pages: int
    complaints: list[StaffComplaintPublic]
