"""The shipped history against the shared data, and its loading through the ordinary write path."""

from __future__ import annotations

import csv
import gzip
from collections import Counter
from pathlib import Path

import pytest
from sqlmodel import Session, col, select

from cettar import history
from cettar.agency.models import Agency
from cettar.clock.models import SlaClock
from cettar.complaint.models import Complaint
from cettar.db import fetch_all
from cettar.metrics import rollup
from cettar.settings import get_settings
from cettar.types import utcnow


def test_the_shipped_history_is_the_shared_csv_without_texts(shared_data: Path) -> None:
    with gzip.open(history.SHIPPED, "rt", encoding="utf-8", newline="") as handle:
        shipped = list(csv.DictReader(handle))
    assert tuple(shipped[0]) == history.COLUMNS and "text" not in shipped[0] and "alamat" not in shipped[0]
    with shared_data.open(newline="", encoding="utf-8") as handle:
        source = [{name: row[name] for name in history.COLUMNS} for row in csv.DictReader(handle)]
    assert len(shipped) == len(source) > 10_000
    assert shipped == source


def _sample() -> list[history.HistoryRow]:
    return list(history.read())[::12]  # ~900 complaints over the whole 15 months


def _load(session: Session, rows: list[history.HistoryRow]) -> history.BatchResult:
    directory = history.Directory.read(session, {r.agency for r in rows})
    total = history.BatchResult()
    for first in range(0, len(rows), 300):
        done = history.load_batch(session, rows[first:first + 300], directory=directory, now=utcnow())
        total.created += done.created
        total.existing += done.existing
    return total


def test_loading_gives_the_csvs_counts_per_agency_and_month(session: Session, shared_data: Path) -> None:
    rows = _sample()
    assert _load(session, rows).created == len(rows)
    history.settle_past_breaches(session, now=utcnow())
    zone = get_settings().zone
    rollup.refresh_days(session, days={r.submitted_at.astimezone(zone).date() for r in rows}, now=utcnow())
    with shared_data.open(newline="", encoding="utf-8") as handle:
        wanted_ids = {r.id for r in rows}
        labels = {row["id"]: row["agency"] for row in csv.DictReader(handle) if row["id"] in wanted_ids}
    codes = {label: history.Directory.read(session, {label}).agencies[label].code for label in set(labels.values())}
    expected = Counter((codes[labels[r.id]], r.submitted_at.strftime("%Y-%m")) for r in rows)
    agency_codes = dict(session.exec(select(Agency.id, Agency.code)).all())
    got: Counter[tuple[str, str]] = Counter()
    for agency_key, day, received in fetch_all(session, "SELECT agency_key, day, SUM(received) FROM agency_day "
                                               "GROUP BY agency_key, day"):
        got[(agency_codes[agency_key], day[:7])] += int(received)
    assert got == expected
    answered = sum(1 for r in rows if r.first_response_at is not None)
    responses = fetch_all(session, "SELECT SUM(responses) FROM agency_day")[0][0]
    assert responses == answered
    # the unanswered stay open, their past breaches recorded at their deadlines, not now
    open_ones = session.exec(select(Complaint).where(Complaint.source == history.SOURCE, Complaint.status == "dispositioned")).all()
    assert len(open_ones) == len(rows) - answered
    breached = session.exec(select(SlaClock).where(col(SlaClock.complaint_id).in_([c.id for c in open_ones]),
                                                   SlaClock.name == "first_response")).all()
    assert breached and all(c.status == "breached" and c.breached_at == c.deadline and c.escalated_at for c in breached)
    # loading again changes nothing
    assert _load(session, rows).created == 0


def test_clocks_derived_once_equal_clocks_derived_at_every_step(session: Session, monkeypatch: pytest.MonkeyPatch) -> None:
    rows = [r for r in list(history.read())[:400] if r.first_response_at is not None][:40]
    _load(session, rows)
    monkeypatch.setattr(history, "SOURCE", "history:step-by-step")
    monkeypatch.setattr(history, "DEFER_CLOCKS", "not-deferred")  # every transition refreshes the clocks
    _load(session, rows)

    def clocks(source: str) -> dict[tuple[str, str], tuple[object, ...]]:
        found = session.exec(select(Complaint.external_id, SlaClock).join(SlaClock, col(SlaClock.complaint_id) == Complaint.id)
                             .where(Complaint.source == source)).all()
        return {(ext, c.name): (c.status, c.started_at, c.deadline, c.stopped_at, c.elapsed_seconds) for ext, c in found}

    once, stepwise = clocks("history:surabaya"), clocks("history:step-by-step")
    assert len(once) >= 3 * len(rows) and once == stepwise
