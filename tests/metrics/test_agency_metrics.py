from dataclasses import replace
from datetime import timedelta

from sqlmodel import Session, col, select

from cettar.agency.models import Agency
from cettar.complaint.models import ActorType, Complaint, Status
from cettar.complaint.workflow import transition
from cettar.intake import service as intake_service
from cettar.clock.models import SlaClock
from cettar.metrics.models import AgencyDay, AgencyRunning
from cettar.metrics.service import agency_metrics
from tests.clock.test_clocks import WIB, at
from tests.intake.test_service import STREET_LIGHT
from tests.support.routers import FixedRouter

N = 0


def _complaint(session: Session, agency: str | None, received, *steps: tuple[timedelta, Status]) -> Complaint:  # type: ignore[no-untyped-def]
    global N
    N += 1
    complaint = intake_service.file_complaint(session, incoming=replace(STREET_LIGHT, external_id=f"m{N:031d}"),
                                              now=received).complaint
    assert complaint.id is not None
    intake_service.process(session, complaint_id=complaint.id, router=FixedRouter(agency), now=received)
    for delay, status in steps:
        transition(session, complaint, status, actor_type=ActorType.STAFF, now=received + delay)
    return complaint


def test_metrics_per_agency(session: Session) -> None:
    monday = at(2026, 2, 2, 9, 0)
    # DISHUB: three answered the same day (1 h, 2 h, 3 h), one answered late, one still open
    for hours in (1, 2, 3):
        _complaint(session, "DISHUB", monday, (timedelta(hours=hours), Status.RESPONDED),
                   (timedelta(hours=hours, minutes=30), Status.RESOLVED))
    _complaint(session, "DISHUB", monday, (timedelta(days=14), Status.RESPONDED))
    _complaint(session, "DISHUB", monday)
    # DLH: one answered in 1 h and reopened after resolution
    _complaint(session, "DLH", monday, (timedelta(hours=1), Status.RESPONDED), (timedelta(hours=2), Status.RESOLVED),
               (timedelta(hours=3), Status.REOPENED))
    _complaint(session, None, monday)  # at the triage desk
    _complaint(session, "DISHUB", at(2026, 1, 5, 9, 0), (timedelta(hours=1), Status.RESPONDED))  # another period

    from cettar.metrics import rollup

    days = rollup.all_days(session)
    assert min(days).isoformat() == "2026-01-05"
    rollup.refresh_days(session, days=[d for d in days if d.year == 2026 and d.month <= 3], now=at(2026, 2, 20))
    first = session.exec(select(AgencyDay).order_by(col(AgencyDay.day), col(AgencyDay.agency_key))).all()
    rollup.refresh_days(session, days=[at(2026, 2, 2).astimezone(WIB).date()], now=at(2026, 2, 21))  # again: same rows
    again = session.exec(select(AgencyDay).order_by(col(AgencyDay.day), col(AgencyDay.agency_key))).all()
    assert [(r.day, r.agency_key, r.received, r.responses) for r in first] == [
        (r.day, r.agency_key, r.received, r.responses) for r in again]

    metrics = {m.agency_code: m for m in agency_metrics(session, start=at(2026, 2, 1), end=at(2026, 3, 1),
                                                        now=at(2026, 2, 20, 9, 0), min_sample=2)}
    dishub, dlh, triage = metrics["DISHUB"], metrics["DLH"], metrics[None]
    assert (dishub.received, dishub.routed, dishub.resolved, dishub.reopened) == (5, 5, 3, 0)
    assert (dishub.responses, dishub.responded_within_sla) == (4, 3)
    assert dishub.responded_within_sla_share == 0.75
    assert dishub.first_response_hours_median == 2.12  # nearest rank of 1, 2, 3, 79 h, to the quarter hour
    assert dishub.first_response_hours_p90 == 78.0  # 79 office hours (Imlek off), in the 76-80 h bucket
    assert dishub.breaches == 1 and dishub.rank == 1
    assert dlh.rank is None and dlh.responses == 1 and dlh.reopened_share == 1.0  # below the minimum sample
    assert triage.received == 1 and triage.rank is None and triage.agency_name == "(belum dirouting)"
    # open as of 20 Feb: the late-answered one and the unanswered one (responded is still open), and January's
    assert dishub.backlog == {"14-30d": 2, ">30d": 1}
    unranked = agency_metrics(session, start=at(2026, 2, 1), end=at(2026, 3, 1), now=at(2026, 2, 20), min_sample=30)
    assert all(m.rank is None for m in unranked)

    # the running totals: January's complaint, then January plus February
    dishub_key = session.exec(select(Agency.id).where(Agency.code == "DISHUB")).one()
    running = session.exec(select(AgencyRunning).where(AgencyRunning.agency_key == dishub_key)
                           .order_by(col(AgencyRunning.day))).all()
    assert [(r.day, r.received, r.responses) for r in running] == [("2026-01-05", 1, 1), ("2026-02-02", 6, 5)]
    assert sum(running[-1].first_response_histogram.values()) == 5
    # a period that starts before the first complaint, and one that holds nothing
    both = {m.agency_code: m for m in agency_metrics(session, start=at(2025, 12, 1), end=at(2026, 3, 1),
                                                     now=at(2026, 2, 20, 9, 0), min_sample=2)}["DISHUB"]
    assert (both.received, both.responses, both.responded_within_sla) == (6, 5, 4)
    assert both.first_response_hours_median == 2.12 and both.first_response_hours_p90 == 78.0
    quiet = agency_metrics(session, start=at(2026, 1, 10), end=at(2026, 2, 1), now=at(2026, 2, 20, 9, 0))
    assert all(m.received == 0 and m.responses == 0 for m in quiet)
    assert {m.agency_code for m in quiet if m.backlog} >= {"DISHUB"}  # the backlog is not limited to the period


