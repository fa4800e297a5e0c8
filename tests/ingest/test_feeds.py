"""The feed library on its own: fetching with limits, parsing real-world-shaped and broken feeds,
plain text out of hostile HTML, the story fingerprint and the relevance step."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from ingest.feeds import content_fingerprint, html_to_text, parse_feed
from ingest.fetch import fetch
from ingest.relevance import Lexicon, judge
from tests.ingest.samples import CONCERT, DRAIN, POTHOLE, atom, rss
from tests.support.httpserver import LocalServer, Route, local_server


@pytest.fixture
def server() -> Iterator[LocalServer]:
    with local_server() as running:
        yield running


def test_an_indonesian_news_rss_gives_plain_text_items() -> None:
    parsed = parse_feed(rss([POTHOLE, DRAIN]))
    assert parsed.error is None and parsed.warning is None and parsed.title == "Kabar Jatim"
    first = parsed.items[0]
    assert first.title.startswith("Warga Keluhkan Jalan Rusak")
    assert "<p>" not in first.text and "mengeluhkan jalan rusak" in first.text
    assert first.link.startswith("https://kj.example.test/berita/")
    assert first.published is not None and first.published.tzinfo is not None
    assert len({item.key for item in parsed.items}) == 2


def test_atom_feeds_parse_too() -> None:
    parsed = parse_feed(atom([DRAIN, CONCERT]), content_type="application/atom+xml")
    assert [item.title for item in parsed.items] == [DRAIN[0], CONCERT[0]]
    assert parsed.items[0].link == "https://warta.example.test/0"


def test_script_in_any_field_comes_out_as_nothing_that_runs() -> None:
    hostile = rss([("Jalan rusak <script>alert(1)</script><img src=x onerror=alert(2)>",
                    "<script>steal()</script><b>Banjir</b> &amp; sampah <iframe src='https://evil.test'></iframe>")])
    item = parse_feed(hostile).items[0]
    assert "<" not in item.title + item.text and "alert" not in item.title and "steal" not in item.text
    assert item.text == "Banjir & sampah"
    assert html_to_text("a\u202eb\x00c") == "abc"  # bidi override and NUL removed


def test_malformed_xml_still_gives_what_it_can_and_says_so() -> None:
    broken = rss([POTHOLE, DRAIN]).replace(b"</channel>", b"").replace(b"</rss>", b"<unclosed>")
    parsed = parse_feed(broken)
    assert parsed.error is None and parsed.warning  # recorded as the feed's health
    assert len(parsed.items) == 2


def test_an_html_page_is_not_a_feed() -> None:
    parsed = parse_feed(b"<!doctype html><html><body><h1>Beranda</h1></body></html>", content_type="text/html")
    assert parsed.error and not parsed.items


def test_a_wrongly_declared_encoding_is_read_anyway() -> None:
    latin = rss([("Pelayanan KTP di kecamatan lambat, warga kecewa", "Antrean di loket Café Kantor")])
    body = latin.replace(b'encoding="UTF-8"', b'encoding="ISO-8859-1"')  # says Latin-1, is UTF-8
    parsed = parse_feed(body, content_type="application/rss+xml; charset=windows-1252")
    assert parsed.items and parsed.items[0].title.startswith("Pelayanan KTP")


def test_huge_entries_are_cut() -> None:
    item = parse_feed(rss([("Jalan rusak", "kata " * 200_000)])).items[0]
    assert len(item.text) <= 20_000


def test_the_same_story_from_other_outlets_has_one_fingerprint() -> None:
    own = content_fingerprint(POTHOLE[0], html_to_text(POTHOLE[1]))
    copies = [
        content_fingerprint(POTHOLE[0] + " - Kompas.com", "SURABAYA, KOMPAS.com - " + html_to_text(POTHOLE[1])),
        content_fingerprint(POTHOLE[0].upper() + " | detikJatim", "Lain kalimat pembuka dari outlet ini."),
        content_fingerprint("  warga keluhkan jalan rusak, dan berlubang di KENJERAN surabaya!  ", ""),
    ]
    assert copies == [own] * 3
    assert content_fingerprint(DRAIN[0], DRAIN[1]) != own
    # a short title is not enough on its own: the text decides
    assert content_fingerprint("Banjir", "Rungkut tergenang") != content_fingerprint("Banjir", "Sidoarjo tergenang")


def test_relevance_keeps_a_reason_for_every_decision() -> None:
    assert judge(*POTHOLE).relevant and judge(*POTHOLE).reason.startswith("strong phrase: ")
    assert judge(*DRAIN).relevant
    skipped = judge(*CONCERT)
    assert not skipped.relevant and skipped.reason
    assert judge("", "").reason == "no text"
    assert judge("Lampu taman mati tiga minggu", "").relevant  # a problem and a service
    assert "no problem" in judge("Taman kota dibuka untuk umum", "").reason


def test_the_lexicon_is_data_and_a_bad_file_is_refused(tmp_path) -> None:  # type: ignore[no-untyped-def]
    own = tmp_path / "lexicon.txt"
    own.write_text("[strong]\nkonser\n[problem]\n[service]\n", encoding="utf-8")
    assert judge(*CONCERT, lexicon=Lexicon.load(own)).relevant
    own.write_text("[nonsense]\nx\n", encoding="utf-8")
    with pytest.raises(ValueError, match="unknown section"):
        Lexicon.load(own)


def test_fetch_sends_the_conditional_headers_and_understands_304(server: LocalServer) -> None:
    server.routes["/rss"] = Route(rss([POTHOLE]), etag='"v1"', last_modified="Mon, 30 Nov 2026 01:00:00 GMT")
    first = fetch(server.url("/rss"))
    assert first.status == 200 and first.etag == '"v1"' and b"Kenjeran" in first.body
    again = fetch(server.url("/rss"), etag=first.etag, last_modified=first.last_modified)
    assert again.not_modified and again.body == b"" and again.error is None
    assert server.hits("/rss")[-1].headers["if-none-match"] == '"v1"'


def test_fetch_follows_redirects_within_a_bound(server: LocalServer) -> None:
    server.routes["/old"] = Route(redirect_to=server.url("/new"))
    server.routes["/new"] = Route(rss([POTHOLE]))
    moved = fetch(server.url("/old"))
    assert moved.status == 200 and moved.url.endswith("/new")
    for n in range(4):
        server.routes[f"/loop{n}"] = Route(redirect_to=server.url(f"/loop{n + 1}"))
    server.routes["/loop4"] = Route(rss([POTHOLE]))
    assert fetch(server.url("/loop0"), max_redirects=2).error == "more than 2 redirects"


def test_fetch_errors_are_values_not_exceptions(server: LocalServer) -> None:
    server.routes["/slow"] = Route(rss([POTHOLE]), delay=2.0)
    server.routes["/big"] = Route(b"x" * 200_000)
    server.routes["/gone"] = Route(b"", status=500)
    assert fetch(server.url("/slow"), timeout=0.3).error == "timed out after 0.3 s"
    assert "too large" in (fetch(server.url("/big"), max_bytes=100_000).error or "")
    assert fetch(server.url("/gone")).error == "HTTP 500 Internal Server Error"
    assert fetch(server.url("/missing")).error == "HTTP 404 Not Found"
    assert "ConnectError" in (fetch("http://127.0.0.1:9/feed").error or "")
