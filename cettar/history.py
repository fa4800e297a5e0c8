"""Real history for the demo: the Surabaya complaints of 2022-01 … 2023-03, without their texts.

The shipped file (``cettar/data/history_surabaya.csv.gz``) is derived from the shared data by
``scripts/derive_history.py`` and keeps only id, submitted_at, first_response_at, agency, topic,
topic_type and kecamatan: no complaint text, no address. Each row becomes a complaint through the
ordinary write path, so its SLA clocks, the roll-up and every dashboard figure are computed by the
same code as a live complaint's:

- filed (channel ``history``) at its ``submitted_at``, with a placeholder text built from its topic,
  its district from ``kecamatan`` and a category from ``topic_type``;
- routed at once to the agency that handled it (the source system does not record when it was
  routed, so the verification clock is met by construction);
- answered publicly at its ``first_response_at`` (when there is one), then closed by the
  SP4N-LAPOR! rule the SLA sweep applies, 10 working days after the answer without a reply;
- complaints without a recorded response stay open, as they were in the source system.

Loading again changes nothing: rows are keyed by (source, external id).
"""

from __future__ import annotations

import csv
import gzip
import io
import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from sqlmodel import Session, col, select

from cettar.agency import service as agency_service
from cettar.agency.models import Agency
from cettar.clock import service as clock_service
from cettar.clock.models import ClockRow, SlaClock
from cettar.complaint.sweep import AUTO_CLOSE, AUTO_CLOSE_MESSAGE
from cettar.complaint.models import ActorType, Channel, Complaint, Privacy, RoutedBy, Status
from cettar.complaint.workflow import DEFER_CLOCKS, batch_reads, clock_policy, refresh_clocks, transition
from cettar.intake import service as intake_service
from cettar.region.models import Region, RegionLevel
from cettar.settings import get_settings
from ingest import IncomingComplaint

SHIPPED = Path(__file__).resolve().parent / "data" / "history_surabaya.csv.gz"
SOURCE = "history:surabaya"
REGION = "3578"  # Kota Surabaya
COLUMNS = ("id", "submitted_at", "first_response_at", "agency", "topic", "topic_type", "kecamatan")
CATEGORY_OF_TOPIC_TYPE = {"fisik": "infrastructure", "administratif": "administration"}
RESPONSE_NOTE = ("Tanggapan instansi tercatat di sistem asal (isi tanggapan tidak disertakan). / "
                 "The agency's answer is recorded in the source system (its text is not included).")


@dataclass(frozen=True)
class HistoryRow:
    id: str
    submitted_at: datetime
    first_response_at: datetime | None
    agency: str
    topic: str
    topic_type: str
    kecamatan: str


def derive(source: Path, target: Path) -> int:
    """Write the shipped file from the shared CSV: only the columns above, gzip-compressed."""
    with source.open(newline="", encoding="utf-8") as handle:
        rows = [{name: row[name] for name in COLUMNS} for row in csv.DictReader(handle)]
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=COLUMNS, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    target.write_bytes(gzip.compress(buffer.getvalue().encode("utf-8"), mtime=0))
    return len(rows)


def _moment(value: str) -> datetime | None:
    value = value.strip()
    if not value:
        return None
    return datetime.fromisoformat(value).replace(tzinfo=get_settings().zone)  # recorded in local time


