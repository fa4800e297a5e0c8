"""A person's routing actions, and the labelled examples they leave for retraining."""

import csv
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlmodel import Session, select

from cettar.agency import service as agency_service
from cettar.complaint import routing
from cettar.complaint.models import ComplaintEvent, RoutingCorrection, Status

from cettar.errors import Conflict, FieldError
from cettar.intake import service as intake_service
from classifier import Suggestion
from tests.intake.test_service import STREET_LIGHT
from tests.support.routers import FixedRouter

NOW = datetime(2026, 3, 2, 2, 0, tzinfo=UTC)


def _filed(session: Session, router: FixedRouter, external_id: str = "r" * 32, text: str | None = None):  # type: ignore[no-untyped-def]
    incoming = replace(STREET_LIGHT, external_id=external_id, text=text or STREET_LIGHT.text)
    complaint = intake_service.file_complaint(session, incoming=incoming, now=NOW).complaint
    intake_service.process(session, complaint_id=complaint.id, router=router, now=NOW)
    return complaint


def test_routing_from_triage_is_a_person_decision_and_a_labelled_example(session: Session) -> None:
    complaint = _filed(session, FixedRouter(None, 0.4, [Suggestion("DLH", 0.4)]))
    routing.route_from_triage(session, complaint=complaint, agency_code="DISHUB", actor="triase@jatim", now=NOW)
    session.flush()
    assert complaint.status == Status.DISPOSITIONED and complaint.routed_by == "person"
    assert complaint.agency_id == agency_service.get_by_code(session, code="DISHUB").id  # type: ignore[union-attr]
    correction = session.exec(select(RoutingCorrection).where(RoutingCorrection.complaint_id == complaint.id)).one()
    assert (correction.kind, correction.agency_code, correction.previous_agency_code, correction.actor) == (
        "routed_from_triage", "DISHUB", "DLH", "triase@jatim")
    with pytest.raises(Conflict):  # it is no longer at the desk
        routing.route_from_triage(session, complaint=complaint, agency_code="DLH", actor="x", now=NOW)


def test_transfer_and_not_our_authority_need_a_reason_and_are_recorded(session: Session) -> None:
    complaint = _filed(session, FixedRouter("DLH"))
    with pytest.raises(FieldError) as missing:
        routing.transfer(session, complaint=complaint, agency_code="DISHUB", reason="  ", actor="a", now=NOW)
    assert missing.value.field == "reason"
    with pytest.raises(FieldError):
        routing.transfer(session, complaint=complaint, agency_code="NOPE", reason="salah", actor="a", now=NOW)
    routing.transfer(session, complaint=complaint, agency_code="DISHUB", reason="PJU itu Dishub", actor="dlh-1", now=NOW)
    routing.not_our_authority(session, complaint=complaint, reason="jalan provinsi", actor="dishub-1",
                              now=NOW + timedelta(hours=1))
    session.flush()
    assert complaint.status == Status.TRIAGE and complaint.agency_id is None
    kinds = session.exec(select(RoutingCorrection.kind, RoutingCorrection.agency_code, RoutingCorrection.previous_agency_code)
                         .where(RoutingCorrection.complaint_id == complaint.id).order_by(RoutingCorrection.id)).all()
    assert kinds == [("transferred", "DISHUB", "DLH"), ("not_our_authority", None, "DISHUB")]
    notes = session.exec(select(ComplaintEvent.internal_note, ComplaintEvent.public_message)
                         .where(ComplaintEvent.complaint_id == complaint.id, ComplaintEvent.actor_type == "staff")).all()
    assert notes == [("PJU itu Dishub", None), ("jalan provinsi", None)]  # reasons stay internal


def test_exported_corrections_are_training_rows_with_the_latest_decision(session: Session, tmp_path: Path) -> None:
    first = _filed(session, FixedRouter("DLH"), "s" * 32)
    routing.transfer(session, complaint=first, agency_code="DISHUB", reason="PJU", actor="a", now=NOW)
    routing.transfer(session, complaint=first, agency_code="DSDABM", reason="ternyata got", actor="b",
                     now=NOW + timedelta(minutes=5))
    second = _filed(session, FixedRouter(None, 0.3), "t" * 32, text="=HYPERLINK(\"http://x\") sampah menumpuk")
    routing.route_from_triage(session, complaint=second, agency_code="DLH", actor="c", now=NOW)
    third = _filed(session, FixedRouter("DLH"), "u" * 32)
    routing.not_our_authority(session, complaint=third, reason="bukan DLH", actor="d", now=NOW)  # no label yet
    session.flush()

    out = tmp_path / "corrections.csv"
    assert routing.export_corrections(session, path=out) == 2
    rows = list(csv.DictReader(out.open(encoding="utf-8")))
    assert [row["agency"] for row in rows] == ["Dinas Sumber Daya Air dan Bina Marga", "Dinas Lingkungan Hidup"]
    assert rows[1]["text"].startswith("'=HYPERLINK")  # neutralised for spreadsheets
    assert routing.export_corrections(session, path=out, label="code") == 2
    assert [row["agency"] for row in csv.DictReader(out.open(encoding="utf-8"))] == ["DSDABM", "DLH"]
