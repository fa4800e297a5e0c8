"""The routing job takes a batch: one transaction, one classifier call, each complaint routed once
whatever runs twice or at once, and one complaint the router cannot read does not hold up the rest."""

from __future__ import annotations

import threading
from collections.abc import Sequence
from dataclasses import replace

import pytest
from sqlmodel import Session, col, func, select

from cettar.complaint.models import Complaint, ComplaintEvent, Status
from cettar.db import session_scope
from cettar.intake import service as intake_service
from cettar.intake.models import IntakeRecord
from cettar.types import utcnow
from classifier import RoutingDecision, Suggestion
from tests.intake.test_service import NOW, STREET_LIGHT

N = [0]


class CountingRouter:
    """Routes everything to DISHUB; counts its calls; cannot read a text with ``RUSAK`` in it."""

    def __init__(self, *, batch_fails: bool = False) -> None:
        self.batches: list[int] = []
        self.singles = 0
        self.batch_fails = batch_fails

    def route(self, text: str, *, title: str = "") -> RoutingDecision:
        self.singles += 1
        if "RUSAK" in text:
            raise ValueError("cannot read this one")
        return RoutingDecision("DISHUB", 0.99, [Suggestion("DISHUB", 0.99)])

    def route_many(self, items: Sequence[tuple[str, str]]) -> list[RoutingDecision]:
        self.batches.append(len(items))
        if self.batch_fails or any("RUSAK" in text for text, _ in items):
            raise ValueError("the batch call failed")
        return [RoutingDecision("DISHUB", 0.99, [Suggestion("DISHUB", 0.99)]) for _ in items]


def filed(session: Session, n: int, text: str = STREET_LIGHT.text) -> list[Complaint]:
    made = []
    for _ in range(n):
        N[0] += 1
        made.append(intake_service.file_complaint(session, incoming=replace(STREET_LIGHT, text=text, external_id=f"b{N[0]:031d}"),
                                                  now=NOW).complaint)
    return made


def routing_events(session: Session) -> dict[int, int]:
    rows = session.exec(select(ComplaintEvent.complaint_id, func.count()).where(col(ComplaintEvent.from_status) == Status.RECEIVED)
                        .group_by(col(ComplaintEvent.complaint_id))).all()
    return {complaint_id: count for complaint_id, count in rows}


def test_one_job_routes_a_batch_in_one_classifier_call_and_a_second_run_routes_nothing(session: Session) -> None:
    complaints = filed(session, 7)
    router = CountingRouter()
    first = complaints[3].id
    assert first is not None
    outcomes = intake_service.process_batch(session, complaint_id=first, router=router, now=NOW, limit=5)
    assert outcomes == {"dispositioned": 5} and router.batches == [5] and router.singles == 0
    processed = set(session.exec(select(IntakeRecord.complaint_id).where(col(IntakeRecord.processed_at).is_not(None))))
    assert first in processed and len(processed) == 5  # its own complaint first, then the oldest waiting
    again = intake_service.process_batch(session, complaint_id=first, router=router, now=NOW, limit=5)
    assert again == {"dispositioned": 2} and router.batches == [5, 2]
    assert intake_service.process_batch(session, complaint_id=first, router=router, now=NOW, limit=5) == {"already-processed": 1}
    assert routing_events(session) == {c.id: 1 for c in complaints}


def test_a_complaint_the_router_cannot_read_goes_to_triage_and_the_rest_are_routed(session: Session) -> None:
    good = filed(session, 3)
    bad = filed(session, 1, text="Jalan RUSAK parah di depan pasar")[0]
    router = CountingRouter()
    assert good[0].id is not None
    outcomes = intake_service.process_batch(session, complaint_id=good[0].id, router=router, now=NOW, limit=10)
    assert outcomes == {"dispositioned": 3, "triage": 1}
    assert router.batches == [4] and router.singles == 4  # the batch call failed: one by one
    session.refresh(bad)
    assert bad.status == Status.TRIAGE and all(session.get(Complaint, c.id).status == Status.DISPOSITIONED for c in good)  # type: ignore[union-attr]


