"""The reporter hears of each public step by e-mail, from the outbox, once each, in their language;
an SMTP server that is down is retried and nothing is lost; without a server nothing is sent and
the outbox says why. A real SMTP server (aiosmtpd) on a local port stands in for the deployment's."""

from __future__ import annotations

import email
import email.header
import email.policy
from collections.abc import Iterator
from dataclasses import replace
from datetime import timedelta
from email.message import Message

import pytest
from aiosmtpd.controller import Controller
from sqlmodel import col, select

from cettar.complaint import outbox
from cettar.complaint.jobs import send_due_reporter_messages
from cettar.complaint.models import ActorType, Complaint, Delivery, ReporterMessage, Status
from cettar.complaint.workflow import transition
from cettar.db import session_scope
from cettar.intake import service as intake_service
from cettar.settings import get_settings
from cettar.types import utcnow
from tests.conftest import free_port, run_worker
from tests.intake.test_service import STREET_LIGHT
from tests.support.routers import FixedRouter


class Inbox:
    def __init__(self) -> None:
        self.messages: list[Message] = []

    async def handle_DATA(self, server: object, session: object, envelope: object) -> str:  # noqa: N802 (aiosmtpd's name)
        self.messages.append(email.message_from_bytes(envelope.content, policy=email.policy.default))  # type: ignore[attr-defined]
        return "250 OK"


@pytest.fixture
def smtp(committed: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[tuple[Inbox, int]]:
    port = free_port()
    monkeypatch.setenv("CETTAR_SMTP_HOST", "127.0.0.1")
    monkeypatch.setenv("CETTAR_SMTP_PORT", str(port))
    monkeypatch.setenv("CETTAR_SMTP_TLS", "none")
    monkeypatch.setenv("CETTAR_MAIL_FROM", "Layanan Pengaduan <lapor@jatim.example>")
    get_settings.cache_clear()
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    yield inbox, port
    controller.stop()
    get_settings.cache_clear()


def _file(language: str, n: int) -> int:
    with session_scope() as session:
        filed = intake_service.file_complaint(session, incoming=replace(STREET_LIGHT, external_id=f"m{n:031d}",
                                                                        language=language), now=utcnow())
        assert filed.complaint.id is not None
        return filed.complaint.id


def _step(complaint_id: int, target: Status, message: str | None = None) -> None:
    with session_scope() as session:
        complaint = session.get(Complaint, complaint_id)
        assert complaint is not None
        transition(session, complaint, target, actor_type=ActorType.STAFF, actor="petugas", now=utcnow(),
                   public_message=message)


def _subjects(inbox: Inbox) -> list[str]:
    return [str(m["Subject"]) for m in inbox.messages]


def test_a_whole_life_gives_one_message_per_step_in_the_reporters_language(smtp: tuple[Inbox, int]) -> None:
    inbox, _ = smtp
    complaint_id = _file("en", 1)
    with session_scope() as session:
        intake_service.process(session, complaint_id=complaint_id, router=FixedRouter("DISHUB"), now=utcnow())
    run_worker()
    _step(complaint_id, Status.IN_PROGRESS)  # not public: nothing to tell
    _step(complaint_id, Status.WAITING_CITIZEN, "Which house number exactly?")
    _step(complaint_id, Status.RESPONDED, "Our team is on the way.")
    _step(complaint_id, Status.RESOLVED, "The lamp was replaced.")
    run_worker()
    with session_scope() as session:
        code = session.get(Complaint, complaint_id).tracking_code  # type: ignore[union-attr]
        rows = session.exec(select(ReporterMessage).where(ReporterMessage.complaint_id == complaint_id)
                            .order_by(col(ReporterMessage.id))).all()
    assert [r.kind for r in rows] == ["received", "routed", "question", "reply", "resolved"]
    assert {r.status for r in rows} == {Delivery.SENT}
    assert _subjects(inbox) == [f"Complaint {code} received", f"Complaint {code} passed to Dinas Perhubungan",
                                f"The officer asks about complaint {code}", f"A reply to complaint {code}",
                                f"Complaint {code} resolved"]
    assert all(m["To"] == "siti@example.org" for m in inbox.messages)
    question = inbox.messages[2]
    plain = question.get_body(preferencelist=("plain",)).get_content()  # type: ignore[attr-defined]
    html = question.get_body(preferencelist=("html",)).get_content()  # type: ignore[attr-defined]
    assert "Which house number exactly?" in plain and f"/lacak/{code}" in plain and "<p>" in html
    with session_scope() as session:  # sending again (a job run twice, the sweep) sends nothing new
        for row in rows:
            assert outbox.send(session, message_id=row.id, now=utcnow()) == Delivery.SENT  # type: ignore[arg-type]
    assert send_due_reporter_messages() == 0 and len(inbox.messages) == 5


def test_indonesian_by_default_and_nothing_for_a_reporter_without_contact(smtp: tuple[Inbox, int]) -> None:
    inbox, _ = smtp
    complaint_id = _file("id", 2)
    with session_scope() as session:
        silent = intake_service.file_complaint(session, incoming=replace(STREET_LIGHT, external_id="n" * 32,
                                                                         contact=replace(STREET_LIGHT.contact, email="",
                                                                                         phone="", name="")),
                                               now=utcnow())
        silent_id = silent.complaint.id
    run_worker()
    assert _subjects(inbox)[0].startswith("Pengaduan CTR-") and _subjects(inbox)[0].endswith(" diterima")
    with session_scope() as session:
        assert session.exec(select(ReporterMessage).where(ReporterMessage.complaint_id == silent_id)).all() == []
        kinds = [r.kind for r in session.exec(select(ReporterMessage).where(ReporterMessage.complaint_id == complaint_id))]
    assert kinds[0] == "received" and set(kinds) <= {"received", "routed"}  # the worker may have routed it too


def test_a_server_that_is_down_is_retried_and_nothing_is_lost(committed: str, monkeypatch: pytest.MonkeyPatch) -> None:
    port = free_port()
    monkeypatch.setenv("CETTAR_SMTP_HOST", "127.0.0.1")
    monkeypatch.setenv("CETTAR_SMTP_PORT", str(port))
    monkeypatch.setenv("CETTAR_SMTP_TLS", "none")
    get_settings.cache_clear()
    complaint_id = _file("id", 3)
    run_worker()  # nobody listens on the port yet
    with session_scope() as session:
        row = session.exec(select(ReporterMessage).where(ReporterMessage.complaint_id == complaint_id,
                                                         ReporterMessage.kind == "received")).one()
    assert row.status == Delivery.PENDING and row.attempts == 1 and "Connection" in row.last_error
    assert row.next_attempt_at is not None and row.next_attempt_at > utcnow()
    assert send_due_reporter_messages() == 0  # not before its time
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        with session_scope() as session:
            assert outbox.send(session, message_id=row.id, now=utcnow() + timedelta(minutes=2)) == Delivery.SENT  # type: ignore[arg-type]
        assert [str(m["Subject"]).endswith(" diterima") for m in inbox.messages] == [True]
    finally:
        controller.stop()
        get_settings.cache_clear()


def test_without_a_server_nothing_is_sent_and_the_outbox_says_why(committed: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("CETTAR_SMTP_HOST", raising=False)
    get_settings.cache_clear()
    complaint_id = _file("id", 4)
    run_worker()
    with session_scope() as session:
        row = session.exec(select(ReporterMessage).where(ReporterMessage.complaint_id == complaint_id,
                                                         ReporterMessage.kind == "received")).one()
    assert row.status == Delivery.SKIPPED and "CETTAR_SMTP_HOST" in row.last_error
