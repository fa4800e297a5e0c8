"""What staff do to complaints, with who may do it: claim, assign, reply, note, ask the citizen,
resolve, reopen, transfer, not our authority, route from the triage desk, merge, categorise, spam.

Authorisation lives here, next to the change, so every door (pages, the JSON API, the CLI) is
checked the same way. Each action is a workflow transition or an event with the actor recorded;
``available`` says which actions a person is offered for a complaint in its current status, and an
action that is not available refuses with a message saying so.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime

from sqlmodel import Session, select

from cettar.complaint import replies, routing
from cettar.complaint.models import CATEGORIES, OPEN_STATUSES, ActorType, Complaint, Priority, Privacy, Status
from cettar.complaint.workflow import can_transition, record_event, refresh_clocks, transition
from cettar.errors import Conflict, FieldError, NotFound
from cettar.staff.auth import Actor, Forbidden
from cettar.staff.models import AGENCY_ROLES, Role, Staff
from cettar.validation import checked_text

S = Status
WORKING = frozenset({S.DISPOSITIONED, S.IN_PROGRESS, S.REOPENED})  # routed, and not yet answered
ANSWERABLE = WORKING | {S.WAITING_CITIZEN, S.RESPONDED}
ROUTING_ROLES = (Role.TRIAGE, Role.ADMIN)


# --- who sees what, who acts ------------------------------------------------------------------------

def can_see(actor: Actor, complaint: Complaint) -> bool:
    if actor.role in (Role.ADMIN, Role.GOVERNOR, Role.TRIAGE):
        return True
    return complaint.agency_id is not None and complaint.agency_id == actor.staff.agency_id


def get_visible(session: Session, actor: Actor, code: str) -> Complaint:
    """The complaint, if this actor may see it; a plain 404 otherwise (whether it exists is not told)."""
    complaint = session.exec(select(Complaint).where(Complaint.tracking_code == code.strip().upper())).first()
    if complaint is None or not can_see(actor, complaint):
        raise NotFound("no such complaint", key="no_complaint")
    return complaint


def can_work(actor: Actor, complaint: Complaint) -> bool:
    """Acting on a complaint: its own agency's officers and supervisors, or an admin."""
    if actor.role == Role.ADMIN:
        return True
    return actor.role in AGENCY_ROLES and complaint.agency_id is not None and complaint.agency_id == actor.staff.agency_id


def _may_work(actor: Actor, complaint: Complaint) -> None:
    if not can_work(actor, complaint):
        raise Forbidden("only the agency handling this complaint can act on it", key="not_your_agency")


def _may_route(actor: Actor, complaint: Complaint) -> None:
    """The triage desk and admins route anything; the agency itself works on its own complaints."""
    if actor.role not in ROUTING_ROLES:
        _may_work(actor, complaint)


# --- which actions are offered ----------------------------------------------------------------------

def _offered(actor: Actor, complaint: Complaint) -> dict[str, bool]:
    status = complaint.status
    working = can_work(actor, complaint)
    routes = actor.role in ROUTING_ROLES or working
    return {
        "claim": working and status in ANSWERABLE and complaint.assignee_id != actor.staff.id,
        "assign": working and actor.role in (Role.SUPERVISOR, Role.ADMIN) and status in ANSWERABLE,
        "reply": working and status in ANSWERABLE,
        "note": actor.role != Role.GOVERNOR and (working or actor.role == Role.TRIAGE),
        "ask": working and status in ANSWERABLE - {S.WAITING_CITIZEN},
        "resolve": working and status in ANSWERABLE,
        "reopen": working and status in {S.RESPONDED, S.RESOLVED, S.CLOSED},
        "transfer": working and status in WORKING,
        "not-ours": working and status in WORKING,
        "merge": routes and status in OPEN_STATUSES,
        "spam": routes and can_transition(status, S.REJECTED),
        "categorise": routes and status in OPEN_STATUSES,
        "route": actor.role in ROUTING_ROLES and status == S.TRIAGE,
        "privacy": routes and complaint.privacy == Privacy.PUBLIC,
    }


def available(actor: Actor, complaint: Complaint) -> frozenset[str]:
    """The actions this person is offered on this complaint now."""
    return frozenset(name for name, ok in _offered(actor, complaint).items() if ok)


