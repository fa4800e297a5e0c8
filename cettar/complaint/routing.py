"""Where a complaint goes: routing by the model (or to the triage desk when it is unsure),
round-robin assignment inside the agency, and a person's routing actions — routing from the
triage desk, transferring to another agency, "not our authority". Each is a status transition with
its event; a person's decision is also stored as a labelled example (RoutingCorrection) for
retraining the classifier. ``complaint.actions`` checks who may call the person's ones."""

from __future__ import annotations

import csv
from datetime import datetime
from typing import Any
from pathlib import Path

from sqlalchemy import func
from sqlmodel import Session, col, select

from cettar.agency import service as agency_service
from cettar.agency.models import Agency, AgencyRole
from cettar.complaint.models import (
    OPEN_STATUSES,
    ActorType,
    Complaint,
    CorrectionKind,
    Priority,
    RoutedBy,
    RoutingCorrection,
    Status,
)
from cettar.complaint.workflow import record_event, transition
from cettar.errors import Conflict, FieldError
from cettar.staff.models import Role, Staff
from classifier import RoutingDecision
from classifier.flags import detect as detect_flags
from classifier.data import spreadsheet_safe


def _agency(session: Session, code: str) -> Agency:
    agency = agency_service.get_by_code(session, code=code)
    if agency is None:
        raise FieldError(f"unknown agency {code!r}", field="agency_code", key="unknown_agency")
    return agency


def _reason(reason: str) -> str:
    reason = reason.strip()
    if not reason:
        raise FieldError("say why (the agency and the classifier both learn from it)", field="reason", key="give_reason")
    return reason


def _code_of(session: Session, agency_id: int | None) -> str | None:
    agency = session.get(Agency, agency_id) if agency_id else None
    return agency.code if agency else None


def _record(session: Session, complaint: Complaint, kind: CorrectionKind, agency: str | None,
            previous: str | None, actor: str, now: datetime) -> None:
    assert complaint.id is not None
    session.add(RoutingCorrection(complaint_id=complaint.id, kind=kind, agency_code=agency,
                                  previous_agency_code=previous, actor=actor, created_at=now))


def mark_flags(complaint: Complaint) -> None:
    """What the intake lexicon (``classifier.flags``) finds: an urgent complaint gets the rule's
    category and the urgent priority, so the urgent policy's calendar-hour clocks start at once; an
    integrity complaint is marked sensitive. The words that matched are kept as the reason."""
    found = detect_flags(complaint.text, title=complaint.title)
    if not found.any:
        return
    flags: dict[str, Any] = {}
    if found.urgent:
        complaint.category = complaint.category or found.urgent
        complaint.priority = Priority.URGENT
        flags["urgent"] = {"category": found.urgent, "why": found.urgent_why}
    if found.sensitive:
        complaint.sensitive = True
        flags["sensitive"] = {"topic": found.sensitive, "why": found.sensitive_why}
    complaint.flags = flags


