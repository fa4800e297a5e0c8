"""Reading complaints for the people allowed to see them."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlmodel import Session, col, select

from cettar.agency.models import Agency, AgencyPublic
from cettar.complaint import codes
from cettar.clock import service as clock_service
from cettar.complaint.models import Complaint, ComplaintEvent, ComplaintPhoto, Privacy, RoutedBy, Status
from cettar.complaint.workflow import clock_policy
from cettar.complaint.schemas import ComplaintPublic, PhotoPublic, TimelineEntryPublic
from cettar.errors import NotFound
from cettar.i18n import translate
from cettar.region.models import Region, RegionPublic

NOT_FOUND = "no complaint with that tracking code"


@dataclass(frozen=True)
class Expected:
    routed_by: datetime  # verified and passed to the agency, at the latest
    answered_by: datetime  # the agency's first answer, at the latest if routing takes all its time


def expected_response(session: Session, complaint: Complaint) -> Expected | None:
    """What the policy in force promises a complaint just filed (SP4N-LAPOR!: 3 working days to
    verify and pass on, 5 more for the first answer), on the deployment's working calendar."""
    policy, calendar = clock_policy(session, complaint)
    routed = clock_service.deadline_from(policy, calendar, clock="verification", started_at=complaint.received_at)
    if routed is None:
        return None
    answered = clock_service.deadline_from(policy, calendar, clock="first_response", started_at=routed)
    return Expected(routed, answered) if answered is not None else None


def get_by_tracking_code(session: Session, *, code: str) -> Complaint | None:
    normalised = codes.normalise_tracking_code(code)
    if normalised is None:
        return None
    return session.exec(select(Complaint).where(Complaint.tracking_code == normalised)).first()


def needs_secret(complaint: Complaint) -> bool:
    return complaint.privacy == Privacy.CONFIDENTIAL


def _region(session: Session, code: str | None) -> RegionPublic | None:
    region = session.get(Region, code) if code else None
    return RegionPublic.model_validate(region, from_attributes=True) if region else None


def status_label(language: str, status: Status | str, routed_by: str | None) -> str:
    """The status in a citizen's words: "verified by an officer" only when a person did route it
    (a routing by the model says "passed to the agency"); the triage desk is "waiting for an officer"."""
    if status == Status.DISPOSITIONED and routed_by == RoutedBy.PERSON.value:
        return translate(language, "status.dispositioned_by_person")
    return translate(language, f"status.{status}")


def opened(session: Session, *, code: str, secret: str | None) -> Complaint:
    """The complaint this code (and, for a confidential one, this secret) opens for its reporter. An
    unknown code and a confidential complaint without its secret are the same 404, so the answer
    never tells whether a code exists."""
    complaint = get_by_tracking_code(session, code=code)
    if complaint is None or (needs_secret(complaint) and not codes.secret_matches(secret or "", complaint.access_secret_hash)):
        raise NotFound(NOT_FOUND)
    return complaint


def public_view(session: Session, *, code: str, secret: str | None, language: str) -> ComplaintPublic:
    """The citizen's view of the complaint this code (and secret) opens."""
    return view_of(session, opened(session, code=code, secret=secret), language=language)


def view_of(session: Session, complaint: Complaint, *, language: str) -> ComplaintPublic:
    """The citizen's view of a complaint already opened: no contact, no internal notes."""
    agency = session.get(Agency, complaint.agency_id) if complaint.agency_id else None
    photos = session.exec(select(ComplaintPhoto).where(ComplaintPhoto.complaint_id == complaint.id)
                          .order_by(col(ComplaintPhoto.id))).all()
    events = session.exec(
        select(ComplaintEvent)
        .where(ComplaintEvent.complaint_id == complaint.id)
        .order_by(col(ComplaintEvent.occurred_at), col(ComplaintEvent.id))
    ).all()
    timeline = [
        TimelineEntryPublic(
            at=event.occurred_at,
            status=event.to_status,
            status_label=status_label(language, event.to_status, (event.data or {}).get("routed_by"))
            if event.to_status else None,
            by=event.actor_type,
            message=event.public_message,
        )
        for event in events
        if event.to_status or event.public_message
    ]
    return ComplaintPublic(
        tracking_code=complaint.tracking_code,
        status=complaint.status,
        status_label=status_label(language, complaint.status, complaint.routed_by),
        title=complaint.title,
        text=complaint.text,
        privacy=complaint.privacy,
        channel=complaint.channel,
        agency=AgencyPublic(code=agency.code, name=agency.name) if agency else None,
        region=_region(session, complaint.region_code),
        district=_region(session, complaint.district_code),
        created_at=complaint.received_at,
        updated_at=complaint.updated_at,
        due_at=complaint.due_at,
        timeline=timeline,
        photo_count=len(photos),
        photos=[PhotoPublic(url=f"/foto/{complaint.tracking_code}/{p.id}", thumbnail_url=f"/foto/{complaint.tracking_code}/{p.id}?kecil=1",
                            width=p.width, height=p.height)
                for p in photos] if complaint.privacy == Privacy.PUBLIC else [],
    )
