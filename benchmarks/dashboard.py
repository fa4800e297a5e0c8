"""The dashboard at 1,000,000 complaints: the page (default period, a filter, a year) and the
metrics API, each beside a plain COUNT(*) of the complaints measured in the same run.

    .venv/bin/python benchmarks/dashboard.py                                   # SQLite (a temporary file)
    .venv/bin/python benchmarks/dashboard.py --database-url postgresql://postgres@127.0.0.1/cettar_bench
    (the PostgreSQL database is a scratch one: its tables are dropped)

Complaints are spread over a year, 34 agencies, Surabaya's 31 districts and four channels, 2 %
confidential, 10 % open. Target: the page within 300 ms on PostgreSQL.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("CETTAR_ENVIRONMENT", "development")
os.environ.setdefault("CETTAR_REDIS_URL", "redis://127.0.0.1:6379/13")

from sqlalchemy import text  # noqa: E402
from sqlmodel import Session, select  # noqa: E402

from benchmarks.sla import NOW, _year, generate, prepare  # noqa: E402


def median_ms(function, repeat: int = 7) -> float:  # type: ignore[no-untyped-def]
    function()  # warm: templates compiled, caches filled
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        function()
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url")
    parser.add_argument("--complaints", type=int, default=1_000_000)
    parser.add_argument("--reuse", action="store_true",
                        help="the database already holds this benchmark's complaints and roll-up (a previous run's): measure only")
    args = parser.parse_args()
    print(f"$ {' '.join([Path(sys.executable).name, *sys.argv])}\n")
    tmp = tempfile.TemporaryDirectory()
    url = args.database_url or f"sqlite:///{Path(tmp.name) / 'bench.db'}"
    os.environ["CETTAR_DATABASE_URL"] = url
    from fastapi.testclient import TestClient

    from cettar.db import make_engine
    from cettar.main import create_app
    from cettar.metrics import rollup
    from cettar.staff import service as staff_service
    from cettar.staff.auth import COOKIE
    from cettar.staff.models import Role, Staff
    from cettar.types import utcnow

    if not args.reuse:
        prepare(url)
    engine = make_engine(url)
    print(f"backend: {engine.dialect.name}")
    if not args.reuse:
        with Session(engine) as session:
            started = time.perf_counter()
            generate(session, args.complaints, open_share=0.1, due_share=0.0, spread=True)
            print(f"generated {args.complaints:,} complaints over a year in {time.perf_counter() - started:.0f} s")
        with Session(engine) as session:
            started = time.perf_counter()
            written = rollup.refresh_days(session, days=_year(), now=NOW)
            session.commit()
            print(f"roll-up of every day: {time.perf_counter() - started:.0f} s, {written:,} day rows")
    with Session(engine) as session:
        counts = [session.execute(text(f"SELECT COUNT(*) FROM {table}")).scalar() for table in ("complaint", "agency_day")]
        print(f"{counts[0]:,} complaints, {counts[1]:,} roll-up day rows")
        staff = session.exec(select(Staff).where(Staff.email == "bench@prov.test")).first()
        staff = staff or staff_service.create_staff(session, email="bench@prov.test", name="Bench", role=Role.GOVERNOR,
                                                    password="kata-sandi-benchmark-panjang", now=utcnow())
        started_session = staff_service.start_session(session, staff=staff, now=utcnow())
        started_session.row.second_factor_ok = True
        session.add(started_session.row)
        session.commit()
    if engine.dialect.name == "postgresql" and not args.reuse:
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as vacuum:
            vacuum.execute(text("VACUUM ANALYZE"))

    client = TestClient(create_app())
    client.cookies.set(COOKIE, started_session.token)
    with Session(engine) as session:
        reference = median_ms(lambda: session.execute(text("SELECT COUNT(*) FROM complaint")).scalar())
    print(f"\nreference: SELECT COUNT(*) FROM complaint  {reference:8.1f} ms\n")
    year = {"from": "2025-06-16", "to": "2026-06-15"}
    cases = [
        ("page /staf/dasbor, last 90 days", "/staf/dasbor", {"from": "2026-03-18", "to": "2026-06-15"}),
        ("page /staf/dasbor, 90 days, channel=news", "/staf/dasbor", {"from": "2026-03-18", "to": "2026-06-15", "channel": "news"}),
        ("page /staf/dasbor, 90 days, one district", "/staf/dasbor", {"from": "2026-03-18", "to": "2026-06-15",
                                                                       "region": "3578-kenjeran"}),
        ("page /staf/dasbor, a year", "/staf/dasbor", year),
        ("API /api/v1/metrics/agencies, last 90 days", "/api/v1/metrics/agencies", {"from": "2026-03-18", "to": "2026-06-15"}),
        ("API /api/v1/metrics/agencies, a year", "/api/v1/metrics/agencies", year),
        ("public API /api/v1/public/metrics, 90 days", "/api/v1/public/metrics", {"from": "2026-03-18", "to": "2026-06-15"}),
    ]
    for label, path, params in cases:
        answer = client.get(path, params=params)
        assert answer.status_code == 200, answer.text[:500]
        ms = median_ms(lambda p=path, q=params: client.get(p, params=q))
        print(f"{label:<48} {ms:8.1f} ms   ratio to COUNT(*) {ms / reference:5.1f}")
    engine.dispose()


if __name__ == "__main__":
    main()
