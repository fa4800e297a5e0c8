"""The officer workbench over real HTTP: the queue, scope, every action, the triage desk, the API."""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import timedelta

import httpx
from sqlmodel import col, select

from cettar.agency.models import Agency
from cettar.clock.models import SlaClock
from cettar.complaint.models import Complaint, ComplaintEvent, RoutingCorrection
from cettar.db import session_scope
from cettar.intake import service as intake_service
from cettar.staff import service as staff_service
from cettar.staff.models import Role, Staff
from cettar.types import utcnow
from tests.conftest import LiveServer
from tests.intake.test_service import STREET_LIGHT
from tests.staff.conftest import Account, form_token, sign_in_fully
from tests.support.routers import FixedRouter

N = [0]


def file(agency: str | None, text: str = "Lampu PJU di Jl. Kenjeran mati sejak seminggu", *, hours_ago: float = 0,
         title: str = "") -> str:
    N[0] += 1
    received = utcnow() - timedelta(hours=hours_ago)
    with session_scope() as session:
        filed = intake_service.file_complaint(session, incoming=replace(STREET_LIGHT, text=text, title=title,
                                                                         external_id=f"wb{N[0]:030d}"), now=received)
        assert filed.complaint.id is not None
        intake_service.process(session, complaint_id=filed.complaint.id, router=FixedRouter(agency, confidence=0.4 if agency is None else 0.97),
                               now=received)
        return filed.complaint.tracking_code


def act(client: httpx.Client, code: str, action: str, **fields: str) -> httpx.Response:
    page = client.get(f"/staf/pengaduan/{code}")
    assert page.status_code == 200, page.text
    return client.post(f"/staf/pengaduan/{code}/{action}", data={"csrf_token": form_token(page.text), **fields})


def complaint(code: str) -> Complaint:
    with session_scope() as session:
        return session.exec(select(Complaint).where(Complaint.tracking_code == code)).one()


def events(code: str) -> list[ComplaintEvent]:
    with session_scope() as session:
        found = complaint(code)
        return list(session.exec(select(ComplaintEvent).where(ComplaintEvent.complaint_id == found.id)
                                 .order_by(col(ComplaintEvent.id))))


def test_the_queue_is_the_agencys_open_complaints_by_deadline(live_server: LiveServer, accounts: dict[Role, Account]) -> None:
    older = file("DISHUB", "Lampu jalan mati di Jl. Darmo", hours_ago=30)
    newer = file("DISHUB", "Lampu jalan mati di Jl. Mulyosari", hours_ago=1)
    elsewhere = file("DLH", "Sampah menumpuk di TPS Keputih")
    with live_server.client() as client:
        sign_in_fully(client, accounts[Role.OFFICER])
        page = client.get("/staf/antrean").text
        assert page.index(older) < page.index(newer) and elsewhere not in page
        assert "jam kerja lagi" in page or "lewat" in page  # remaining office time shown
        found = client.get("/staf/antrean", params={"q": "mulyosari"}).text
        assert found.count('href="/staf/pengaduan/') == 1 and newer in found
        rows = client.get("/staf/antrean/baris")
        assert rows.status_code == 200 and "<html" not in rows.text and older in rows.text  # the refresh fragment
        # another agency's complaint: 404 by page, API and form post, as if it did not exist
        assert client.get(f"/staf/pengaduan/{elsewhere}").status_code == 404
        assert client.get(f"/api/v1/staff/complaints/{elsewhere}").status_code == 404
        token = form_token(page)
        assert client.post(f"/staf/pengaduan/{elsewhere}/claim", data={"csrf_token": token}).status_code == 404
        assert client.get("/staf/pengaduan/CTR-0000-0000-0000").status_code == 404


def test_an_officer_claims_replies_and_resolves_and_the_citizen_sees_the_reply(
        live_server: LiveServer, accounts: dict[Role, Account]) -> None:
    code = file("DISHUB")
    with live_server.client() as client:
        sign_in_fully(client, accounts[Role.OFFICER])
        assert act(client, code, "claim").status_code == 303
        assert complaint(code).status == "in_progress" and complaint(code).assignee_id is not None
        assert act(client, code, "note", text="Cek ke lapangan besok pagi").status_code == 303
        assert act(client, code, "reply", message="").status_code == 422  # nothing to send
        assert act(client, code, "reply", message="Petugas sudah menuju lokasi.").status_code == 303
        assert complaint(code).status == "responded"
        assert act(client, code, "resolve", message="Lampu sudah diganti.").status_code == 303
        assert complaint(code).status == "resolved"
        tracking = client.get(f"/lacak/{code}").text
    assert "Petugas sudah menuju lokasi." in tracking and "Lampu sudah diganti." in tracking
    assert "Cek ke lapangan" not in tracking  # the internal note stays internal
    actors = {e.actor for e in events(code) if e.actor_type == "staff"}
    assert actors == {"Officer <petugas@dishub.test>"}  # every staff action carries its actor
    with session_scope() as session:
        first_response = session.exec(select(SlaClock).where(SlaClock.complaint_id == complaint(code).id,
                                                             SlaClock.name == "first_response")).one()
        assert first_response.stopped_at is not None and first_response.status == "met"


