"""Admin pages (``/staf/admin/...``), for admins only: staff accounts, agencies, clock policies, the
routing models (the registry: versions and their figures, promote, roll back, retrain now), and the
Open311 integrations (issue an api_key, revoke it)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import RedirectResponse
from sqlmodel import Session
from starlette.responses import Response

from cettar.agency import service as agency_service
from cettar.audit import service as audit_service
from cettar.clock import policies as stored_policies
from cettar.clock.policies import CLOCK_NAMES
from cettar.clock.service import policies
from cettar.complaint.models import CATEGORIES, Channel, Priority
from cettar.deps import SessionDep
from cettar.errors import Conflict, FieldError, NotFound
from cettar.learning import jobs as learning_jobs
from cettar.learning import service as learning_service
from cettar.learning.models import ModelStatus
from cettar.open311 import keys as open311_keys
from cettar.open311 import routes as open311_routes
from cettar.queue import DEFAULT_QUEUE, enqueue_after_commit
from cettar.settings import get_settings
from cettar.staff import service
from cettar.staff.auth import Actor, require
from cettar.staff.models import Role, Staff
from cettar.types import utcnow
from cettar.i18n import language_of
from cettar.validation import message_of
from cettar.web import RowId, render

router = APIRouter(prefix="/staf/admin", include_in_schema=False)
Admin = Annotated[Actor, Depends(require(Role.ADMIN))]


def _staff_page(request: Request, session: Session, actor: Actor, *, error: str | None = None,
                values: dict[str, str] | None = None, status_code: int = 200) -> Response:
    accounts = service.accounts(session)
    trail = audit_service.recent(session)
    agencies = {a.id: a for a in agency_service.list_all(session)}
    return render(request, "staff/admin_staff.html", actor.page(
        accounts=accounts, agencies=agencies, roles=[r.value for r in Role], error=error, values=values or {}, trail=trail,
    ), status_code=status_code)


@router.get("/staf")
def staff_list(request: Request, session: SessionDep, actor: Admin) -> Response:
    return _staff_page(request, session, actor)


@router.post("/staf")
def staff_create(request: Request, session: SessionDep, actor: Admin, email: Annotated[str, Form()] = "",
                 name: Annotated[str, Form()] = "", role: Annotated[str, Form()] = "",
                 agency: Annotated[str, Form()] = "", password: Annotated[str, Form()] = "") -> Response:
    values = {"email": email, "name": name, "role": role, "agency": agency}
    try:
        if role not in {r.value for r in Role}:
            raise FieldError("choose a role", field="role", key="choice")
        service.create_staff(session, email=email, name=name, role=Role(role), password=password,
                             agency_code=agency or None, now=utcnow(), by=actor.label)
    except FieldError as exc:
        return _staff_page(request, session, actor, error=exc.message, values=values, status_code=422)
    return RedirectResponse("/staf/admin/staf", status_code=303)


def _account(session: Session, staff_id: int) -> Staff:
    account = session.get(Staff, staff_id)
    if account is None:
        raise NotFound("no such account")
    return account


@router.post("/staf/{staff_id}/aktif")
def staff_toggle(session: SessionDep, actor: Admin, staff_id: RowId, active: Annotated[str, Form()] = "") -> Response:
    service.set_active(session, staff=_account(session, staff_id), active=active == "1", by=actor.label, now=utcnow(),
                       by_staff_id=actor.staff.id)
    return RedirectResponse("/staf/admin/staf", status_code=303)


@router.post("/staf/{staff_id}/reset-2fa")
def staff_reset_second_factor(session: SessionDep, actor: Admin, staff_id: RowId) -> Response:
    """For a lost phone: the account enrols a new second factor at its next sign-in."""
    service.reset_second_factor(session, staff=_account(session, staff_id), by=actor.label, now=utcnow())
    return RedirectResponse("/staf/admin/staf", status_code=303)


@router.get("/dinas")
def agencies_page(request: Request, session: SessionDep, actor: Admin) -> Response:
    agencies = agency_service.list_all(session)
    return render(request, "staff/admin_agencies.html", actor.page(agencies=agencies, policies=policies(session)))


def _policies_page(request: Request, session: Session, actor: Actor, *, error: str | None = None,
                   values: dict[str, str] | None = None, status_code: int = 200) -> Response:
    return render(request, "staff/admin_sla.html", actor.page(
        policies=policies(session), stored=stored_policies.stored_names(session), clock_names=CLOCK_NAMES,
        error=error, values=values or {}, choices=_condition_choices(session),
    ), status_code=status_code)


def _condition_choices(session: Session) -> dict[str, list[tuple[str, str]]]:
    """What a policy's conditions may name, as (value, label) for the pickers: agencies by name, and
    the categories, priorities and channels complaints have (label keys, translated on the page)."""
    return {
        "agency": [(a.code, a.name) for a in agency_service.list_all(session)],
        "category": [(c, f"category.{c}") for c in CATEGORIES if c],
        "priority": [(p.value, f"priority.{p.value}") for p in Priority],
        "channel": [(c.value, f"channel.{c.value}") for c in Channel],
    }


@router.get("/sla")
def policies_page(request: Request, session: SessionDep, actor: Admin) -> Response:
    return _policies_page(request, session, actor)


@router.post("/sla")
async def policy_save(request: Request, session: SessionDep, actor: Admin) -> Response:
    form = {k: str(v) for k, v in (await request.form()).items()}
    try:
        stored_policies.save(session, name=form.get("name", ""), conditions=form,
                             durations={c: form.get(c, "") for c in CLOCK_NAMES}, actor=actor.label,
                             enabled=form.get("enabled") == "1", now=utcnow())
    except FieldError as exc:
        return _policies_page(request, session, actor, error=exc.message, values=form, status_code=422)
    return RedirectResponse("/staf/admin/sla", status_code=303)


@router.post("/dinas/{agency_id}")
def agency_update(session: SessionDep, actor: Admin, agency_id: RowId, active: Annotated[str, Form()] = "",
                  auto_assign: Annotated[str, Form()] = "") -> Response:
    agency_service.update_settings(session, agency_id=agency_id, active=active == "1", auto_assign=auto_assign == "1",
                                   by=actor.label, now=utcnow())
    return RedirectResponse("/staf/admin/dinas", status_code=303)


def _models_page(request: Request, session: Session, actor: Actor, *, error: str | None = None,
                 notice: str | None = None, status_code: int = 200) -> Response:
    learning_service.ensure_base(session, now=utcnow())
    settings = get_settings()
    return render(request, "staff/admin_models.html", actor.page(
        versions=(versions := learning_service.versions(session)), error=error, notice=notice,
        can_roll_back=any(v.status == ModelStatus.RETIRED for v in versions), base_file=learning_service.base_path().name,
        retrain_interval_days=round(settings.retrain_interval / 86400, 1), base_data=settings.retrain_base_paths,
        labels=len(learning_service.deployment_examples(session)), min_labels=learning_service.MIN_LABELS,
    ), status_code=status_code)


@router.get("/model")
def models_page(request: Request, session: SessionDep, actor: Admin, notice: str = "") -> Response:
    return _models_page(request, session, actor, notice={"retrain": "admin.models.queued"}.get(notice))


@router.post("/model/{version}/promote")
def model_promote(request: Request, session: SessionDep, actor: Admin, version: RowId) -> Response:
    try:
        learning_service.promote(session, version=version, by=actor.label, now=utcnow())
    except (FieldError, Conflict) as exc:
        return _models_page(request, session, actor, error=message_of(exc, language_of(request)), status_code=409)
    return RedirectResponse("/staf/admin/model", status_code=303)


@router.post("/model/rollback")
def model_rollback(request: Request, session: SessionDep, actor: Admin) -> Response:
    try:
        learning_service.rollback(session, by=actor.label, now=utcnow())
    except (FieldError, Conflict) as exc:
        return _models_page(request, session, actor, error=message_of(exc, language_of(request)), status_code=409)
    return RedirectResponse("/staf/admin/model", status_code=303)


@router.post("/model/retrain")
def model_retrain(session: SessionDep, actor: Admin) -> Response:
    """Queue a retrain (a worker runs it: training takes minutes); the page shows its row when done."""
    enqueue_after_commit(session, DEFAULT_QUEUE, "cettar.learning.jobs.retrain", f"{actor.label} (retrain now)",
                         job_timeout=learning_jobs.RETRAIN_TIMEOUT)
    audit_service.record(session, by=actor.label, action="model.retrain", target="routing model", now=utcnow())
    return RedirectResponse("/staf/admin/model?notice=retrain", status_code=303)


# --- Open311 integrations --------------------------------------------------------------------------

def _open311_page(request: Request, session: Session, actor: Admin, *, issued: tuple[str, str] | None = None,
                  error: str | None = None, values: dict[str, str] | None = None, status_code: int = 200) -> Response:
    settings = get_settings()
    return render(request, "staff/admin_open311.html", actor.page(
        integrations=open311_keys.listing(session), issued=issued, error=error, values=values or {},
        endpoint=f"{settings.public_base_url.rstrip('/')}/open311/v2", jurisdiction=open311_routes.jurisdiction(),
    ), status_code=status_code)


@router.get("/open311")
def open311_page(request: Request, session: SessionDep, actor: Admin) -> Response:
    return _open311_page(request, session, actor)


@router.post("/open311")
def open311_issue(request: Request, session: SessionDep, actor: Admin, name: Annotated[str, Form()] = "",
                  per_minute: Annotated[str, Form()] = "60") -> Response:
    """Issue a key: shown on the answer page once, never again (only its hash is kept)."""
    try:
        rate = int(per_minute) if per_minute.strip().isdigit() else 0
        row, key = open311_keys.issue(session, name=name, per_minute=rate, by=actor.label, now=utcnow())
    except (FieldError, Conflict) as exc:
        return _open311_page(request, session, actor, error=message_of(exc, language_of(request)),
                             values={"name": name, "per_minute": per_minute}, status_code=422)
    return _open311_page(request, session, actor, issued=(row.name, key), status_code=201)


@router.post("/open311/{key_id}/cabut")
def open311_revoke(session: SessionDep, actor: Admin, key_id: RowId) -> Response:
    open311_keys.revoke(session, key_id=key_id, by=actor.label, now=utcnow())
    return RedirectResponse("/staf/admin/open311", status_code=303)
