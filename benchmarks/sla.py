"""SLA engine figures: deadline computations per second; the sweep over a million open
complaints; the per-agency metrics over a million complaints.

    .venv/bin/python benchmarks/sla.py                                   # SQLite (a temporary file)
    .venv/bin/python benchmarks/sla.py --database-url postgresql://postgres@127.0.0.1/cettar_bench
    (the PostgreSQL database is a scratch one: its tables are dropped)

Each figure is printed beside a reference measured in the same run: plain calendar arithmetic
for deadlines; a full COUNT(*) of the clocks for the sweep; a COUNT(*) of the complaints for the
metrics queries.
"""

from __future__ import annotations

import argparse
import io
import os
import random
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("CETTAR_ENVIRONMENT", "development")

from sqlalchemy import inspect, text  # noqa: E402
from sqlmodel import Session  # noqa: E402

from cettar.clock.models import SlaClock  # noqa: E402
from cettar.complaint.models import Complaint  # noqa: E402
from sla.calendar import WorkingCalendar  # noqa: E402
from sla.duration import Duration  # noqa: E402

NOW = datetime(2026, 6, 15, 3, 0, tzinfo=UTC)  # a Monday, 10:00 WIB


def timed(label: str, function, reference_label: str, reference) -> None:  # type: ignore[no-untyped-def]
    started = time.perf_counter()
    result = function()
    seconds = time.perf_counter() - started
    started = time.perf_counter()
    reference()
    ref_seconds = time.perf_counter() - started
    print(f"{label:<58} {seconds * 1000:>10.1f} ms   {reference_label}: {ref_seconds * 1000:.1f} ms"
          f"   ratio {seconds / ref_seconds if ref_seconds else float('nan'):.1f}" + (f"   -> {result}" if result else ""))


def deadlines() -> None:
    calendar = WorkingCalendar()
    rng = random.Random(1)
    starts = [datetime(2026, 1, 1, tzinfo=UTC) + timedelta(seconds=rng.randrange(365 * 86400)) for _ in range(20_000)]
    for spec in ("3wd", "5wd", "8wh"):
        duration = Duration.parse(spec)
        started = time.perf_counter()
        for start in starts:
            duration.deadline(calendar, start)
        ours = len(starts) / (time.perf_counter() - started)
        started = time.perf_counter()
        for start in starts:
            _ = start + timedelta(days=3)
        plain = len(starts) / (time.perf_counter() - started)
        print(f"deadline {spec:<4} on the Indonesian calendar: {ours:>10,.0f} per second"
              f"   plain datetime + timedelta: {plain:,.0f} per second   ratio {plain / ours:.0f}x slower")


def prepare(url: str) -> None:
    from cettar.db import make_engine
    from cettar.demo import seed_demo
    from cettar.migrate import upgrade

    engine = make_engine(url)
    if engine.dialect.name == "postgresql":
        with engine.begin() as connection:
            for table in inspect(connection).get_table_names():
                connection.execute(text(f'DROP TABLE IF EXISTS "{table}" CASCADE'))
    upgrade(url)
    with Session(engine) as session:
        seed_demo(session, with_complaints=False)
        session.commit()
    engine.dispose()