def _check(actor: Actor, complaint: Complaint, action: str) -> None:
    if actor.role == Role.GOVERNOR:
        raise Forbidden("the governor's staff read; they do not change complaints", key="governor_reads")
    if action in available(actor, complaint):
        return
    if action in ("route",) and actor.role not in ROUTING_ROLES:
        raise Forbidden("the triage desk routes complaints", key="triage_routes")
    if action == "assign" and can_work(actor, complaint) and actor.role not in (Role.SUPERVISOR, Role.ADMIN):
        raise Forbidden("only a supervisor assigns complaints to others", key="supervisor_assigns")
    if not can_work(actor, complaint) and not (actor.role == Role.TRIAGE and action in ("note", "merge", "spam", "categorise")):
        raise Forbidden("only the agency handling this complaint can act on it", key="not_your_agency")
    if action == "claim" and complaint.assignee_id == actor.staff.id and complaint.status in ANSWERABLE:
        raise Conflict("this complaint is already yours", key="already_yours")
    raise Conflict(f"{action} is not possible for a complaint that is {complaint.status.value}",
                   key="action_unavailable", values={"action": action, "status": complaint.status.value})


# --- the actions ------------------------------------------------------------------------------------

def _start_work(session: Session, actor: Actor, complaint: Complaint, now: datetime) -> None:
    if complaint.status in (S.DISPOSITIONED, S.REOPENED):
        transition(session, complaint, S.IN_PROGRESS, actor_type=ActorType.STAFF, actor=actor.label, now=now)


def _touch(session: Session, complaint: Complaint, now: datetime) -> None:
    complaint.updated_at = now
    session.add(complaint)


def claim(session: Session, actor: Actor, complaint: Complaint, *, now: datetime) -> None:
    _check(actor, complaint, "claim")
    _assign(session, actor, complaint, actor.staff, now)


def assign_to(session: Session, actor: Actor, complaint: Complaint, *, staff_id: int | str | None, now: datetime) -> None:
    """Hand the complaint to one of its agency's active officers or supervisors (``staff_id`` as the
    form sends it: anything that is not the id of such a person is refused, never a server error)."""
    _check(actor, complaint, "assign")
    given = str(staff_id or "")
    staff = session.get(Staff, int(given)) if given.isdigit() and len(given) < 12 else None
    if staff is None:
        raise FieldError("choose whom to assign to", field="assignee", key="choose_assignee")
    if staff.agency_id != complaint.agency_id or staff.role not in AGENCY_ROLES or not staff.active:
        raise FieldError(f"{staff.email} does not work for this complaint's agency", field="assignee",
                         key="assignee_elsewhere")
    if complaint.assignee_id == staff.id:
        raise Conflict(f"the complaint is already assigned to {staff.email}", key="already_assigned",
                       values={"name": staff.name or staff.email})
    _assign(session, actor, complaint, staff, now)


def _assign(session: Session, actor: Actor, complaint: Complaint, staff: Staff, now: datetime) -> None:
    complaint.assignee_id = staff.id
    record_event(session, complaint, kind="assigned", actor_type=ActorType.STAFF, actor=actor.label, now=now,
                 data={"assignee": staff.email})
    _start_work(session, actor, complaint, now)
    _touch(session, complaint, now)


def reply(session: Session, actor: Actor, complaint: Complaint, *, message: str, now: datetime,
          template: str = "", language: str = "id") -> None:
    """A public reply to the citizen: the agency's response (the first one stops the response clock).
    An empty message with a template key sends the template's text."""
    _check(actor, complaint, "reply")
    if not message.strip() and template:
        message = replies.template_text(template, language)
    message = checked_text(message, field="message")
    _start_work(session, actor, complaint, now)
    if complaint.status != S.RESPONDED and can_transition(complaint.status, S.RESPONDED):
        transition(session, complaint, S.RESPONDED, actor_type=ActorType.STAFF, actor=actor.label, now=now,
                   public_message=message)
    else:  # already responded, or waiting for the citizen: a further reply on the timeline
        record_event(session, complaint, kind="reply", actor_type=ActorType.STAFF, actor=actor.label, now=now,
                     public_message=message)
        _touch(session, complaint, now)


def note(session: Session, actor: Actor, complaint: Complaint, *, text: str, now: datetime) -> None:
    _check(actor, complaint, "note")
    record_event(session, complaint, kind="note", actor_type=ActorType.STAFF, actor=actor.label, now=now,
                 internal_note=checked_text(text, field="text"))
    _touch(session, complaint, now)


