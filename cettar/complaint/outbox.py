"""Telling the reporter: each public step of a complaint (received, routed, a question, a reply,
resolved, reopened, closed) queues one outbox row per channel in the same transaction as the
event, and a job sends it after the commit — never from inside a web request.

E-mail goes over SMTP (``CETTAR_SMTP_*``), plain text and HTML, in the reporter's language, with the
tracking link. SMS/WhatsApp go through a gateway (``CETTAR_SMS_GATEWAY``: ``log`` writes them to the
log; a deployment names its provider's adapter). Without a server or an address the row is marked
skipped with the reason; a failure is retried with growing delays (1, 2, 4 … 64 minutes) and given
up after ``MAX_ATTEMPTS``. Sending is at most once per row: the job locks the row and returns when it
is no longer pending.
"""

from __future__ import annotations

import html
import importlib
import logging
import smtplib
import ssl
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta
from email.message import EmailMessage
from typing import Protocol

from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlmodel import Session, col, select

from cettar.agency.models import Agency
from cettar.complaint.models import (
    ActorType,
    Complaint,
    ComplaintEvent,
    Delivery,
    MessageKind,
    ReporterContact,
    ReporterMessage,
    Status,
)
from cettar.i18n import translate
from cettar.queue import DEFAULT_QUEUE, enqueue_after_commit
from cettar.settings import get_settings

log = logging.getLogger(__name__)

SEND_JOB = "cettar.complaint.jobs.send_reporter_message"
MAX_ATTEMPTS = 8

_BY_STATUS = {
    Status.RECEIVED: MessageKind.RECEIVED, Status.DISPOSITIONED: MessageKind.ROUTED,
    Status.WAITING_CITIZEN: MessageKind.QUESTION, Status.RESPONDED: MessageKind.REPLY,
    Status.RESOLVED: MessageKind.RESOLVED, Status.REOPENED: MessageKind.REOPENED, Status.CLOSED: MessageKind.CLOSED,
}


def kind_of(event: ComplaintEvent) -> MessageKind | None:
    """What the reporter is told of this event, if anything: public steps, not the reporter's own."""
    if event.actor_type == ActorType.CITIZEN and event.to_status != Status.RECEIVED:
        return None
    if event.to_status is not None:
        return _BY_STATUS.get(event.to_status)
    return MessageKind.REPLY if event.kind == "reply" and event.public_message else None


CONTACTS_KEY = "cettar.contacts"  # session.info: the contacts of a batch's complaints, read in one query


def read_contacts_once(session: Session, complaint_ids: list[int]) -> None:
    """Keep these complaints' contacts (or that they have none) for this session's ``queue_for``."""
    known: dict[int, ReporterContact | None] = session.info.setdefault(CONTACTS_KEY, {})
    known.update(dict.fromkeys(complaint_ids))
    if complaint_ids:
        known.update({c.complaint_id: c for c in session.exec(
            select(ReporterContact).where(col(ReporterContact.complaint_id).in_(complaint_ids)))})


@contextmanager
def contact_known(session: Session, complaint_id: int, contact: ReporterContact | None) -> Iterator[None]:
    """While filing: the contact just added (or that there is none), so that the first event's
    message does not query for it."""
    known = session.info.get(CONTACTS_KEY)
    made = known is None
    if known is None:
        known = session.info[CONTACTS_KEY] = {}
    known[complaint_id] = contact
    try:
        yield
    finally:
        if made:
            session.info.pop(CONTACTS_KEY, None)


def _contact(session: Session, complaint_id: int) -> ReporterContact | None:
    known = session.info.get(CONTACTS_KEY)
    if known is not None and complaint_id in known:
        return known[complaint_id]  # type: ignore[no-any-return]
    return session.get(ReporterContact, complaint_id)


def queue_for(session: Session, complaint: Complaint, event: ComplaintEvent) -> int:
    """Queue the messages this event gives the reporter (none without a contact); returns how many."""
    kind = kind_of(event)
    if kind is None or complaint.id is None:
        return 0
    contact = _contact(session, complaint.id)
    if contact is None:
        return 0
    channels = (["email"] if contact.email else []) + (["sms"] if contact.phone and get_settings().sms_gateway else [])
    if not channels:
        return 0
    if event.id is None:
        session.flush()
    assert event.id is not None
    insert = pg_insert if session.get_bind().dialect.name == "postgresql" else sqlite_insert
    for channel in channels:
        session.execute(insert(ReporterMessage).values(
            complaint_id=complaint.id, event_id=event.id, channel=channel, kind=kind, language=complaint.language,
            status=Delivery.PENDING, created_at=event.occurred_at, next_attempt_at=event.occurred_at,
        ).on_conflict_do_nothing())
    queued = session.exec(select(ReporterMessage.id).where(ReporterMessage.event_id == event.id)).all()
    for message_id in queued:
        enqueue_after_commit(session, DEFAULT_QUEUE, SEND_JOB, message_id)
    return len(queued)


# --- composing -------------------------------------------------------------------------------------