def generate(session: Session, count: int, open_share: float, due_share: float, spread: bool = False) -> None:
    """``count`` complaints over the past year; ``open_share`` of them open with two running
    clocks, of which ``due_share`` are past their warning or deadline at NOW. With ``spread``,
    complaints fall in Surabaya's 31 districts, on four channels, 2 % confidential (the
    dashboard's slices)."""
    rng = random.Random(7)
    districts = [row[0] for row in session.execute(text("SELECT code FROM region WHERE parent_code = '3578'"))]
    channels = ["web"] * 6 + ["api", "news", "social", "social"]
    agency_ids = [row[0] for row in session.execute(text("SELECT id FROM agency WHERE level = 'city' AND code <> 'SBY'"))]
    complaint_cols = ("id", "tracking_code", "title", "text", "channel", "source", "external_id", "address", "privacy",
                      "status", "agency_id", "received_at", "dispositioned_at", "resolved_at", "updated_at",
                      "region_code", "district_code")
    clock_cols = ("complaint_id", "name", "policy", "agency_id", "status", "started_at", "deadline", "warn_at",
                  "stopped_at", "allowed_seconds", "elapsed_seconds", "updated_at")
    complaints, clocks = [], []
    for i in range(1, count + 1):
        received = NOW - timedelta(seconds=rng.randrange(365 * 86400))
        agency = rng.choice(agency_ids)
        is_open = rng.random() < open_share
        routed = received + timedelta(minutes=rng.randrange(5, 600))
        resolved = None if is_open else routed + timedelta(hours=rng.randrange(1, 300))
        channel, privacy, district = "web", "public", None
        if spread:
            channel, district = rng.choice(channels), rng.choice(districts)
            privacy = "confidential" if rng.random() < 0.02 else "public"
        complaints.append((i, f"CTR-B{i:014d}", "", "benchmark complaint", channel, "bench", str(i), "", privacy,
                           "in_progress" if is_open else "resolved", agency, received, routed, resolved, NOW,
                           "3578" if district else None, district))
        for name, allowed in (("first_response", 40 * 3600), ("resolution", 80 * 3600)):
            if is_open:
                due = rng.random() < due_share
                deadline = NOW - timedelta(hours=1) if due and name == "first_response" else NOW + timedelta(days=rng.randrange(1, 20))
                warn = NOW - timedelta(hours=2) if due else deadline - timedelta(hours=10)
                clocks.append((i, name, "sp4n-lapor", agency, "running", routed, deadline, warn, None, allowed, 0, NOW))
            else:
                elapsed = rng.randrange(600, 200 * 3600)
                clocks.append((i, name, "sp4n-lapor", agency, "met" if elapsed <= allowed else "breached", routed,
                               routed + timedelta(seconds=allowed), None, resolved, allowed, elapsed, NOW))
    connection = session.connection()
    if connection.dialect.name == "postgresql":
        raw = connection.connection.dbapi_connection
        with raw.cursor() as cursor:  # type: ignore[union-attr]
            for table, cols, rows in (("complaint", complaint_cols, complaints), ("sla_clock", clock_cols, clocks)):
                with cursor.copy(f"COPY {table} ({', '.join(cols)}) FROM STDIN") as copy:
                    for row in rows:
                        copy.write_row(row)
            cursor.execute("SELECT setval('complaint_id_seq', (SELECT max(id) FROM complaint))")
        session.commit()
        # what autovacuum does after a bulk load: statistics, and the visibility map that lets the
        # backlog query read only its covering index (66 ms instead of 314 ms at 1M complaints)
        with session.get_bind().connect().execution_options(isolation_level="AUTOCOMMIT") as vacuum:  # type: ignore[union-attr]
            vacuum.execute(text("VACUUM ANALYZE"))
        return
    else:
        for table, cols, rows in (("complaint", complaint_cols, complaints), ("sla_clock", clock_cols, clocks)):
            placeholders = ", ".join("?" for _ in cols)
            raw = connection.connection.dbapi_connection
            raw.executemany(f"INSERT INTO {table} ({', '.join(cols)}) VALUES ({placeholders})",  # type: ignore[union-attr]
                            [tuple(v.replace(tzinfo=None) if isinstance(v, datetime) else v for v in row) for row in rows])
        connection.execute(text("ANALYZE"))
    session.commit()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url")
    parser.add_argument("--complaints", type=int, default=1_000_000)
    args = parser.parse_args()
    print(f"$ {' '.join([Path(sys.executable).name, *sys.argv])}\n")
    deadlines()

    tmp = tempfile.TemporaryDirectory()
    url = args.database_url or f"sqlite:///{Path(tmp.name) / 'bench.db'}"
    os.environ["CETTAR_DATABASE_URL"] = url
    from cettar.complaint.sweep import sweep
    from cettar.db import make_engine
    from cettar.metrics.service import agency_metrics

    prepare(url)
    engine = make_engine(url)
    print(f"\nbackend: {engine.dialect.name}")
    with Session(engine) as session:
        started = time.perf_counter()
        generate(session, args.complaints, open_share=1.0, due_share=0.001)
        print(f"generated {args.complaints:,} open complaints with {2 * args.complaints:,} running clocks "
              f"in {time.perf_counter() - started:.0f} s (0.1 % due at the sweep)")
    with Session(engine) as session:
        timed("sweep over the open complaints (steady state, 0.1 % due)",
              lambda: _sweep(session, sweep), "SELECT COUNT(*) FROM sla_clock",
              lambda: session.execute(text("SELECT COUNT(*) FROM sla_clock")).scalar())
        session.commit()
        timed("the same sweep again (nothing left to record)", lambda: _sweep(session, sweep),
              "SELECT COUNT(*) FROM sla_clock", lambda: session.execute(text("SELECT COUNT(*) FROM sla_clock")).scalar())
        session.rollback()

    engine.dispose()
    if engine.dialect.name == "sqlite":  # a new file: deleting a million rows one FK check at a time is slow
        url = f"sqlite:///{Path(tmp.name) / 'bench-metrics.db'}"
    prepare(url)
    engine = make_engine(url)
    with Session(engine) as session:
        started = time.perf_counter()
        generate(session, args.complaints, open_share=0.1, due_share=0.0)
        print(f"\ngenerated {args.complaints:,} complaints over a year (10 % open) in {time.perf_counter() - started:.0f} s")
    from cettar.metrics import rollup

    with Session(engine) as session:
        timed("roll-up of every day (the one-off backfill)",
              lambda: f"{rollup.refresh_days(session, days=_year(), now=NOW)} agency-days",
              "SELECT COUNT(*) FROM complaint", lambda: session.execute(text("SELECT COUNT(*) FROM complaint")).scalar())
        session.commit()
        recent = {d for d in _year() if d >= (NOW - timedelta(days=1)).date()}
        timed("roll-up refresh of the days that changed (2 days)",
              lambda: f"{rollup.refresh_days(session, days=recent, now=NOW)} agency-days",
              "SELECT COUNT(*) FROM complaint", lambda: session.execute(text("SELECT COUNT(*) FROM complaint")).scalar())
        session.commit()
        for days in (30, 90, 365):
            window = (NOW - timedelta(days=days), NOW)
            timed(f"agency metrics, {days}-day window", lambda w=window: f"{len(agency_metrics(session, start=w[0], end=w[1], now=NOW))} agencies",
                  "SELECT COUNT(*) FROM complaint", lambda: session.execute(text("SELECT COUNT(*) FROM complaint")).scalar())
    engine.dispose()


def _year() -> set:  # type: ignore[type-arg]
    first = (NOW - timedelta(days=366)).date()
    return {first + timedelta(days=n) for n in range(368)}


def _sweep(session: Session, sweep) -> str:  # type: ignore[no-untyped-def]
    result = sweep(session, now=NOW, escalate_after=timedelta(hours=8))
    return f"{result.warnings} warnings, {result.breaches} breaches"


if __name__ == "__main__":
    main()
