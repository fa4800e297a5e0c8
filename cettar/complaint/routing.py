"""A person's routing actions: routing from the triage desk, transferring to another agency,
and "not our authority". Each one is a status transition with its event, and each is stored as
a labelled example (RoutingCorrection) for retraining the classifier. The officer workbench
calls these; they check the workflow, not the caller's role (the routes do that)."""

from __future__ import annotations

import csv
from datetime import datetime
from pathlib import Path

from sqlmodel import Session, col, select

from cettar.agency import service as agency_service
from cettar.agency.models import Agency
from cettar.complaint.models import ActorType, Complaint, CorrectionKind, RoutedBy, RoutingCorrection
from cettar.complaint.workflow import Status, transition
from cettar.errors import Conflict, FieldError
from classifier.data import spreadsheet_safe


def _agency(session: Session, code: str) -> Agency:
    agency = agency_service.get_by_code(session, code=code)
    if agency is None:
        raise FieldError(f"unknown agency {code!r}", field="agency_code", key="unknown_agency")
    return agency


def _reason(reason: str) -> str:
    reason = reason.strip()
    if not reason:
        raise FieldError("say why (the agency and the classifier both learn from it)", field="reason", key="missing")
    return reason


def _code_of(session: Session, agency_id: int | None) -> str | None:
    agency = session.get(Agency, agency_id) if agency_id else None
    return agency.code if agency else None


def _record(session: Session, complaint: Complaint, kind: CorrectionKind, agency: str | None,
            previous: str | None, actor: str, now: datetime) -> None:
    assert complaint.id is not None
    session.add(RoutingCorrection(complaint_id=complaint.id, kind=kind, agency_code=agency,
                                  previous_agency_code=previous, actor=actor, created_at=now))


def route_from_triage(session: Session, *, complaint: Complaint, agency_code: str, actor: str, now: datetime) -> None:
    if complaint.status != Status.TRIAGE:
        raise Conflict(f"only a complaint at the triage desk can be routed from it (this one is {complaint.status})")
    agency = _agency(session, agency_code)
    suggested = next((s["agency_code"] for s in complaint.routing_suggestions or [] if s.get("by") == "model"), None)
    complaint.agency_id = agency.id
    complaint.routed_by = RoutedBy.PERSON
    transition(session, complaint, Status.DISPOSITIONED, actor_type=ActorType.STAFF, actor=actor, now=now,
               data={"agency_code": agency.code, "routed_by": RoutedBy.PERSON.value, "model_suggested": suggested})
    _record(session, complaint, CorrectionKind.ROUTED_FROM_TRIAGE, agency.code, suggested, actor, now)


def transfer(session: Session, *, complaint: Complaint, agency_code: str, reason: str, actor: str, now: datetime) -> None:
    reason = _reason(reason)
    agency = _agency(session, agency_code)
    previous = _code_of(session, complaint.agency_id)
    if previous == agency.code:
        raise Conflict(f"the complaint is already with {agency.code}")
    complaint.agency_id = agency.id
    complaint.routed_by = RoutedBy.PERSON
    transition(session, complaint, Status.DISPOSITIONED, actor_type=ActorType.STAFF, actor=actor, now=now,
               internal_note=reason, data={"agency_code": agency.code, "from_agency_code": previous,
                                           "routed_by": RoutedBy.PERSON.value})
    _record(session, complaint, CorrectionKind.TRANSFERRED, agency.code, previous, actor, now)


def not_our_authority(session: Session, *, complaint: Complaint, reason: str, actor: str, now: datetime) -> None:
    reason = _reason(reason)
    previous = _code_of(session, complaint.agency_id)
    complaint.agency_id = None
    complaint.routed_by = None
    transition(session, complaint, Status.TRIAGE, actor_type=ActorType.STAFF, actor=actor, now=now,
               internal_note=reason, data={"from_agency_code": previous, "not_our_authority": True})
    _record(session, complaint, CorrectionKind.NOT_OUR_AUTHORITY, None, previous, actor, now)


def export_corrections(session: Session, *, path: Path, label: str = "name") -> int:
    """Write the people's routing decisions as training rows (text, agency, submitted_at): the
    latest decision per complaint that names an agency. ``label``: the agency's ``name`` (as the
    Surabaya history records it) or ``code``."""
    rows = session.exec(
        select(RoutingCorrection, Complaint, Agency)
        .join(Complaint, col(Complaint.id) == col(RoutingCorrection.complaint_id))
        .join(Agency, col(Agency.code) == col(RoutingCorrection.agency_code))
        .order_by(col(RoutingCorrection.created_at), col(RoutingCorrection.id))
    ).all()
    latest: dict[int, tuple[Complaint, Agency]] = {}
    for correction, complaint, agency in rows:
        latest[correction.complaint_id] = (complaint, agency)
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["text", "agency", "submitted_at"])
        for complaint, agency in latest.values():
            text = f"{complaint.title}\n{complaint.text}" if complaint.title else complaint.text
            writer.writerow([spreadsheet_safe(text), agency.name if label == "name" else agency.code, complaint.received_at.isoformat()])
    return len(latest)
