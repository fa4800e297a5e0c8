"""Feed entries to routed complaints per second, with one worker and with four, each against a
no-op RQ job measured in the same run with the same workers.

    .venv/bin/python benchmarks/ingest.py [--entries 400] [--feeds 4]
    .venv/bin/python benchmarks/ingest.py --database-url postgresql://postgres@127.0.0.1/cettar_bench \\
        --redis-url redis://127.0.0.1:6379/14     (scratch database and Redis db: both are emptied)

A local HTTP server serves the feeds (every entry a distinct, relevant story). The clock runs from
enqueueing the poll jobs to the last complaint routed by the shipped model: poll, relevance,
filing, the routing job, the SLA clocks. The reference enqueues as many no-op jobs as that path
ran jobs (one per feed, one per complaint) and times the same workers through them.
"""

from __future__ import annotations

import argparse
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

STREETS = ["Kenjeran", "Rungkut", "Darmo", "Mulyosari", "Ahmad Yani", "Diponegoro", "Pucang", "Wonokromo"]
PROBLEMS = [("Jalan rusak dan berlubang", "Warga mengeluhkan jalan rusak berlubang yang membahayakan pengendara."),
            ("Lampu PJU mati", "Lampu penerangan jalan mati sejak sepekan, warga khawatir kejahatan."),
            ("Saluran mampet, permukiman tergenang", "Saluran air mampet oleh sampah sehingga rumah warga tergenang."),
            ("Sampah menumpuk di TPS", "Tumpukan sampah di TPS belum diangkut dan menimbulkan bau.")]


def feed_body(feed: int, count: int) -> bytes:
    from email.utils import format_datetime
    from datetime import UTC, datetime, timedelta
    from xml.sax.saxutils import escape

    items = []
    for n in range(count):
        title, text = PROBLEMS[n % len(PROBLEMS)]
        street = STREETS[(n // len(PROBLEMS)) % len(STREETS)]
        items.append(f"<item><title>{escape(f'{title} di Jl. {street} gang {feed * 1000 + n}')}</title>"
                     f"<guid>bench-{feed}-{n}</guid><link>https://bench.example.test/{feed}/{n}</link>"
                     f"<pubDate>{format_datetime(datetime(2026, 11, 30, tzinfo=UTC) - timedelta(minutes=n))}</pubDate>"
                     f"<description>{escape(f'{text} Lokasi Jl. {street} nomor {feed * 1000 + n}.')}</description></item>")
    return (f'<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel><title>Bench {feed}</title>'
            f"{''.join(items)}</channel></rss>").encode()


def start_workers(count: int, env: dict[str, str]) -> list[subprocess.Popen[bytes]]:
    log = open(os.environ.get("BENCH_WORKER_LOG", os.devnull), "ab")
    return [subprocess.Popen([sys.executable, "-m", "cettar", "worker"], env=env, stdout=log,
                             stderr=log, start_new_session=True) for _ in range(count)]


def stop(workers: list[subprocess.Popen[bytes]]) -> None:
    for worker in workers:
        os.killpg(worker.pid, 15)
    for worker in workers:
        worker.wait(timeout=30)


def wait_until(condition, what: str, timeout: float = 600) -> None:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise SystemExit(f"timed out waiting for the workers: {what()}")
        time.sleep(0.05)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--entries", type=int, default=400, help="feed entries in all")
    parser.add_argument("--feeds", type=int, default=4)
    parser.add_argument("--database-url")
    parser.add_argument("--redis-url")
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 4])
    args = parser.parse_args()
    print(f"$ {' '.join([Path(sys.executable).name, *sys.argv])}\n")

    tmp = Path(tempfile.mkdtemp(prefix="cettar-bench-ingest-"))
    from tests.support.httpserver import Route, local_server

    with redis_server(tmp, args.redis_url) as redis_url, local_server() as server:
        for feed in range(args.feeds):
            server.routes[f"/feed{feed}.xml"] = Route(feed_body(feed, args.entries // args.feeds))
        for workers in args.workers:
            run(args, server, workers, redis_url, tmp / f"run{workers}")


def run(args: argparse.Namespace, server, workers: int, redis_url: str, folder: Path) -> None:  # type: ignore[no-untyped-def]
    folder.mkdir(parents=True)
    url = args.database_url or f"sqlite:///{folder / 'bench.db'}"
    env = {**os.environ, "CETTAR_DATABASE_URL": url, "CETTAR_REDIS_URL": redis_url, "CETTAR_DATA_DIR": str(folder),
           "PYTHONPATH": str(ROOT), "CETTAR_INGEST_BACKFILL": str(args.entries), "CETTAR_LOG_LEVEL": "WARNING"}
    os.environ.update({k: env[k] for k in ("CETTAR_DATABASE_URL", "CETTAR_REDIS_URL", "CETTAR_DATA_DIR", "CETTAR_INGEST_BACKFILL")})
    from cettar import queue
    from cettar.db import session_scope
    from cettar.settings import get_settings

    get_settings.cache_clear()
    queue.get_redis.cache_clear()
    fresh_database(url, env, drop=bool(args.database_url))
    redis = queue.get_redis()
    redis.flushdb()
    from sqlmodel import col, func, select

    from cettar.intake.models import IntakeRecord
    from cettar.sources import jobs, service
    from cettar.sources.models import SourceKind

    with session_scope() as session:
        for feed in range(args.feeds):
            service.add_source(session, kind=SourceKind.FEED, target=server.url(f"/feed{feed}.xml"), region_code="3578")

    def routed() -> int:
        with session_scope() as session:
            return int(session.exec(select(func.count()).select_from(IntakeRecord)
                                    .where(col(IntakeRecord.processed_at).is_not(None))).one())

    pool = start_workers(workers, env)
    try:
        time.sleep(3)  # let the workers load the model before the clock starts
        started = time.perf_counter()
        jobs.poll_due_sources()
        wait_until(lambda: routed() >= args.entries, lambda: f"{routed()} of {args.entries} routed")
        ours = time.perf_counter() - started
        jobs_run = args.feeds + args.entries

        from rq import Queue
        from rq.registry import FinishedJobRegistry

        noop = Queue(queue.DEFAULT_QUEUE, connection=redis)
        finished = FinishedJobRegistry(queue.DEFAULT_QUEUE, connection=redis)
        before = len(finished)
        started = time.perf_counter()
        with redis.pipeline() as pipe:
            for _ in range(jobs_run):
                noop.enqueue("builtins.abs", 1, pipeline=pipe)
            pipe.execute()
        wait_until(lambda: len(finished) - before >= jobs_run, lambda: f"{len(finished) - before} of {jobs_run} no-op jobs")
        reference = time.perf_counter() - started
    finally:
        stop(pool)
    print(f"{workers} worker(s), {get_settings().effective_database_url.split(':')[0]}: "
          f"{args.entries} feed entries -> routed complaints in {ours:.1f} s = {args.entries / ours:,.1f} entries/s; "
          f"no-op RQ jobs ({jobs_run}): {jobs_run / reference:,.1f} jobs/s; "
          f"ratio {(args.entries / ours) / (jobs_run / reference):.2f} of the no-op rate")


if __name__ == "__main__":
    main()