def _integrity_first(session: Session, suggestions: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """An integrity complaint's suggestions: the integrity agency first, no local office."""
    integrity = session.exec(select(Agency).where(Agency.role == AgencyRole.INTEGRITY, Agency.active == True)).first()  # noqa: E712
    local = {a.code for a in session.exec(select(Agency).where(Agency.role == AgencyRole.LOCAL_OFFICE))}
    kept = [s for s in suggestions if s["agency_code"] not in local and (integrity is None or s["agency_code"] != integrity.code)]
    first = [{"agency_code": integrity.code, "confidence": None, "by": "integrity"}] if integrity else []
    return first + kept


def route_by_model(session: Session, *, complaint: Complaint, decision: RoutingDecision | None, failure: str | None,
                   now: datetime) -> str:
    """Send a received complaint where the model says, or to the triage desk when the model is not
    sure enough (or failed, ``failure`` saying how). Returns "dispositioned" or "triage"."""
    reporter_choice = [s for s in (complaint.routing_suggestions or []) if s.get("by") == "reporter"]
    suggestions = []
    for suggestion in decision.suggestions if decision else []:
        suggested = agency_service.resolve(session, label=suggestion.agency_code)
        if suggested is not None:
            suggestions.append({"agency_code": suggested.code, "confidence": suggestion.confidence, "by": "model"})
    if complaint.sensitive:
        suggestions = _integrity_first(session, suggestions)
    complaint.routing_suggestions = reporter_choice + suggestions or None
    complaint.routing_confidence = decision.confidence if decision else None
    agency = agency_service.resolve(session, label=decision.agency_code) if decision and decision.agency_code else None
    if complaint.sensitive:
        agency = None  # an integrity complaint may be about the very office the model would pick: a person routes it
    if agency is None:
        note = ("an integrity complaint: a person routes it" if complaint.sensitive else
                f"automatic routing failed ({failure})" if failure else "the router was not sure enough")
        transition(session, complaint, Status.TRIAGE, actor_type=ActorType.SYSTEM, actor="router", now=now,
                   internal_note=note, data={"suggestions": complaint.routing_suggestions or []})
        return "triage"
    assert decision is not None
    complaint.agency_id = agency.id
    complaint.routed_by = RoutedBy.MODEL
    transition(session, complaint, Status.DISPOSITIONED, actor_type=ActorType.SYSTEM, actor="router", now=now,
               data={"agency_code": agency.code, "routed_by": RoutedBy.MODEL.value, "confidence": decision.confidence})
    auto_assign(session, complaint, now=now)
    return "dispositioned"


def auto_assign(session: Session, complaint: Complaint, *, now: datetime) -> Staff | None:
    """Round-robin: when the complaint's agency asks for it, the complaint goes to one of its
    officers in turn (the one with the fewest open complaints, the earliest account first among
    equals). None when the agency does not assign this way or has no active officer."""
    agency = session.get(Agency, complaint.agency_id) if complaint.agency_id else None
    if agency is None or not agency.auto_assign or complaint.assignee_id is not None:
        return None
    load = (select(Complaint.assignee_id, func.count().label("n"))
            .where(col(Complaint.status).in_(sorted(OPEN_STATUSES))).group_by(col(Complaint.assignee_id)).subquery())
    officer = session.exec(
        select(Staff).outerjoin(load, load.c.assignee_id == Staff.id)
        .where(Staff.agency_id == agency.id, Staff.role == Role.OFFICER, Staff.active == True)  # noqa: E712
        .order_by(func.coalesce(load.c.n, 0), col(Staff.id))).first()
    if officer is None:
        return None
    complaint.assignee_id = officer.id
    record_event(session, complaint, kind="assigned", actor_type=ActorType.SYSTEM, now=now,
                 data={"assignee": officer.email, "by": "round-robin"})
    session.add(complaint)
    return officer


def route_from_triage(session: Session, *, complaint: Complaint, agency_code: str, actor: str, now: datetime) -> None:
    if complaint.status != Status.TRIAGE:
        raise Conflict(f"only a complaint at the triage desk can be routed from it (this one is {complaint.status})",
                       key="not_at_triage")
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
        raise Conflict(f"the complaint is already with {agency.code}", key="already_with_agency")
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


def latest_decisions(session: Session) -> dict[int, tuple[Complaint, Agency]]:
    """Each complaint's latest routing decision by a person that names an agency, by complaint id."""
    rows = session.exec(
        select(RoutingCorrection, Complaint, Agency)
        .join(Complaint, col(Complaint.id) == col(RoutingCorrection.complaint_id))
        .join(Agency, col(Agency.code) == col(RoutingCorrection.agency_code))
        .order_by(col(RoutingCorrection.created_at), col(RoutingCorrection.id))
    ).all()
    return {correction.complaint_id: (complaint, agency) for correction, complaint, agency in rows}


def training_text(complaint: Complaint) -> str:
    """A complaint as the router reads it: the title, then the text."""
    return f"{complaint.title}\n{complaint.text}" if complaint.title else complaint.text


def export_corrections(session: Session, *, path: Path, label: str = "name") -> int:
    """Write the people's routing decisions as training rows (text, agency, submitted_at): the
    latest decision per complaint that names an agency. ``label``: the agency's ``name`` (as the
    Surabaya history records it) or ``code``."""
    latest = latest_decisions(session)
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["text", "agency", "submitted_at"])
        for complaint, agency in latest.values():
            writer.writerow([spreadsheet_safe(training_text(complaint)), agency.name if label == "name" else agency.code, complaint.received_at.isoformat()])
    return len(latest)
