"""Accepting a complaint, processing it once, and re-sending what a worker never finished."""

from __future__ import annotations

import logging
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import func
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from cettar import logs
from cettar.agency import service as agency_service
from cettar.complaint import codes, outbox, routing
from cettar.complaint.models import ActorType, Channel, Complaint, Privacy, ReporterContact, Status
from cettar.complaint.workflow import batch_reads, record_event
from cettar.db import is_sqlite
from cettar.errors import FieldError
from cettar.i18n import DEFAULT_LANGUAGE, LANGUAGES
from cettar.intake.models import IntakeRecord
from cettar.queue import INTAKE_QUEUE, enqueue_after_commit
from cettar.region import service as region_service
from cettar.region.models import RegionLevel
from cettar.settings import get_settings
from classifier import Router, RoutingDecision
from ingest import IncomingComplaint, clean_text

log = logging.getLogger(__name__)

PROCESS_JOB = "cettar.intake.jobs.process_intake"  # by name: jobs receive ids, and the job module imports this one


@dataclass
class Filed:
    complaint: Complaint
    created: bool
    access_secret: str | None = None  # only for a confidential complaint, only when just created


def new_external_id() -> str:
    return uuid.uuid4().hex


def _check_places(session: Session, incoming: IncomingComplaint) -> tuple[str | None, str | None]:
    region_code, district_code = incoming.region_code, incoming.district_code
    if region_code:
        region = region_service.get(session, code=region_code)
        if region is None or region.level not in {RegionLevel.CITY, RegionLevel.REGENCY}:
            raise FieldError(f"unknown city or regency {region_code!r}", field="region_code", key="unknown_region")
    if district_code:
        district = region_service.get(session, code=district_code)
        if district is None or district.level != RegionLevel.DISTRICT:
            raise FieldError(f"unknown district {district_code!r}", field="district_code", key="unknown_district")
        if region_code and district.parent_code != region_code:
            raise FieldError(
                f"district {district_code!r} is not in region {region_code!r}", field="district_code", key="unknown_district"
            )
        region_code = region_code or district.parent_code
    return region_code, district_code


def find_by_source(session: Session, *, source: str, external_id: str) -> Complaint | None:
    query = select(Complaint).where(Complaint.source == source, Complaint.external_id == external_id)
    return session.exec(query).first()


def file_complaint(session: Session, *, incoming: IncomingComplaint, now: datetime, route: bool = True) -> Filed:
    """Store the complaint, its contact, its first event and its outbox row in the caller's
    transaction, and send the processing job once that transaction commits.

    Filing the same ``(source, external_id)`` again returns the first complaint unchanged. With
    ``route=False`` (an import whose routing is already known) the outbox row is stored as
    processed and no job is sent: the caller routes the complaint in the same transaction.
    """
    complaint, secret = _new_complaint(session, incoming, now=now, route=route)
    try:
        with session.begin_nested():
            session.add(complaint)
            session.flush()
    except IntegrityError:
        # Filed before (a retry with the same key, a feed item seen again), or by another request
        # between: the unique (source, external_id) says so, without a look-up before every insert.
        existing = find_by_source(session, source=incoming.source, external_id=incoming.external_id)
        if existing is None:
            raise
        return Filed(existing, created=False)
    _received(session, complaint, incoming, now=now, route=route)
    session.flush()
    if route:
        enqueue_after_commit(session, INTAKE_QUEUE, PROCESS_JOB, complaint.id)
    return Filed(complaint, created=True, access_secret=secret)


