"""The reporter's side of the conversation, over real HTTP: answering the officer (the paused clock
runs again and the agency hears of it), confirming, contesting within ten working days, rating once;
through the API and through the tracking page's forms."""

from __future__ import annotations

from datetime import timedelta

from sqlmodel import select

from cettar.clock.models import ClockRow, SlaClock
from cettar.complaint.models import ComplaintEvent, Privacy
from cettar.db import session_scope
from cettar.staff import notices
from cettar.staff.models import Notification, Role, StaffNotice
from cettar.types import utcnow
from tests.conftest import LiveServer
from tests.intake.test_service import STREET_LIGHT
from tests.staff.conftest import Account, accounts, sign_in_fully  # noqa: F401  (accounts: the fixture)
from tests.workbench.test_workbench import act, complaint, file


def _clock(code: str, name: str) -> SlaClock:
    with session_scope() as session:
        return session.exec(select(SlaClock).where(SlaClock.complaint_id == complaint(code).id,
                                                   SlaClock.name == name)).one()


def test_the_reporter_answers_confirms_contests_and_rates(live_server: LiveServer, accounts: dict[Role, Account]) -> None:
    code = file("DISHUB")
    api = f"/api/v1/complaints/{code}"
    with live_server.client() as officer, live_server.client() as reporter:
        sign_in_fully(officer, accounts[Role.OFFICER])
        assert act(officer, code, "ask", question="Di depan nomor berapa tepatnya?").status_code == 303
        assert _clock(code, "first_response").status == ClockRow.PAUSED
        assert reporter.post(f"{api}/confirm").status_code == 409  # nothing to confirm yet
        empty = reporter.post(f"{api}/messages", json={"text": "  "})
        assert empty.status_code == 422 and empty.json()["fields"][0]["field"] == "text"
        answered = reporter.post(f"{api}/messages", json={"text": "Di depan rumah nomor 12."})
        assert answered.status_code == 200 and answered.json()["status"] == "in_progress"
        assert "Di depan rumah nomor 12." in [e["message"] for e in answered.json()["timeline"]]
        assert _clock(code, "first_response").status == ClockRow.RUNNING  # the clock runs again
        complaint_id = complaint(code).id
        with session_scope() as session:  # the agency hears of it on its dashboard
            assert notices.deliver(session, now=utcnow() + timedelta(seconds=1)) >= 1
            got = session.exec(select(StaffNotice).where(StaffNotice.complaint_id == complaint_id)).all()
            assert [n.kind for n in got] == ["citizen_message"]
        assert "Di depan rumah nomor 12." in officer.get(f"/staf/pengaduan/{code}").text  # in the staff timeline

        assert reporter.post(f"{api}/rating", json={"score": 5}).status_code == 409  # not resolved yet
        assert act(officer, code, "resolve", message="Lampu sudah diganti.").status_code == 303
        assert reporter.post(f"{api}/rating", json={"score": 9}).status_code == 422
        assert reporter.post(f"{api}/rating", json={"score": 4, "comment": "Cepat."}).status_code == 200
        again = reporter.post(f"{api}/rating", json={"score": 1})
        assert again.status_code == 409 and "sudah dinilai" in again.json()["message"]  # once per complaint
        contested = reporter.post(f"{api}/contest", json={"reason": "Lampunya mati lagi malam ini."})
        assert contested.status_code == 200 and contested.json()["status"] == "reopened"
        assert act(officer, code, "resolve", message="Kabelnya juga diganti.").status_code == 303
        confirmed = reporter.post(f"{api}/confirm")
        assert confirmed.status_code == 200 and confirmed.json()["status"] == "closed"
        closed = reporter.post(f"{api}/messages", json={"text": "Terima kasih"})
        assert closed.status_code == 409
    with session_scope() as session:
        kinds = [e.kind for e in session.exec(select(ComplaintEvent).where(ComplaintEvent.complaint_id == complaint_id,
                                                                           ComplaintEvent.actor_type == "citizen"))]
    assert kinds.count("rating") == 1 and "status" in kinds