def read(path: Path = SHIPPED) -> Iterator[HistoryRow]:
    opener = gzip.open if path.suffix == ".gz" else open
    with opener(path, "rt", encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            submitted = _moment(row["submitted_at"])
            if submitted is None:
                continue
            yield HistoryRow(row["id"], submitted, _moment(row["first_response_at"]), row["agency"].strip(),
                             row["topic"].strip(), row["topic_type"].strip(), row["kecamatan"].strip())


def _name_key(name: str) -> str:
    return re.sub(r"[^a-z]", "", name.lower())


@dataclass
class Directory:
    """What every row is matched against, read once per load."""

    agencies: dict[str, Agency]  # by the history's label
    districts: dict[str, str]  # name key -> region code

    @classmethod
    def read(cls, session: Session, labels: set[str]) -> Directory:
        agencies = {}
        for label in labels:
            agency = agency_service.resolve(session, label=label)
            if agency is not None:
                agencies[label] = agency
        districts = {_name_key(r.name): r.code for r in session.exec(
            select(Region).where(Region.parent_code == REGION, Region.level == RegionLevel.DISTRICT))}
        return cls(agencies, districts)


@dataclass
class BatchResult:
    created: int = 0
    existing: int = 0
    unknown_agency: int = 0


def load_batch(session: Session, rows: list[HistoryRow], *, directory: Directory, now: datetime) -> BatchResult:
    """File, route, answer and close one batch of history rows in the caller's transaction."""
    result = BatchResult()
    # the identity map holds objects weakly: while the batch runs, hold the agencies and Surabaya's
    # regions, so the look-ups of every complaint's agency and district find them instead of
    # loading them again for each complaint
    attached = {label: session.merge(agency, load=False) for label, agency in directory.agencies.items()}
    held = [*attached.values(), *session.exec(select(Region).where((Region.code == REGION) | (Region.parent_code == REGION)))]
    session.info[DEFER_CLOCKS] = True
    try:
        with batch_reads(session, []):  # the policies, read once for the batch
            _load(session, rows, attached, directory.districts, result, now)
    finally:
        session.info.pop(DEFER_CLOCKS, None)
    session.flush()
    del held
    return result


def _load(session: Session, rows: list[HistoryRow], attached: dict[str, Agency], districts: dict[str, str],
          result: BatchResult, now: datetime) -> None:
    known = set(session.exec(select(Complaint.external_id).where(
        Complaint.source == SOURCE, col(Complaint.external_id).in_([r.id for r in rows]))))
    for row in rows:
        if row.id in known:
            result.existing += 1
            continue
        agency = attached.get(row.agency)
        if agency is None:
            result.unknown_agency += 1
        text = f"[Riwayat] {row.topic or 'Pengaduan'}. Isi pengaduan asli tidak disertakan dalam data demo."
        filed = intake_service.file_complaint(session, incoming=IncomingComplaint(
            text=text, title=(row.topic or "Pengaduan")[:200], channel=Channel.HISTORY, source=SOURCE, external_id=row.id,
            region_code=REGION, district_code=districts.get(_name_key(row.kecamatan)), privacy=Privacy.PUBLIC,
        ), now=row.submitted_at, route=False)
        complaint = filed.complaint
        complaint.category = CATEGORY_OF_TOPIC_TYPE.get(row.topic_type)
        if agency is None:  # an agency the directory does not have: a person routes it, as live
            transition(session, complaint, Status.TRIAGE, actor_type=ActorType.SYSTEM, actor="history", now=row.submitted_at,
                       internal_note=f"history: agency {row.agency!r} is not in the directory")
            refresh_clocks(session, complaint=complaint, now=row.submitted_at)
            result.created += 1
            continue
        complaint.agency_id = agency.id
        complaint.routed_by = RoutedBy.PERSON
        transition(session, complaint, Status.DISPOSITIONED, actor_type=ActorType.SYSTEM, actor="history",
                   now=row.submitted_at, data={"agency_code": agency.code, "routed_by": RoutedBy.PERSON.value})
        if row.first_response_at is not None:
            answered = max(row.first_response_at, row.submitted_at)
            transition(session, complaint, Status.RESPONDED, actor_type=ActorType.STAFF, actor=agency.name, now=answered,
                       public_message=RESPONSE_NOTE)
            last = answered
            closes = clock_service.deadline_from(*clock_policy(session, complaint), clock=AUTO_CLOSE, started_at=answered)
            if closes is not None and closes <= now:  # the sweep's rule: no reply within the auto-close clock
                last = closes
                transition(session, complaint, Status.CLOSED, actor_type=ActorType.SYSTEM, actor="sla", now=last,
                           public_message=AUTO_CLOSE_MESSAGE)
            refresh_clocks(session, complaint=complaint, now=last)
        else:
            refresh_clocks(session, complaint=complaint, now=row.submitted_at)
        result.created += 1


def settle_past_breaches(session: Session, *, now: datetime) -> int:
    """Record the breaches of imported clocks at their deadlines, as already escalated, so that
    the live sweep does not notify anyone in 2026 about a complaint of 2022; returns the clocks."""
    from sqlalchemy import update

    clock = SlaClock.__table__  # type: ignore[attr-defined]
    imported = select(Complaint.id).where(Complaint.source == SOURCE)
    result = session.execute(
        update(clock).where(clock.c.complaint_id.in_(imported), clock.c.stopped_at.is_(None), clock.c.breached_at.is_(None),
                            clock.c.deadline <= now, clock.c.name != AUTO_CLOSE)
        .values(status=ClockRow.BREACHED, breached_at=clock.c.deadline, warned_at=clock.c.warn_at,
                escalate_at=clock.c.deadline, escalated_at=clock.c.deadline, updated_at=now)
    )
    return int(result.rowcount or 0)  # type: ignore[attr-defined]
