"""`cettar ingest ...` as a deployment uses it: add sources, poll them once with a worker running,
read their status."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner
from sqlalchemy import text

from cettar.cli import main
from cettar.db import get_engine
from tests.ingest.samples import DRAIN, FOOTBALL, POTHOLE, rss
from tests.support.httpserver import LocalServer, Route, local_server

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def feeds(committed: str) -> Iterator[LocalServer]:
    with local_server() as server:
        yield server
    with get_engine().begin() as connection:
        connection.execute(text("DELETE FROM source_item"))
        connection.execute(text("DELETE FROM source"))


@pytest.mark.slow
def test_add_poll_once_and_status(feeds: LocalServer, tmp_path: Path) -> None:
    feeds.routes["/rss"] = Route(rss([POTHOLE, FOOTBALL]))
    feeds.routes["/broken"] = Route(b"", status=500)
    runner = CliRunner()
    added = runner.invoke(main, ["ingest", "add-feed", feeds.url("/rss"), "--region", "3578", "--name", "Kabar Jatim"])
    assert added.exit_code == 0 and "Added source" in added.output, added.output
    assert "Already there" in runner.invoke(main, ["ingest", "add-feed", feeds.url("/rss")]).output
    listed = tmp_path / "sources.yaml"
    listed.write_text(f"- target: {feeds.url('/broken')}\n  name: Rusak\n- kind: x_search\n  target: '#lapor'\n", encoding="utf-8")
    assert "2 source(s) added" in runner.invoke(main, ["ingest", "load", str(listed)]).output
    bad = runner.invoke(main, ["ingest", "add-feed", "not-a-url"])
    assert bad.exit_code == 1 and "http:// or https://" in bad.output

    worker = subprocess.Popen([sys.executable, "-m", "cettar", "worker"], env={**os.environ, "PYTHONPATH": str(ROOT)},
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    try:
        polled = runner.invoke(main, ["ingest", "poll", "--once", "--json", "--wait", "60"])
    finally:
        os.killpg(worker.pid, 15)
        worker.wait(timeout=20)
    assert polled.exit_code == 0, polled.output
    report = json.loads(polled.output)
    by_name = {s["name"]: s for s in report["sources"]}
    assert (by_name["Kabar Jatim"]["seen"], by_name["Kabar Jatim"]["created"], by_name["Kabar Jatim"]["skipped"]) == (2, 1, 1)
    assert by_name["Rusak"]["status"] == "failed" and by_name["Rusak"]["error"] == "HTTP 500 Internal Server Error"
    assert by_name["#lapor"]["status"] == "disabled"
    assert report["unrouted"] == 0  # the worker routed the new complaint before the command returned

    status = runner.invoke(main, ["ingest", "status"])
    assert status.exit_code == 0 and "Kabar Jatim" in status.output and "HTTP 500" in status.output
    assert "CETTAR_X_BEARER_TOKEN" in status.output
    rows = json.loads(runner.invoke(main, ["ingest", "status", "--json"]).output)
    assert {r["health"] for r in rows} == {"ok", "error", "disabled"}


def test_poll_once_says_when_no_worker_routes_in_time(feeds: LocalServer) -> None:
    feeds.routes["/rss"] = Route(rss([DRAIN]))
    runner = CliRunner()
    runner.invoke(main, ["ingest", "add-feed", feeds.url("/rss")])
    polled = runner.invoke(main, ["ingest", "poll", "--once", "--wait", "0.5"])
    assert polled.exit_code == 1 and "not routed within 0.5 s: is `cettar worker` running?" in polled.output
    assert "created" in polled.output.splitlines()[0] or "created" in polled.output
