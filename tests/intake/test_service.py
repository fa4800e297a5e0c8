"""The intake service inside a rolled-back transaction."""

from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest
from sqlmodel import Session, func, select

from cettar.complaint import outbox
from cettar.complaint.models import Complaint, ComplaintEvent, Privacy, ReporterContact, ReporterMessage, Status

from cettar.errors import FieldError
from cettar.intake import service as intake_service
from cettar.intake.models import IntakeRecord
from classifier import Suggestion
from cettar.intake.jobs import get_router
from tests.support.routers import BrokenRouter, FixedRouter
from ingest import IncomingComplaint
from ingest.incoming import Contact

NOW = datetime(2026, 3, 2, 2, 0, tzinfo=UTC)
STREET_LIGHT = IncomingComplaint(
    text="Lampu PJU di Jl. Kenjeran mati total sejak minggu lalu, jalan gelap.",
    channel="web", source="web", external_id="a" * 32,
    region_code="3578", district_code="3578-kenjeran",
    contact=Contact(name="Siti", phone="+6281234567890", email="siti@example.org"),
)


def _count(session: Session, model: type, **where: object) -> int:
    query = select(func.count()).select_from(model)
    for name, value in where.items():
        query = query.where(getattr(model, name) == value)
    return int(session.exec(query).one())


def test_filing_stores_everything_in_one_transaction_and_sends_the_job_after_commit(session: Session) -> None:
    filed = intake_service.file_complaint(session, incoming=STREET_LIGHT, now=NOW)
    complaint = filed.complaint
    assert filed.created and filed.access_secret is None
    assert complaint.status == Status.RECEIVED
    assert complaint.tracking_code.startswith("CTR-")
    contact = session.get(ReporterContact, complaint.id)
    assert contact is not None and contact.phone == "+6281234567890"
    assert _count(session, ComplaintEvent, complaint_id=complaint.id) == 1
    record = session.exec(select(IntakeRecord).where(IntakeRecord.complaint_id == complaint.id)).one()
    assert record.processed_at is None and record.enqueued_at == NOW
    pending = session.info["pending_jobs"]
    receipt = session.exec(select(ReporterMessage).where(ReporterMessage.complaint_id == complaint.id)).one()
    assert receipt.kind == "received"  # the reporter's receipt is in the outbox of the same transaction
    assert sorted((job.queue, job.func, job.args) for job in pending) == [
        ("default", outbox.SEND_JOB, (receipt.id,)), ("intake", intake_service.PROCESS_JOB, (complaint.id,))]


def test_a_savepoint_committed_later_does_not_send_the_job_early(committed: str) -> None:
    """SQLAlchemy fires after_commit for a savepoint too; a poll files many complaints in one
    transaction with a savepoint per item, and a job sent at a savepoint ran before its complaint
    was committed (it found nothing, and only the sweep recovered the complaint)."""
    from dataclasses import replace

    from cettar import queue
    from cettar.db import session_scope

    intake = queue.get_queue(queue.INTAKE_QUEUE)
    intake.empty()
    with session_scope() as outer:
        intake_service.file_complaint(outer, incoming=replace(STREET_LIGHT, external_id="s" * 32), now=NOW)
        with outer.begin_nested():
            intake_service.file_complaint(outer, incoming=replace(STREET_LIGHT, external_id="t" * 32), now=NOW)
        assert len(intake) == 0  # nothing sent while the transaction is open
    assert len(intake) == 2  # both, once it committed


def test_the_same_item_filed_twice_is_one_complaint(session: Session) -> None:
    first = intake_service.file_complaint(session, incoming=STREET_LIGHT, now=NOW)
    second = intake_service.file_complaint(session, incoming=STREET_LIGHT, now=NOW + timedelta(seconds=5))
    assert not second.created
    assert second.complaint.id == first.complaint.id
    assert _count(session, Complaint, source="web", external_id=STREET_LIGHT.external_id) == 1


def test_a_confidential_complaint_gets_a_secret_stored_only_as_a_hash(session: Session) -> None:
    filed = intake_service.file_complaint(
        session, incoming=replace(STREET_LIGHT, privacy=Privacy.CONFIDENTIAL, external_id="b" * 32), now=NOW
    )
    assert filed.access_secret
    assert filed.complaint.access_secret_hash and filed.access_secret not in filed.complaint.access_secret_hash


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"region_code": "9999"}, "region_code"),
        ({"region_code": "3578-kenjeran", "district_code": None}, "region_code"),  # a district is not a city
        ({"district_code": "3578-atlantis"}, "district_code"),
        ({"region_code": "3501", "district_code": "3578-kenjeran"}, "district_code"),  # not in Pacitan
        ({"agency_code": "NOPE"}, "agency_code"),
    ],
)
def test_unknown_places_and_agencies_are_field_errors_and_write_nothing(
    session: Session, changes: dict[str, object], field: str
) -> None:
    before = _count(session, Complaint)
    with pytest.raises(FieldError) as caught:
        intake_service.file_complaint(session, incoming=replace(STREET_LIGHT, **changes), now=NOW)
    assert caught.value.field == field
    assert _count(session, Complaint) == before
    assert "pending_jobs" not in session.info or not session.info["pending_jobs"]


