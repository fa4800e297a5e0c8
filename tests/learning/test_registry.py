"""The model registry and retraining from staff decisions, on both backends: a challenger that is
worse is not promoted, a better one is, a rollback brings the old one back, the same labels are
never trained on twice, and a running worker switches model without a restart."""

from __future__ import annotations

import hashlib
import os
import random
import subprocess
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlmodel import Session, select

from cettar.agency import service as agency_service
from cettar.complaint.models import Complaint, CorrectionKind, RoutedBy, RoutingCorrection, Status
from cettar.db import session_scope
from cettar.errors import Conflict, FieldError
from cettar.intake import service as intake_service
from cettar.learning import service
from cettar.learning.models import ModelStatus, RoutingModel
from cettar.settings import get_settings
from cettar.schedule import periodic_jobs
from ingest import IncomingComplaint
from tests.classifier.conftest import made_up

ROOT = Path(__file__).resolve().parents[2]
NOW = datetime(2026, 6, 1, 3, 0, tzinfo=UTC)
NAMES = {"DISHUB": "Dinas Perhubungan", "DLH": "Dinas Lingkungan Hidup", "DSDABM": "Dinas Sumber Daya Air dan Bina Marga",
         "DINSOS": "Dinas Sosial"}


def labelled(session: Session, labels: list[str], *, seed: int = 7, start: datetime = NOW - timedelta(days=200),
             custom: dict[str, str] | None = None) -> list[Complaint]:
    """Complaints over 200 days with the agency each was settled at: most resolved by the agency the
    model routed them to, every fifth routed by a person from the triage desk. ``labels`` are the
    made-up data's topics; ``custom`` re-labels a topic as this deployment's own custom does."""
    data = made_up(len(labels), seed=seed)
    made = []
    for i, (text, topic) in enumerate(zip(data.texts, labels, strict=True)):
        agency = agency_service.get_by_code(session, code=(custom or {}).get(topic, topic))
        assert agency is not None
        incoming = IncomingComplaint(text=text, channel="web", source="web", region_code="3578",
                                     external_id=hashlib.sha256(f"{seed}-{i}".encode()).hexdigest()[:32])
        complaint = intake_service.file_complaint(session, incoming=incoming, now=NOW, route=False).complaint
        complaint.received_at = start + timedelta(days=200 * i / len(labels))
        complaint.agency_id = agency.id
        if i % 5 == 0:
            complaint.status, complaint.routed_by = Status.IN_PROGRESS, RoutedBy.PERSON
            assert complaint.id is not None
            session.add(RoutingCorrection(complaint_id=complaint.id, kind=CorrectionKind.ROUTED_FROM_TRIAGE,
                                          agency_code=agency.code, actor="triage@test", created_at=NOW))
        else:
            complaint.status, complaint.routed_by = Status.RESOLVED, RoutedBy.MODEL
        session.add(complaint)
        made.append(complaint)
    session.flush()
    return made


def topics(n: int) -> list[str]:
    return [made_up(n).labels[i] for i in range(n)]


def test_the_base_model_is_the_first_version_and_stays_current_until_another_is_promoted(session: Session) -> None:
    first = service.ensure_base(session, now=NOW)
    assert first.status == ModelStatus.CURRENT and first.key == "" and first.labels > 20
    assert service.ensure_base(session, now=NOW).id == first.id
    assert [v.id for v in service.versions(session)] == [first.id]
    with pytest.raises(Conflict):
        service.rollback(session, by="admin@test", now=NOW)
    with pytest.raises(Conflict):
        service.promote(session, version=first.id or 0, by="admin@test", now=NOW)


def test_the_labels_are_staff_decisions_and_complaints_resolved_where_the_model_sent_them(session: Session) -> None:
    made = labelled(session, topics(20))
    examples = service.deployment_examples(session)
    assert len(examples) == 20 and examples.times == sorted(examples.times)
    assert set(examples.labels) <= set(NAMES.values())
    made[1].status = Status.IN_PROGRESS  # not resolved yet, nobody corrected it: no label
    session.add(made[1])
    session.flush()
    assert len(service.deployment_examples(session)) == 19


def test_a_challenger_that_is_worse_is_not_promoted(session: Session) -> None:
    base = service.ensure_base(session, now=NOW)
    n = 200
    noise = random.Random(1)
    truth = topics(n)
    # the older labels say nothing about the texts (a desk that clicked at random); the newest are right
    labels = [noise.choice(sorted(NAMES)) for _ in range(n - 40)] + truth[n - 40:]
    labelled(session, labels)
    outcome = service.retrain(session, now=NOW, by="test", base_data=[], min_labels=100)
    assert outcome.model is not None and not outcome.promoted
    assert outcome.model.status == ModelStatus.REJECTED and outcome.model.note.startswith("not promoted")
    metrics = outcome.model.metrics or {}
    assert metrics["champion"]["version"] == base.id and metrics["slice"] == 40
    assert service.current(session).id == base.id  # type: ignore[union-attr]