def test_a_routing_step_that_fails_for_one_complaint_is_rolled_back_alone(session: Session, monkeypatch: pytest.MonkeyPatch) -> None:
    from cettar.complaint import routing

    complaints = filed(session, 3)
    real = routing.route_by_model

    def flaky(session: Session, *, complaint: Complaint, **kwargs: object) -> str:
        if complaint.id == complaints[1].id:
            raise RuntimeError("the clock service fell over")
        return real(session, complaint=complaint, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(routing, "route_by_model", flaky)
    assert complaints[0].id is not None
    assert intake_service.process_batch(session, complaint_id=complaints[0].id, router=CountingRouter(), now=NOW,
                                        limit=10) == {"dispositioned": 2, "failed": 1}
    record = session.exec(select(IntakeRecord).where(IntakeRecord.complaint_id == complaints[1].id)).one()
    assert record.processed_at is None and "fell over" in (record.last_error or "")  # the sweep sends it again
    session.refresh(complaints[1])
    assert complaints[1].status == Status.RECEIVED and routing_events(session).get(complaints[1].id) is None


@pytest.mark.usefixtures("committed")
def test_a_batch_stopped_between_predict_and_commit_leaves_everything_to_be_routed_once() -> None:
    with session_scope() as session:
        ids = [c.id for c in filed(session, 6)]

    class Dies(CountingRouter):
        def route_many(self, items: Sequence[tuple[str, str]]) -> list[RoutingDecision]:
            super().route_many(items)
            raise SystemExit("the worker is killed after predicting")  # not an Exception: nothing catches it

    with pytest.raises(SystemExit):
        with session_scope() as session:
            intake_service.process_batch(session, complaint_id=ids[0] or 0, router=Dies(), now=utcnow(), limit=10)
    with session_scope() as session:
        assert intake_service.pending_count(session) == 6 and routing_events(session) == {}
        assert intake_service.process_batch(session, complaint_id=ids[0] or 0, router=CountingRouter(), now=utcnow(),
                                            limit=10) == {"dispositioned": 6}
    with session_scope() as session:
        assert routing_events(session) == dict.fromkeys(ids, 1)


@pytest.mark.usefixtures("committed")
def test_batches_running_at_once_route_each_complaint_once() -> None:
    with session_scope() as session:
        ids = [c.id for c in filed(session, 60)]
    errors: list[BaseException] = []

    def job(first: int) -> None:
        try:
            with session_scope() as session:
                intake_service.process_batch(session, complaint_id=first, router=CountingRouter(), now=utcnow(), limit=8)
        except BaseException as exc:  # noqa: BLE001  (reported below)
            errors.append(exc)

    for round_ in range(3):
        threads = [threading.Thread(target=job, args=(ids[(i * 7 + round_) % len(ids)],)) for i in range(6)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=60)
    assert not errors, errors
    with session_scope() as session:
        while intake_service.pending_count(session):
            waiting = session.exec(select(IntakeRecord.complaint_id).where(col(IntakeRecord.processed_at).is_(None))).first()
            intake_service.process_batch(session, complaint_id=waiting or 0, router=CountingRouter(), now=utcnow(), limit=8)
    with session_scope() as session:
        assert routing_events(session) == dict.fromkeys(ids, 1)


def test_filing_many_at_once_is_filing_each_and_sends_a_routing_job_per_batch(session: Session,
                                                                               monkeypatch: pytest.MonkeyPatch) -> None:
    from cettar.clock.models import SlaClock
    from cettar.complaint.models import ReporterMessage
    from cettar.errors import FieldError
    from cettar.settings import get_settings

    monkeypatch.setenv("CETTAR_INTAKE_BATCH", "4")
    get_settings.cache_clear()
    one = intake_service.file_complaint(session, incoming=replace(STREET_LIGHT, external_id="m" * 32), now=NOW).complaint
    session.info.pop("pending_jobs", None)
    incomings = [replace(STREET_LIGHT, external_id=f"many{n:028d}") for n in range(10)]
    incomings[4] = replace(incomings[4], region_code="9999")  # no such city: that one alone is refused
    incomings.append(incomings[0])  # the same item twice in one call: filed once
    results = intake_service.file_many(session, incomings=incomings, now=NOW)
    assert isinstance(results[4], FieldError) and results[4].key == "unknown_region"
    made = [r for r in results if isinstance(r, intake_service.Filed)]
    assert [r.created for r in made] == [True] * 9 + [False] and made[-1].complaint.id == made[0].complaint.id
    jobs = session.info.pop("pending_jobs")
    routing_jobs = [job for job in jobs if job.func == intake_service.PROCESS_JOB]
    assert len(routing_jobs) == 3  # 9 new complaints, batches of 4
    # each as file_complaint files one: its first event, its clocks and deadline, its outbox row, its message
    for filed_one in (one, made[0].complaint):
        clocks = {c.name: c.deadline for c in session.exec(select(SlaClock).where(SlaClock.complaint_id == filed_one.id))}
        assert clocks and filed_one.due_at == min(d for d in clocks.values() if d)
        assert session.exec(select(func.count()).select_from(ReporterMessage)
                            .where(ReporterMessage.complaint_id == filed_one.id)).one() == 1
        assert session.exec(select(func.count()).select_from(IntakeRecord)
                            .where(IntakeRecord.complaint_id == filed_one.id, col(IntakeRecord.processed_at).is_(None))).one() == 1
    assert ({c.name: c.deadline for c in session.exec(select(SlaClock).where(SlaClock.complaint_id == one.id))}
            == {c.name: c.deadline for c in session.exec(select(SlaClock).where(SlaClock.complaint_id == made[0].complaint.id))})
    again = intake_service.file_many(session, incomings=incomings[:4], now=NOW)
    assert all(isinstance(r, intake_service.Filed) and not r.created for r in again)
    assert not [job for job in session.info.pop("pending_jobs", []) if job.func == intake_service.PROCESS_JOB]
