"""Admins manage accounts and agencies from pages; what they change takes effect at once."""

from __future__ import annotations

from sqlmodel import select

from cettar.agency.models import Agency
from cettar.db import session_scope
from cettar.staff.models import Role, Staff
from tests.conftest import LiveServer
from tests.staff.conftest import PASSWORD, Account, form_token, sign_in, sign_in_fully


def test_admins_create_and_disable_accounts_and_set_agency_assignment(live_server: LiveServer,
                                                                      accounts: dict[Role, Account]) -> None:
    with live_server.client() as admin:
        sign_in_fully(admin, accounts[Role.ADMIN])
        page = admin.get("/staf/admin/staf")
        assert page.status_code == 200 and accounts[Role.OFFICER].email in page.text
        token = form_token(page.text)
        refused = admin.post("/staf/admin/staf", data={"csrf_token": token, "email": "baru@dlh.test", "role": "officer",
                                                       "password": PASSWORD})
        assert refused.status_code == 422 and "belongs to an agency" in refused.text and "baru@dlh.test" in refused.text
        made = admin.post("/staf/admin/staf", data={"csrf_token": token, "email": "baru@dlh.test", "role": "officer",
                                                    "agency": "DLH", "name": "Petugas Baru", "password": PASSWORD})
        assert made.status_code == 303
        with live_server.client() as newcomer:
            assert sign_in(newcomer, "baru@dlh.test").status_code == 303 and newcomer.get("/staf").status_code == 200
            with session_scope() as session:
                new_id = session.exec(select(Staff.id).where(Staff.email == "baru@dlh.test")).one()
            admin.post(f"/staf/admin/staf/{new_id}/aktif", data={"csrf_token": token, "active": "0"})
            assert newcomer.get("/staf").status_code == 303  # disabled: the open session ends at once
        with session_scope() as session:
            own = session.exec(select(Staff.id).where(Staff.email == accounts[Role.ADMIN].email)).one()
            dlh = session.exec(select(Agency).where(Agency.code == "DLH")).one()
        assert admin.post(f"/staf/admin/staf/{own}/aktif", data={"csrf_token": token, "active": "0"}).status_code == 422
        agencies = admin.get("/staf/admin/dinas")
        assert "sp4n-lapor" in agencies.text and "urgent-flood" in agencies.text  # the policies in force
        admin.post(f"/staf/admin/dinas/{dlh.id}", data={"csrf_token": form_token(agencies.text), "active": "1", "auto_assign": "1"})
        with session_scope() as session:
            assert session.exec(select(Agency.auto_assign).where(Agency.code == "DLH")).one() is True
        admin.post(f"/staf/admin/dinas/{dlh.id}", data={"csrf_token": form_token(agencies.text), "active": "1"})
        with session_scope() as session:
            assert session.exec(select(Agency.auto_assign).where(Agency.code == "DLH")).one() is False
        # every change is in the admins' trail, with who made it
        trail = admin.get("/staf/admin/staf").text
        for action in ("staff.create baru@dlh.test", "staff.disable baru@dlh.test", "agency.update DLH"):
            assert action in trail
        assert "admin@prov.test" in trail


def test_admins_set_an_sla_policy_and_new_clocks_follow_it(live_server: LiveServer, accounts: dict[Role, Account]) -> None:
    from sqlalchemy import text

    from cettar.clock.models import SlaClock
    from cettar.db import get_engine
    from tests.workbench.test_workbench import complaint, file

    with live_server.client() as admin:
        sign_in_fully(admin, accounts[Role.ADMIN])
        page = admin.get("/staf/admin/sla")
        assert page.status_code == 200 and "sp4n-lapor" in page.text
        token = form_token(page.text)
        bad = admin.post("/staf/admin/sla", data={"csrf_token": token, "name": "dlh-cepat", "agency": "DLH",
                                                  "first_response": "soon", "enabled": "1"})
        assert bad.status_code == 422 and "first_response" in bad.text
        good = admin.post("/staf/admin/sla", data={"csrf_token": token, "name": "dlh-cepat", "agency": "DLH",
                                                   "first_response": "8wh", "enabled": "1"})
        assert good.status_code == 303 and "dlh-cepat" in admin.get("/staf/admin/sla").text
    try:
        fast, usual = (complaint(file("DLH", "Sampah menumpuk di TPS")).id,
                       complaint(file("DISHUB", "Lampu mati di gang")).id)
        with session_scope() as session:
            clocks = {c.complaint_id: c for c in session.exec(select(SlaClock).where(SlaClock.name == "first_response"))}
        assert clocks[fast].policy == "dlh-cepat" and clocks[fast].allowed_seconds == 8 * 3600
        assert clocks[usual].policy == "sp4n-lapor" and clocks[usual].allowed_seconds > 8 * 3600
    finally:
        with get_engine().begin() as connection:
            connection.execute(text("DELETE FROM sla_policy"))


def test_admins_see_the_model_versions_promote_one_roll_back_and_queue_a_retrain(live_server: LiveServer,
                                                                                 accounts: dict[Role, Account]) -> None:
    from cettar import queue
    from cettar.learning import service as learning_service
    from cettar.learning.models import ModelStatus, RoutingModel
    from cettar.types import utcnow
    from tests.learning.test_registry import labelled, topics

    with session_scope() as session:  # a challenger that won its evaluation, kept for a person to promote
        labelled(session, topics(240), custom={"DISHUB": "DLH"})
        outcome = learning_service.retrain(session, now=utcnow(), by="test", base_data=[], min_labels=100, auto_promote=False)
        assert outcome.model is not None and outcome.model.status == ModelStatus.CANDIDATE
        version = outcome.model.id
    with live_server.client() as admin:
        sign_in_fully(admin, accounts[Role.ADMIN])
        page = admin.get("/staf/admin/model", headers={"Accept-Language": "id"})
        assert page.status_code == 200 and "kandidat" in page.text and "berlaku" in page.text
        assert f"/staf/admin/model/{version}/promote" in page.text and "Latih ulang sekarang" in page.text
        token = form_token(page.text)
        assert admin.post(f"/staf/admin/model/{version}/promote", data={"csrf_token": token}).status_code == 303
        with session_scope() as session:
            assert learning_service.current(session).id == version  # type: ignore[union-attr]
        again = admin.post(f"/staf/admin/model/{version}/promote", data={"csrf_token": token})
        assert again.status_code == 409 and f"Versi {version} sudah menjadi model yang berlaku" in again.text, again.text[again.text.find("<main"):][:1500]
        assert admin.post("/staf/admin/model/rollback", data={"csrf_token": token}).status_code == 303
        with session_scope() as session:
            assert learning_service.current(session).key == ""  # type: ignore[union-attr]  # the base model again
            assert len(session.exec(select(RoutingModel)).all()) == 2
        queued = admin.post("/staf/admin/model/retrain", data={"csrf_token": token})
        assert queued.status_code == 303 and queued.headers["location"].endswith("notice=retrain")
        jobs = queue.get_queue().get_jobs()
        assert [job.func_name for job in jobs] == ["cettar.learning.jobs.retrain"] and jobs[0].timeout >= 3600
        assert "Pelatihan ulang masuk antrean" in admin.get(queued.headers["location"]).text