def test_a_reply_can_start_from_a_template(live_server: LiveServer, accounts: dict[Role, Account]) -> None:
    from cettar.complaint import replies

    code = file("DISHUB")
    template = replies.reply_templates("id")[0]
    with live_server.client() as client:
        sign_in_fully(client, accounts[Role.OFFICER])
        assert template["title"] in client.get(f"/staf/pengaduan/{code}").text
        assert act(client, code, "reply", message="", template=template["key"]).status_code == 303
        assert act(client, code, "reply", message="", template="no-such-template").status_code == 422
    assert [e.public_message for e in events(code) if e.kind == "status" and e.to_status == "responded"] == [template["text"]]


def test_asking_the_citizen_pauses_the_clock(live_server: LiveServer, accounts: dict[Role, Account]) -> None:
    code = file("DISHUB")
    with live_server.client() as client:
        sign_in_fully(client, accounts[Role.OFFICER])
        assert act(client, code, "ask", question="Di depan nomor berapa tepatnya?").status_code == 303
    with session_scope() as session:
        clocks = {c.name: c.status for c in session.exec(select(SlaClock).where(SlaClock.complaint_id == complaint(code).id))}
    assert complaint(code).status == "waiting_citizen" and clocks["resolution"] == "paused"


def test_transfer_and_not_our_authority_feed_the_classifier(live_server: LiveServer, accounts: dict[Role, Account]) -> None:
    moved, returned = file("DISHUB"), file("DISHUB")
    with live_server.client() as client:
        sign_in_fully(client, accounts[Role.OFFICER])
        assert act(client, moved, "transfer", agency_code="DLH", reason="").status_code == 422  # a reason is required
        assert act(client, moved, "transfer", agency_code="DLH", reason="Pohon tumbang: DLH").status_code == 303
        assert client.get(f"/staf/pengaduan/{moved}").status_code == 404  # DLH's now
        assert act(client, returned, "not-ours", reason="Jalan nasional, bukan kewenangan kota").status_code == 303
    assert complaint(returned).status == "triage"
    with session_scope() as session:
        kinds = {c.kind for c in session.exec(select(RoutingCorrection))}
        dlh = session.exec(select(Agency).where(Agency.code == "DLH")).one()
    assert kinds == {"transferred", "not_our_authority"} and complaint(moved).agency_id == dlh.id


def test_the_triage_desk_routes_in_one_click_and_merges_and_marks_spam(live_server: LiveServer,
                                                                        accounts: dict[Role, Account]) -> None:
    unsure = file(None, "Ada lubang besar di jalan depan sekolah")
    spam = file(None, "Promo pinjaman online cepat cair hubungi kami")
    first = file("DISHUB", "Lampu jalan mati di Jl. Rungkut Madya dekat masjid")
    repeat = file("DISHUB", "Lampu jalan mati di Jl. Rungkut Madya dekat masjid, tolong")
    with live_server.client() as client:
        sign_in_fully(client, accounts[Role.TRIAGE])
        desk = client.get("/staf/triase")
        assert unsure in desk.text and spam in desk.text
        routed = client.post(f"/staf/pengaduan/{unsure}/route", data={"agency_code": "DSDABM",
                                                                        "csrf_token": form_token(desk.text)})
        assert routed.status_code == 303 and complaint(unsure).status == "dispositioned"
        assert client.post(f"/staf/pengaduan/{spam}/spam", data={"csrf_token": form_token(desk.text)}).status_code == 303
        assert complaint(spam).status == "rejected"
        page = client.get(f"/staf/pengaduan/{repeat}").text
        assert first in page  # offered as a possible duplicate
        assert act(client, repeat, "merge", into=first).status_code == 303
    assert complaint(repeat).status == "rejected" and complaint(repeat).duplicate_of_id == complaint(first).id


def test_the_governors_staff_read_everything_and_change_nothing(live_server: LiveServer,
                                                                 accounts: dict[Role, Account]) -> None:
    code = file("DISHUB")
    with live_server.client() as client:
        sign_in_fully(client, accounts[Role.GOVERNOR])
        page = client.get(f"/staf/pengaduan/{code}")
        assert page.status_code == 200 and "Ambil" not in page.text
        assert client.post(f"/staf/pengaduan/{code}/note", data={"text": "x", "csrf_token": form_token(page.text)}).status_code == 403
        assert client.get("/staf/antrean", params={"agency": "DISHUB"}).status_code == 200
    assert complaint(code).status == "dispositioned"


