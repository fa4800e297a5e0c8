"""The governor's staff's view of responsiveness, read from the SLA engine's roll-up.

Every figure comes from ``agency_day`` (one row per local day, agency and slice: region, district,
channel, category, confidential) with SQL sums, so a page costs a few grouped queries whatever the
number of agencies; response-time histograms are merged in SQL as well. Without a slice filter the
league's histograms are the difference of two running totals per agency (``agency_running``),
whatever the period's length. Nothing here reads a complaint's text; the public figures leave out
confidential complaints.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta
from typing import Any

from sqlmodel import Session, col, select

from cettar.agency.models import Agency
from cettar.complaint.models import CATEGORIES, Channel
from cettar.db import fetch_all, stored_datetime
from cettar.dashboard.scorecard import DEFAULT_MIN_SAMPLE, Figures, Letter, letters
from cettar.errors import FieldError
from cettar.metrics.rollup import add_histograms
from cettar.metrics.models import COUNTED, AgencyRunning, DistrictRunning
from cettar.metrics.service import AGE_BUCKETS, OLDEST, backlog_by_age, running_totals_before
from cettar.region.models import Region, RegionLevel
from cettar.settings import get_settings

DEFAULT_DAYS = 90
MAX_DAYS = 5 * 366
BREACH_LIST = 50
CLOCK_NAMES = ("verification", "first_response", "resolution")


@dataclass(frozen=True)
class Filters:
    """What the page, the exports and the API are asked for; ``start`` and ``end`` are local
    days, both included. Empty strings mean "all"."""

    start: date
    end: date
    region: str = ""  # a city/regency code, or a district code
    channel: str = ""
    agency: str = ""  # an agency code
    category: str = ""
    defaulted: bool = False  # the period was chosen for the reader (see ``default_period``)

    @property
    def sliced(self) -> bool:
        """Filters the running totals cannot answer (they are per agency only)."""
        return bool(self.region or self.channel or self.category)

    def query(self) -> dict[str, str]:
        values = {"from": self.start.isoformat(), "to": self.end.isoformat(), "region": self.region,
                  "channel": self.channel, "agency": self.agency, "category": self.category}
        return {k: v for k, v in values.items() if v}


def parse_filters(session: Session, params: dict[str, str], *, today: date) -> Filters:
    """Filters from a query string (the page's, the export's and the API's are the same); bad
    values are field errors, never a 500."""
    def day(name: str) -> date | None:
        value = params.get(name, "").strip()
        if not value:
            return None
        try:
            return date.fromisoformat(value)
        except ValueError:
            raise FieldError(f"{name} must be a date, YYYY-MM-DD", field=name, key="date_invalid") from None

    start, end = day("from"), day("to")
    defaulted = start is None and end is None
    if defaulted:
        start, end = default_period(session, today=today)
    elif start is None:
        assert end is not None
        start = end - timedelta(days=DEFAULT_DAYS - 1)
    elif end is None:
        end = min(today, start + timedelta(days=DEFAULT_DAYS - 1))
    assert start is not None and end is not None
    if start > end:
        raise FieldError("from must not be after to", field="from", key="period_reversed")
    if (end - start).days >= MAX_DAYS:
        raise FieldError(f"a period of at most {MAX_DAYS} days", field="to", key="period_too_long")
    agency = params.get("agency", "").strip()
    if agency and session.exec(select(Agency.id).where(Agency.code == agency)).first() is None:
        raise FieldError(f"unknown agency {agency!r}", field="agency", key="unknown_agency")
    region = params.get("region", "").strip()
    if region and session.get(Region, region) is None:
        raise FieldError(f"unknown region {region!r}", field="region", key="unknown_region")
    channel = params.get("channel", "").strip()
    if channel and channel not in set(Channel):
        raise FieldError(f"unknown channel {channel!r} (one of {', '.join(Channel)})", field="channel", key="unknown_channel")
    category = params.get("category", "").strip()[:40]
    return Filters(start, end, region=region, channel=channel, agency=agency, category=category, defaulted=defaulted)


def default_period(session: Session, *, today: date, min_sample: int = DEFAULT_MIN_SAMPLE) -> tuple[date, date]:
    """The last 90 days; when no agency has enough answered complaints in them to be ranked (a
    demo of past history, a new deployment), everything recorded, so the page never opens on a
    league without ranks."""
    start = today - timedelta(days=DEFAULT_DAYS - 1)
    recent = fetch_all(session, """SELECT agency_key FROM agency_day WHERE day >= :day AND agency_key > 0
                                   GROUP BY agency_key HAVING SUM(responses) >= :min LIMIT 1""",
                       day=start.isoformat(), min=min_sample)
    if recent:
        return start, today
    first = fetch_all(session, "SELECT MIN(day) FROM agency_day")[0][0]
    if first is None:
        return start, today
    return max(date.fromisoformat(first), today - timedelta(days=MAX_DAYS - 1)), today


@dataclass
class AgencyRow:
    agency_code: str | None  # None: complaints no agency has yet (the triage desk)
    agency_name: str
    figures: Figures
    letters: list[Letter]
    rank: int | None = None


@dataclass
class TrendPoint:
    label: str  # 2026-W05 or 2026-02
    start: date
    figures: Figures


@dataclass
class DistrictRow:
    code: str
    name: str
    figures: Figures


@dataclass
class Breach:
    tracking_code: str
    agency_code: str | None
    clock: str
    deadline: datetime | None
    still_open: bool


@dataclass
class Dashboard:
    filters: Filters
    min_sample: int
    province: Figures
    province_letters: list[Letter]
    agencies: list[AgencyRow]
    weekly: list[TrendPoint]
    monthly: list[TrendPoint]
    districts: list[DistrictRow]
    breaches: list[Breach]
    breaches_total: int
    computed_at: datetime
    refreshed_at: datetime | None  # the roll-up's newest refresh
    scope_agency: str | None = None  # a supervisor's own agency
    backlog_labels: tuple[str, ...] = field(default=tuple(label for _, label in AGE_BUCKETS) + (OLDEST,))


# --- the queries ---------------------------------------------------------------------------------

def _filter_clauses(f: Filters, *, region: tuple[str, str], channel: str, category: str, agency: str,
                    agency_ids: dict[str, int]) -> tuple[list[str], dict[str, Any]]:
    """The filters as SQL on the given columns (the roll-up's, or a complaint's and its clock's)."""
    clauses: list[str] = []
    params: dict[str, Any] = {}
    if f.region:
        clauses.append(f"({region[0]} = :region OR {region[1]} = :region)")
        params["region"] = f.region
    if f.channel:
        clauses.append(f"{channel} = :channel")
        params["channel"] = f.channel
    if f.category:
        clauses.append(f"{category} = :category")
        params["category"] = f.category
    if f.agency:
        clauses.append(f"{agency} = :agency_key")
        params["agency_key"] = agency_ids.get(f.agency, -1)
    return clauses, params


def _where(session: Session, f: Filters, *, agency_ids: dict[str, int], public: bool,
           period: bool = True) -> tuple[str, dict[str, Any]]:
    clauses, params = _filter_clauses(f, region=("d.region_code", "d.district_code"), channel="d.channel",
                                      category="d.category", agency="d.agency_key", agency_ids=agency_ids)
    if period:
        clauses.append("d.day >= :first AND d.day <= :last")
        params.update(first=f.start.isoformat(), last=f.end.isoformat())
    if public:
        clauses.append("d.confidential = :confidential")
        params["confidential"] = False
    return " AND ".join(["1 = 1", *clauses]), params


_SUMS = ", ".join(f"SUM(d.{name})" for name in COUNTED)


def _figures(values: Any) -> Figures:
    figures = Figures()
    for name, value in zip(COUNTED, values):
        setattr(figures, name, int(value or 0))
    return figures


def _counts(session: Session, where: str, params: dict[str, Any], group: str) -> list[tuple[Any, ...]]:
    """Summed counts per ``group`` (SQL expressions): each row is the group's values, then Figures."""
    rows = fetch_all(session, f"SELECT {group}, {_SUMS} FROM agency_day d WHERE {where} GROUP BY {group}", **params)
    width = group.count(",") + 1
    return [(*row[:width], _figures(row[width:])) for row in rows]


def _histograms(session: Session, where: str, params: dict[str, Any], group: str) -> dict[tuple[Any, ...], dict[int, int]]:
    """First-response histograms per ``group``, merged in the database."""
    if session.get_bind().dialect.name == "postgresql":
        source = "agency_day d CROSS JOIN LATERAL json_each_text(d.first_response_histogram) j"
        value = "CAST(j.value AS INTEGER)"
    else:
        source = "agency_day d, json_each(d.first_response_histogram) j"
        value = "j.value"
    merged: dict[tuple[Any, ...], dict[int, int]] = defaultdict(dict)
    width = group.count(",") + 1
    for row in fetch_all(session, f"SELECT {group}, j.key, SUM({value}) FROM {source} WHERE {where} GROUP BY {group}, j.key",
                         **params):
        merged[tuple(row[:width])][int(row[width])] = int(row[width + 1])
    return merged


def _between(upper: AgencyRunning | DistrictRunning | None, lower: AgencyRunning | DistrictRunning | None) -> Figures:
    """What one agency's (or district's) running totals say of the days between two of their rows."""
    figures = Figures()
    if upper is None:
        return figures
    for name in COUNTED:
        setattr(figures, name, getattr(upper, name) - (getattr(lower, name) if lower else 0))
    merged = add_histograms(upper.first_response_histogram, lower.first_response_histogram if lower else {}, sign=-1)
    figures.first_response = {int(bucket): count for bucket, count in merged.items()}
    return figures


def _running_figures(session: Session, edges: list[date]) -> dict[date, dict[int, Figures]]:
    """For each edge after the first, each agency's figures from the previous edge up to it (the
    edges' running totals: two statements, whatever the period's length)."""
    at = running_totals_before(session, [edge.isoformat() for edge in edges], first_response_only=True)
    result: dict[date, dict[int, Figures]] = {}
    for earlier, edge in zip(edges, edges[1:]):
        upper, lower = at[edge.isoformat()], at[earlier.isoformat()]
        result[edge] = {key: _between(row, lower.get(key)) for key, row in upper.items()}
    return result


def _week_start(day: date) -> date:
    return day - timedelta(days=day.weekday())


def _periods(f: Filters) -> tuple[list[tuple[str, date, date]], list[tuple[str, date, date]]]:
    """The weeks and months of the period, each cut to the period: (label, first day, day after)."""
    after = f.end + timedelta(days=1)
    weeks, months = [], []
    week = _week_start(f.start)
    while week < after:
        iso = week.isocalendar()
        weeks.append((f"{iso.year}-W{iso.week:02d}", max(week, f.start), min(week + timedelta(days=7), after)))
        week += timedelta(days=7)
    month = f.start.replace(day=1)
    while month < after:
        following = (month + timedelta(days=32)).replace(day=1)
        months.append((month.strftime("%Y-%m"), max(month, f.start), min(following, after)))
        month = following
    return weeks, months


def _trend(f: Filters, figures_between: Any) -> tuple[list[TrendPoint], list[TrendPoint]]:
    """Every week and month of the period, empty ones too (a gap is information)."""
    weeks, months = _periods(f)
    return ([TrendPoint(label, first, figures_between(first, after)) for label, first, after in weeks],
            [TrendPoint(label, first, figures_between(first, after)) for label, first, after in months])


def _breaches(session: Session, f: Filters, agency_codes: dict[int, str], *, agency_ids: dict[str, int]) -> list[Breach]:
    """First-response clocks started in the period that ran past their deadline, newest deadline
    first (how many there are is the roll-up's ``breaches``). A clock's deadline is after its
    start, so the deadline index is read from the period's start only."""
    zone = get_settings().zone
    start = datetime.combine(f.start, datetime.min.time(), zone)
    end = datetime.combine(f.end + timedelta(days=1), datetime.min.time(), zone)
    clauses, params = _filter_clauses(f, region=("c.region_code", "c.district_code"), channel="c.channel",
                                      category="c.category", agency="k.agency_id", agency_ids=agency_ids)
    clauses += ["k.status = 'breached'", "k.name = 'first_response'", "k.deadline >= :start", "k.started_at >= :start",
                "k.started_at < :end"]
    params.update(start=start, end=end)
    rows = fetch_all(session, f"""
        SELECT c.tracking_code, k.agency_id, k.name, k.deadline, k.stopped_at
        FROM sla_clock k JOIN complaint c ON c.id = k.complaint_id WHERE {" AND ".join(clauses)}
        ORDER BY k.deadline DESC, k.id DESC LIMIT {BREACH_LIST}""", **params)
    return [Breach(code, agency_codes.get(agency_id) if agency_id else None, name,
                   stored_datetime(deadline) if deadline is not None else None, stopped is None)
            for code, agency_id, name, deadline, stopped in rows]


def _rank(rows: list[AgencyRow], min_sample: int) -> None:
    """By the median first-response time, then the p90 (never an average); only agencies with at
    least ``min_sample`` responses in the period are ranked."""
    ranked = sorted((r for r in rows if r.agency_code and r.figures.responses >= min_sample),
                    key=lambda r: (r.figures.median_hours or 0, r.figures.p90_hours or 0,
                                   -(r.figures.within_sla_share or 0), r.agency_code or ""))
    for position, row in enumerate(ranked, start=1):
        row.rank = position


def dashboard(session: Session, f: Filters, *, now: datetime, min_sample: int = DEFAULT_MIN_SAMPLE,
              public: bool = False, scope_agency: str | None = None, breaches: bool = True,
              league_only: bool = False) -> Dashboard:
    """The whole page. ``scope_agency`` (a supervisor's) restricts the league, trend, districts and
    breaches to that agency and keeps the province's figures beside it; ``public`` leaves out
    confidential complaints, the district table and the breach list."""
    agencies = list(session.exec(select(Agency)))
    codes = {a.id: a.code for a in agencies if a.id is not None}
    ids = {a.code: a.id for a in agencies if a.id is not None}
    names = {a.id: a.name for a in agencies}
    today = now.astimezone(get_settings().zone).date()
    # the league and the province's figures always cover every agency (an agency filter, or a
    # supervisor's scope, picks the rows shown; ranks stay the province's)
    province_filters = replace(f, agency="")
    own = replace(f, agency=scope_agency or f.agency)

    where, params = _where(session, province_filters, agency_ids=ids, public=public)
    from_running = not (province_filters.sliced or public)  # the running totals answer it: no slice scans
    if from_running:
        weeks, months = _periods(f)
        edges = sorted({f.start, f.end + timedelta(days=1)} if league_only else
                       {f.start, *(first for _, first, _ in weeks + months), f.end + timedelta(days=1)})
        running = _running_figures(session, edges)
        by_agency: dict[int, Figures] = defaultdict(Figures)
        for per_agency in running.values():
            for key, part in per_agency.items():
                by_agency[key].add(part)
        for key in [key for key, figures in by_agency.items() if figures == Figures()]:
            del by_agency[key]  # nothing in the period
    else:
        per_day_agency = _counts(session, where, params, "d.day, d.agency_key")
        by_agency = defaultdict(Figures)
        for _, agency_key, figures in per_day_agency:
            by_agency[agency_key].add(figures)
        for (key,), histogram in _histograms(session, where, params, "d.agency_key").items():
            by_agency[key].first_response = histogram
    backlog_where, backlog_params = _where(session, province_filters, agency_ids=ids, public=public, period=False)
    for key, backlog in backlog_by_age(session, today=today, where=backlog_where, **backlog_params).items():
        by_agency[key].backlog = backlog

    province = Figures()
    for figures in by_agency.values():
        province.add(figures)
    rows = [AgencyRow(codes.get(key), names.get(key) or "", figures, letters(figures, min_sample=min_sample))
            for key, figures in by_agency.items()]
    _rank(rows, min_sample)
    if own.agency:
        rows = [r for r in rows if r.agency_code == own.agency]
    rows.sort(key=lambda r: (r.rank is None, r.rank or 0, -r.figures.received, r.agency_code or ""))

    if league_only:  # the metrics API: no trend, districts or breaches to compute
        return Dashboard(f, min_sample, province, letters(province, min_sample=min_sample), rows, [], [], [], [], 0, now,
                         None, scope_agency=scope_agency)
    own_where, own_params = _where(session, own, agency_ids=ids, public=public)
    own_key = ids.get(own.agency) if own.agency else None
    if from_running:
        per_edge: dict[date, Figures] = defaultdict(Figures)  # what came in up to each edge, every agency (or the own)
        for edge, per_agency in running.items():
            for key, part in per_agency.items():
                if own_key is None or key == own_key:
                    per_edge[edge].add(part)

        def figures_between(first: date, after: date) -> Figures:
            total = Figures()
            for edge, part in per_edge.items():
                if first < edge <= after:
                    total.add(part)
            return total
    else:
        by_day: dict[date, Figures] = defaultdict(Figures)
        for day, agency_key, figures in per_day_agency:
            if own_key is None or agency_key == own_key:
                by_day[date.fromisoformat(day)].add(figures)
        for (day,), histogram in _histograms(session, own_where, own_params, "d.day").items():
            by_day[date.fromisoformat(day)].first_response = histogram

        def figures_between(first: date, after: date) -> Figures:
            total = Figures()
            for day, figures in by_day.items():
                if first <= day < after:
                    total.add(figures)
            return total
    weekly, monthly = _trend(f, figures_between)

    district_names = {code: name for code, name in session.exec(select(Region.code, Region.name))}
    by_district: dict[str, Figures]
    if public:  # the transparency page shows no district table
        by_district = {}
    elif from_running and own_key is None:  # two running-total rows per district, like the league
        after = (f.end + timedelta(days=1)).isoformat()
        at = running_totals_before(session, [f.start.isoformat(), after], model=DistrictRunning, first_response_only=True)
        by_district = {}
        for code, upper in at[after].items():
            figures = _between(upper, at[f.start.isoformat()].get(code))
            if figures != Figures():
                by_district[code] = figures
    else:
        district_histograms = _histograms(session, own_where, own_params, "d.district_code")
        by_district = {}
        for code, figures in _counts(session, own_where, own_params, "d.district_code"):
            figures.first_response = district_histograms.get((code,), {})
            by_district[code] = figures
    districts = [DistrictRow(code, district_names.get(code, code) if code else "", figures)
                 for code, figures in by_district.items()]
    districts.sort(key=lambda r: (not r.code, -r.figures.received, r.name))

    breach_list = _breaches(session, own, codes, agency_ids=ids) if breaches and not public else []
    breach_total = sum(r.figures.breaches for r in rows) if own.agency else province.breaches
    refreshed = fetch_all(session, "SELECT MAX(refreshed_at) FROM agency_running")[0][0]
    return Dashboard(f, min_sample, province, letters(province, min_sample=min_sample), rows, weekly, monthly, districts,
                     breach_list, breach_total, now, stored_datetime(refreshed) if refreshed is not None else None,
                     scope_agency=scope_agency)


def filter_choices(session: Session) -> dict[str, Any]:
    """What the dashboard's filters offer: regions and districts, agencies, channels, categories."""
    regions = list(session.exec(select(Region).where(col(Region.level).in_(
        [RegionLevel.CITY, RegionLevel.REGENCY, RegionLevel.DISTRICT])).order_by(col(Region.code))))
    return {"regions": regions, "agency_choices": list(session.exec(select(Agency).order_by(col(Agency.name)))),
            "channels": channels(), "categories": categories()}


def channels() -> list[str]:
    """The channels a complaint can come by, for the filter's choices."""
    return [channel.value for channel in Channel]


def categories() -> list[str]:
    return [category for category in CATEGORIES if category]
