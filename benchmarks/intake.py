"""A burst in the queue -> routed complaints per second, by batch size and number of workers, against
RQ no-op jobs on RQ's own SimpleWorker measured in the same run.

    .venv/bin/python benchmarks/intake.py [--complaints 1000] [--batches 1 10 50 100]
    .venv/bin/python benchmarks/intake.py --database-url postgresql://postgres@127.0.0.1/cettar_bench \\
        --redis-url redis://127.0.0.1:6379/13 --workers 1 2     (scratch database and Redis db: both are emptied)

The complaints are filed first (as a flood or a viral story leaves them: waiting in the queue, one
routing job each), then ``cettar worker --burst`` processes start; the clock runs from the first
complaint routed to the last (the workers' start-up, mostly loading the model, and the first batch are left out, and
printed). Routing is the whole path: the shipped model, the agency, the SLA clocks, the events, the
outbox. Texts are the real Surabaya complaints when ../shared/data is there, made-up ones otherwise.
The reference enqueues as many no-op jobs (``builtins.abs``) and times ``rq worker --burst
--worker-class rq.SimpleWorker`` through them, from the first finished to the last.
"""

from __future__ import annotations

import argparse
import csv
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("CETTAR_ENVIRONMENT", "development")
from benchmarks.scratch import fresh_database, redis_server  # noqa: E402

DATA = ROOT.parent / "shared" / "data" / "surabaya_complaints_2022_2023q1.csv"


def texts(count: int) -> tuple[list[str], str]:
    if DATA.exists():
        with DATA.open(encoding="utf-8-sig", newline="") as handle:
            rows = [row["text"] for row in csv.DictReader(handle) if len(row["text"] or "") >= 20]
        return [rows[i % len(rows)][:4000] + f" (no {i})" for i in range(count)], "real Surabaya complaint texts"
    from tests.classifier.conftest import made_up

    return made_up(count).texts, "made-up texts (../shared/data is missing)"


def prepare(url: str, redis_url: str, folder: Path, database_url: str | None) -> dict[str, str]:
    env = {**os.environ, "CETTAR_DATABASE_URL": url, "CETTAR_REDIS_URL": redis_url, "CETTAR_DATA_DIR": str(folder),
           "PYTHONPATH": str(ROOT), "CETTAR_LOG_LEVEL": "WARNING", "CETTAR_FORM_RATE_LIMIT": "100000/second"}
    os.environ.update({k: env[k] for k in ("CETTAR_DATABASE_URL", "CETTAR_REDIS_URL", "CETTAR_DATA_DIR")})
    from cettar import queue
    from cettar.settings import get_settings

    get_settings.cache_clear()
    queue.get_redis.cache_clear()
    fresh_database(url, env, drop=bool(database_url))
    queue.get_redis().flushdb()
    return env


def file_burst(bodies: list[str]) -> None:
    from cettar.db import session_scope
    from cettar.intake import service
    from cettar.types import utcnow
    from ingest import IncomingComplaint

    for start in range(0, len(bodies), 200):
        with session_scope() as session:  # each commit sends its complaints' routing jobs
            for i, body in enumerate(bodies[start:start + 200], start=start):
                service.file_complaint(session, incoming=IncomingComplaint(
                    text=body, channel="web", source="web", external_id=f"{i:032d}", region_code="3578"), now=utcnow())


def timed(count_done, total: int, timeout: float = 900) -> tuple[float, float]:  # type: ignore[no-untyped-def]
    """(seconds until the first are done, seconds per item after them: what was done at the first
    sight of progress is left out of the count as its time is left out of the clock)."""
    started = time.perf_counter()
    first = None
    at_first = 0
    while True:
        done = count_done()
        now = time.perf_counter()
        if os.environ.get("BENCH_DEBUG"):
            print(f"  {now - started:.2f} s: {done}")
        if done and first is None:
            first, at_first = now, done
        if done >= total:
            assert first is not None
            if done == at_first:
                raise SystemExit("everything was done at the first look: give more items")
            return first - started, (now - first) / (done - at_first)
        if now - started > timeout:
            raise SystemExit(f"timed out: {done} of {total}")
        time.sleep(0.02)


_reader = None