def test_a_better_challenger_is_promoted_rolled_back_and_the_same_labels_are_not_trained_twice(session: Session) -> None:
    base = service.ensure_base(session, now=NOW)
    # this deployment sends street lights to the environment agency (as its local custom): the
    # shipped model, which learnt Surabaya's, sends them to transport
    labelled(session, topics(240), custom={"DISHUB": "DLH"})
    outcome = service.retrain(session, now=NOW, by="test", base_data=[], min_labels=100)
    assert outcome.promoted, outcome.message
    challenger, champion = (outcome.model.metrics or {})["challenger"], (outcome.model.metrics or {})["champion"]  # type: ignore[union-attr]
    assert challenger["coverage"] >= champion["coverage"] and challenger["precision"] >= (champion["precision"] or 0)
    row = outcome.model
    assert row is not None and row.key.startswith("models/") and row.deployment_examples == 240 - 48
    model = service.load(row)
    assert model.labels == sorted({"Dinas Lingkungan Hidup", "Dinas Sumber Daya Air dan Bina Marga", "Dinas Sosial"})
    assert service.current(session).id == row.id and session.get(RoutingModel, base.id).status == ModelStatus.RETIRED  # type: ignore[union-attr]

    again = service.retrain(session, now=NOW, by="test", base_data=[], min_labels=100)
    assert again.model is None and "nothing new" in again.message

    back = service.rollback(session, by="admin@test", now=NOW + timedelta(hours=1))
    assert back.id == base.id and back.status == ModelStatus.CURRENT
    assert session.get(RoutingModel, row.id).status == ModelStatus.RETIRED  # type: ignore[union-attr]
    assert len(session.exec(select(RoutingModel).where(RoutingModel.status == ModelStatus.CURRENT)).all()) == 1


def test_too_few_labels_train_nothing_and_a_model_whose_file_is_gone_is_not_promoted(session: Session) -> None:
    labelled(session, topics(20))
    outcome = service.retrain(session, now=NOW, by="test", base_data=[])
    assert outcome.model is None and "20 of 150" in outcome.message
    service.ensure_base(session, now=NOW)
    ghost = RoutingModel(status=ModelStatus.CANDIDATE, key="models/routing-gone.skops", sha256="0" * 64, created_at=NOW)
    session.add(ghost)
    session.flush()
    with pytest.raises(FieldError, match="missing"):
        service.promote(session, version=ghost.id or 0, by="admin@test", now=NOW)


def test_the_schedule_retrains_weekly_by_default_and_never_when_told(monkeypatch: pytest.MonkeyPatch, session: Session) -> None:
    names = lambda: {job.func.__name__ for job in periodic_jobs(get_settings())}  # noqa: E731
    assert "retrain_if_due" in names()
    assert service.due(session, now=NOW, interval_seconds=get_settings().retrain_interval)
    session.add(RoutingModel(status=ModelStatus.REJECTED, key="models/x.skops", created_at=NOW - timedelta(days=3)))
    session.flush()
    assert not service.due(session, now=NOW, interval_seconds=7 * 86400)
    assert service.due(session, now=NOW + timedelta(days=5), interval_seconds=7 * 86400)
    monkeypatch.setenv("CETTAR_RETRAIN_INTERVAL", "0")
    get_settings.cache_clear()
    assert "retrain_if_due" not in names()
    assert not service.due(session, now=NOW, interval_seconds=0)


@pytest.mark.slow
@pytest.mark.usefixtures("committed")
def test_a_running_worker_switches_to_a_promoted_model_without_a_restart(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CETTAR_MODEL_CHECK_INTERVAL", "1")
    get_settings.cache_clear()
    worker = subprocess.Popen([sys.executable, "-m", "cettar", "worker"], env={**os.environ, "PYTHONPATH": str(ROOT)},
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    street_light = "lampu jalan mati di gang 3 rt 5, gelap sekali mohon segera ditindaklanjuti"

    def routed(text: str, n: int) -> str | None:
        with session_scope() as session:
            incoming = IncomingComplaint(text=text, channel="web", source="web", region_code="3578", external_id=f"{n:032d}")
            code = intake_service.file_complaint(session, incoming=incoming, now=datetime.now(UTC)).complaint.tracking_code
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            assert worker.poll() is None, "the worker died"
            with session_scope() as session:
                complaint = session.exec(select(Complaint).where(Complaint.tracking_code == code)).one()
                if complaint.status != Status.RECEIVED:
                    suggestions = complaint.routing_suggestions or []
                    return str(suggestions[0]["agency_code"]) if suggestions else None
            time.sleep(0.1)
        raise AssertionError("the worker never routed the complaint")

    try:
        assert routed(street_light, 1) == "DISHUB"  # the shipped model: street lights are transport's
        with session_scope() as session:
            labelled(session, topics(240), custom={"DISHUB": "DLH"})
            outcome = service.retrain(session, now=datetime.now(UTC), by="test", base_data=[], min_labels=100)
            assert outcome.promoted, outcome.message
        time.sleep(1.5)
        assert routed(street_light, 2) == "DLH"  # the same worker process, the promoted model
        with session_scope() as session:
            service.rollback(session, by="admin@test", now=datetime.now(UTC))
        time.sleep(1.5)
        assert routed(street_light, 3) == "DISHUB"
    finally:
        os.killpg(worker.pid, 9)
        worker.wait(timeout=10)
