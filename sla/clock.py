"""SLA clocks derived from a complaint's status history.

A clock starts when the complaint enters one of its ``start_on`` statuses (entering one again, as
on a transfer, starts it afresh), pauses while the complaint waits for the citizen (that time does
not count), and stops when it enters one of its ``stop_on`` statuses; entering a ``restart_on``
status (a reopen) starts it again from zero.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from sla.calendar import WorkingCalendar
from sla.duration import Duration

WAITING_FOR_CITIZEN = frozenset({"waiting_citizen"})


@dataclass(frozen=True)
class StatusChange:
    at: datetime
    to_status: str


@dataclass(frozen=True)
class ClockSpec:
    name: str
    duration: Duration
    start_on: frozenset[str]
    stop_on: frozenset[str]
    pause_on: frozenset[str] = WAITING_FOR_CITIZEN
    restart_on: frozenset[str] = frozenset()
    warn_share: float = 0.75

    def __post_init__(self) -> None:
        if not 0 < self.warn_share < 1:
            raise ValueError("warn_share is a share of the allowed time, between 0 and 1")


class ClockStatus(StrEnum):
    NOT_STARTED = "not_started"
    RUNNING = "running"
    PAUSED = "paused"
    MET = "met"
    BREACHED = "breached"  # still running past its deadline, or stopped after it


@dataclass(frozen=True)
class ClockState:
    name: str
    status: ClockStatus
    started_at: datetime | None = None
    deadline: datetime | None = None
    stopped_at: datetime | None = None
    elapsed: timedelta = timedelta(0)
    remaining: timedelta = timedelta(0)
    allowed: timedelta = timedelta(0)
    paused: timedelta = timedelta(0)
    warning: bool = False

    @property
    def breached(self) -> bool:
        return self.status == ClockStatus.BREACHED

    @property
    def open(self) -> bool:
        return self.status in {ClockStatus.RUNNING, ClockStatus.PAUSED, ClockStatus.BREACHED} and self.stopped_at is None


def _measure(calendar: WorkingCalendar, spec: ClockSpec, start: datetime, end: datetime) -> timedelta:
    if spec.duration.counts_working_time():
        return calendar.working_time_between(start, end)
    return end - start


def _extend(calendar: WorkingCalendar, spec: ClockSpec, moment: datetime, amount: timedelta) -> datetime:
    if amount <= timedelta(0):
        return moment
    if spec.duration.counts_working_time():
        return calendar.add_working_time(moment, amount)
    return moment + amount


def clock_state(spec: ClockSpec, history: Iterable[StatusChange], *, calendar: WorkingCalendar, now: datetime) -> ClockState:
    started: datetime | None = None
    stopped: datetime | None = None
    paused_since: datetime | None = None
    paused = timedelta(0)
    for change in sorted(history, key=lambda c: c.at):
        if change.at > now:
            break
        status = change.to_status
        if status in spec.start_on or (status in spec.restart_on and started is not None):
            started, stopped, paused_since, paused = change.at, None, None, timedelta(0)
            if status in spec.pause_on:
                paused_since = change.at
            continue
        if started is None or stopped is not None:
            continue
        if paused_since is not None and status not in spec.pause_on:
            paused += _measure(calendar, spec, paused_since, change.at)
            paused_since = None
        if status in spec.stop_on:
            stopped = change.at
        elif status in spec.pause_on and paused_since is None:
            paused_since = change.at
    if started is None:
        return ClockState(spec.name, ClockStatus.NOT_STARTED)

    base = spec.duration.deadline(calendar, started)
    allowed = _measure(calendar, spec, started, base)
    end = stopped or now
    pause_so_far = paused + (_measure(calendar, spec, paused_since, end) if paused_since is not None else timedelta(0))
    deadline = _extend(calendar, spec, base, pause_so_far)
    elapsed = max(timedelta(0), _measure(calendar, spec, started, end) - pause_so_far)
    if stopped is not None:
        status = ClockStatus.MET if stopped <= deadline else ClockStatus.BREACHED
        remaining = timedelta(0)
    else:
        if now > deadline:
            status = ClockStatus.BREACHED
        else:
            status = ClockStatus.PAUSED if paused_since is not None else ClockStatus.RUNNING
        remaining = max(timedelta(0), allowed - elapsed)
    warning = stopped is None and allowed > timedelta(0) and elapsed >= allowed * spec.warn_share
    return ClockState(spec.name, status, started, deadline, stopped, elapsed, remaining, allowed, pause_so_far, warning)
