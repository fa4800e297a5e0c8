"""The status workflow, checked in one place. Every change of status goes through ``transition``,
which refuses moves the workflow does not allow and appends the event that clocks, timelines
and metrics are later read from."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlmodel import Session

from cettar.clock import service as clock_service
from cettar.complaint.models import ActorType, Complaint, ComplaintEvent
from cettar.errors import Conflict


class Status(StrEnum):
    RECEIVED = "received"
    TRIAGE = "triage"  # waiting for a person to route it
    DISPOSITIONED = "dispositioned"  # routed to an agency, not yet picked up
    IN_PROGRESS = "in_progress"
    WAITING_CITIZEN = "waiting_citizen"
    RESPONDED = "responded"
    RESOLVED = "resolved"
    CLOSED = "closed"
    REOPENED = "reopened"
    REJECTED = "rejected"  # spam, or a duplicate of another complaint


S = Status
ALLOWED: dict[Status, frozenset[Status]] = {
    S.RECEIVED: frozenset({S.TRIAGE, S.DISPOSITIONED, S.REJECTED}),
    S.TRIAGE: frozenset({S.DISPOSITIONED, S.REJECTED}),
    # dispositioned -> dispositioned is a transfer to another agency; -> triage is "not our authority"
    S.DISPOSITIONED: frozenset({S.DISPOSITIONED, S.IN_PROGRESS, S.RESPONDED, S.TRIAGE, S.REJECTED}),
    S.IN_PROGRESS: frozenset({S.WAITING_CITIZEN, S.RESPONDED, S.RESOLVED, S.DISPOSITIONED, S.TRIAGE, S.REJECTED}),
    S.WAITING_CITIZEN: frozenset({S.IN_PROGRESS, S.RESPONDED, S.RESOLVED, S.CLOSED}),
    S.RESPONDED: frozenset({S.IN_PROGRESS, S.WAITING_CITIZEN, S.RESOLVED, S.CLOSED, S.REOPENED}),
    S.RESOLVED: frozenset({S.CLOSED, S.REOPENED}),
    S.CLOSED: frozenset({S.REOPENED}),
    S.REOPENED: frozenset({S.IN_PROGRESS, S.RESPONDED, S.RESOLVED, S.DISPOSITIONED, S.TRIAGE}),
    S.REJECTED: frozenset({S.TRIAGE}),
}

# The stage timestamp each status sets on the complaint (the first or latest time it was reached).
STAGE_COLUMN: dict[Status, str] = {
    S.TRIAGE: "triaged_at",
    S.DISPOSITIONED: "dispositioned_at",
    S.IN_PROGRESS: "in_progress_at",
    S.WAITING_CITIZEN: "waiting_citizen_at",
    S.RESPONDED: "responded_at",
    S.RESOLVED: "resolved_at",
    S.CLOSED: "closed_at",
    S.REJECTED: "rejected_at",
    S.REOPENED: "reopened_at",
}

# An import that writes a complaint's whole known history at once sets this in ``session.info`` and
# refreshes the clocks itself after the last step: they are derived from the complete history, so
# deriving them once gives the clocks that deriving them after every step gives.
DEFER_CLOCKS = "cettar.defer_clock_refresh"

OPEN_STATUSES = frozenset(set(Status) - {S.RESOLVED, S.CLOSED, S.REJECTED})


def can_transition(current: Status | str, target: Status | str) -> bool:
    return Status(target) in ALLOWED.get(Status(current), frozenset())


def record_event(
    session: Session,
    complaint: Complaint,
    *,
    kind: str,
    actor_type: ActorType,
    now: datetime,
    actor: str = "",
    from_status: str | None = None,
    to_status: str | None = None,
    public_message: str | None = None,
    internal_note: str | None = None,
    data: dict[str, Any] | None = None,
) -> ComplaintEvent:
    assert complaint.id is not None, "flush the complaint before recording its events"
    event = ComplaintEvent(
        complaint_id=complaint.id,
        occurred_at=now,
        actor_type=actor_type,
        actor=actor,
        kind=kind,
        from_status=from_status,
        to_status=to_status,
        public_message=public_message,
        internal_note=internal_note,
        data=data,
    )
    session.add(event)
    if to_status is not None and not session.info.get(DEFER_CLOCKS):  # the SLA clocks are read from these events
        clock_service.refresh(session, complaint=complaint, now=now)
    return event


def transition(
    session: Session,
    complaint: Complaint,
    target: Status,
    *,
    actor_type: ActorType,
    now: datetime,
    actor: str = "",
    public_message: str | None = None,
    internal_note: str | None = None,
    data: dict[str, Any] | None = None,
) -> ComplaintEvent:
    current = Status(complaint.status)
    if not can_transition(current, target):
        raise Conflict(f"a complaint that is {current.value} cannot become {target.value}")
    complaint.status = target
    column = STAGE_COLUMN.get(target)
    if column is not None:
        setattr(complaint, column, now)
    complaint.updated_at = now
    session.add(complaint)
    return record_event(
        session,
        complaint,
        kind="status",
        actor_type=actor_type,
        actor=actor,
        now=now,
        from_status=current,
        to_status=target,
        public_message=public_message,
        internal_note=internal_note,
        data=data,
    )