def test_contesting_ends_ten_working_days_after_the_resolution(live_server: LiveServer,
                                                               accounts: dict[Role, Account]) -> None:
    code = file("DISHUB")
    with live_server.client() as officer:
        sign_in_fully(officer, accounts[Role.OFFICER])
        act(officer, code, "resolve", message="Sudah diperbaiki.")
    with session_scope() as session:
        row = session.merge(complaint(code))
        row.resolved_at = utcnow() - timedelta(days=20)  # 20 calendar days: past 10 working days whatever the holidays
        session.add(row)
    with live_server.client() as reporter:
        late = reporter.post(f"/api/v1/complaints/{code}/contest", json={"reason": "Belum beres."},
                             headers={"Accept-Language": "en"})
        assert late.status_code == 409 and "10 working days" in late.json()["message"]
        page = reporter.get(f"/lacak/{code}").text
        assert 'id="contest-form"' not in page and 'id="confirm-form"' in page and 'id="rating-form"' in page
    with session_scope() as session:
        row = session.merge(complaint(code))
        row.resolved_at = utcnow() - timedelta(days=1)
        session.add(row)
    with live_server.client() as reporter:
        assert reporter.post(f"/api/v1/complaints/{code}/contest", json={"reason": "Belum beres."}).status_code == 200


def test_the_tracking_page_forms_and_a_confidential_complaint(live_server: LiveServer,
                                                              accounts: dict[Role, Account]) -> None:
    from dataclasses import replace

    from cettar.intake import service as intake_service
    from tests.support.routers import FixedRouter

    with session_scope() as session:
        filed = intake_service.file_complaint(session, incoming=replace(STREET_LIGHT, external_id="c" * 32,
                                                                        privacy=Privacy.CONFIDENTIAL), now=utcnow())
        assert filed.complaint.id is not None and filed.access_secret is not None
        intake_service.process(session, complaint_id=filed.complaint.id, router=FixedRouter("DISHUB"), now=utcnow())
        code, secret = filed.complaint.tracking_code, filed.access_secret
    with live_server.client() as officer, live_server.client() as reporter:
        sign_in_fully(officer, accounts[Role.OFFICER])
        act(officer, code, "ask", question="Sejak kapan?")
        assert reporter.post(f"/api/v1/complaints/{code}/messages", json={"text": "Sejak Senin."}).status_code == 404
        wrong = reporter.post(f"/lacak/{code}/pesan", data={"text": "Sejak Senin.", "secret": "salah"})
        assert wrong.status_code == 404
        page = reporter.post(f"/lacak/{code}", data={"secret": secret}).text
        assert 'id="message-form"' in page and "Jawab pertanyaan petugas" in page
        sent = reporter.post(f"/lacak/{code}/pesan", data={"text": "Sejak Senin.", "secret": secret})
        assert sent.status_code == 200 and "Pesan Anda terkirim" in sent.text and 'name="secret"' in sent.text
        assert complaint(code).status == "in_progress"
        public = file("DISHUB")
        act(officer, public, "resolve", message="Beres.")
        done = reporter.post(f"/lacak/{public}/konfirmasi", follow_redirects=True)
        assert done.status_code == 200 and "Pengaduan ditutup" in done.text and complaint(public).status == "closed"
        refused = reporter.post(f"/lacak/{public}/pesan", data={"text": "Halo"})
        assert refused.status_code == 409 and "sudah ditutup" in refused.text  # in the visitor's language
    confidential_id = complaint(code).id
    with session_scope() as session:
        queued = session.exec(select(Notification).where(Notification.complaint_id == confidential_id,
                                                         Notification.kind == "citizen_message")).all()
    assert len(queued) == 1


def test_verified_by_an_officer_is_said_only_when_a_person_routed_it(live_server: LiveServer,
                                                                     accounts: dict[Role, Account]) -> None:
    by_model, at_desk = file("DISHUB"), file(None)
    with live_server.client() as public:
        assert public.get(f"/api/v1/complaints/{by_model}").json()["status_label"] == "Diteruskan ke perangkat daerah"
        assert public.get(f"/api/v1/complaints/{at_desk}").json()["status_label"] == "Menunggu verifikasi petugas"
    with live_server.client() as desk:
        sign_in_fully(desk, accounts[Role.TRIAGE])
        assert act(desk, at_desk, "route", agency_code="DLH").status_code == 303
    with live_server.client() as public:
        view = public.get(f"/api/v1/complaints/{at_desk}").json()
    assert view["status_label"] == "Diverifikasi petugas dan diteruskan ke perangkat daerah"
    assert view["timeline"][-1]["status_label"] == view["status_label"]
