"""The status workflow, checked in one place. Every change of status goes through ``transition``,
which refuses moves the workflow does not allow, appends the event that clocks, timelines and
metrics are later read from, and writes back the SLA clocks that ``cettar.clock.service``
computes from the status history."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from typing import Any

from sqlmodel import Session, col, select

from cettar.agency import service as agency_service
from cettar.agency.models import Agency
from cettar.clock import service as clock_service
from cettar.clock.models import SlaClock
from cettar.complaint import outbox
from cettar.complaint.models import ActorType, Complaint, ComplaintEvent, Status
from cettar.errors import Conflict
from sla.calendar import WorkingCalendar
from sla.clock import StatusChange
from sla.policy import Policy


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



@contextmanager
def batch_reads(session: Session, complaint_ids: list[int]) -> Iterator[None]:
    """For a batch that moves many complaints in one transaction: what every step of every
    complaint reads — the SLA policies, the active agency directory, the reporters' contacts — is
    read once for the batch, not once per complaint (a directory or policy change commits in its own
    transaction, so it reaches the next batch)."""
    session.info[clock_service.POLICIES_KEY] = clock_service.policies(session)
    agency_service.read_directory_once(session)
    outbox.read_contacts_once(session, complaint_ids)
    try:
        yield
    finally:
        for key in (clock_service.POLICIES_KEY, agency_service.DIRECTORY_KEY, outbox.CONTACTS_KEY):
            session.info.pop(key, None)


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
    from_status: Status | None = None,
    to_status: Status | None = None,
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
    if session.info.get(DEFER_CLOCKS):  # an import of the past: its clocks come at the end, and nobody is told
        return event
    if to_status is not None:  # the SLA clocks are read from these events
        refresh_clocks(session, complaint=complaint, now=now)
    outbox.queue_for(session, complaint, event)  # what the reporter is told, sent after the commit
    return event


def _unflushed(session: Session, kind: type[Any], complaint_id: int) -> list[Any]:
    """This complaint's rows of ``kind`` added to the session and not yet flushed, in the order added."""
    return [row for row in session.new if isinstance(row, kind) and row.complaint_id == complaint_id]


def status_history(session: Session, complaint_id: int) -> list[StatusChange]:
    """The complaint's status changes, stored and still in the session: read without flushing, so
    that a batch of a hundred complaints is written in one flush at its end, not one per step."""
    with session.no_autoflush:
        rows = list(session.exec(
            select(ComplaintEvent.occurred_at, ComplaintEvent.to_status)
            .where(ComplaintEvent.complaint_id == complaint_id, col(ComplaintEvent.to_status).is_not(None))
            .order_by(col(ComplaintEvent.occurred_at), col(ComplaintEvent.id))
        ).all())
    added = [(e.occurred_at, e.to_status) for e in _unflushed(session, ComplaintEvent, complaint_id) if e.to_status]
    rows += added
    rows.sort(key=lambda row: row[0])  # stable: among equal times, stored (by id) before added (in order)
    return [StatusChange(at, Status(status).value) for at, status in rows if status]


def agency_code(session: Session, complaint: Complaint) -> str | None:
    agency = session.get(Agency, complaint.agency_id) if complaint.agency_id else None
    return agency.code if agency else None


def clock_policy(session: Session, complaint: Complaint) -> tuple[Policy, WorkingCalendar]:
    """The SLA policy in force for this complaint, and its agency's working calendar."""
    return clock_service.policy_and_calendar(
        clock_service.policies(session), agency=agency_code(session, complaint), channel=complaint.channel,
        category=complaint.category, priority=complaint.priority)


def refresh_clocks(session: Session, *, complaint: Complaint, now: datetime) -> list[SlaClock]:
    """Write the complaint's clocks and ``due_at`` as of ``now``, from its status history (with the
    events and clocks added to the session and not yet flushed)."""
    assert complaint.id is not None
    policy, calendar = clock_policy(session, complaint)
    changes = status_history(session, complaint.id)
    with session.no_autoflush:
        existing = {c.name: c for c in session.exec(select(SlaClock).where(SlaClock.complaint_id == complaint.id))}
    existing |= {c.name: c for c in _unflushed(session, SlaClock, complaint.id)}
    stored = {name: clock_service.Stored(started_at=row.started_at, breached_at=row.breached_at, deadline=row.deadline,
                                         stopped_at=row.stopped_at) for name, row in existing.items()}
    computed = clock_service.compute(policy, calendar, changes=changes, now=now, stored=stored)
    written = []
    for values in computed.clocks:
        row = existing.get(values.name) or SlaClock(complaint_id=complaint.id, name=values.name, policy=computed.policy,
                                                    status=values.status)
        if values.restarted:
            row.warned_at = row.breached_at = row.escalate_at = row.escalated_at = None
        row.policy = computed.policy
        row.agency_id = complaint.agency_id
        row.status = values.status
        row.started_at, row.deadline, row.warn_at = values.started_at, values.deadline, values.warn_at
        row.stopped_at = values.stopped_at
        row.allowed_seconds, row.elapsed_seconds = values.allowed_seconds, values.elapsed_seconds
        row.updated_at = now
        session.add(row)
        written.append(row)
    if complaint.due_at != computed.due_at:
        complaint.due_at = computed.due_at
        session.add(complaint)
    return written


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
        raise Conflict(f"a complaint that is {current.value} cannot become {target.value}", key="not_allowed")
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
