"""The sources page shows each source's health and every skipped item's reason, as text."""

from __future__ import annotations

from cettar.db import session_scope
from cettar.sources import service
from cettar.sources.models import SourceKind
from cettar.staff.models import Role
from cettar.types import utcnow
from tests.conftest import LiveServer
from tests.ingest.samples import FOOTBALL, rss
from tests.staff.conftest import Account, sign_in_fully
from tests.support.httpserver import Route, local_server


def test_health_reasons_and_hostile_titles(live_server: LiveServer, accounts: dict[Role, Account]) -> None:
    with local_server() as feeds:
        feeds.routes["/rss"] = Route(rss([FOOTBALL, ("<script>alert('x')</script>Konser <b>akbar</b>", "Hiburan malam minggu.")]))
        feeds.routes["/down"] = Route(b"", status=502)
        with session_scope() as session:
            good, _ = service.add_source(session, kind=SourceKind.FEED, target=feeds.url("/rss"), name="Kabar Jatim")
            bad, _ = service.add_source(session, kind=SourceKind.FEED, target=feeds.url("/down"), name="Portal Mati")
            service.add_source(session, kind=SourceKind.X_SEARCH, target="#lapor")
        for source in (good, bad):
            assert source.id is not None
            service.poll(session_scope, source_id=source.id, now=utcnow(), force=True)
    with live_server.client() as client:
        sign_in_fully(client, accounts[Role.GOVERNOR])
        page = client.get("/staf/sumber").text
    assert "Kabar Jatim" in page and "Portal Mati" in page and "HTTP 502 Bad Gateway" in page
    assert "CETTAR_X_BEARER_TOKEN" in page  # why the X source does not run
    assert "no public-service problem words" in page  # the football story's reason
    assert "<script>" not in page and "Konser akbar" in page  # tags dropped at intake, the rest escaped
    assert "Tambah feed" not in page  # the governor's staff read; only admins add sources
