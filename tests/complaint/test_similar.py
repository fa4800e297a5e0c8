"""Near-duplicates: a reworded report finds the open complaint it repeats — for the citizen before
filing (never a confidential one, never a reporter's contact) and for staff on the complaint page."""

from __future__ import annotations

from dataclasses import replace

from sqlmodel import Session

from cettar.complaint import similar
from cettar.complaint.models import Privacy
from cettar.intake import service as intake_service
from cettar.types import utcnow
from cettar.workbench import service as workbench_service
from tests.conftest import LiveServer
from tests.intake.test_service import STREET_LIGHT
from tests.support.routers import FixedRouter

ORIGINAL = "Lampu PJU di Jl. Kenjeran depan SDN Kenjeran 2 mati total sejak minggu lalu, jalan gelap gulita."
REWORDED = "tolong pak lampu jalan depan SDN Kenjeran 2 di jln Kenjeran udah mati seminggu, gelap gulita"
OTHER = "Sampah menumpuk di pasar Wonokromo belum diangkut tiga hari, bau menyengat."
N = [0]


def _file(session: Session, text: str, **changes: object) -> str:
    N[0] += 1
    filed = intake_service.file_complaint(session, incoming=replace(STREET_LIGHT, text=text, external_id=f"si{N[0]:030d}",
                                                                    **changes), now=utcnow()).complaint
    assert filed.id is not None
    intake_service.process(session, complaint_id=filed.id, router=FixedRouter("DISHUB"), now=utcnow())
    return filed.tracking_code


def test_a_rewording_scores_above_the_threshold_and_another_problem_below() -> None:
    same, other = similar.scores(REWORDED, [ORIGINAL, OTHER])
    assert same >= similar.THRESHOLD > other


def test_different_numbers_are_different_places() -> None:
    three = "Jalan rusak di gang 3 belum diperbaiki, warga gang 3 mengeluhkan jalan rusak."
    assert similar.scores(three, [three.replace("3", "5"), three.replace("warga", "penduduk")])[0] == 0.0
    assert similar.scores(three, [three.replace("warga", "penduduk")])[0] >= similar.THRESHOLD
    assert not similar.different_places("lampu mati", "lampu gang 5 mati")  # one side names no number


def test_the_citizen_sees_what_is_already_reported_before_filing(live_server: LiveServer) -> None:
    from cettar.db import session_scope

    with session_scope() as session:
        public = _file(session, ORIGINAL)
        secret = _file(session, ORIGINAL + " Rahasia.", privacy=Privacy.CONFIDENTIAL)
        _file(session, OTHER)
    with live_server.client() as citizen:
        found = citizen.get("/api/v1/complaints/similar", params={"text": REWORDED})
        assert found.status_code == 200, found.text
        codes = [item["tracking_code"] for item in found.json()]
        assert codes == [public]  # not the confidential one, not the other problem
        assert secret not in found.text and "Siti" not in found.text and "+6281234567890" not in found.text
        assert found.json()[0]["tracking_url"].endswith(f"/lacak/{public}") and found.json()[0]["similarity"] >= 0.6
        assert citizen.get("/api/v1/complaints/similar", params={"text": OTHER, "region_code": "3515"}).json() == []
        short = citizen.get("/api/v1/complaints/similar", params={"text": "lampu"})
        assert short.status_code == 422 and short.json()["fields"][0]["field"] == "query.text"


def test_staff_see_the_reworded_report_among_similar_open_complaints(session: Session) -> None:
    first = _file(session, ORIGINAL)
    second = _file(session, REWORDED)
    _file(session, OTHER)
    complaint = intake_service.find_by_source(session, source="web", external_id=f"si{N[0] - 1:030d}")
    assert complaint is not None and complaint.tracking_code == second
    found = workbench_service.similar_open(session, complaint)
    assert [c.tracking_code for c, _ in found] == [first]
