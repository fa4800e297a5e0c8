"""Urgent and integrity complaints are recognised at intake, before any person: an urgent one gets
its category and the urgent priority (the calendar-hour clock starts at once, at the triage desk
too), an integrity one is never routed automatically and goes to the triage desk with the
Inspektorat first among the suggestions; staff see both, first, with the reason."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

from sqlmodel import Session, select

from cettar.clock.models import SlaClock
from cettar.complaint.models import Complaint, Priority, Status
from cettar.intake import service as intake_service
from cettar.staff.models import Role
from cettar.types import utcnow
from cettar.workbench import service as workbench_service
from classifier import Suggestion
from tests.conftest import LiveServer
from tests.intake.test_service import STREET_LIGHT
from tests.staff.conftest import Account, accounts, sign_in_fully  # noqa: F401  (accounts: the fixture)
from tests.support.routers import FixedRouter

FIRE = "Kebakaran di gudang kayu Jl. Demak, api sudah membesar, tolong segera!"
BRIBE = "Petugas kelurahan minta uang 500 ribu untuk mengurus surat domisili, tanpa itu tidak dilayani."
N = [0]


def _file(session: Session, text: str, router: FixedRouter, **changes: object) -> Complaint:
    N[0] += 1
    filed = intake_service.file_complaint(session, incoming=replace(STREET_LIGHT, text=text, external_id=f"fl{N[0]:030d}",
                                                                    **changes), now=utcnow()).complaint
    assert filed.id is not None
    intake_service.process(session, complaint_id=filed.id, router=router, now=utcnow())
    session.refresh(filed)
    return filed


def test_an_urgent_complaint_gets_the_urgent_clock_at_once_even_at_the_triage_desk(session: Session) -> None:
    unsure = FixedRouter(None, confidence=0.3, suggestions=[Suggestion("BPBD", 0.3)])
    fire = _file(session, FIRE, unsure)
    assert fire.status == Status.TRIAGE
    assert (fire.category, fire.priority, fire.sensitive) == ("fire", Priority.URGENT, False)
    assert fire.flags == {"urgent": {"category": "fire", "why": "kebakaran"}}
    clock = session.exec(select(SlaClock).where(SlaClock.complaint_id == fire.id, SlaClock.name == "verification")).one()
    assert clock.policy == "urgent-fire" and clock.deadline is not None
    assert clock.deadline - fire.received_at <= timedelta(hours=2)  # not 3 working days
    routine = _file(session, "Lampu PJU di gang Dahlia mati sejak minggu lalu.", unsure)
    assert (routine.category, routine.priority) == (None, Priority.NORMAL)
    news = _file(session, "Gudang plastik terbakar di Tandes, asap hitam pekat", unsure, channel="news", source="feed:1")
    assert (news.category, news.priority) == ("fire", Priority.URGENT)  # a news item is marked the same way
    desk = workbench_service.triage_desk(session)
    assert [c.id for c in desk.rows][:2] == sorted([fire.id, news.id]) and desk.rows[-1].id == routine.id


def test_an_integrity_complaint_is_never_routed_automatically_to_the_office_it_is_about(session: Session) -> None:
    sure = FixedRouter("KEL", confidence=0.99, suggestions=[Suggestion("KEL", 0.99), Suggestion("DISPENDUKCAPIL", 0.01)])
    bribe = _file(session, BRIBE, sure)
    assert bribe.status == Status.TRIAGE and bribe.agency_id is None
    assert bribe.sensitive and bribe.flags is not None and bribe.flags["sensitive"]["topic"] == "bribery"
    suggested = [s["agency_code"] for s in workbench_service.suggestions_by_confidence(bribe)]
    assert suggested[0] == "INSPEKTORAT" and "KEL" not in suggested
    city = FixedRouter("DISPENDUKCAPIL", confidence=0.99, suggestions=[Suggestion("DISPENDUKCAPIL", 0.99)])
    assert _file(session, BRIBE.replace("kelurahan", "kantor dispendukcapil"), city).status == Status.TRIAGE
    plain = _file(session, "Mohon info syarat mengurus KTP dan KK yang hilang.", city)
    assert plain.status == Status.DISPOSITIONED and not plain.sensitive  # the same router routes the others
    local = _file(session, "Mohon info syarat mengurus surat domisili di kelurahan.", sure)
    assert local.status == Status.DISPOSITIONED  # a router's sure decision stands (the model's own policy keeps local offices for people)


def test_staff_see_the_flags_first_and_why(live_server: LiveServer, accounts: dict[Role, Account]) -> None:
    from cettar.db import session_scope

    with session_scope() as session:
        routed = FixedRouter("DISHUB", confidence=0.99)
        plain = _file(session, "Rambu lalu lintas di perempatan Jl. Diponegoro miring.", routed).tracking_code
        urgent = _file(session, "Kecelakaan di perempatan Jl. Diponegoro, pengendara motor luka parah", routed).tracking_code
        bribe = _file(session, BRIBE, routed).tracking_code
    with live_server.client() as officer:
        sign_in_fully(officer, accounts[Role.OFFICER])  # DISHUB
        queue = officer.get("/api/v1/staff/queue").json()["complaints"]
        assert [c["tracking_code"] for c in queue][:2] == [urgent, plain]  # urgent first, whatever the deadlines
        first = queue[0]
        assert (first["priority"], first["category"], first["sensitive"]) == ("urgent", "emergency", False)
        assert first["flags"]["urgent"]["why"].startswith("kecelakaan") and "luka" in first["flags"]["urgent"]["why"]
        page = officer.get(f"/staf/pengaduan/{urgent}").text
        assert 'class="badge urgent"' in page and 'id="flag-reasons"' in page
    with live_server.client() as desk:
        sign_in_fully(desk, accounts[Role.TRIAGE])
        detail = desk.get(f"/api/v1/staff/complaints/{bribe}").json()
        assert detail["sensitive"] is True and detail["status"] == "triage"
        triage = desk.get("/staf/triase").text
        assert 'class="badge sensitive"' in triage and "Inspektorat" in triage.split(bribe, 1)[1][:3000]


def test_the_form_marks_an_urgent_complaint_before_anyone_reads_it(live_server: LiveServer) -> None:
    from cettar.db import session_scope

    with live_server.client() as citizen:
        filed = citizen.post("/lapor", data={"text": "Tiang listrik roboh dan kabel listrik putus menjuntai ke jalan!",
                                             "privacy": "public"})
        assert filed.status_code == 201
    code = filed.text.split('id="tracking-code"')[1].split(">")[1].split("<")[0].strip()
    with session_scope() as session:
        complaint = session.exec(select(Complaint).where(Complaint.tracking_code == code)).one()
        assert (complaint.status, complaint.category, complaint.priority) == (Status.RECEIVED, "emergency", Priority.URGENT)
        assert complaint.due_at is not None and complaint.due_at - complaint.received_at <= timedelta(hours=2)
