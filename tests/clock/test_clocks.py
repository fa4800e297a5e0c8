"""Stored SLA clocks follow the status history; the sweep records each warning, breach and
escalation once, queues notifications for office hours, and closes unanswered complaints."""

from dataclasses import replace
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlmodel import Session, col, select

from cettar.clock.models import SlaClock
from cettar.staff.models import Notification
from cettar.complaint.sweep import sweep
from cettar.complaint.models import ActorType, Complaint, ComplaintEvent, Status
from cettar.complaint.workflow import transition
from cettar.intake import service as intake_service
from tests.intake.test_service import STREET_LIGHT
from tests.support.routers import FixedRouter

WIB = ZoneInfo("Asia/Jakarta")
ESCALATE = timedelta(hours=8)


def at(*args: int) -> datetime:
    return datetime(*args, tzinfo=WIB).astimezone(UTC)


def _clocks(session: Session, complaint: Complaint) -> dict[str, SlaClock]:
    return {c.name: c for c in session.exec(select(SlaClock).where(SlaClock.complaint_id == complaint.id))}


def _kinds(session: Session, complaint: Complaint) -> list[str]:
    return list(session.exec(select(ComplaintEvent.kind).where(ComplaintEvent.complaint_id == complaint.id,
                                                               col(ComplaintEvent.kind).like("sla_%"))
                             .order_by(col(ComplaintEvent.id))))


def _routed(session: Session, received: datetime, external_id: str = "k" * 32) -> Complaint:
    complaint = intake_service.file_complaint(session, incoming=replace(STREET_LIGHT, external_id=external_id),
                                              now=received).complaint
    assert complaint.id is not None
    intake_service.process(session, complaint_id=complaint.id, router=FixedRouter("DISHUB"), now=received + timedelta(minutes=1))
    return complaint


def test_filing_and_routing_start_the_clocks(session: Session) -> None:
    complaint = _routed(session, at(2026, 2, 9, 9, 0))  # Monday
    clocks = _clocks(session, complaint)
    assert clocks["verification"].status == "met" and clocks["verification"].elapsed_seconds == 60
    response = clocks["first_response"]
    assert response.status == "running" and response.deadline == at(2026, 2, 18, 16, 0)  # Imlek 16-17 Feb
    assert response.warn_at is not None and at(2026, 2, 12) < response.warn_at < response.deadline
    assert "auto_close" not in clocks  # starts only when the agency responds


def test_the_sweep_records_each_warning_breach_and_escalation_once(session: Session) -> None:
    complaint = _routed(session, at(2026, 2, 9, 9, 0))
    response = _clocks(session, complaint)["first_response"]
    assert response.warn_at is not None and response.deadline is not None

    quiet = sweep(session, now=at(2026, 2, 10, 9, 0), escalate_after=ESCALATE)
    assert (quiet.warnings, quiet.breaches) == (0, 0)
    warned = sweep(session, now=response.warn_at + timedelta(seconds=1), escalate_after=ESCALATE)
    again = sweep(session, now=response.warn_at + timedelta(minutes=5), escalate_after=ESCALATE)
    assert (warned.warnings, again.warnings) == (1, 0)  # the resolution clock warns later (Fri 20 Feb)
    breached = sweep(session, now=response.deadline + timedelta(seconds=1), escalate_after=ESCALATE)
    assert breached.breaches == 1 and breached.escalations == 0
    assert sweep(session, now=response.deadline + timedelta(hours=1), escalate_after=ESCALATE).breaches == 0
    # escalation: 8 working hours after the breach was recorded (Wed 18 16:00 -> Thu 19 16:00)
    assert sweep(session, now=at(2026, 2, 19, 15, 0), escalate_after=ESCALATE).escalations == 0
    assert sweep(session, now=at(2026, 2, 19, 16, 1), escalate_after=ESCALATE).escalations == 1
    assert sweep(session, now=at(2026, 2, 20, 9, 0), escalate_after=ESCALATE).escalations == 0
    assert _kinds(session, complaint) == ["sla_warning", "sla_breach", "sla_escalation"]
    assert complaint.status == Status.DISPOSITIONED  # the sweep changes no status for these


def test_notifications_wait_for_office_hours_and_come_once_a_day(session: Session) -> None:
    complaint = _routed(session, at(2026, 2, 9, 9, 0))
    response = _clocks(session, complaint)["first_response"]
    breach_time = response.deadline + timedelta(seconds=1)  # type: ignore[operator]  # Wed 18 16:00:01, after closing
    sweep(session, now=breach_time, escalate_after=ESCALATE)
    rows = session.exec(select(Notification).where(Notification.complaint_id == complaint.id)).all()
    # nobody holds the complaint yet: the agency's supervisors hear of it
    assert {(str(n.recipient), n.kind) for n in rows} == {("agency_supervisor:DISHUB", "sla_breach")}
    assert all(n.send_after == at(2026, 2, 19, 8, 0) and n.day == "2026-02-19" for n in rows)  # next opening


def test_waiting_for_the_citizen_pauses_and_a_response_stops_the_clock(session: Session) -> None:
    complaint = _routed(session, at(2026, 2, 9, 9, 0))
    transition(session, complaint, Status.IN_PROGRESS, actor_type=ActorType.STAFF, now=at(2026, 2, 9, 10, 0))
    transition(session, complaint, Status.WAITING_CITIZEN, actor_type=ActorType.STAFF, now=at(2026, 2, 9, 11, 0))
    paused = _clocks(session, complaint)["first_response"]
    assert paused.status == "paused"
    assert sweep(session, now=at(2026, 3, 30, 9, 0), escalate_after=ESCALATE).breaches == 0  # paused clocks wait
    transition(session, complaint, Status.IN_PROGRESS, actor_type=ActorType.CITIZEN, now=at(2026, 3, 2, 9, 0))
    resumed = _clocks(session, complaint)["first_response"]
    assert resumed.status == "running" and resumed.deadline > at(2026, 3, 2, 9, 0)  # type: ignore[operator]
    transition(session, complaint, Status.RESPONDED, actor_type=ActorType.STAFF, now=at(2026, 3, 2, 10, 0))
    done = _clocks(session, complaint)
    assert done["first_response"].status == "met" and done["first_response"].stopped_at == at(2026, 3, 2, 10, 0)
    assert done["auto_close"].status == "running"


def test_an_unanswered_response_is_closed_after_ten_working_days(session: Session) -> None:
    complaint = _routed(session, at(2026, 2, 2, 9, 0))
    transition(session, complaint, Status.RESPONDED, actor_type=ActorType.STAFF, public_message="Sudah diperbaiki",
               now=at(2026, 2, 3, 9, 0))
    auto_close = _clocks(session, complaint)["auto_close"]
    assert auto_close.deadline == at(2026, 2, 19, 16, 0)  # ten working days, Imlek days skipped
    assert sweep(session, now=at(2026, 2, 19, 15, 0), escalate_after=ESCALATE).closed == 0
    assert sweep(session, now=at(2026, 2, 19, 16, 1), escalate_after=ESCALATE).closed == 1
    assert complaint.status == Status.CLOSED
    assert sweep(session, now=at(2026, 2, 20, 9, 0), escalate_after=ESCALATE).closed == 0
    closing = session.exec(select(ComplaintEvent).where(ComplaintEvent.complaint_id == complaint.id,
                                                        ComplaintEvent.to_status == "closed")).one()
    assert closing.actor_type == "system" and closing.public_message and "10 hari kerja" in closing.public_message
