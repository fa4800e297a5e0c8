"""Every dashboard figure against values worked out by hand on a small fixture: an agency with
enough answers to rank, one below the minimum sample, a complaint no agency has, a news complaint,
a confidential one; an empty period and one that starts before the first complaint."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta
from typing import Any

import pytest
from sqlalchemy import event
from sqlmodel import Session, select

from cettar.complaint.models import ActorType, Complaint, Status
from cettar.complaint.workflow import transition
from cettar.dashboard import service
from cettar.dashboard.service import Filters
from cettar.intake import service as intake_service
from cettar.metrics import rollup
from tests.clock.test_clocks import at
from tests.intake.test_service import STREET_LIGHT
from tests.support.routers import FixedRouter

MONDAY = at(2026, 2, 2, 9, 0)
NOW = at(2026, 2, 20, 9, 0)
N = [0]


def complaint(session: Session, agency: str | None, *steps: tuple[float, Status, str | None], **changes: Any) -> Complaint:
    """Filed and routed on MONDAY; each step (hours later, status, public message)."""
    N[0] += 1
    filed = intake_service.file_complaint(session, incoming=replace(STREET_LIGHT, external_id=f"d{N[0]:031d}", **changes),
                                          now=MONDAY).complaint
    assert filed.id is not None
    intake_service.process(session, complaint_id=filed.id, router=FixedRouter(agency), now=MONDAY)
    for hours, status, message in steps:
        transition(session, filed, status, actor_type=ActorType.STAFF, actor="petugas", now=MONDAY + timedelta(hours=hours),
                   public_message=message)
    return filed


@pytest.fixture
def fixture(session: Session) -> Session:
    answer = "Petugas kami menuju lokasi."
    complaint(session, "DISHUB", (1, Status.RESPONDED, answer), (1.5, Status.RESOLVED, None))
    complaint(session, "DISHUB", (2, Status.RESPONDED, answer), (2.5, Status.RESOLVED, None))
    complaint(session, "DISHUB", (3, Status.RESPONDED, answer), (3.5, Status.RESOLVED, None), (4, Status.REOPENED, None),
              (5, Status.RESOLVED, None))
    complaint(session, "DISHUB", (1, Status.RESPONDED, answer), channel="news", source="feed:1")
    complaint(session, "DISHUB", (2, Status.RESPONDED, None), privacy="confidential")
    complaint(session, "DISHUB", district_code="3578-rungkut")  # never answered
    complaint(session, "DLH", (1, Status.RESPONDED, answer))  # one answer: below the minimum sample
    complaint(session, None)  # at the triage desk
    rollup.refresh_days(session, days={date(2026, 2, 2)}, now=NOW)
    return session


def test_figures_count_what_the_roll_up_counts() -> None:
    from dataclasses import fields

    from cettar.dashboard.scorecard import Figures
    from cettar.metrics.models import COUNTED

    assert tuple(f.name for f in fields(Figures) if f.type == "int") == COUNTED  # Figures.add adds exactly these


def february(**changes: str) -> Filters:
    return Filters(date(2026, 2, 1), date(2026, 2, 28), **changes)


def rows(d: service.Dashboard) -> dict[str | None, service.AgencyRow]:
    return {r.agency_code: r for r in d.agencies}


def test_the_league_and_the_scorecard(fixture: Session) -> None:
    d = service.dashboard(fixture, february(), now=NOW, min_sample=2)
    dishub, dlh, unrouted = rows(d)["DISHUB"], rows(d)["DLH"], rows(d)[None]
    f = dishub.figures
    assert (f.received, f.routed, f.responses, f.responded_within_sla) == (6, 6, 5, 5)
    # first responses after 1, 1, 2, 2 and 3 office hours: nearest-rank median 2 h, p90 3 h (bucket middles)
    assert (f.median_hours, f.p90_hours) == (2.12, 3.12)
    assert (f.resolved, f.reopened, f.finished, f.finished_first_time) == (3, 1, 3, 2)
    assert (f.resolutions, f.resolved_within_sla, f.public_responses) == (3, 3, 4)
    assert (f.media_received, f.media_responses, f.media_within_sla) == (1, 1, 1)
    assert f.backlog == {"14-30d": 3}  # the news one and the confidential one (answered, still open), the unanswered
    letters = {letter.key: letter for letter in dishub.letters}
    assert letters["cepat"].value == 2.12 and letters["cepat"].sample == 5
    assert letters["efektif"].value == 66.7 and letters["efektif"].sample == 3
    assert letters["tanggap"].value is None and letters["tanggap"].sample == 1  # one news complaint: too few
    assert letters["transparan"].value == 66.7 and letters["transparan"].sample == 6
    assert letters["akuntabel"].value == 100.0 and letters["akuntabel"].sample == 3
    assert letters["responsif"].value == 100.0
    assert dishub.rank == 1
    assert dlh.rank is None and dlh.figures.responses == 1 and all(letter.value is None for letter in dlh.letters)
    assert unrouted.rank is None and unrouted.figures.received == 1 and unrouted.figures.routed == 0
    assert (d.province.received, d.province.responses) == (8, 6)
    assert [r.agency_code for r in d.agencies][:1] == ["DISHUB"]


def test_the_trend_the_districts_and_the_breaches(fixture: Session) -> None:
    d = service.dashboard(fixture, february(), now=NOW, min_sample=2)
    assert [p.label for p in d.monthly] == ["2026-02"] and d.monthly[0].figures.received == 8
    assert [p.label for p in d.weekly] == ["2026-W05", "2026-W06", "2026-W07", "2026-W08", "2026-W09"]
    assert d.weekly[1].figures.received == 8 and d.weekly[1].figures.median_hours == 1.12  # 1, 1, 1, 2, 2, 3 h
    assert [p.figures.received for p in d.weekly] == [0, 8, 0, 0, 0]
    districts = {r.code: r.figures for r in d.districts}
    assert districts["3578-kenjeran"].received == 7 and districts["3578-rungkut"].received == 1
    assert districts["3578-rungkut"].still_open == 1
    assert d.breaches == [] and d.breaches_total == 0  # nothing has been swept past its deadline


def test_filters(fixture: Session) -> None:
    news = rows(service.dashboard(fixture, february(channel="news"), now=NOW, min_sample=1))
    assert set(news) >= {"DISHUB"} and news["DISHUB"].figures.received == 1
    assert news["DISHUB"].figures.median_hours == 1.12
    rungkut = rows(service.dashboard(fixture, february(region="3578-rungkut"), now=NOW, min_sample=1))
    assert rungkut["DISHUB"].figures.received == 1 and rungkut["DISHUB"].figures.responses == 0
    one = service.dashboard(fixture, february(agency="DLH"), now=NOW, min_sample=2)
    assert [r.agency_code for r in one.agencies] == ["DLH"]
    assert one.province.received == 8  # the province beside it
    assert [p.figures.received for p in one.monthly] == [1]


def test_the_sliced_path_gives_the_running_totals_figures(fixture: Session) -> None:
    plain = rows(service.dashboard(fixture, february(), now=NOW, min_sample=2))
    sliced = rows(service.dashboard(fixture, february(region="3578"), now=NOW, min_sample=2))  # every complaint is in 3578
    for code in ("DISHUB", "DLH"):
        assert plain[code].figures == sliced[code].figures
        assert plain[code].rank == sliced[code].rank
    by_district = [service.dashboard(fixture, filters, now=NOW, min_sample=2).districts
                   for filters in (february(), february(region="3578"))]
    assert [(r.code, r.figures) for r in by_district[0]] == [(r.code, r.figures) for r in by_district[1]]
    assert len(by_district[0]) == 2


def test_an_empty_period_and_one_before_the_first_complaint(fixture: Session) -> None:
    empty = service.dashboard(fixture, Filters(date(2026, 1, 5), date(2026, 1, 25)), now=NOW, min_sample=2)
    assert all(r.figures.received == 0 and r.figures.responses == 0 and r.rank is None for r in empty.agencies)
    assert empty.province.received == 0 and all(letter.value is None for letter in empty.province_letters)
    assert rows(empty)["DISHUB"].figures.backlog == {"14-30d": 3}  # the backlog is now, whatever the period
    earlier = service.dashboard(fixture, Filters(date(2025, 12, 1), date(2026, 2, 28)), now=NOW, min_sample=2)
    assert rows(earlier)["DISHUB"].figures == rows(service.dashboard(fixture, february(), now=NOW, min_sample=2))["DISHUB"].figures


def test_the_public_figures_leave_out_confidential_complaints(fixture: Session) -> None:
    public = rows(service.dashboard(fixture, february(), now=NOW, min_sample=2, public=True))
    assert public["DISHUB"].figures.received == 5 and public["DISHUB"].figures.responses == 4
    assert service.dashboard(fixture, february(), now=NOW, public=True).breaches == []


def test_a_supervisor_sees_the_own_agency_beside_the_province(fixture: Session) -> None:
    d = service.dashboard(fixture, february(), now=NOW, min_sample=2, scope_agency="DLH")
    assert [r.agency_code for r in d.agencies] == ["DLH"]
    assert d.province.received == 8 and sum(p.figures.received for p in d.monthly) == 1


def test_the_default_period(fixture: Session) -> None:
    recent = service.default_period(fixture, today=date(2026, 3, 1), min_sample=2)
    assert recent == (date(2026, 3, 1) - timedelta(days=89), date(2026, 3, 1))
    # years later nothing is recent enough to rank: the whole history, from its first day
    assert service.default_period(fixture, today=date(2027, 6, 1), min_sample=2) == (date(2026, 2, 2), date(2027, 6, 1))


def test_bad_filters_are_field_errors(fixture: Session) -> None:
    from cettar.errors import FieldError

    for params, key in (({"from": "kemarin"}, "date_invalid"), ({"from": "2026-03-01", "to": "2026-02-01"}, "period_reversed"),
                        ({"agency": "NOPE"}, "unknown_agency"), ({"region": "9999"}, "unknown_region"),
                        ({"channel": "fax"}, "unknown_channel"),
                        ({"from": "2010-01-01", "to": "2026-01-01"}, "period_too_long")):
        with pytest.raises(FieldError) as raised:
            service.parse_filters(fixture, params, today=date(2026, 3, 1))
        assert raised.value.key == key


def test_the_query_count_does_not_grow_with_the_data(session: Session) -> None:
    """No N+1: the page costs the same number of statements for 3 complaints and 3 agencies as for
    30 complaints in 10 agencies."""
    def statements() -> int:
        seen: list[str] = []
        connection = session.connection()

        def count(*_args: Any) -> None:
            seen.append("x")

        event.listen(connection, "before_cursor_execute", count)
        try:
            service.dashboard(session, february(), now=NOW, min_sample=1)
        finally:
            event.remove(connection, "before_cursor_execute", count)
        return len(seen)

    for code in ("DISHUB", "DLH", "DSDABM"):
        complaint(session, code, (1, Status.RESPONDED, "ok"))
    rollup.refresh_days(session, days={date(2026, 2, 2)}, now=NOW)
    few = statements()
    for code in ("DISHUB", "DLH", "DSDABM", "DINSOS", "DISKOMINFO", "SATPOLPP", "BAPENDA", "DINKES", "KEL", "KEC") * 3:
        complaint(session, code, (2, Status.RESPONDED, "ok"), district_code="3578-gubeng")
    rollup.refresh_days(session, days={date(2026, 2, 2)}, now=NOW)
    assert statements() == few


def test_the_breach_list_follows_the_sweep(fixture: Session) -> None:
    from cettar.complaint.sweep import sweep

    swept = sweep(fixture, now=NOW, escalate_after=timedelta(hours=8))
    assert swept.breaches >= 1
    rollup.refresh_days(fixture, days={date(2026, 2, 2)}, now=NOW)
    d = service.dashboard(fixture, february(), now=NOW, min_sample=2)
    unanswered = fixture.exec(select(Complaint).where(Complaint.district_code == "3578-rungkut")).one()
    # the unanswered DISHUB complaint missed its first-response deadline; resolution breaches are not listed
    assert [(b.tracking_code, b.clock, b.still_open) for b in d.breaches] == [(unanswered.tracking_code, "first_response", True)]
    assert d.breaches_total == 1 == rows(d)["DISHUB"].figures.breaches
    narrowed = service.dashboard(fixture, february(region="3578-kenjeran"), now=NOW, min_sample=2)
    assert narrowed.breaches == [] and narrowed.breaches_total == 0


def test_the_reporters_ratings_feed_the_figures(session: Session) -> None:
    from cettar.complaint import citizen
    from cettar.complaint.models import ComplaintRating

    done = ((1, Status.RESPONDED, "Petugas kami menuju lokasi."), (2, Status.RESOLVED, None))
    scores = {5: "DISHUB", 4: "DISHUB", 2: "DISHUB", 3: "DLH"}
    for score, agency in scores.items():
        rated = complaint(session, agency, *done)
        citizen.rate(session, code=rated.tracking_code, secret=None, score=score, comment="", now=MONDAY + timedelta(hours=3))
    secret = complaint(session, "DISHUB", *done, privacy="confidential")
    assert secret.id is not None
    session.add(ComplaintRating(complaint_id=secret.id, score=1, created_at=MONDAY + timedelta(hours=3)))
    complaint(session, "DISHUB", *done)  # resolved, not rated
    rollup.refresh_days(session, days={date(2026, 2, 2)}, now=NOW)

    plain = service.dashboard(session, february(), now=NOW, min_sample=2)
    dishub = rows(plain)["DISHUB"].figures
    assert (dishub.ratings, dishub.rating_points, dishub.satisfied) == (4, 12, 2)  # 5 + 4 + 2 + 1
    assert dishub.mean_rating == 3.0 and dishub.satisfied_share == 0.5
    assert rows(plain)["DLH"].figures.mean_rating == 3.0 and rows(plain)["DLH"].figures.satisfied == 0
    assert (plain.province.ratings, plain.province.rating_points) == (5, 15)
    sliced = rows(service.dashboard(session, february(region="3578"), now=NOW, min_sample=2))["DISHUB"].figures
    assert (sliced.ratings, sliced.rating_points, sliced.satisfied) == (4, 12, 2)  # the day rows agree with the totals
    public = rows(service.dashboard(session, february(), now=NOW, min_sample=2, public=True))["DISHUB"].figures
    assert (public.ratings, public.mean_rating) == (3, 3.7)  # the confidential complaint's 1 left out: (5+4+2)/3
    march = service.dashboard(session, Filters(date(2026, 3, 1), date(2026, 3, 31)), now=NOW, min_sample=2)
    assert march.province.ratings == 0 and march.province.mean_rating is None  # none received in that period
