"""Keeping each complaint's stored SLA clocks in step with its status history.

``refresh`` is called for every status event (from ``workflow.record_event``): it re-derives the
clocks of the complaint's policy from its events with the pure ``sla`` library and writes them.
"""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Session, col, select

from cettar.agency.models import Agency
from cettar.calendar import deployment_calendar
from cettar.clock.models import SlaClock
from cettar.complaint.models import Complaint, ComplaintEvent
from sla.calendar import WorkingCalendar
from sla.clock import ClockSpec, ClockState, ClockStatus, StatusChange, clock_state
from sla.policy import DEFAULT_POLICIES, Policy, choose_policy

POLICIES_KEY = "cettar.sla_policies"
STORED_STATUS = {
    ClockStatus.RUNNING: "running",
    ClockStatus.PAUSED: "paused",
    ClockStatus.MET: "met",
    ClockStatus.BREACHED: "breached",
}


def policies(session: Session | None = None) -> tuple[Policy, ...]:
    """The policies in force: those admins stored (cettar.clock.policies), then the defaults. A
    batch that writes many complaints in one transaction may read them once and keep them in
    ``session.info[POLICIES_KEY]``."""
    if session is None:
        return DEFAULT_POLICIES
    if POLICIES_KEY in session.info:
        return session.info[POLICIES_KEY]  # type: ignore[no-any-return]
    from cettar.clock import policies as stored

    return stored.in_force(session)


def history(session: Session, complaint_id: int) -> list[StatusChange]:
    rows = session.exec(
        select(ComplaintEvent.occurred_at, ComplaintEvent.to_status)
        .where(ComplaintEvent.complaint_id == complaint_id, col(ComplaintEvent.to_status).is_not(None))
        .order_by(col(ComplaintEvent.occurred_at), col(ComplaintEvent.id))
    ).all()
    return [StatusChange(at, status) for at, status in rows if status]


def _warn_at(spec: ClockSpec, state: ClockState, calendar: WorkingCalendar) -> datetime | None:
    if state.started_at is None or state.stopped_at is not None:
        return None
    threshold = state.allowed * spec.warn_share + state.paused
    if spec.duration.counts_working_time():
        return calendar.add_working_time(state.started_at, threshold)
    return state.started_at + threshold


def _policy_and_calendar(session: Session, complaint: Complaint) -> tuple[Policy, WorkingCalendar]:
    """The complaint's policy in force, and the working calendar of its agency."""
    agency = session.get(Agency, complaint.agency_id) if complaint.agency_id else None
    policy = choose_policy(policies(session), agency=agency.code if agency else None, channel=complaint.channel,
                           category=complaint.category, priority=complaint.priority)
    return policy, deployment_calendar(agency.code if agency else None)


def deadline_from(session: Session, *, complaint: Complaint, clock: str, started_at: datetime) -> datetime | None:
    """The deadline of the complaint's ``clock`` if it starts at ``started_at`` and is not paused:
    what ``refresh`` would store for it (for an import that needs to know ahead)."""
    policy, calendar = _policy_and_calendar(session, complaint)
    spec = next((c for c in policy.clocks if c.name == clock), None)
    return spec.duration.deadline(calendar, started_at) if spec is not None else None


def refresh(session: Session, *, complaint: Complaint, now: datetime) -> list[SlaClock]:
    """Write the complaint's clocks as of ``now`` (events added to the session are flushed by
    the history query first)."""
    assert complaint.id is not None
    policy, calendar = _policy_and_calendar(session, complaint)
    changes = history(session, complaint.id)
    existing = {c.name: c for c in session.exec(select(SlaClock).where(SlaClock.complaint_id == complaint.id))}
    written = []
    for spec in policy.clocks:
        state = clock_state(spec, changes, calendar=calendar, now=now)
        if state.status == ClockStatus.NOT_STARTED:
            continue
        row = existing.get(spec.name) or SlaClock(complaint_id=complaint.id, name=spec.name, policy=policy.name, status="")
        if row.started_at is not None and row.started_at != state.started_at:
            row.warned_at = row.breached_at = row.escalate_at = row.escalated_at = None  # restarted: a new clock
        row.policy = policy.name
        row.agency_id = complaint.agency_id
        row.status = STORED_STATUS[state.status]
        if state.status == ClockStatus.BREACHED and state.stopped_at is None and row.breached_at is None:
            row.status = "running"  # past due but not yet recorded: the sweep records the breach once
        row.started_at = state.started_at
        row.deadline = state.deadline
        row.warn_at = _warn_at(spec, state, calendar)
        row.stopped_at = state.stopped_at
        row.allowed_seconds = int(state.allowed.total_seconds())
        row.elapsed_seconds = int(state.elapsed.total_seconds())
        row.updated_at = now
        session.add(row)
        written.append(row)
    running = [c.deadline for c in existing.values() if c.name not in {w.name for w in written} and c.stopped_at is None
               and c.deadline is not None] + [w.deadline for w in written if w.stopped_at is None and w.deadline is not None]
    due = min(running) if running else None
    if complaint.due_at != due:
        complaint.due_at = due
        session.add(complaint)
    return written