def compose(complaint: Complaint, event: ComplaintEvent, kind: MessageKind, language: str,
            agency: str | None) -> tuple[str, str]:
    """(subject, plain-text body) in the reporter's language."""
    url = f"{get_settings().public_base_url}/lacak/{complaint.tracking_code}"
    values = {"code": complaint.tracking_code, "url": url, "agency": agency or "—"}
    subject = translate(language, f"mail.subject.{kind.value}", **values)
    lines = [translate(language, f"mail.body.{kind.value}", **values)]
    if event.public_message:
        lines += ["", event.public_message]
    lines += ["", translate(language, "mail.track", **values), url, "", translate(language, "mail.footer")]
    return subject, "\n".join(lines)


def as_html(text: str) -> str:
    paragraphs = "".join(f"<p>{html.escape(p).replace(chr(10), '<br>')}</p>" for p in text.split("\n\n"))
    return f'<!doctype html><html><body style="font-family: sans-serif">{paragraphs}</body></html>'


# --- channels --------------------------------------------------------------------------------------

class NotSent(Exception):
    """Nothing to send with (no server, no address): the row is skipped, not retried."""


class SmsGateway(Protocol):
    def send(self, *, to: str, text: str) -> None: ...


class LogGateway:
    """Writes each SMS to the log: for a pilot, or to see what a provider would receive."""

    def send(self, *, to: str, text: str) -> None:
        log.info("SMS to %s: %s", to, text)


def sms_gateway() -> SmsGateway:
    name = get_settings().sms_gateway
    if not name:
        raise NotSent("CETTAR_SMS_GATEWAY is not set")
    if name == "log":
        return LogGateway()
    module, _, attribute = name.partition(":")
    made = getattr(importlib.import_module(module), attribute)
    return made() if isinstance(made, type) else made  # type: ignore[no-any-return]


def send_email(*, to: str, subject: str, text: str) -> None:
    settings = get_settings()
    if not settings.smtp_host:
        raise NotSent("CETTAR_SMTP_HOST is not set: nothing is sent")
    message = EmailMessage()
    message["From"], message["To"], message["Subject"] = settings.mail_from, to, subject
    message.set_content(text)
    message.add_alternative(as_html(text), subtype="html")
    connect: Callable[..., smtplib.SMTP] = smtplib.SMTP_SSL if settings.smtp_tls == "tls" else smtplib.SMTP
    with connect(settings.smtp_host, settings.smtp_port, timeout=20) as server:
        if settings.smtp_tls == "starttls":
            server.starttls(context=ssl.create_default_context())
        if settings.smtp_user:
            server.login(settings.smtp_user, settings.smtp_password)
        server.send_message(message)


# --- sending ---------------------------------------------------------------------------------------

def backoff(attempts: int) -> timedelta:
    return timedelta(minutes=min(64, 2 ** max(0, attempts - 1)))


def send(session: Session, *, message_id: int, now: datetime) -> Delivery | None:
    """Send one queued message if it is still pending and due; safe to run twice or at once."""
    query = select(ReporterMessage).where(ReporterMessage.id == message_id)
    if session.get_bind().dialect.name == "postgresql":
        query = query.with_for_update(skip_locked=True)
    row = session.exec(query).first()
    if row is None or row.status != Delivery.PENDING or (row.next_attempt_at and row.next_attempt_at > now):
        return row.status if row is not None else None
    complaint = session.get(Complaint, row.complaint_id)
    event = session.get(ComplaintEvent, row.event_id)
    contact = session.get(ReporterContact, row.complaint_id)
    assert complaint is not None and event is not None
    agency = session.get(Agency, complaint.agency_id) if complaint.agency_id else None
    subject, text = compose(complaint, event, row.kind, row.language, agency.name if agency else None)
    try:
        if row.channel == "email":
            if contact is None or not contact.email:
                raise NotSent("the reporter left no e-mail address")
            send_email(to=contact.email, subject=subject, text=text)
        else:
            if contact is None or not contact.phone:
                raise NotSent("the reporter left no phone number")
            sms_gateway().send(to=contact.phone, text=f"{subject}\n{text}"[:600])
    except NotSent as reason:
        row.status, row.last_error = Delivery.SKIPPED, str(reason)[:500]
    except (OSError, smtplib.SMTPException) as exc:
        row.attempts += 1
        row.last_error = f"{type(exc).__name__}: {exc}"[:500]
        if row.attempts >= MAX_ATTEMPTS:
            row.status = Delivery.FAILED
        else:
            row.next_attempt_at = now + backoff(row.attempts)
        log.warning("message %s to the reporter of %s not sent (attempt %s): %s", row.id, complaint.tracking_code,
                    row.attempts, row.last_error)
    else:
        row.status, row.sent_at, row.attempts = Delivery.SENT, now, row.attempts + 1
    session.add(row)
    session.flush()
    return row.status


def due(session: Session, *, now: datetime, limit: int = 500) -> list[int]:
    """Pending messages whose time has come (a retry, or a job lost with Redis)."""
    rows = session.exec(select(ReporterMessage).where(ReporterMessage.status == Delivery.PENDING,
                                                      col(ReporterMessage.next_attempt_at) <= now)
                        .order_by(col(ReporterMessage.id)).limit(limit))
    return [row.id for row in rows if row.id is not None]