def file_many(session: Session, *, incomings: list[IncomingComplaint], now: datetime) -> list[Filed | FieldError]:
    """File many complaints (a feed poll's new stories) in the caller's transaction, as
    ``file_complaint`` files one, in one flush, and send one routing job per ``CETTAR_INTAKE_BATCH``
    of them (each job routes a batch). Each result is the ``Filed`` or the ``FieldError`` that
    item got. When an insert collides with a concurrent one, the items are filed one by one."""
    known: dict[tuple[str, str], Complaint] = {}
    for source in {i.source for i in incomings}:
        ids = [i.external_id for i in incomings if i.source == source]
        known |= {(source, c.external_id): c for c in session.exec(
            select(Complaint).where(Complaint.source == source, col(Complaint.external_id).in_(ids)))}
    results: list[Filed | FieldError] = []
    fresh: list[tuple[Complaint, IncomingComplaint]] = []
    for incoming in incomings:
        existing = known.get((incoming.source, incoming.external_id))
        if existing is not None:
            results.append(Filed(existing, created=False))
            continue
        try:
            complaint, secret = _new_complaint(session, incoming, now=now, route=True)
        except FieldError as exc:
            results.append(exc)
            continue
        known[(incoming.source, incoming.external_id)] = complaint
        fresh.append((complaint, incoming))
        results.append(Filed(complaint, created=True, access_secret=secret))
    try:
        with session.begin_nested():
            session.add_all([complaint for complaint, _ in fresh])
            session.flush()
    except IntegrityError:  # a concurrent filing of one of them: each on its own
        return [r if not isinstance(r, Filed) or not r.created else _one_more(session, i, now)
                for r, i in zip(results, incomings, strict=True)]
    with batch_reads(session, [c.id for c, _ in fresh if c.id is not None]):
        for complaint, incoming in fresh:
            _received(session, complaint, incoming, now=now, route=True)
    session.flush()
    for first in fresh[:: get_settings().intake_batch]:
        enqueue_after_commit(session, INTAKE_QUEUE, PROCESS_JOB, first[0].id)
    return results


def _one_more(session: Session, incoming: IncomingComplaint, now: datetime) -> Filed | FieldError:
    try:
        return file_complaint(session, incoming=incoming, now=now)
    except FieldError as exc:
        return exc


def _new_complaint(session: Session, incoming: IncomingComplaint, *, now: datetime, route: bool) -> tuple[Complaint, str | None]:
    """The complaint to store (not yet added), and a confidential one's access secret."""
    region_code, district_code = _check_places(session, incoming)
    suggestions = None
    if incoming.agency_code:
        agency = agency_service.get_by_code(session, code=incoming.agency_code)
        if agency is None:
            raise FieldError(f"unknown agency {incoming.agency_code!r}", field="agency_code", key="unknown_agency")
        suggestions = [{"agency_code": agency.code, "confidence": None, "by": "reporter"}]

    secret = codes.new_access_secret() if incoming.privacy == Privacy.CONFIDENTIAL else None
    complaint = Complaint(
        tracking_code=codes.new_tracking_code(),
        access_secret_hash=codes.hash_secret(secret) if secret else None,
        title=incoming.title,
        text=incoming.text,
        channel=Channel(incoming.channel),
        source=incoming.source,
        external_id=incoming.external_id,
        region_code=region_code,
        district_code=district_code,
        address=incoming.address,
        latitude=incoming.latitude,
        longitude=incoming.longitude,
        privacy=Privacy(incoming.privacy),
        language=incoming.language if incoming.language in LANGUAGES else DEFAULT_LANGUAGE,
        status=Status.RECEIVED,
        routing_suggestions=suggestions,
        received_at=now,
        updated_at=now,
    )
    if route:  # a live complaint: urgency and integrity are known before any person reads it
        routing.mark_flags(complaint)
    complaint.category = complaint.category or incoming.category  # before the clocks: it chooses the SLA policy
    return complaint, secret


def _received(session: Session, complaint: Complaint, incoming: IncomingComplaint, *, now: datetime, route: bool) -> None:
    """A stored complaint's contact, first event and outbox row."""
    assert complaint.id is not None
    contact, row = incoming.contact, None
    if contact.name or contact.phone or contact.email or contact.handle:
        row = ReporterContact(complaint_id=complaint.id, name=contact.name, phone=contact.phone, email=contact.email,
                              handle=contact.handle)
        session.add(row)
    with outbox.contact_known(session, complaint.id, row):
        record_event(session, complaint, kind="status", actor_type=ActorType.CITIZEN, now=now, to_status=Status.RECEIVED,
                     data={"channel": incoming.channel})
    session.add(IntakeRecord(complaint_id=complaint.id, created_at=now, enqueued_at=now, sends=1,
                             processed_at=None if route else now, request_id=logs.request_id.get()))


