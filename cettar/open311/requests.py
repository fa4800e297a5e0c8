"""Open311 service requests on CETTAR's complaints: filing one (``POST requests``), reading them
(``GET requests``, ``requests/{id}``, ``tokens/{token}``) and their updates (the
``servicerequestupdates`` extension). A request is a complaint: its ``service_request_id`` is the
tracking code, ``expected_datetime`` its nearest SLA deadline, ``agency_responsible`` its agency,
``status_notes`` the latest public response. No contact data ever leaves in a GET, and a
confidential complaint is never listed nor read here (its reporter follows it with the secret)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlmodel import Session, col, func, select

from cettar.agency.models import Agency
from cettar.complaint import codes
from cettar.complaint.models import Channel, Complaint, ComplaintEvent, ComplaintPhoto, Privacy, Status
from cettar.errors import DomainError
from cettar.i18n import translate
from cettar.intake import service as intake_service
from cettar.open311 import keys, services
from cettar.open311.formats import Open311Error
from cettar.open311.models import Open311Key
from cettar.settings import get_settings
from ingest import IncomingComplaint
from ingest.incoming import Contact

MAX_WINDOW = timedelta(days=90)
PAGE_SIZE, MAX_PAGE_SIZE = 50, 200
CLOSED = frozenset({Status.RESOLVED, Status.CLOSED, Status.REJECTED})
# CETTAR's statuses in the servicerequestupdates extension's extended set
EXTENDED = {Status.RECEIVED: "OPEN", Status.TRIAGE: "INVESTIGATING", Status.DISPOSITIONED: "ACTION_SCHEDULED",
            Status.IN_PROGRESS: "IN_PROGRESS", Status.WAITING_CITIZEN: "IN_PROGRESS", Status.RESPONDED: "IN_PROGRESS",
            Status.RESOLVED: "FIXED", Status.CLOSED: "CLOSED", Status.REJECTED: "NO_FURTHER_ACTION",
            Status.REOPENED: "OPEN"}

def when(moment: datetime | None) -> str | None:
    """ISO 8601 with the deployment's offset (``2026-12-03T18:14:05+07:00``)."""
    return moment.astimezone(get_settings().zone).isoformat(timespec="seconds") if moment else None


def parse_when(value: str, name: str) -> datetime:
    """An ISO 8601 date or date-time; without an offset, in the deployment's time zone."""
    try:
        moment = datetime.fromisoformat(value.strip())
    except ValueError as exc:
        raise Open311Error(400, f"{name} must be an ISO 8601 date-time, e.g. 2026-12-01T00:00:00+07:00") from exc
    return moment if moment.tzinfo else moment.replace(tzinfo=get_settings().zone)


# --- filing -------------------------------------------------------------------------------------

def integration(session: Session, api_key: str | None, now: datetime) -> Open311Key:
    if not api_key:
        raise Open311Error(403, "api_key is required to file a request (an admin issues one per integration)")
    found = keys.check(session, key=api_key, now=now)
    if found is None:
        raise Open311Error(403, "api_key is not valid (unknown or revoked)")
    return found


def _number(form: Mapping[str, str], name: str, low: float, high: float) -> float:
    try:
        value = float(form[name])
    except ValueError as exc:
        raise Open311Error(400, f"{name} must be a number") from exc
    if not low <= value <= high:
        raise Open311Error(400, f"{name} must be between {low} and {high} (a place in Indonesia)")
    return value


def _location(form: Mapping[str, str]) -> tuple[float | None, float | None, str]:
    address = " ".join((form.get("address_string") or form.get("address_id") or "").split())[:500]
    has_lat, has_long = bool(form.get("lat", "").strip()), bool(form.get("long", "").strip())
    if has_lat != has_long:
        raise Open311Error(400, "lat and long go together")
    if not (has_lat or address):
        raise Open311Error(400, "a location is required: lat and long, or address_string (or address_id)")
    if not has_lat:
        return None, None, address
    return _number(form, "lat", -11.5, 6.5), _number(form, "long", 94.5, 141.5), address


def _attribute(form: Mapping[str, str], code: str, allowed: set[str], default: str) -> str:
    value = (form.get(f"attribute[{code}]") or default).strip()
    if value not in allowed:
        raise Open311Error(400, f"attribute[{code}] must be one of {', '.join(sorted(allowed))}")
    return value


@dataclass
class FiledRequest:
    complaint: Complaint
    token: str
    access_secret: str | None


