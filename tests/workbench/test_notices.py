"""SLA notifications reach people: the assignee and the agency's supervisors on a breach, the
governor's staff on an escalation, once each, on their dashboards; the escalation queue lists it."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from sqlmodel import func, select

from cettar.complaint.sweep import sweep
from cettar.complaint.models import Complaint
from cettar.db import session_scope
from cettar.intake import service as intake_service
from cettar.staff import notices
from cettar.staff.models import Role, Staff, StaffNotice
from cettar.workbench import service as workbench
from tests.conftest import LiveServer
from tests.intake.test_service import STREET_LIGHT
from tests.staff.conftest import Account, form_token, sign_in_fully
from tests.support.routers import FixedRouter

WIB = ZoneInfo("Asia/Jakarta")
RECEIVED = datetime(2026, 11, 2, 9, 0, tzinfo=WIB)  # a Monday morning
LATE = datetime(2026, 11, 16, 10, 0, tzinfo=WIB)  # two weeks on, in office hours: first response long overdue


def test_breaches_and_escalations_are_delivered_once_to_the_right_people(live_server: LiveServer,
                                                                          accounts: dict[Role, Account]) -> None:
    with session_scope() as session:
        filed = intake_service.file_complaint(session, incoming=replace(STREET_LIGHT, external_id="n" * 32), now=RECEIVED)
        assert filed.complaint.id is not None
        intake_service.process(session, complaint_id=filed.complaint.id, router=FixedRouter("DISHUB"), now=RECEIVED)
        officer = session.exec(select(Staff).where(Staff.email == accounts[Role.OFFICER].email)).one()
        complaint = session.get(Complaint, filed.complaint.id)
        assert complaint is not None
        complaint.assignee_id = officer.id
        session.add(complaint)
        code = complaint.tracking_code
    with session_scope() as session:
        result = sweep(session, now=LATE, escalate_after=timedelta(hours=0))
        assert result.breaches >= 1
    with session_scope() as session:
        sweep(session, now=LATE + timedelta(hours=1), escalate_after=timedelta(hours=0))  # the escalation's turn
    with session_scope() as session:
        assert notices.deliver(session, now=LATE - timedelta(days=1)) == 0  # nothing is due before its time
        delivered = notices.deliver(session, now=LATE + timedelta(hours=2))
    with session_scope() as session:
        assert notices.deliver(session, now=LATE + timedelta(hours=3)) == 0  # a second run delivers nothing new
        by_person = dict(session.exec(select(Staff.role, func.count()).join(StaffNotice, StaffNotice.staff_id == Staff.id)
                                      .group_by(Staff.role)).all())
    assert delivered == sum(by_person.values())
    assert set(by_person) == {Role.OFFICER, Role.SUPERVISOR, Role.GOVERNOR}  # not triage, not admin
    with live_server.client() as client:
        sign_in_fully(client, accounts[Role.GOVERNOR])
        home = client.get("/staf").text
        assert code in home and "Dieskalasi" in home and 'id="notices-title"' in home
        assert code in client.get("/staf/eskalasi").text
        client.post("/staf/pemberitahuan/dibaca", data={"csrf_token": form_token(home)})
        after = client.get("/staf").text  # the dashboard: the breach stays in its list, the notice is gone
        assert 'id="notices-title"' not in after and "Dieskalasi" not in after
    with live_server.client() as client:
        sign_in_fully(client, accounts[Role.OFFICER])
        assert "Lewat batas waktu" in client.get("/staf").text


def test_an_urgent_category_puts_the_complaint_on_calendar_hours(live_server: LiveServer, accounts: dict[Role, Account]) -> None:
    from tests.workbench.test_workbench import act, complaint, file

    code = file("DISHUB", "Jalan di depan pasar Wonokromo rusak parah, banyak lubang")  # nothing the intake lexicon marks
    before = complaint(code).due_at
    with live_server.client() as client:
        sign_in_fully(client, accounts[Role.OFFICER])
        assert act(client, code, "categorise", category="disaster", priority="urgent").status_code == 303
        assert act(client, code, "categorise", category="volcano", priority="urgent").status_code == 422
    after = complaint(code)
    assert (after.category, after.priority) == ("disaster", "urgent")
    assert before is not None and after.due_at is not None and after.due_at < before  # hours, not working days
    with session_scope() as session:
        assert workbench.CATEGORIES[0] == "" and session is not None
