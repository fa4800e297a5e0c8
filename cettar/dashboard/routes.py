"""The dashboard pages (``/staf/dasbor``), their exports, the metrics API, and the public
transparency page. Each route parses its filters and calls ``dashboard_service.dashboard``."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request
from pydantic import BaseModel, Field
from sqlmodel import Session
from starlette.responses import Response

from cettar.agency.models import Agency
from cettar.dashboard import charts, export
from cettar.dashboard import service as dashboard_service
from cettar.dashboard.scorecard import LETTERS, Figures, Letter
from cettar.dashboard.service import Dashboard
from cettar.deps import SessionDep
from cettar.errors import FieldError, NotFound
from cettar.i18n import language_of, translate
from cettar.settings import get_settings
from cettar.staff.auth import Actor, require
from cettar.staff.models import Role
from cettar.types import utcnow
from cettar.web import render

router = APIRouter(include_in_schema=False)
api = APIRouter(prefix="/api/v1", tags=["metrics"])
Reader = Annotated[Actor, Depends(require(Role.GOVERNOR, Role.ADMIN, Role.SUPERVISOR))]
FILTER_NAMES = ("from", "to", "region", "channel", "agency", "category")


def _scope(session: Session, actor: Actor) -> str | None:
    """A supervisor's own agency; None for the governor's staff and admins (all agencies)."""
    if actor.role != Role.SUPERVISOR:
        return None
    agency = session.get(Agency, actor.staff.agency_id) if actor.staff.agency_id else None
    if agency is None:
        raise NotFound("no agency for this account")
    return agency.code


def _params(request: Request) -> dict[str, str]:
    return {name: request.query_params.get(name, "") for name in FILTER_NAMES}


def build(session: Session, params: dict[str, str], *, scope: str | None = None, public: bool = False,
          league_only: bool = False) -> Dashboard:
    now = utcnow()
    filters = dashboard_service.parse_filters(session, params, today=now.astimezone(get_settings().zone).date())
    return dashboard_service.dashboard(session, filters, now=now, min_sample=get_settings().dashboard_min_sample,
                                       public=public, scope_agency=scope, league_only=league_only)


def _choices(session: Session) -> dict[str, Any]:
    return dashboard_service.filter_choices(session)


def _charts(d: Dashboard, t: Any) -> dict[str, charts.Chart]:
    weekly = [(p.label, float(p.figures.received)) for p in d.weekly]
    monthly_sla = [(p.label, round(100 * p.figures.within_sla_share, 1) if p.figures.within_sla_share is not None else None)
                   for p in d.monthly]
    ranked = [r for r in d.agencies if r.rank is not None][:25]
    return {
        "weekly": charts.line(t("dash.chart.weekly"), weekly),
        "monthly_sla": charts.line(t("dash.chart.monthly_sla"), monthly_sla, unit="%", top=100),
        "backlog": charts.bars(t("dash.chart.backlog"), [(label, float(sum(r.figures.backlog.get(label, 0) for r in d.agencies)))
                                                        for label in d.backlog_labels]),
        "spread": charts.spread(t("dash.chart.spread"), [(r.agency_code or "", r.figures.median_hours, r.figures.p90_hours)
                                                         for r in ranked], unit=" j"),
    }


def _page(request: Request, session: Session, actor: Actor, notices: list[Any] | None = None) -> Response:
    scope = _scope(session, actor)
    language = language_of(request)
    error, status = None, 200
    try:
        d = build(session, _params(request), scope=scope)
    except FieldError as exc:  # a bad filter: say which, and show the default view
        error, status = translate(language, f"error.{exc.key}"), 422
        d = build(session, {}, scope=scope)
    query = d.filters.query()
    context = actor.page(d=d, error=error, query=query, letters=LETTERS, tables=export.TABLES, notices=notices or [],
                         charts=_charts(d, lambda key, **v: translate(language, key, **v)), **_choices(session))
    return render(request, "staff/dashboard.html", context, status_code=status)


@router.get("/staf/dasbor")
def dashboard_page(request: Request, session: SessionDep, actor: Reader) -> Response:
    return _page(request, session, actor)


def dashboard_home(request: Request, session: Session, actor: Actor, notices: list[Any]) -> Response:
    """The governor's staff's home page (``/staf``): the dashboard, with their unread notices."""
    return _page(request, session, actor, notices)


@router.get("/staf/dasbor/cara-hitung")
def method_page(request: Request, actor: Reader) -> Response:
    return render(request, "staff/dashboard_method.html", actor.page(letters=LETTERS,
                                                                     min_sample=get_settings().dashboard_min_sample))


@router.get("/staf/dasbor/ekspor/{name}.{fmt}")
def export_table(request: Request, session: SessionDep, actor: Reader, name: str, fmt: str) -> Response:
    if name not in export.TABLES or fmt not in ("csv", "xlsx"):
        raise NotFound(f"no export {name}.{fmt}")
    d = build(session, _params(request), scope=_scope(session, actor))
    language = language_of(request)
    headers, rows = export.table(d, name, lambda key, **v: translate(language, key, **v))
    filename = f"cettar-{name}-{d.filters.start}-{d.filters.end}.{fmt}"
    disposition = {"content-disposition": f'attachment; filename="{filename}"'}
    if fmt == "csv":
        return Response(export.to_csv(headers, rows), media_type="text/csv; charset=utf-8", headers=disposition)
    return Response(export.to_xlsx(name, headers, rows),
                    media_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", headers=disposition)


@router.get("/transparansi")
def transparency_page(request: Request, session: SessionDep) -> Response:
    language = language_of(request)
    params = {name: request.query_params.get(name, "") for name in ("from", "to")}
    error, status = None, 200
    try:
        d = build(session, params, public=True)
    except FieldError as exc:
        error, status = translate(language, f"error.{exc.key}"), 422
        d = build(session, {}, public=True)
    return render(request, "transparency.html", {"d": d, "error": error, "letters": LETTERS,
                                                 "charts": _charts(d, lambda key, **v: translate(language, key, **v))},
                  status_code=status)


# --- the API -------------------------------------------------------------------------------------

class LetterOut(BaseModel):
    value: float | None = Field(description="null when the sample is below the minimum")
    sample: int
    unit: str


class AgencyMetricsOut(BaseModel):
    agency_code: str | None = Field(description="null: complaints no agency has yet (at the triage desk)")
    agency_name: str
    received: int
    routed: int
    responses: int = Field(description="first responses given to complaints routed in the period")
    responded_within_sla: int
    first_response_hours_median: float | None = Field(description="office hours, pauses excluded, to a quarter hour")
    first_response_hours_p90: float | None
    resolved: int
    reopened: int
    backlog: int = Field(description="open complaints now")
    backlog_by_age: dict[str, int]
    breaches: int
    rank: int | None = Field(description="by median, then p90; null below the minimum sample")
    scorecard: dict[str, LetterOut]
    ratings: int = Field(description="the reporters' ratings of these complaints' handling (1 bad … 5 good)")
    rating_mean: float | None = Field(description="their mean, to one decimal; null without ratings")
    rating_satisfied_percent: float | None = Field(description="the share of ratings of 4 or 5")


class MetricsPeriod(BaseModel):
    start: str = Field(alias="from")
    end: str = Field(alias="to")
    min_sample: int
    computed_at: str
    rollup_refreshed_at: str | None


class TrendOut(BaseModel):
    period: str
    received: int
    responses: int
    responded_within_sla: int
    first_response_hours_median: float | None
    first_response_hours_p90: float | None


class PublicMetricsOut(BaseModel):
    period: MetricsPeriod
    province: AgencyMetricsOut
    agencies: list[AgencyMetricsOut]
    monthly: list[TrendOut]


def _letters_out(letters: list[Letter]) -> dict[str, LetterOut]:
    return {letter.key: LetterOut(value=letter.value, sample=letter.sample, unit=letter.unit) for letter in letters}


def _agency_out(code: str | None, name: str, f: Figures, rank: int | None, letters: list[Letter]) -> AgencyMetricsOut:
    return AgencyMetricsOut(agency_code=code, agency_name=name, received=f.received, routed=f.routed, responses=f.responses,
                            responded_within_sla=f.responded_within_sla, first_response_hours_median=f.median_hours,
                            first_response_hours_p90=f.p90_hours, resolved=f.resolved, reopened=f.reopened,
                            backlog=f.backlog_total, backlog_by_age=f.backlog, breaches=f.breaches, rank=rank,
                            scorecard=_letters_out(letters), ratings=f.ratings, rating_mean=f.mean_rating,
                            rating_satisfied_percent=round(100 * f.satisfied_share, 1) if f.satisfied_share is not None else None)


def _period(d: Dashboard) -> MetricsPeriod:
    return MetricsPeriod.model_validate({"from": d.filters.start.isoformat(), "to": d.filters.end.isoformat(),
                                         "min_sample": d.min_sample, "computed_at": d.computed_at.isoformat(),
                                         "rollup_refreshed_at": d.refreshed_at.isoformat() if d.refreshed_at else None})


def _api_params(from_: str | None, to: str | None, **others: str | None) -> dict[str, str]:
    return {"from": from_ or "", "to": to or "", **{k: v or "" for k, v in others.items()}}


@api.get("/metrics/agencies", response_model=list[AgencyMetricsOut])
def api_agencies(session: SessionDep, actor: Reader,
                 from_: Annotated[str | None, Query(alias="from", description="first day, YYYY-MM-DD")] = None,
                 to: Annotated[str | None, Query(description="last day, YYYY-MM-DD (included)")] = None,
                 region: Annotated[str | None, Query(description="a city/regency or district code")] = None,
                 channel: str | None = None, category: str | None = None,
                 agency: Annotated[str | None, Query(description="an agency code")] = None) -> list[AgencyMetricsOut]:
    """Each agency's responsiveness over a period, the same figures as the dashboard: an API token
    or the session of the governor's staff, an admin, or a supervisor (own agency only). Without
    ``from`` and ``to``, the dashboard's default period."""
    d = build(session, _api_params(from_, to, region=region, channel=channel, category=category, agency=agency),
              scope=_scope(session, actor), league_only=True)
    return [_agency_out(r.agency_code, r.agency_name, r.figures, r.rank, r.letters) for r in d.agencies]


@api.get("/public/metrics", response_model=PublicMetricsOut, tags=["public"])
def api_public(session: SessionDep,
               from_: Annotated[str | None, Query(alias="from", description="first day, YYYY-MM-DD")] = None,
               to: Annotated[str | None, Query(description="last day, YYYY-MM-DD (included)")] = None) -> PublicMetricsOut:
    """The transparency figures: the province's and each agency's, and the monthly trend. No
    personal data, no complaint text, nothing from confidential complaints."""
    d = build(session, _api_params(from_, to), public=True)
    return PublicMetricsOut(
        period=_period(d),
        province=_agency_out(None, "", d.province, None, d.province_letters),
        agencies=[_agency_out(r.agency_code, r.agency_name, r.figures, r.rank, r.letters) for r in d.agencies if r.agency_code],
        monthly=[TrendOut(period=p.label, received=p.figures.received, responses=p.figures.responses,
                          responded_within_sla=p.figures.responded_within_sla, first_response_hours_median=p.figures.median_hours,
                          first_response_hours_p90=p.figures.p90_hours) for p in d.monthly],
    )