def file_request(session: Session, *, form: Mapping[str, str], key: Open311Key, now: datetime) -> FiledRequest:
    """File the request as a complaint on the channel ``open311``, source ``open311:<integration>``."""
    code = (form.get("service_code") or "").strip()
    if not code:
        raise Open311Error(400, "service_code is required (GET services.json lists them)")
    try:
        category = services.category_of(code)
    except KeyError as exc:
        raise Open311Error(404, f"unknown service_code {code!r} (GET services.json lists them)") from exc
    lat, long, address = _location(form)
    text = (form.get("description") or "").strip()
    if not text:
        raise Open311Error(400, "description is required: what the complaint is about")
    media = (form.get("media_url") or "").strip()
    if media.startswith(("http://", "https://")):
        text = f"{text}\n\nFoto: {media[:1000]}"
    if len(text) > get_settings().max_text_length:
        raise Open311Error(400, f"description is longer than {get_settings().max_text_length} characters")
    privacy = _attribute(form, "privacy", {p.value for p in Privacy}, Privacy.PUBLIC.value)
    language = _attribute(form, "language", {"id", "en"}, "id")
    name = " ".join(f"{form.get('first_name', '')} {form.get('last_name', '')}".split())[:120]
    token = intake_service.new_external_id()
    assert key.id is not None
    incoming = IncomingComplaint(
        text=text, title="", channel=Channel.OPEN311, source=f"{keys.SOURCE}{key.id}", external_id=token,
        address=address, latitude=lat, longitude=long, privacy=Privacy(privacy), language=language, category=category,
        contact=Contact(name=name if privacy != Privacy.ANONYMOUS else "", phone=(form.get("phone") or "").strip()[:32],
                        email=(form.get("email") or "").strip()[:254]))
    try:
        filed = intake_service.file_complaint(session, incoming=incoming, now=now)
    except DomainError as exc:
        raise Open311Error(400, exc.message) from exc
    key.filed += 1
    session.add(key)
    return FiledRequest(filed.complaint, token, filed.access_secret)


def filed_answer(filed: FiledRequest, language: str) -> list[dict[str, Any]]:
    complaint = filed.complaint
    url = f"{get_settings().public_base_url.rstrip('/')}/lacak/{complaint.tracking_code}"
    notice = (translate(language, "open311.filed_confidential", url=url, secret=filed.access_secret) if filed.access_secret
              else translate(language, "open311.filed", url=url))
    return [{"service_request_id": complaint.tracking_code, "token": filed.token, "service_notice": notice,
             "account_id": None}]


# --- reading ------------------------------------------------------------------------------------

def _readable() -> Any:
    return col(Complaint.privacy) != Privacy.CONFIDENTIAL


def _views(session: Session, complaints: list[Complaint], language: str) -> list[dict[str, Any]]:
    ids = [c.id for c in complaints]
    agencies = {a.id: a.name for a in session.exec(select(Agency).where(
        col(Agency.id).in_({c.agency_id for c in complaints if c.agency_id})))} if complaints else {}
    notes: dict[int, str] = {}
    photos: dict[int, int] = {}
    if ids:
        for complaint_id, message in session.exec(
                select(ComplaintEvent.complaint_id, ComplaintEvent.public_message)
                .where(col(ComplaintEvent.complaint_id).in_(ids), col(ComplaintEvent.public_message).is_not(None),
                       col(ComplaintEvent.public_message) != "")
                .order_by(col(ComplaintEvent.occurred_at), col(ComplaintEvent.id))):
            notes[complaint_id] = message or ""  # the latest wins
        for complaint_id, photo_id in session.exec(select(ComplaintPhoto.complaint_id, func.min(ComplaintPhoto.id))
                                                   .where(col(ComplaintPhoto.complaint_id).in_(ids))
                                                   .group_by(col(ComplaintPhoto.complaint_id))):
            if photo_id is not None:
                photos[complaint_id] = photo_id
    base = get_settings().public_base_url.rstrip("/")
    views = []
    for c in complaints:
        code = c.category or services.OTHER
        photo = photos.get(c.id or 0) if c.privacy == Privacy.PUBLIC else None
        views.append({
            "service_request_id": c.tracking_code, "status": "closed" if c.status in CLOSED else "open",
            "status_notes": notes.get(c.id or 0), "service_name": services.name(code, language), "service_code": code,
            "description": c.text, "agency_responsible": agencies.get(c.agency_id),
            "service_notice": None, "requested_datetime": when(c.received_at), "updated_datetime": when(c.updated_at),
            "expected_datetime": when(c.due_at), "address": c.address or None, "address_id": None, "zipcode": None,
            "lat": c.latitude, "long": c.longitude,
            "media_url": f"{base}/foto/{c.tracking_code}/{photo}" if photo else None,
        })
    return views


def one(session: Session, *, request_id: str, language: str) -> list[dict[str, Any]]:
    normalised = codes.normalise_tracking_code(request_id)
    complaint = session.exec(select(Complaint).where(Complaint.tracking_code == normalised, _readable())).first() \
        if normalised else None
    if complaint is None:
        raise Open311Error(404, f"no service request {request_id!r}")
    return _views(session, [complaint], language)


def by_token(session: Session, *, token: str) -> list[dict[str, Any]]:
    complaint = session.exec(select(Complaint).where(col(Complaint.source).startswith(keys.SOURCE),
                                                     Complaint.external_id == token.strip(), _readable())).first()
    if complaint is None:
        raise Open311Error(404, f"no request with token {token!r}")
    return [{"service_request_id": complaint.tracking_code, "token": token}]


