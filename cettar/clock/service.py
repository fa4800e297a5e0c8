"""SLA clocks from plain inputs: the policy in force for an agency, channel, category and priority,
and the clocks and nearest deadline a status history gives under it.

Nothing here reads or writes a complaint: the complaint package (``complaint.workflow``) loads the
history, calls ``compute`` and writes the result back, so the arrows point from complaints down to
clocks and never back.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlmodel import Session

from cettar.calendar import deployment_calendar
from cettar.clock.models import ClockRow
from sla.calendar import WorkingCalendar
from sla.clock import ClockSpec, ClockState, ClockStatus, StatusChange, clock_state
from sla.policy import DEFAULT_POLICIES, Policy, choose_policy

POLICIES_KEY = "cettar.sla_policies"


@dataclass(frozen=True)
class Stored:
    """What is already recorded of one clock: whether it restarted, and whether its breach is
    recorded (the sweep records each breach once)."""

    started_at: datetime | None
    breached_at: datetime | None
    deadline: datetime | None
    stopped_at: datetime | None


@dataclass(frozen=True)
class ClockValues:
    """One clock as it should be stored."""

    name: str
    status: ClockRow
    started_at: datetime | None
    deadline: datetime | None
    warn_at: datetime | None
    stopped_at: datetime | None
    allowed_seconds: int
    elapsed_seconds: int
    restarted: bool  # a new clock: forget the warning, breach and escalation of the old one


@dataclass(frozen=True)
class Clocks:
    policy: str
    clocks: list[ClockValues]
    due_at: datetime | None  # the nearest deadline among the clocks still running


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


def policy_and_calendar(policies_in_force: Sequence[Policy], *, agency: str | None, channel: str,
                        category: str | None, priority: str) -> tuple[Policy, WorkingCalendar]:
    """The policy that applies, and the working calendar of the agency (``agency`` is its code)."""
    policy = choose_policy(policies_in_force, agency=agency, channel=channel, category=category, priority=priority)
    return policy, deployment_calendar(agency)


def _warn_at(spec: ClockSpec, state: ClockState, calendar: WorkingCalendar) -> datetime | None:
    if state.started_at is None or state.stopped_at is not None:
        return None
    threshold = state.allowed * spec.warn_share + state.paused
    if spec.duration.counts_working_time():
        return calendar.add_working_time(state.started_at, threshold)
    return state.started_at + threshold


def deadline_from(policy: Policy, calendar: WorkingCalendar, *, clock: str, started_at: datetime) -> datetime | None:
    """The deadline of ``clock`` if it starts at ``started_at`` and is not paused (for an import
    that needs to know ahead what ``compute`` will give)."""
    spec = next((c for c in policy.clocks if c.name == clock), None)
    return spec.duration.deadline(calendar, started_at) if spec is not None else None


_STORED = {ClockStatus.RUNNING: ClockRow.RUNNING, ClockStatus.PAUSED: ClockRow.PAUSED, ClockStatus.MET: ClockRow.MET,
           ClockStatus.BREACHED: ClockRow.BREACHED}


def compute(policy: Policy, calendar: WorkingCalendar, *, changes: Sequence[StatusChange], now: datetime,
            stored: Mapping[str, Stored]) -> Clocks:
    """The clocks of ``policy`` for this status history as of ``now``, and the nearest deadline
    among those still running (clocks of another policy that ``stored`` still holds count too,
    as they stay in the table)."""
    clocks = []
    for spec in policy.clocks:
        state = clock_state(spec, changes, calendar=calendar, now=now)
        if state.status == ClockStatus.NOT_STARTED:
            continue
        before = stored.get(spec.name)
        status = _STORED[state.status]
        if (state.status == ClockStatus.BREACHED and state.stopped_at is None
                and (before is None or before.breached_at is None)):
            status = ClockRow.RUNNING  # past due but not yet recorded: the sweep records the breach once
        clocks.append(ClockValues(
            name=spec.name, status=status, started_at=state.started_at, deadline=state.deadline,
            warn_at=_warn_at(spec, state, calendar), stopped_at=state.stopped_at,
            allowed_seconds=int(state.allowed.total_seconds()), elapsed_seconds=int(state.elapsed.total_seconds()),
            restarted=before is not None and before.started_at is not None and before.started_at != state.started_at,
        ))
    computed = {c.name for c in clocks}
    running = [c.deadline for c in clocks if c.stopped_at is None and c.deadline is not None]
    running += [s.deadline for name, s in stored.items()
                if name not in computed and s.stopped_at is None and s.deadline is not None]
    return Clocks(policy=policy.name, clocks=clocks, due_at=min(running) if running else None)