def test_supervisors_assign_and_bulk_transfer_and_agencies_can_assign_round_robin(
        live_server: LiveServer, accounts: dict[Role, Account]) -> None:
    codes = [file("DISHUB", f"Lampu mati di gang {n}") for n in range(3)]
    with session_scope() as session:
        officer = session.exec(select(Staff).where(Staff.email == accounts[Role.OFFICER].email)).one()
        second = staff_service.create_staff(session, email="petugas2@dishub.test", name="Kedua", role=Role.OFFICER,
                                            password="kata-sandi-uji-yang-panjang", agency_code="DISHUB", now=utcnow())
        officer_id, second_id = officer.id, second.id
    with live_server.client() as client:
        sign_in_fully(client, accounts[Role.SUPERVISOR])
        page = client.get("/staf/antrean").text
        bulk = client.post("/staf/antrean/massal", data={"csrf_token": form_token(page), "action": "assign",
                                                         "assignee": str(officer_id), "code": codes[:2]})
        assert bulk.status_code == 303
        assert [complaint(c).assignee_id for c in codes[:2]] == [officer_id, officer_id]
        moved = client.post("/staf/antrean/massal", data={"csrf_token": form_token(page), "action": "transfer",
                                                          "agency_code": "DLH", "reason": "salah dinas", "code": [codes[2]]})
        assert moved.status_code == 303 and complaint(codes[2]).status == "dispositioned"
    with live_server.client() as client:
        sign_in_fully(client, accounts[Role.OFFICER])  # officers do not assign others
        page = client.get(f"/staf/pengaduan/{codes[0]}").text
        refused = client.post(f"/staf/pengaduan/{codes[0]}/assign", data={"csrf_token": form_token(page),
                                                                          "assignee": str(second_id)})
        assert refused.status_code == 403
    with session_scope() as session:
        agency = session.exec(select(Agency).where(Agency.code == "DISHUB")).one()
        agency.auto_assign = True
        session.add(agency)
    try:
        assigned = [complaint(file("DISHUB", f"Lampu padam di blok {n}")).assignee_id for n in range(3)]
    finally:
        with session_scope() as session:
            agency = session.exec(select(Agency).where(Agency.code == "DISHUB")).one()
            agency.auto_assign = False
            session.add(agency)
    # the officer with the fewest open complaints takes the next (the first officer has two already;
    # at two each, the earlier account)
    assert assigned == [second_id, second_id, officer_id]


def test_the_staff_api_with_a_token(live_server: LiveServer, accounts: dict[Role, Account]) -> None:
    code = file("DISHUB")
    with session_scope() as session:
        officer = session.exec(select(Staff).where(Staff.email == accounts[Role.OFFICER].email)).one()
        token = staff_service.create_api_token(session, staff=officer, name="kanal WA", now=utcnow())
    headers = {"Authorization": f"Bearer {token}"}
    with live_server.client(headers=headers) as client:
        listed = client.get("/api/v1/staff/queue").json()
        assert code in [c["tracking_code"] for c in listed["complaints"]]
        bad = client.post(f"/api/v1/staff/complaints/{code}/transfer", json={"agency_code": "NOPE", "reason": "x"})
        assert bad.status_code == 422 and bad.json()["fields"][0]["field"] == "agency_code"
        replied = client.post(f"/api/v1/staff/complaints/{code}/reply", json={"message": "Sedang kami cek."})
        assert replied.status_code == 200 and replied.json()["status"] == "responded"
        detail = client.get(f"/api/v1/staff/complaints/{code}").json()
        assert any(e["public_message"] == "Sedang kami cek." and "petugas@dishub.test" in e["actor"] for e in detail["events"])
        # answered: a transfer is no longer offered, and the refusal says so
        late = client.post(f"/api/v1/staff/complaints/{code}/transfer", json={"agency_code": "DLH", "reason": "x"},
                           headers={"Accept-Language": "en"})
        assert late.status_code == 409 and "not available" in late.json()["message"]
        assert client.post(f"/api/v1/staff/complaints/{code}/explode", json={}).status_code == 404


def test_hostile_text_is_shown_as_text(live_server: LiveServer, accounts: dict[Role, Account]) -> None:
    code = file("DISHUB", "<script>document.title='pwned'</script><img src=x onerror=alert(1)> lampu mati")
    with live_server.client() as client:
        sign_in_fully(client, accounts[Role.OFFICER])
        page = client.get(f"/staf/pengaduan/{code}")
    assert "<script>document.title" not in page.text and "&lt;script&gt;" in page.text
    assert "script-src 'self'" in page.headers["content-security-policy"]
    assert not re.search(r"<script(?! src=\"/static/)", page.text)