def _lock_record(session: Session, complaint_id: int) -> IntakeRecord | None:
    query = select(IntakeRecord).where(IntakeRecord.complaint_id == complaint_id)
    if not is_sqlite(session):  # SQLite's BEGIN IMMEDIATE already holds the write lock
        query = query.with_for_update()
    return session.exec(query).first()


def _decide(router: Router, complaint: Complaint) -> tuple[RoutingDecision | None, str | None]:
    try:
        return router.route(complaint.text, title=complaint.title), None
    except Exception as exc:  # a broken router must not stop intake: a person routes it instead
        log.exception("router failed for complaint %s", complaint.id)
        return None, f"{type(exc).__name__}: {exc}"


def process(session: Session, *, complaint_id: int, router: Router, now: datetime) -> str:
    """Route a received complaint once. Safe to run twice, or twice at the same time: the outbox
    row is locked and checked, and a second run finds it processed and returns."""
    record = _lock_record(session, complaint_id)
    if record is None:
        return "unknown"
    if record.processed_at is not None:
        return "already-processed"
    complaint = session.get(Complaint, complaint_id)
    assert complaint is not None
    if complaint.status != Status.RECEIVED:
        record.processed_at = now
        session.add(record)
        return "already-routed"

    complaint.text = clean_text(complaint.text)
    complaint.title = clean_text(complaint.title, multiline=False)
    decision, failure = _decide(router, complaint)
    return _route_and_mark(session, record, complaint, decision, failure, now)


def _route_and_mark(session: Session, record: IntakeRecord, complaint: Complaint, decision: RoutingDecision | None,
                    failure: str | None, now: datetime, *, flush: bool = True) -> str:
    """Route the complaint and mark its outbox row processed; meanwhile the request id is the one of
    the request that filed it (its jobs and its log line carry it), whichever job routes it."""
    with logs.using_request_id(record.request_id or logs.request_id.get()):
        outcome = routing.route_by_model(session, complaint=complaint, decision=decision, failure=failure, now=now)
        record.processed_at, record.last_error = now, None
        session.add(record)
        if flush:
            session.flush()
        log.info("complaint %s: %s", complaint.id, outcome,
                 extra={"complaint_id": complaint.id, "outcome": outcome, "agency_id": complaint.agency_id})
    return outcome


def _claim(session: Session, complaint_id: int, limit: int) -> list[IntakeRecord]:
    """This complaint's outbox row and up to ``limit - 1`` more unprocessed ones, oldest first,
    locked for this transaction. On PostgreSQL rows another batch holds are skipped (it routes
    them); SQLite's BEGIN IMMEDIATE already makes this transaction the only writer."""
    def query(*conditions: Any) -> Any:
        found = select(IntakeRecord).where(col(IntakeRecord.processed_at).is_(None), *conditions).order_by(col(IntakeRecord.id))
        return found if is_sqlite(session) else found.with_for_update(skip_locked=True)

    records = list(session.exec(query(IntakeRecord.complaint_id == complaint_id)))
    if limit > len(records):
        records += list(session.exec(query(IntakeRecord.complaint_id != complaint_id).limit(limit - len(records))))
    return records


def _decide_many(router: Router, complaints: list[Complaint]) -> list[tuple[RoutingDecision | None, str | None]]:
    """One classifier call for the batch when the router can take one (``route_many``); one at a
    time otherwise, or when the batch call fails, so that only the complaint the router cannot
    read goes to the triage desk."""
    many = getattr(router, "route_many", None)
    if many is not None and complaints:
        try:
            decisions = many([(c.text, c.title) for c in complaints])
            if len(decisions) == len(complaints):
                return [(decision, None) for decision in decisions]
        except Exception:
            log.warning("batch routing failed for %d complaints; routing them one by one", len(complaints), exc_info=True)
    return [_decide(router, complaint) for complaint in complaints]


