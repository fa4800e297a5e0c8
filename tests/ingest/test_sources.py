"""Polling feeds into the intake path, on the real database and Redis, from a local HTTP server."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta

import pytest
from sqlmodel import Session, col, func, select

from cettar.complaint.models import Complaint
from cettar.db import session_scope
from cettar.intake.models import IntakeRecord
from cettar.sources import service
from cettar.sources.models import Health, Outcome, Source, SourceItem, SourceKind
from cettar.types import utcnow
from tests.conftest import run_worker
from tests.ingest.samples import CONCERT, DRAIN, FOOTBALL, POTHOLE, atom, rss
from tests.support.httpserver import LocalServer, Route, local_server

SURABAYA = "3578"


@pytest.fixture
def server() -> Iterator[LocalServer]:
    with local_server() as running:
        yield running


def _add(url: str, **options: object) -> int:
    with session_scope() as session:
        source, _ = service.add_source(session, kind=SourceKind.FEED, target=url, region_code=SURABAYA, **options)  # type: ignore[arg-type]
        assert source.id is not None
        return source.id


def _poll(source_id: int, **options: object) -> service.PollResult:
    return service.poll(session_scope, source_id=source_id, now=utcnow(), force=True, **options)  # type: ignore[arg-type]


def _items(session: Session, source_id: int) -> list[SourceItem]:
    return list(session.exec(select(SourceItem).where(SourceItem.source_id == source_id).order_by(col(SourceItem.id))))


@pytest.fixture
def clean(committed: str) -> Iterator[str]:
    yield committed
    from sqlalchemy import text

    from cettar.db import get_engine

    with get_engine().begin() as connection:
        connection.execute(text("DELETE FROM source_item"))
        connection.execute(text("DELETE FROM source"))


def test_a_feed_becomes_routed_complaints_and_a_second_poll_does_nothing(server: LocalServer, clean: str) -> None:
    server.routes["/rss"] = Route(rss([POTHOLE, FOOTBALL, DRAIN]), etag='"a"')
    source_id = _add(server.url("/rss"))
    first = _poll(source_id)
    assert (first.status, first.seen, first.created, first.skipped, first.errors) == ("polled", 3, 2, 1, 0)
    run_worker()
    with session_scope() as session:
        complaints = session.exec(select(Complaint).where(col(Complaint.id).in_(first.complaint_ids))).all()
        assert {c.channel for c in complaints} == {"news"} and {c.region_code for c in complaints} == {SURABAYA}
        assert all(c.status != "received" for c in complaints)  # routed (or at triage) by the worker
        skipped = [i for i in _items(session, source_id) if i.outcome == Outcome.SKIPPED]
        assert len(skipped) == 1 and skipped[0].title.startswith("Persebaya") and skipped[0].reason
        source = session.get(Source, source_id)
        assert source is not None and source.health == Health.OK and source.etag == '"a"'
        assert (source.seen, source.created, source.skipped) == (3, 2, 1)
    # unchanged feed: the server answers 304 to the conditional GET
    again = _poll(source_id)
    assert again.status == "not-modified" and again.created == 0
    assert server.hits("/rss")[-1].headers.get("if-none-match") == '"a"'
    # changed feed with the same items plus one: only the new one is taken
    server.routes["/rss"] = Route(rss([CONCERT, POTHOLE, FOOTBALL, DRAIN]), etag='"b"')
    third = _poll(source_id)
    assert (third.seen, third.known, third.created, third.skipped) == (4, 3, 0, 1)
    with session_scope() as session:
        assert session.exec(select(func.count()).select_from(SourceItem).where(SourceItem.source_id == source_id)).one() == 4
        assert session.exec(select(func.count()).select_from(Complaint).where(col(Complaint.source) == f"feed:{source_id}")).one() == 2


def test_one_story_from_three_outlets_is_one_complaint_with_three_sources(server: LocalServer, clean: str) -> None:
    server.routes["/a"] = Route(rss([POTHOLE], outlet="Kabar Jatim", guid_prefix="a"))
    server.routes["/b"] = Route(rss([POTHOLE], outlet="Kompas", guid_prefix="b", title_suffix=" - Kompas.com"))
    server.routes["/c"] = Route(atom([POTHOLE]), content_type="application/atom+xml")
    results = [_poll(_add(server.url(path))) for path in ("/a", "/b", "/c")]
    assert [(r.created, r.duplicates) for r in results] == [(1, 0), (0, 1), (0, 1)]
    with session_scope() as session:
        linked = session.exec(select(SourceItem).where(SourceItem.complaint_id == results[0].complaint_ids[0])).all()
        assert len(linked) == 3 and len({i.source_id for i in linked}) == 3


RETOLD = ("Jalan Berlubang Sepanjang 300 Meter di Kenjeran Bikin Pengendara Motor Terjatuh",
          "<p>Jalan di kawasan Kenjeran, Surabaya, rusak dan berlubang sepanjang 300 meter sejak Oktober dan belum "
          "diperbaiki. Saat hujan sejumlah pengendara motor terjatuh, keluh warga Kenjeran.</p>")


def test_another_outlets_rewording_becomes_a_second_source_not_a_second_complaint(server: LocalServer, clean: str) -> None:
    from ingest.feeds import content_fingerprint

    assert content_fingerprint(RETOLD[0], RETOLD[1]) != content_fingerprint(POTHOLE[0], POTHOLE[1])  # not the same words
    server.routes["/a"] = Route(rss([POTHOLE], outlet="Kabar Jatim", guid_prefix="a"))
    server.routes["/b"] = Route(rss([RETOLD, DRAIN], outlet="Warta Surabaya", guid_prefix="b"))
    first, second = (_poll(_add(server.url(path))) for path in ("/a", "/b"))
    assert (first.created, second.created, second.duplicates) == (1, 1, 1)  # the drain story is still its own
    with session_scope() as session:
        linked = session.exec(select(SourceItem).where(SourceItem.complaint_id == first.complaint_ids[0])).all()
        assert len(linked) == 2 and any("other words" in item.reason for item in linked)


def test_within_one_poll_a_story_told_twice_is_filed_once(server: LocalServer, clean: str) -> None:
    # one outlet's feed carries the story, its rewording and a repeat under another guid, and another story
    body = rss([POTHOLE, DRAIN, RETOLD], guid_prefix="p")
    first = body[body.index(b"<item>"):body.index(b"</item>") + 7]
    server.routes["/one"] = Route(body.replace(b"</channel>", first.replace(b">p-", b">p-again-") + b"</channel>"))
    result = _poll(_add(server.url("/one")))
    assert (result.seen, result.created, result.duplicates, result.errors) == (4, 2, 2, 0)
    with session_scope() as session:
        items = {i.item_key: i for i in _items(session, result.source_id)}
        filed = {c.title: c.id for c in session.exec(select(Complaint).where(col(Complaint.id).in_(result.complaint_ids)))}
        assert set(filed) == {POTHOLE[0], DRAIN[0]}
        twins = [i for i in items.values() if i.outcome == Outcome.DUPLICATE]
        assert {i.complaint_id for i in twins} == {filed[POTHOLE[0]]}
        assert sorted(i.reason for i in twins) == sorted([service.SAME_STORY, service.RETOLD])


def test_a_poll_of_many_stories_sends_one_routing_job_per_batch(server: LocalServer, clean: str,
                                                                monkeypatch: pytest.MonkeyPatch) -> None:
    from cettar import queue
    from cettar.settings import get_settings

    monkeypatch.setenv("CETTAR_INTAKE_BATCH", "10")
    monkeypatch.setenv("CETTAR_INGEST_BACKFILL", "100")
    get_settings.cache_clear()
    stories = [(f"Lampu PJU mati di Jl. Rungkut gang {n}", f"Lampu penerangan jalan di gang {n} mati sejak sepekan.")
               for n in range(25)]
    server.routes["/many"] = Route(rss(stories, guid_prefix="m"))
    result = _poll(_add(server.url("/many")))
    assert result.created == 25
    assert queue.get_queue(queue.INTAKE_QUEUE).count == 3
    run_worker()
    with session_scope() as session:
        assert session.exec(select(func.count()).select_from(IntakeRecord)
                            .where(col(IntakeRecord.complaint_id).in_(result.complaint_ids),
                                   col(IntakeRecord.processed_at).is_not(None))).one() == 25


def test_a_news_story_of_a_fire_is_urgent_from_the_poll_on(server: LocalServer, clean: str) -> None:
    fire = ("Gudang Mebel di Tandes Terbakar, Api Merembet ke Permukiman",
            "Kebakaran melanda gudang mebel di Tandes sejak pukul 14.00. Warga panik dan berusaha memadamkan api.")
    server.routes["/fire"] = Route(rss([fire, DRAIN], guid_prefix="f"))
    result = _poll(_add(server.url("/fire")))
    assert result.created == 2
    with session_scope() as session:
        filed = {c.title: c for c in session.exec(select(Complaint).where(col(Complaint.id).in_(result.complaint_ids)))}
        assert (filed[fire[0]].category, filed[fire[0]].priority) == ("fire", "urgent")
        assert (filed[DRAIN[0]].category, filed[DRAIN[0]].priority) == (None, "normal")


def test_a_duplicate_storm_files_each_story_once(server: LocalServer, clean: str) -> None:
    # the same entry fifty times in one feed, polled by four threads at once
    body = rss([POTHOLE])
    item = body[body.index(b"<item>"):body.index(b"</item>") + 7]
    server.routes["/storm"] = Route(body.replace(item, item * 50))
    source_id = _add(server.url("/storm"))
    outcomes: list[service.PollResult] = []
    threads = [threading.Thread(target=lambda: outcomes.append(_poll(source_id))) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sum(r.created for r in outcomes) == 1
    with session_scope() as session:
        assert session.exec(select(func.count()).select_from(Complaint).where(Complaint.source == f"feed:{source_id}")).one() == 1
        assert session.exec(select(func.count()).select_from(IntakeRecord).join(Complaint, Complaint.id == IntakeRecord.complaint_id)
                            .where(Complaint.source == f"feed:{source_id}")).one() == 1


def test_a_broken_feed_is_recorded_and_does_not_stop_the_others(server: LocalServer, clean: str) -> None:
    server.routes["/good"] = Route(rss([("Lampu PJU mati di Jalan Mulyosari", "Lampu jalan mati sejak sepekan.")]))
    server.routes["/html"] = Route(b"<html><body>Maintenance</body></html>", content_type="text/html")
    server.routes["/down"] = Route(b"", status=503)
    server.routes["/slow"] = Route(rss([POTHOLE]), delay=3)
    server.routes["/truncated"] = Route(rss([POTHOLE, DRAIN])[:-200])
    ids = {path: _add(server.url(path), poll_interval=300) for path in ("/html", "/down", "/slow", "/truncated", "/good")}
    import os

    os.environ["CETTAR_INGEST_TIMEOUT"] = "0.5"
    from cettar.settings import get_settings

    get_settings.cache_clear()
    try:
        results = {path: _poll(source_id) for path, source_id in ids.items()}
    finally:
        del os.environ["CETTAR_INGEST_TIMEOUT"]
        get_settings.cache_clear()
    assert results["/good"].created == 1
    assert results["/html"].status == "failed" and "not a feed" in (results["/html"].error or "")
    assert results["/down"].error == "HTTP 503 Service Unavailable"
    assert "timed out" in (results["/slow"].error or "")
    assert results["/truncated"].status == "polled" and results["/truncated"].error  # bozo: a warning, items kept
    with session_scope() as session:
        down = session.get(Source, ids["/down"])
        assert down is not None and down.health == Health.ERROR and down.failures == 1 and down.last_error
        first_wait = down.next_poll_at - down.last_poll_at  # type: ignore[operator]
        assert session.get(Source, ids["/truncated"]).health == Health.WARNING  # type: ignore[union-attr]
    _poll(ids["/down"])  # fails again: waits longer (back-off), up to six hours
    with session_scope() as session:
        down = session.get(Source, ids["/down"])
        assert down is not None and down.failures == 2
        assert down.next_poll_at - down.last_poll_at > first_wait >= timedelta(seconds=300)  # type: ignore[operator]
    server.routes["/down"] = Route(rss([FOOTBALL]))
    recovered = _poll(ids["/down"])
    with session_scope() as session:
        down = session.get(Source, ids["/down"])
        assert recovered.status == "polled" and down is not None and down.failures == 0 and down.health == Health.OK


def test_the_first_poll_takes_at_most_the_backfill(server: LocalServer, clean: str) -> None:
    stories = [(f"Jalan rusak di gang {n} belum diperbaiki", f"Warga gang {n} mengeluhkan jalan rusak.") for n in range(12)]
    server.routes["/many"] = Route(rss(stories))
    source_id = _add(server.url("/many"), backfill=5)
    first = _poll(source_id)
    assert (first.created, first.skipped) == (5, 7)
    with session_scope() as session:
        created = [i.title for i in _items(session, source_id) if i.outcome == Outcome.CREATED]
        assert sorted(created) == sorted(t for t, _ in stories[:5])  # the newest five
        reasons = {i.reason for i in _items(session, source_id) if i.outcome == Outcome.SKIPPED}
        assert reasons == {"older than the first poll's backfill (5)"}


def test_only_one_of_two_pollers_claims_a_due_source(server: LocalServer, clean: str) -> None:
    server.routes["/rss"] = Route(rss([DRAIN]))
    source_id = _add(server.url("/rss"))
    now = utcnow()
    with session_scope() as session:
        assert service.due_sources(session, now=now) == [source_id]
    results = [service.poll(session_scope, source_id=source_id, now=now) for _ in range(2)]
    assert [r.status for r in results] == ["polled", "not-due"]
    with session_scope() as session:
        assert service.due_sources(session, now=now) == []
        assert service.due_sources(session, now=now + timedelta(seconds=901)) == [source_id]


def test_the_scheduled_job_polls_what_is_due_through_the_workers(server: LocalServer, clean: str) -> None:
    from cettar.sources import jobs

    server.routes["/rss"] = Route(rss([POTHOLE]))
    source_id = _add(server.url("/rss"))
    assert jobs.poll_due_sources() == 1
    run_worker()  # runs the poll, which files the complaint and sends its routing job; then routes it
    run_worker()
    with session_scope() as session:
        complaint = session.exec(select(Complaint).where(Complaint.source == f"feed:{source_id}")).one()
        assert complaint.status != "received"
    assert jobs.poll_due_sources() == 0  # not due again until its interval has passed


def test_adding_sources_checks_what_it_is_given(clean: str) -> None:
    with session_scope() as session:
        with pytest.raises(service.SourceError, match="http"):
            service.add_source(session, kind=SourceKind.FEED, target="ftp://example.test/feed")
        with pytest.raises(service.SourceError, match="unknown city"):
            service.add_source(session, kind=SourceKind.FEED, target="https://example.test/rss", region_code="99.99")
        with pytest.raises(service.SourceError, match="numeric user id"):
            service.add_source(session, kind=SourceKind.X_MENTIONS, target="@Humas_Sby")
        first, created = service.add_source(session, kind=SourceKind.FEED, target="https://example.test/rss")
        again, created_again = service.add_source(session, kind=SourceKind.FEED, target="https://example.test/rss")
        assert created and not created_again and first.id == again.id