def test_the_backlog_follows_the_roll_up(session: Session) -> None:
    from cettar.metrics import rollup

    received = at(2026, 3, 2, 9, 0)
    complaints = [_complaint(session, "DLH", received) for _ in range(3)]
    _complaint(session, "DLH", at(2026, 3, 4, 9, 0))  # a later day, whose running total must follow
    rollup.refresh_days(session, days=rollup.changed_days(session, since=received), now=received)
    now = at(2026, 3, 5, 9, 0)
    before = {m.agency_code: m for m in agency_metrics(session, start=received, end=now, now=now)}["DLH"]
    assert before.backlog == {"3-7d": 3, "0-3d": 1} and before.received == 4 and before.resolved == 0
    transition(session, complaints[0], Status.RESPONDED, actor_type=ActorType.STAFF, now=now)
    transition(session, complaints[0], Status.RESOLVED, actor_type=ActorType.STAFF, now=now)
    changed = rollup.changed_days(session, since=now - timedelta(minutes=5))
    # the day it was received (and today, when its auto-close clock started), not the 4th
    assert "2026-03-02" in {d.isoformat() for d in changed} and "2026-03-04" not in {d.isoformat() for d in changed}
    rollup.refresh_days(session, days=changed, now=now)
    dlh = {m.agency_code: m for m in agency_metrics(session, start=received, end=now, now=now)}["DLH"]
    assert dlh.backlog == {"3-7d": 2, "0-3d": 1} and dlh.resolved == 1 and dlh.received == 4


def test_the_metrics_command(database_url: str) -> None:
    from click.testing import CliRunner

    from cettar.cli import main

    runner = CliRunner()
    table = runner.invoke(main, ["sla", "metrics", "--from", "2026-02-01", "--to", "2026-02-28"])
    assert table.exit_code == 0, table.output
    assert table.output.startswith("rank agency")
    as_json = runner.invoke(main, ["sla", "metrics", "--from", "2026-02-01", "--to", "2026-02-28", "--json"])
    assert as_json.exit_code == 0 and as_json.output.strip().startswith("[")
    bad = runner.invoke(main, ["sla", "metrics", "--from", "February", "--to", "2026-02-28"])
    assert bad.exit_code == 2 and "dates look like 2026-01-31" in bad.output


def test_the_job_refreshes_the_days_of_what_changed(session: Session) -> None:
    from cettar.metrics import rollup

    old = _complaint(session, "DLH", at(2026, 1, 6, 9, 0))
    new = _complaint(session, "DLH", at(2026, 2, 10, 9, 0))
    old.updated_at = at(2026, 1, 6, 9, 0)  # untouched since January
    session.add(old)
    session.flush()
    for clock in session.exec(select(SlaClock).where(SlaClock.complaint_id == old.id)):
        clock.updated_at = at(2026, 1, 6, 9, 0)
        session.add(clock)
    session.flush()
    assert new.id is not None
    days = rollup.changed_days(session, since=at(2026, 2, 1))
    assert at(2026, 2, 10).astimezone(WIB).date() in days
    assert at(2026, 1, 6).astimezone(WIB).date() not in days


def test_the_sql_buckets_are_the_python_buckets(session: Session) -> None:
    from sqlalchemy import text

    from cettar.metrics.models import BUCKET_SQL, bucket_middle, bucket_of

    for seconds in (0, 899, 900, 7_200, 28_799, 28_800, 36_000, 172_799, 172_800, 719_999, 720_000, 10**7):
        in_sql = session.execute(text(f"SELECT {BUCKET_SQL} FROM (SELECT {seconds} AS elapsed_seconds) t")).scalar()
        assert in_sql == bucket_of(seconds), seconds
        assert abs(bucket_middle(bucket_of(seconds)) - seconds) <= max(7_200, 0) or seconds >= 720_000
