from datetime import UTC, datetime

import pytest
from sqlmodel import Session, select

from cettar.complaint.models import ActorType, Complaint, ComplaintEvent, Status
from cettar.complaint.workflow import ALLOWED, STAGE_COLUMN, can_transition, transition
from cettar.errors import Conflict

NOW = datetime(2026, 3, 2, 9, 30, tzinfo=UTC)


@pytest.mark.parametrize(
    ("current", "target", "allowed"),
    [
        (Status.RECEIVED, Status.TRIAGE, True),
        (Status.RECEIVED, Status.DISPOSITIONED, True),
        (Status.TRIAGE, Status.DISPOSITIONED, True),
        (Status.DISPOSITIONED, Status.DISPOSITIONED, True),  # transfer
        (Status.DISPOSITIONED, Status.TRIAGE, True),  # not our authority
        (Status.IN_PROGRESS, Status.WAITING_CITIZEN, True),
        (Status.RESPONDED, Status.CLOSED, True),
        (Status.CLOSED, Status.REOPENED, True),
        (Status.RECEIVED, Status.RESOLVED, False),
        (Status.TRIAGE, Status.IN_PROGRESS, False),
        (Status.CLOSED, Status.IN_PROGRESS, False),
        (Status.RESOLVED, Status.TRIAGE, False),
        (Status.REJECTED, Status.DISPOSITIONED, False),
    ],
)
def test_allowed_moves(current: Status, target: Status, allowed: bool) -> None:
    assert can_transition(current, target) is allowed


def test_every_status_has_a_way_on_and_every_target_is_a_status() -> None:
    assert set(ALLOWED) == set(Status)
    assert all(targets <= set(Status) and targets for targets in ALLOWED.values())
    assert all(hasattr(Complaint, column) for column in STAGE_COLUMN.values())


def _complaint(session: Session, status: Status) -> Complaint:
    complaint = Complaint(tracking_code="CTR-TEST-0000-0001", text="x", channel="web", source="test",
                          external_id="workflow", status=status, received_at=NOW, updated_at=NOW)
    session.add(complaint)
    session.flush()
    return complaint


def test_transition_sets_the_stage_time_and_appends_one_event(session: Session) -> None:
    complaint = _complaint(session, Status.RECEIVED)
    transition(session, complaint, Status.TRIAGE, actor_type=ActorType.SYSTEM, actor="router", now=NOW,
               internal_note="unsure")
    session.flush()
    assert complaint.status == Status.TRIAGE
    assert complaint.triaged_at == NOW
    events = session.exec(select(ComplaintEvent).where(ComplaintEvent.complaint_id == complaint.id)).all()
    assert [(e.from_status, e.to_status, e.actor_type, e.internal_note) for e in events] == [
        ("received", "triage", "system", "unsure")
    ]


def test_a_refused_move_changes_nothing(session: Session) -> None:
    complaint = _complaint(session, Status.RECEIVED)
    with pytest.raises(Conflict, match="received cannot become closed"):
        transition(session, complaint, Status.CLOSED, actor_type=ActorType.STAFF, now=NOW)
    session.flush()
    assert complaint.status == Status.RECEIVED
    assert complaint.closed_at is None
    assert session.exec(select(ComplaintEvent).where(ComplaintEvent.complaint_id == complaint.id)).all() == []