def window(params: Mapping[str, str], now: datetime) -> tuple[datetime, datetime]:
    """start_date … end_date: at most 90 days; the last 90 days (or the 90 around the one given) by default."""
    end = parse_when(params["end_date"], "end_date") if params.get("end_date") else None
    start = parse_when(params["start_date"], "start_date") if params.get("start_date") else None
    end = end or (start + MAX_WINDOW if start else now)
    start = start or end - MAX_WINDOW
    if start > end:
        raise Open311Error(400, "start_date is after end_date")
    if end - start > MAX_WINDOW:
        raise Open311Error(400, "the window from start_date to end_date is at most 90 days")
    return start, end


def _page(params: Mapping[str, str]) -> tuple[int, int]:
    try:
        page = int(params.get("page") or 1)
        size = int(params.get("page_size") or PAGE_SIZE)
    except ValueError as exc:
        raise Open311Error(400, "page and page_size are whole numbers") from exc
    if page < 1 or not 1 <= size <= MAX_PAGE_SIZE:
        raise Open311Error(400, f"page starts at 1; page_size is 1-{MAX_PAGE_SIZE}")
    return page, size


def search(session: Session, *, params: Mapping[str, str], now: datetime, language: str) -> list[dict[str, Any]]:
    """``GET requests``: by service_request_id (comma-separated; the other parameters are then
    ignored, as the specification says), else by service_code, status and the date window, newest
    first, a page at a time. Integrity (sensitive) complaints are read by id only."""
    page, size = _page(params)
    query: Any = select(Complaint).where(_readable())
    if params.get("service_request_id"):
        wanted = [codes.normalise_tracking_code(part) for part in params["service_request_id"].split(",")]
        query = query.where(col(Complaint.tracking_code).in_([w for w in wanted if w]))
    else:
        start, end = window(params, now)
        query = query.where(col(Complaint.received_at) >= start, col(Complaint.received_at) <= end,
                            col(Complaint.sensitive).is_(False))
        if params.get("service_code"):
            wanted_codes = [c.strip() for c in params["service_code"].split(",") if c.strip()]
            unknown = [c for c in wanted_codes if c not in services.codes()]
            if unknown:
                raise Open311Error(404, f"unknown service_code {unknown[0]!r}")
            categories = [c for c in wanted_codes if c != services.OTHER]
            condition: Any = col(Complaint.category).in_(categories)
            if services.OTHER in wanted_codes:
                condition = condition | col(Complaint.category).is_(None) | (col(Complaint.category) == "")
            query = query.where(condition)
        if params.get("status"):
            statuses = {s.strip().lower() for s in params["status"].split(",") if s.strip()}
            if not statuses <= {"open", "closed"}:
                raise Open311Error(400, "status is open, closed or both (open,closed)")
            if statuses == {"open"}:
                query = query.where(col(Complaint.status).not_in(sorted(CLOSED)))
            elif statuses == {"closed"}:
                query = query.where(col(Complaint.status).in_(sorted(CLOSED)))
    rows = list(session.exec(query.order_by(col(Complaint.received_at).desc(), col(Complaint.id).desc())
                             .offset((page - 1) * size).limit(size)))
    return _views(session, rows, language)


def updates(session: Session, *, params: Mapping[str, str], now: datetime) -> list[dict[str, Any]]:
    """The servicerequestupdates extension: each public step (a status change or a public reply)
    of a readable complaint within the window, oldest first, a page at a time."""
    page, size = _page(params)
    start, end = window(params, now)
    rows = session.exec(
        select(ComplaintEvent, Complaint).join(Complaint, col(Complaint.id) == col(ComplaintEvent.complaint_id))
        .where(_readable(), col(Complaint.sensitive).is_(False), col(ComplaintEvent.occurred_at) >= start,
               col(ComplaintEvent.occurred_at) <= end,
               col(ComplaintEvent.to_status).is_not(None) | (col(ComplaintEvent.public_message).is_not(None)
                                                             & (col(ComplaintEvent.public_message) != "")))
        .order_by(col(ComplaintEvent.occurred_at), col(ComplaintEvent.id)).offset((page - 1) * size).limit(size)).all()
    answer = []
    for event, complaint in rows:
        answer.append({"update_id": str(event.id), "service_request_id": complaint.tracking_code,
                       "status": extended_status(event, complaint), "updated_datetime": when(event.occurred_at),
                       "description": event.public_message or "", "media_url": None})
    return answer


def extended_status(event: ComplaintEvent, complaint: Complaint) -> str:
    """The extended status of this step: a transfer is an INTERNAL_REFERRAL, "not our authority"
    NOT_COUNCILS_RESPONSIBILITY, a complaint merged into another DUPLICATE; a reply without a
    status change keeps the status the complaint had (IN_PROGRESS when unknown)."""
    data = event.data or {}
    if complaint.duplicate_of_id is not None and event.to_status in CLOSED:
        return "DUPLICATE"
    if data.get("not_our_authority"):
        return "NOT_COUNCILS_RESPONSIBILITY"
    if event.to_status == Status.DISPOSITIONED and data.get("from_agency_code"):
        return "INTERNAL_REFERRAL"
    if event.to_status is None:
        return "IN_PROGRESS"
    return EXTENDED.get(Status(event.to_status), "OPEN")