def test_a_district_alone_implies_its_city(session: Session) -> None:
    filed = intake_service.file_complaint(session, incoming=replace(STREET_LIGHT, region_code=None), now=NOW)
    assert filed.complaint.region_code == "3578"


def test_processing_routes_once_even_when_run_twice(session: Session) -> None:
    complaint = intake_service.file_complaint(session, incoming=STREET_LIGHT, now=NOW).complaint
    assert complaint.id is not None
    router = FixedRouter("DISHUB")
    first = intake_service.process(session, complaint_id=complaint.id, router=router, now=NOW)
    second = intake_service.process(session, complaint_id=complaint.id, router=router, now=NOW)
    assert (first, second) == ("dispositioned", "already-processed")
    session.refresh(complaint)
    assert complaint.status == Status.DISPOSITIONED
    assert complaint.routed_by == "model" and complaint.routing_confidence
    assert _count(session, ComplaintEvent, complaint_id=complaint.id, to_status=Status.DISPOSITIONED) == 1


_UNSURE = FixedRouter(None, 0.4, [Suggestion("DLH", 0.4), Suggestion("Dinas Sumber Daya Air dan Bina Marga", 0.3)])


def test_the_shipped_model_routes_by_agency_name_to_the_agency_code(session: Session) -> None:
    complaint = intake_service.file_complaint(session, incoming=STREET_LIGHT, now=NOW).complaint
    assert complaint.id is not None
    assert intake_service.process(session, complaint_id=complaint.id, router=get_router(), now=NOW) == "dispositioned"
    suggestions = complaint.routing_suggestions or []
    assert suggestions[0]["agency_code"] == "DISHUB" and suggestions[0]["by"] == "model"
    assert len(suggestions) == 3 and all(s["agency_code"].isupper() for s in suggestions)
    assert complaint.routing_confidence is not None and complaint.routing_confidence > 0.75


def test_an_unsure_router_sends_the_complaint_to_triage_with_suggestions(session: Session) -> None:
    complaint = intake_service.file_complaint(
        session, incoming=replace(STREET_LIGHT, agency_code="DISHUB"), now=NOW
    ).complaint
    assert complaint.id is not None
    assert intake_service.process(session, complaint_id=complaint.id, router=_UNSURE, now=NOW) == "triage"
    assert complaint.status == Status.TRIAGE and complaint.agency_id is None
    assert [(s["agency_code"], s["by"]) for s in complaint.routing_suggestions or []] == [
        ("DISHUB", "reporter"), ("DLH", "model"), ("DSDABM", "model")  # a label by name becomes the code
    ]


def test_a_broken_router_never_loses_the_complaint(session: Session) -> None:
    complaint = intake_service.file_complaint(session, incoming=STREET_LIGHT, now=NOW).complaint
    assert complaint.id is not None
    assert intake_service.process(session, complaint_id=complaint.id, router=BrokenRouter(), now=NOW) == "triage"
    event = session.exec(
        select(ComplaintEvent).where(ComplaintEvent.complaint_id == complaint.id, ComplaintEvent.to_status == "triage")
    ).one()
    assert event.internal_note and "model file is corrupt" in event.internal_note
    assert event.public_message is None


def test_the_sweep_resends_only_stale_unprocessed_records(session: Session) -> None:
    stale = intake_service.file_complaint(session, incoming=STREET_LIGHT, now=NOW).complaint
    fresh = intake_service.file_complaint(
        session, incoming=replace(STREET_LIGHT, external_id="c" * 32), now=NOW + timedelta(minutes=5)
    ).complaint
    done = intake_service.file_complaint(session, incoming=replace(STREET_LIGHT, external_id="d" * 32), now=NOW).complaint
    assert done.id is not None
    intake_service.process(session, complaint_id=done.id, router=FixedRouter("DLH"), now=NOW)
    session.info.pop("pending_jobs", None)

    later = NOW + timedelta(minutes=5, seconds=30)
    assert intake_service.requeue_stale(session, now=later, older_than=timedelta(minutes=1)) == 1
    assert [job.args for job in session.info["pending_jobs"]] == [(stale.id,)]
    record = session.exec(select(IntakeRecord).where(IntakeRecord.complaint_id == stale.id)).one()
    assert record.sends == 2 and record.enqueued_at == later
    # just re-sent: not again until it is stale once more
    assert intake_service.requeue_stale(session, now=later, older_than=timedelta(minutes=1)) == 0
    assert fresh.id is not None