def routed_count() -> int:
    """Read on an engine that takes no write lock (SQLite: a deferred BEGIN), so counting never
    holds up the workers or waits for them."""
    global _reader
    from sqlmodel import Session, col, func, select

    from cettar.db import make_engine
    from cettar.intake.models import IntakeRecord
    from cettar.settings import get_settings

    if _reader is None or str(_reader.url) != get_settings().effective_database_url:
        _reader = make_engine(get_settings().effective_database_url, reading=True)
    with Session(_reader) as session:
        return int(session.exec(select(func.count()).select_from(IntakeRecord)
                                .where(col(IntakeRecord.processed_at).is_not(None))).one())


def run_ours(bodies: list[str], env: dict[str, str], workers: int, batch: int) -> tuple[float, float]:
    file_burst(bodies)
    env = {**env, "CETTAR_INTAKE_BATCH": str(batch)}
    pool = [subprocess.Popen([sys.executable, "-m", "cettar", "worker", "--burst"], env=env,
                             stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL) for _ in range(workers)]
    try:
        startup, each = timed(routed_count, len(bodies))
    finally:
        for worker in pool:
            worker.wait(timeout=120)
    return startup, each


def run_reference(count: int, redis_url: str) -> float:
    from rq import Queue
    from rq.registry import FinishedJobRegistry

    from cettar import queue

    redis = queue.get_redis()
    noop = Queue("bench-noop", connection=redis)
    finished = FinishedJobRegistry("bench-noop", connection=redis)
    with redis.pipeline() as pipe:
        for _ in range(count):
            noop.enqueue("builtins.abs", 1, pipeline=pipe)
        pipe.execute()
    worker = subprocess.Popen([sys.executable, "-m", "rq.cli", "worker", "--burst", "--worker-class", "rq.SimpleWorker",
                               "--url", redis_url, "bench-noop"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        _, each = timed(lambda: len(finished), count)
    finally:
        worker.wait(timeout=120)
    return each


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--complaints", type=int, default=1000)
    parser.add_argument("--batches", type=int, nargs="+", default=[1, 10, 50, 100])
    parser.add_argument("--workers", type=int, nargs="+", default=[1])
    parser.add_argument("--database-url")
    parser.add_argument("--redis-url")
    args = parser.parse_args()
    print(f"$ {' '.join([Path(sys.executable).name, *sys.argv])}")
    bodies, kind = texts(args.complaints)
    print(f"{args.complaints} complaints ({kind}), filed first, then routed by `cettar worker --burst`\n")

    tmp = Path(tempfile.mkdtemp(prefix="cettar-bench-intake-"))
    with redis_server(tmp, args.redis_url) as redis_url:
        env = prepare(args.database_url or f"sqlite:///{tmp / 'ref.db'}", redis_url, tmp / "ref", args.database_url)
        reference = 1 / run_reference(args.complaints, redis_url)
        backend = "postgresql" if args.database_url else "sqlite"
        print(f"reference: RQ no-op jobs on rq.SimpleWorker: {reference:,.0f} jobs/s\n")
        print(f"{'backend':<11} {'workers':>7} {'batch':>6} {'complaints/s':>13} {'ms each':>8} {'x no-op':>8} {'start-up s':>11}")
        rates: dict[tuple[int, int], float] = {}
        for workers in args.workers:
            for batch in args.batches:
                folder = tmp / f"w{workers}b{batch}"
                env = prepare(args.database_url or f"sqlite:///{folder / 'bench.db'}", redis_url, folder, args.database_url)
                startup, each = run_ours(bodies, env, workers, batch)
                rate = 1 / each
                rates[workers, batch] = rate
                print(f"{backend:<11} {workers:>7} {batch:>6} {rate:>13,.1f} {1000 / rate:>8.1f} {rate / reference:>8.3f} {startup:>11.1f}",
                      flush=True)
        if len(args.workers) > 1:
            one = min(args.workers)
            for batch in args.batches:
                for workers in args.workers:
                    if workers != one:
                        print(f"batch {batch}: {workers} workers route {rates[workers, batch] / rates[one, batch]:.2f} x "
                              f"what {one} does")


if __name__ == "__main__":
    main()