def ask_citizen(session: Session, actor: Actor, complaint: Complaint, *, question: str, now: datetime) -> None:
    """Ask the citizen for information: the SLA clocks pause until they answer."""
    _check(actor, complaint, "ask")
    question = checked_text(question, field="question")
    _start_work(session, actor, complaint, now)
    transition(session, complaint, S.WAITING_CITIZEN, actor_type=ActorType.STAFF, actor=actor.label, now=now,
               public_message=question)


def resolve(session: Session, actor: Actor, complaint: Complaint, *, message: str, now: datetime) -> None:
    _check(actor, complaint, "resolve")
    message = checked_text(message, field="message")
    _start_work(session, actor, complaint, now)
    transition(session, complaint, S.RESOLVED, actor_type=ActorType.STAFF, actor=actor.label, now=now,
               public_message=message)


def reopen(session: Session, actor: Actor, complaint: Complaint, *, reason: str, now: datetime) -> None:
    _check(actor, complaint, "reopen")
    transition(session, complaint, S.REOPENED, actor_type=ActorType.STAFF, actor=actor.label, now=now,
               internal_note=checked_text(reason, field="reason"))


def transfer(session: Session, actor: Actor, complaint: Complaint, *, agency_code: str, reason: str, now: datetime) -> None:
    _check(actor, complaint, "transfer")
    routing.transfer(session, complaint=complaint, agency_code=agency_code,
                     reason=checked_text(reason, field="reason"),
                     actor=actor.label, now=now)
    complaint.assignee_id = None
    session.add(complaint)


def not_our_authority(session: Session, actor: Actor, complaint: Complaint, *, reason: str, now: datetime) -> None:
    _check(actor, complaint, "not-ours")
    routing.not_our_authority(session, complaint=complaint, reason=checked_text(reason, field="reason"),
                              actor=actor.label, now=now)
    complaint.assignee_id = None
    session.add(complaint)


def route(session: Session, actor: Actor, complaint: Complaint, *, agency_code: str, now: datetime) -> None:
    _check(actor, complaint, "route")
    routing.route_from_triage(session, complaint=complaint, agency_code=agency_code, actor=actor.label, now=now)
    routing.auto_assign(session, complaint, now=now)


def merge(session: Session, actor: Actor, complaint: Complaint, *, into_code: str, now: datetime) -> Complaint:
    """This complaint repeats another: it is closed as a duplicate, pointing at the one that stays."""
    _check(actor, complaint, "merge")
    target = session.exec(select(Complaint).where(Complaint.tracking_code == into_code.strip().upper())).first()
    if target is None or target.id == complaint.id or not can_see(actor, target):
        raise FieldError(f"no other complaint {into_code!r} to merge into", field="into", key="merge_target")
    if target.duplicate_of_id is not None:
        raise Conflict("that complaint is itself a duplicate: merge into the one it points at", key="merge_duplicate")
    complaint.duplicate_of_id = target.id
    transition(session, complaint, S.REJECTED, actor_type=ActorType.STAFF, actor=actor.label, now=now,
               public_message=f"Digabung dengan pengaduan {target.tracking_code}.",
               data={"reason": "duplicate", "duplicate_of": target.tracking_code})
    record_event(session, target, kind="merged", actor_type=ActorType.STAFF, actor=actor.label, now=now,
                 data={"merged": complaint.tracking_code})
    return target


def categorise(session: Session, actor: Actor, complaint: Complaint, *, category: str, priority: str, now: datetime) -> None:
    """Set the category and priority; the SLA clocks follow the policy they choose (fire, flood and
    disaster run on calendar hours)."""
    _check(actor, complaint, "categorise")
    if category not in CATEGORIES:
        raise FieldError(f"unknown category {category!r}", field="category", key="choice")
    if priority not in set(Priority):
        raise FieldError(f"unknown priority {priority!r}", field="priority", key="choice")
    if (complaint.category or "") == category and complaint.priority == priority:
        raise Conflict("the category and priority are already these", key="nothing_changed")
    complaint.category, complaint.priority = category or None, Priority(priority)
    _touch(session, complaint, now)
    record_event(session, complaint, kind="categorised", actor_type=ActorType.STAFF, actor=actor.label, now=now,
                 data={"category": category or None, "priority": priority})
    refresh_clocks(session, complaint=complaint, now=now)


