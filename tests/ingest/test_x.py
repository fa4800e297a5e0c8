"""X sources through tweepy's real client code, against a local server answering in API v2's shapes."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import text
from sqlmodel import col, func, select

from cettar.complaint.models import Complaint, ComplaintEvent, ReporterContact
from cettar.db import get_engine, session_scope
from cettar.sources import service
from cettar.sources.models import Health, Outcome, Source, SourceItem, SourceKind
from cettar.types import utcnow
from ingest.x import RateLimited, XClient
from tests.conftest import LiveServer
from tests.support.httpserver import LocalServer, Route, local_server

SEARCH = "/2/tweets/search/recent"
MENTIONS = "/2/users/1001/mentions"


def tweet(id: str, text: str, *, author: str = "501", refs: list[tuple[str, str]] | None = None,
          conversation: str | None = None) -> dict[str, Any]:
    data: dict[str, Any] = {"id": id, "text": text, "author_id": author, "created_at": "2026-11-30T02:00:00.000Z",
                            "conversation_id": conversation or id, "lang": "in"}
    if refs:
        data["referenced_tweets"] = [{"type": kind, "id": ref} for kind, ref in refs]
    return data


def page(tweets: list[dict[str, Any]], *, users: dict[str, str] | None = None, next_token: str | None = None) -> bytes:
    body: dict[str, Any] = {"data": tweets, "meta": {"result_count": len(tweets)}}
    if tweets:
        body["meta"]["newest_id"] = max(t["id"] for t in tweets)
        body["meta"]["oldest_id"] = min(t["id"] for t in tweets)
    if next_token:
        body["meta"]["next_token"] = next_token
    body["includes"] = {"users": [{"id": k, "username": v, "name": v} for k, v in (users or {"501": "warga_sby"}).items()]}
    return json.dumps(body).encode()


def api(body: bytes, *, status: int = 200, remaining: int = 440, reset: int | None = None) -> Route:
    headers = {"x-rate-limit-limit": "450", "x-rate-limit-remaining": str(remaining),
               "x-rate-limit-reset": str(reset or int(datetime.now(UTC).timestamp()) + 900)}
    return Route(body, content_type="application/json", status=status, headers=headers)


@pytest.fixture
def x_api(monkeypatch: pytest.MonkeyPatch, committed: str) -> Iterator[LocalServer]:
    from cettar.settings import get_settings

    with local_server() as server:
        monkeypatch.setenv("CETTAR_X_BEARER_TOKEN", "test-bearer")
        monkeypatch.setenv("CETTAR_X_API_URL", server.base_url)
        get_settings.cache_clear()
        yield server
    with get_engine().begin() as connection:
        connection.execute(text("DELETE FROM source_item"))
        connection.execute(text("DELETE FROM source"))


def _source(kind: SourceKind, target: str) -> int:
    with session_scope() as session:
        source, _ = service.add_source(session, kind=kind, target=target, region_code="3578")
        assert source.id is not None
        return source.id


def _poll(source_id: int) -> service.PollResult:
    return service.poll(session_scope, source_id=source_id, now=utcnow(), force=True)


def test_search_files_complaints_skips_reposts_and_threads_replies(x_api: LocalServer, live_server: LiveServer) -> None:
    x_api.routes[SEARCH] = api(page([
        tweet("9003", "@Humas_Sby jalan rusak berlubang di Jl. Kenjeran depan SD, sudah 2 bulan #lapor"),
        tweet("9004", "RT @warga_sby: jalan rusak berlubang di Jl. Kenjeran", refs=[("retweeted", "9003")]),
        tweet("9005", "Selamat pagi Surabaya, semangat bekerja!"),
        tweet("9007", "Update: sekarang ada motor jatuh di lubang itu", refs=[("replied_to", "9003")], conversation="9003"),
    ]))
    source_id = _source(SourceKind.X_SEARCH, "(#lapor OR @Humas_Sby) surabaya -is:retweet")
    result = _poll(source_id)
    assert (result.seen, result.created, result.skipped, result.threaded) == (4, 1, 2, 1)
    seen = x_api.hits(SEARCH)[0]
    assert seen.headers["authorization"] == "Bearer test-bearer"
    assert seen.query["query"] == ["(#lapor OR @Humas_Sby) surabaya -is:retweet"] and "since_id" not in seen.query
    with session_scope() as session:
        complaint = session.exec(select(Complaint).where(Complaint.source == "x", Complaint.external_id == "9003")).one()
        assert complaint.channel == "social" and complaint.privacy == "anonymous" and "warga_sby" not in complaint.text
        contact = session.get(ReporterContact, complaint.id)
        assert contact is not None and contact.handle == "x:warga_sby"  # private, like a phone number
        reply = session.exec(select(ComplaintEvent).where(ComplaintEvent.complaint_id == complaint.id,
                                                          ComplaintEvent.kind == "source_reply")).one()
        assert "motor jatuh" in (reply.internal_note or "") and reply.public_message is None
        reasons = {i.reason for i in session.exec(select(SourceItem).where(SourceItem.outcome == Outcome.SKIPPED))}
        assert "a repost (retweet)" in reasons and len(reasons) == 2
        source = session.get(Source, source_id)
        assert source is not None and source.cursor == "9007" and source.health == Health.OK

    # the next poll asks only for what is newer, and the same answer again changes nothing
    again = _poll(source_id)
    assert x_api.hits(SEARCH)[-1].query["since_id"] == ["9007"]
    assert again.known == 4 and again.created == 0
    # the public tracking API never shows the handle
    with session_scope() as session:
        code = session.exec(select(Complaint.tracking_code).where(Complaint.external_id == "9003")).one()
    with live_server.client() as client:
        answer = client.get(f"/api/v1/complaints/{code}")
    assert answer.status_code == 200 and "Kenjeran" in answer.text
    # the author's id nowhere (a timestamp's microseconds may hold the digits: not next to other digits)
    assert "warga_sby" not in answer.text and re.search(r"(?<![\d.])501(?!\d)", answer.text) is None


def test_the_same_post_from_two_queries_is_one_complaint(x_api: LocalServer) -> None:
    post = tweet("9100", "@Humas_Sby lampu PJU mati di Jl. Mulyosari sejak seminggu")
    x_api.routes[SEARCH] = api(page([post]))
    x_api.routes[MENTIONS] = api(page([post]))
    first = _poll(_source(SourceKind.X_SEARCH, "@Humas_Sby"))
    second = _poll(_source(SourceKind.X_MENTIONS, "1001"))
    assert (first.created, second.created, second.duplicates) == (1, 0, 1)
    with session_scope() as session:
        assert session.exec(select(func.count()).select_from(Complaint).where(Complaint.source == "x")).one() == 1
        linked = session.exec(select(SourceItem).where(SourceItem.complaint_id == first.complaint_ids[0])).all()
        assert len(linked) == 2


def test_a_429_reschedules_the_poll_for_the_reset_time(x_api: LocalServer) -> None:
    reset = int((datetime.now(UTC) + timedelta(minutes=12)).timestamp())
    x_api.routes[SEARCH] = api(json.dumps({"title": "Too Many Requests"}).encode(), status=429, remaining=0, reset=reset)
    source_id = _source(SourceKind.X_SEARCH, "#lapor surabaya")
    result = _poll(source_id)
    assert result.status == "rate-limited" and len(x_api.hits(SEARCH)) == 1  # asked once, did not loop
    assert result.next_poll_at is not None and int(result.next_poll_at.timestamp()) == reset
    with session_scope() as session:
        source = session.get(Source, source_id)
        assert source is not None and source.health == Health.RATE_LIMITED and source.failures == 0
        assert source_id not in service.due_sources(session, now=utcnow() + timedelta(minutes=11))
        assert source_id in service.due_sources(session, now=utcnow() + timedelta(minutes=13))


def test_an_exhausted_window_waits_for_its_reset(x_api: LocalServer) -> None:
    reset = int((datetime.now(UTC) + timedelta(minutes=40)).timestamp())
    x_api.routes[SEARCH] = api(page([tweet("9200", "Sampah menumpuk di TPS Keputih #lapor")], next_token="more"),
                               remaining=0, reset=reset)
    result = _poll(_source(SourceKind.X_SEARCH, "#lapor"))
    assert result.created == 1 and len(x_api.hits(SEARCH)) == 1  # no second page asked for in an empty window
    assert result.next_poll_at is not None and int(result.next_poll_at.timestamp()) == reset


def test_pages_are_followed_and_api_errors_are_the_sources_health(x_api: LocalServer) -> None:
    def answer(query: dict[str, list[str]]) -> Route:
        if query.get("next_token") == ["p2"]:
            return api(page([tweet("9300", "Banjir di Jl. Raya Darmo, saluran mampet #lapor")]))
        return api(page([tweet("9301", "Jalan rusak di Jl. Ahmad Yani #lapor")], next_token="p2"))

    x_api.routes[SEARCH] = Route(dynamic=answer)
    assert _poll(_source(SourceKind.X_SEARCH, "#lapor")).created == 2
    x_api.routes[SEARCH] = api(json.dumps({"title": "Unauthorized", "detail": "bad token"}).encode(), status=401)
    broken = _poll(_source(SourceKind.X_SEARCH, "#lapor jatim"))
    assert broken.status == "failed" and "Unauthorized" in (broken.error or "")


def test_without_credentials_an_x_source_is_disabled_with_the_reason(committed: str) -> None:
    with session_scope() as session:
        source, _ = service.add_source(session, kind=SourceKind.X_SEARCH, target="#lapor")
        source_id = source.id
    assert source_id is not None
    result = _poll(source_id)
    assert result.status == "disabled" and "CETTAR_X_BEARER_TOKEN" in (result.error or "")
    with session_scope() as session:
        assert session.get(Source, source_id).health == Health.DISABLED  # type: ignore[union-attr]
    with get_engine().begin() as connection:
        connection.execute(text("DELETE FROM source"))


def test_the_client_raises_rate_limited_with_the_reset(x_api: LocalServer) -> None:
    x_api.routes[MENTIONS] = api(b"{}", status=429, reset=1_900_000_000)
    client = XClient("token", api_base=x_api.base_url)
    with pytest.raises(RateLimited) as raised:
        client.mentions("1001")
    assert raised.value.reset_at == datetime.fromtimestamp(1_900_000_000, UTC)
    assert not client.can_write


def test_with_write_keys_each_new_complaint_gets_one_reply_with_its_link(x_api: LocalServer,
                                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    from cettar.settings import get_settings
    from cettar.sources import jobs
    from tests.conftest import run_worker

    for name in ("CONSUMER_KEY", "CONSUMER_SECRET", "ACCESS_TOKEN", "ACCESS_TOKEN_SECRET"):
        monkeypatch.setenv(f"CETTAR_X_{name}", f"test-{name.lower()}")
    monkeypatch.setenv("CETTAR_X_REPLY", "true")
    get_settings.cache_clear()
    x_api.routes[SEARCH] = api(page([tweet("9400", "@Humas_Sby got mampet di Jl. Rungkut, banjir tiap hujan")]))
    x_api.routes["/2/tweets"] = Route(json.dumps({"data": {"id": "777", "text": "..."}}).encode(),
                                      content_type="application/json", status=201)
    result = _poll(_source(SourceKind.X_SEARCH, "@Humas_Sby"))
    run_worker()  # routes the complaint and posts the reply
    posted = x_api.hits("/2/tweets")
    assert len(posted) == 1 and posted[0].headers["authorization"].startswith("OAuth ")  # user context, signed
    sent = json.loads(posted[0].body)
    with session_scope() as session:
        code = session.exec(select(Complaint.tracking_code).where(Complaint.external_id == "9400")).one()
    assert sent["reply"] == {"in_reply_to_tweet_id": "9400"} and f"/lacak/{code}" in sent["text"]
    assert jobs.reply_on_x(result.complaint_ids[0]) == "already-replied"
    with session_scope() as session:
        event = session.exec(select(ComplaintEvent).where(ComplaintEvent.complaint_id == result.complaint_ids[0],
                                                          ComplaintEvent.kind == "x_reply")).one()
        assert event.data == {"post_id": "777", "in_reply_to": "9400"}


@pytest.mark.parametrize("privacy", ["public", "anonymous", "confidential"])
def test_the_reply_on_x_carries_only_the_code_and_none_for_a_confidential_complaint(
    x_api: LocalServer, monkeypatch: pytest.MonkeyPatch, privacy: str
) -> None:
    """The privacy matrix's X surface: the public reply names no one and repeats nothing of the
    complaint; a complaint an officer made confidential before the reply went out gets none."""
    from cettar.settings import get_settings
    from tests.conftest import run_worker

    for name in ("CONSUMER_KEY", "CONSUMER_SECRET", "ACCESS_TOKEN", "ACCESS_TOKEN_SECRET"):
        monkeypatch.setenv(f"CETTAR_X_{name}", f"test-{name.lower()}")
    monkeypatch.setenv("CETTAR_X_REPLY", "true")
    get_settings.cache_clear()
    story = "@Humas_Sby got mampet di Jl. Rungkut Asri, banjir tiap hujan, hubungi saya 0812 3456 7890"
    x_api.routes[SEARCH] = api(page([tweet("9500", story)], users={"501": "warga_sby"}))
    x_api.routes["/2/tweets"] = Route(json.dumps({"data": {"id": "778", "text": "..."}}).encode(),
                                      content_type="application/json", status=201)
    result = _poll(_source(SourceKind.X_SEARCH, "@Humas_Sby"))
    assert len(result.complaint_ids) == 1, result.as_dict()
    with session_scope() as session:  # raised by an officer before the worker gets to the reply
        complaint = session.get(Complaint, result.complaint_ids[0])
        assert complaint is not None
        complaint.privacy = privacy  # type: ignore[assignment]
        session.add(complaint)
    run_worker()
    posted = [json.loads(hit.body)["text"] for hit in x_api.hits("/2/tweets")]
    if privacy == "confidential":
        assert posted == []
        return
    assert len(posted) == 1
    for leaked in ("warga_sby", "0812", "mampet", "Rungkut", "Humas_Sby"):
        assert leaked not in posted[0], f"{leaked!r} in the public reply to a {privacy} complaint"


def test_posts_about_a_fire_and_a_bribe_are_marked_at_intake(x_api: LocalServer) -> None:
    from tests.conftest import run_worker

    x_api.routes[SEARCH] = api(page([
        tweet("9601", "@Humas_Sby kebakaran di pasar Keputran, api sudah membesar, damkar belum datang"),
        tweet("9602", "@Humas_Sby oknum petugas kelurahan minta uang 200 ribu buat surat pindah, tolong ditindak"),
    ]))
    result = _poll(_source(SourceKind.X_SEARCH, "@Humas_Sby"))
    assert result.created == 2
    run_worker()
    with session_scope() as session:
        fire, bribe = (session.exec(select(Complaint).where(Complaint.external_id == post)).one() for post in ("9601", "9602"))
        assert (fire.category, fire.priority, fire.sensitive) == ("fire", "urgent", False)
        assert bribe.sensitive and bribe.status == "triage" and bribe.agency_id is None  # a person routes it
