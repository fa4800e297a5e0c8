from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sla.calendar import WorkingCalendar
from sla.clock import ClockSpec, ClockStatus, StatusChange, clock_state
from sla.duration import Duration
from sla.policy import DEFAULT_POLICIES, Policy, choose_policy, sp4n_lapor_clocks

WIB = ZoneInfo("Asia/Jakarta")
CAL = WorkingCalendar()
VERIFY, RESPONSE, RESOLUTION, AUTO_CLOSE = sp4n_lapor_clocks()


def at(*args: int) -> datetime:
    return datetime(*args, tzinfo=WIB)


def history(*changes: tuple[datetime, str]) -> list[StatusChange]:
    return [StatusChange(moment, status) for moment, status in changes]


def test_verification_met_and_breached() -> None:
    received = history((at(2026, 2, 9, 9, 0), "received"), (at(2026, 2, 9, 11, 0), "dispositioned"))
    met = clock_state(VERIFY, received, calendar=CAL, now=at(2026, 2, 10))
    assert met.status == ClockStatus.MET and met.elapsed == timedelta(hours=2)
    late = clock_state(VERIFY, received[:1], calendar=CAL, now=at(2026, 2, 13, 9, 0))
    assert late.status == ClockStatus.BREACHED and late.deadline == at(2026, 2, 12, 16, 0)
    assert late.allowed == timedelta(hours=31)  # Mon 09:00-16:00, then three full days


def test_waiting_for_the_citizen_across_a_holiday_does_not_count() -> None:
    # routed Friday 13 March 09:00; asked the citizen Monday 16 09:00; answered Wednesday 25 09:00
    changes = history(
        (at(2026, 3, 13, 9, 0), "dispositioned"),
        (at(2026, 3, 16, 9, 0), "waiting_citizen"),
        (at(2026, 3, 25, 9, 0), "in_progress"),
    )
    state = clock_state(RESPONSE, changes, calendar=CAL, now=at(2026, 3, 25, 10, 0))
    # counted: Fri 13 09-16 (7 h) + Mon 16 08-09 (1 h) + Wed 25 09-10 (1 h); paused: Mon 16 09:00 -> Wed 25 09:00
    assert state.elapsed == timedelta(hours=9)
    assert state.paused == timedelta(hours=16)  # Mon 16 09-16, Tue 17, Wed 25 08-09: 18-24 March are days off
    unpaused = clock_state(RESPONSE, changes[:1], calendar=CAL, now=at(2026, 3, 25, 10, 0))
    assert state.deadline == CAL.add_working_time(unpaused.deadline, timedelta(hours=16))  # type: ignore[arg-type]
    assert state.status == ClockStatus.RUNNING and state.remaining == state.allowed - timedelta(hours=9)


def test_paused_clock_is_frozen_and_a_reopen_restarts_the_resolution_clock() -> None:
    changes = history(
        (at(2026, 2, 2, 9, 0), "dispositioned"),
        (at(2026, 2, 2, 10, 0), "waiting_citizen"),
    )
    paused = clock_state(RESOLUTION, changes, calendar=CAL, now=at(2026, 2, 27, 12, 0))
    assert paused.status == ClockStatus.PAUSED and paused.elapsed == timedelta(hours=1)
    reopened = history(
        (at(2026, 2, 2, 9, 0), "dispositioned"), (at(2026, 2, 3, 9, 0), "resolved"), (at(2026, 2, 4, 9, 0), "reopened"),
    )
    state = clock_state(RESOLUTION, reopened, calendar=CAL, now=at(2026, 2, 4, 10, 0))
    assert state.started_at == at(2026, 2, 4, 9, 0) and state.stopped_at is None and state.elapsed == timedelta(hours=1)


def test_warning_at_the_configured_share() -> None:
    changes = history((at(2026, 2, 2, 8, 0), "received"))
    allowed = clock_state(VERIFY, changes, calendar=CAL, now=at(2026, 2, 2, 8, 0)).allowed
    assert allowed == timedelta(hours=32)  # Mon 08:00 to Thu 16:00
    assert not clock_state(VERIFY, changes, calendar=CAL, now=at(2026, 2, 4, 15, 59)).warning  # 23 h 59
    assert clock_state(VERIFY, changes, calendar=CAL, now=at(2026, 2, 5, 8, 0)).warning  # 24 h = 75 %


def test_the_auto_close_clock_starts_at_the_response_and_stops_when_the_citizen_answers() -> None:
    changes = history((at(2026, 2, 2, 9, 0), "dispositioned"), (at(2026, 2, 3, 9, 0), "responded"))
    due = clock_state(AUTO_CLOSE, changes, calendar=CAL, now=at(2026, 2, 20, 9, 0))
    assert due.status == ClockStatus.BREACHED and due.deadline == at(2026, 2, 19, 16, 0)  # Imlek days skipped
    answered = clock_state(AUTO_CLOSE, [*changes, StatusChange(at(2026, 2, 5, 9, 0), "in_progress")], calendar=CAL,
                           now=at(2026, 2, 20, 9, 0))
    assert answered.status == ClockStatus.MET


def test_the_most_specific_policy_wins() -> None:
    policies = (*DEFAULT_POLICIES, Policy("dishub-urgent-fire", DEFAULT_POLICIES[1].clocks, agency="DISHUB", category="fire"))
    assert choose_policy(policies).name == "sp4n-lapor"
    assert choose_policy(policies, category="fire").name == "urgent-fire"
    assert choose_policy(policies, category="fire", agency="DISHUB").name == "dishub-urgent-fire"
    assert choose_policy(policies, agency="DISHUB").name == "sp4n-lapor"
    with pytest.raises(LookupError):
        choose_policy(policies[1:2], category="flood")


instants = st.datetimes(min_value=datetime(2025, 1, 1), max_value=datetime(2026, 12, 1), timezones=st.just(WIB))


@settings(max_examples=150, deadline=None)
@given(start=instants, pause_after=st.timedeltas(timedelta(0), timedelta(days=10)),
       pause_for=st.timedeltas(timedelta(0), timedelta(days=20)), look=st.timedeltas(timedelta(0), timedelta(days=40)),
       spec=st.sampled_from([RESPONSE, ClockSpec("urgent", Duration.parse("48h"), frozenset({"dispositioned"}),
                                                 frozenset({"responded"}))]))
def test_pausing_never_shortens_the_remaining_time(start: datetime, pause_after: timedelta, pause_for: timedelta,
                                                   look: timedelta, spec: ClockSpec) -> None:
    now = start + look
    plain = clock_state(spec, history((start, "dispositioned")), calendar=CAL, now=now)
    paused = clock_state(spec, history((start, "dispositioned"), (start + pause_after, "waiting_citizen"),
                                       (start + pause_after + pause_for, "in_progress")), calendar=CAL, now=now)
    assert paused.remaining >= plain.remaining
    assert paused.deadline >= plain.deadline  # type: ignore[operator]
    assert paused.elapsed <= plain.elapsed