def raise_privacy(session: Session, actor: Actor, complaint: Complaint, *, level: str, now: datetime) -> None:
    """Hide the reporter's identity from staff (public -> anonymous). A level is raised, never
    lowered; a complaint cannot be made confidential after filing, because its reporter holds no
    access secret to read it with."""
    _check(actor, complaint, "privacy")
    if level != Privacy.ANONYMOUS:
        raise FieldError("a public complaint can be made anonymous; no other change of privacy is possible",
                         field="level", key="privacy_raise_only")
    complaint.privacy = Privacy.ANONYMOUS
    _touch(session, complaint, now)
    record_event(session, complaint, kind="privacy", actor_type=ActorType.STAFF, actor=actor.label, now=now,
                 data={"from": Privacy.PUBLIC.value, "to": Privacy.ANONYMOUS.value})


def mark_spam(session: Session, actor: Actor, complaint: Complaint, *, now: datetime) -> None:
    _check(actor, complaint, "spam")
    transition(session, complaint, S.REJECTED, actor_type=ActorType.STAFF, actor=actor.label, now=now,
               data={"reason": "spam"})


# --- one entry point for every door ------------------------------------------------------------------

Form = Mapping[str, str]
Handler = Callable[[Session, Actor, Complaint, Form, datetime, str], object]

ACTIONS: dict[str, Handler] = {
    "claim": lambda s, a, c, f, now, lang: claim(s, a, c, now=now),
    "assign": lambda s, a, c, f, now, lang: assign_to(s, a, c, staff_id=f.get("assignee", ""), now=now),
    "reply": lambda s, a, c, f, now, lang: reply(s, a, c, message=f.get("message", ""), template=f.get("template", ""),
                                                 language=lang, now=now),
    "note": lambda s, a, c, f, now, lang: note(s, a, c, text=f.get("text", ""), now=now),
    "ask": lambda s, a, c, f, now, lang: ask_citizen(s, a, c, question=f.get("question", ""), now=now),
    "resolve": lambda s, a, c, f, now, lang: resolve(s, a, c, message=f.get("message", ""), now=now),
    "reopen": lambda s, a, c, f, now, lang: reopen(s, a, c, reason=f.get("reason", ""), now=now),
    "transfer": lambda s, a, c, f, now, lang: transfer(s, a, c, agency_code=f.get("agency_code", ""),
                                                       reason=f.get("reason", ""), now=now),
    "not-ours": lambda s, a, c, f, now, lang: not_our_authority(s, a, c, reason=f.get("reason", ""), now=now),
    "merge": lambda s, a, c, f, now, lang: merge(s, a, c, into_code=f.get("into", ""), now=now),
    "spam": lambda s, a, c, f, now, lang: mark_spam(s, a, c, now=now),
    "categorise": lambda s, a, c, f, now, lang: categorise(s, a, c, category=f.get("category", ""),
                                                           priority=f.get("priority", "normal"), now=now),
    "route": lambda s, a, c, f, now, lang: route(s, a, c, agency_code=f.get("agency_code", ""), now=now),
    "privacy": lambda s, a, c, f, now, lang: raise_privacy(s, a, c, level=f.get("level", ""), now=now),
}


def act(session: Session, actor: Actor, *, code: str, action: str, form: Form, now: datetime,
        language: str = "id") -> Complaint:
    """Run one action, named as the pages and the API name it, with its fields as given."""
    complaint = get_visible(session, actor, code)
    handler = ACTIONS.get(action)
    if handler is None:
        raise NotFound(f"no action {action!r}")
    handler(session, actor, complaint, form, now, language)
    return complaint


BULK_ACTIONS = ("claim", "assign", "transfer")


def bulk_actions(actor: Actor) -> tuple[str, ...]:
    """What a person may do to several complaints of their queue at once."""
    if actor.role in (Role.SUPERVISOR, Role.ADMIN):
        return BULK_ACTIONS
    return ("claim", "transfer") if actor.role == Role.OFFICER else ()


@dataclass
class BulkResult:
    done: list[str]


def bulk(session: Session, actor: Actor, *, codes: list[str], action: str, form: Form, now: datetime) -> BulkResult:
    """The same action on up to 100 complaints of the queue, all or nothing (the first refusal stops
    the request, and the edge rolls back)."""
    if action not in bulk_actions(actor):
        raise FieldError(f"choose one of {', '.join(bulk_actions(actor)) or 'nothing'}", field="action", key="choice")
    if not codes:
        raise FieldError("tick at least one complaint", field="code", key="choose_complaints")
    done = []
    for code in codes[:100]:
        act(session, actor, code=code, action=action, form=form, now=now)
        done.append(code)
    return BulkResult(done)