def process_batch(session: Session, *, complaint_id: int, router: Router, now: datetime, limit: int) -> dict[str, int]:
    """Route ``complaint_id`` and up to ``limit - 1`` other received complaints waiting in the
    outbox, in one transaction with one classifier call. Safe to run twice or concurrently: each
    outbox row is locked, and a processed one is never routed again. A complaint whose routing
    fails is rolled back alone (a savepoint) and left for the sweep; the others commit."""
    outcomes: dict[str, int] = {}
    records = _claim(session, complaint_id, max(1, limit))
    if not records:
        return {"already-processed": 1}
    complaints = {c.id: c for c in session.exec(select(Complaint).where(col(Complaint.id).in_([r.complaint_id for r in records])))}
    waiting: list[tuple[IntakeRecord, Complaint]] = []
    for record in records:
        complaint = complaints.get(record.complaint_id)
        if complaint is None or complaint.status != Status.RECEIVED:
            record.processed_at = now
            session.add(record)
            outcomes["already-routed"] = outcomes.get("already-routed", 0) + 1
            continue
        complaint.text = clean_text(complaint.text)
        complaint.title = clean_text(complaint.title, multiline=False)
        waiting.append((record, complaint))
    decisions = _decide_many(router, [complaint for _, complaint in waiting])
    routed = list(zip(waiting, decisions, strict=True))
    with batch_reads(session, [c.id for _, c in waiting if c.id is not None]):
        try:  # the whole batch in one savepoint; only when a step fails, one savepoint each
            with session.begin_nested():
                together = [_route_and_mark(session, record, complaint, decision, failure, now, flush=False)
                            for (record, complaint), (decision, failure) in routed]
                session.flush()
        except Exception:
            log.warning("routing a batch of %d failed; routing its complaints one by one", len(routed), exc_info=True)
            together = [_route_one(session, record, complaint, decision, failure, now)
                        for (record, complaint), (decision, failure) in routed]
    for outcome in together:
        outcomes[outcome] = outcomes.get(outcome, 0) + 1
    session.flush()
    return outcomes


def _route_one(session: Session, record: IntakeRecord, complaint: Complaint, decision: RoutingDecision | None,
               failure: str | None, now: datetime) -> str:
    try:
        with session.begin_nested():
            return _route_and_mark(session, record, complaint, decision, failure, now)
    except Exception as exc:  # this one waits for the sweep; the rest of the batch is routed
        log.exception("routing complaint %s failed", complaint.id)
        record.last_error = f"{type(exc).__name__}: {exc}"[:2000]
        session.add(record)
        return "failed"


def note_failure(session: Session, *, complaint_id: int, error: str) -> None:
    record = session.exec(select(IntakeRecord).where(IntakeRecord.complaint_id == complaint_id)).first()
    if record is not None and record.processed_at is None:
        record.last_error = error[:2000]
        session.add(record)


def requeue_stale(session: Session, *, now: datetime, older_than: timedelta, limit: int = 1000) -> int:
    """Re-send intake rows that were never processed: Redis was down when they were filed, or the
    worker died mid-job. Several sweeps at once skip each other's rows on PostgreSQL."""
    query = (
        select(IntakeRecord)
        .where(col(IntakeRecord.processed_at).is_(None))
        .where((col(IntakeRecord.enqueued_at).is_(None)) | (col(IntakeRecord.enqueued_at) < now - older_than))
        .order_by(col(IntakeRecord.id))
        .limit(limit)
    )
    if not is_sqlite(session):
        query = query.with_for_update(skip_locked=True)
    records = list(session.exec(query))
    for record in records:
        record.enqueued_at = now
        record.sends += 1
        session.add(record)
        enqueue_after_commit(session, INTAKE_QUEUE, PROCESS_JOB, record.complaint_id)
    session.flush()
    return len(records)


def pending_count(session: Session) -> int:
    return int(session.exec(select(func.count()).select_from(IntakeRecord).where(col(IntakeRecord.processed_at).is_(None))).one())
