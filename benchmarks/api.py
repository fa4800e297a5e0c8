"""Filing through the API at 32 connections, against a bare FastAPI endpoint inserting one row
(``benchmarks/bare_api.py``) measured in the same run on the same uvicorn settings.

    .venv/bin/python benchmarks/api.py [--requests 3000] [--connections 32]
    .venv/bin/python benchmarks/api.py --database-url postgresql://postgres@127.0.0.1/cettar_bench \\
        --redis-url redis://127.0.0.1:6379/13      (scratch database and Redis db: both are emptied)

Both servers run as one uvicorn process (``cettar serve``, and uvicorn on the bare app), one after
the other. The load comes from this process: a keep-alive HTTP/1.1 client on asyncio streams (lighter
than any Python HTTP library, so that the client is not what is measured), each connection sending
its next request when the answer to the last one has come. The first 10 % of requests are a warm-up
and are not counted. No worker runs: the routing jobs wait in Redis (their rate is benchmarks/intake.py).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("CETTAR_ENVIRONMENT", "development")
from benchmarks.scratch import fresh_database, redis_server  # noqa: E402

TEXTS = ["Lampu PJU di Jl. Kenjeran depan masjid mati sejak seminggu, jalan gelap.",
         "Saluran air di Rungkut mampet oleh sampah, rumah warga tergenang setiap hujan.",
         "Jalan berlubang di Jl. Ahmad Yani membahayakan pengendara motor pada malam hari.",
         "Sampah di TPS Pucang belum diangkut tiga hari dan menimbulkan bau menyengat."]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def wait_for(port: int, server: subprocess.Popen[bytes], timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise SystemExit(f"the server on port {port} exited ({server.returncode})")
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            return
        except OSError:
            time.sleep(0.1)
    raise SystemExit(f"nothing answered on port {port} within {timeout:.0f} s")


async def _connection(port: int, bodies: asyncio.Queue[bytes], latencies: list[float], statuses: dict[int, int]) -> None:
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    try:
        while True:
            try:
                body = bodies.get_nowait()
            except asyncio.QueueEmpty:
                return
            request = (b"POST /api/v1/complaints HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                       b"Content-Length: " + str(len(body)).encode() + b"\r\n\r\n" + body)
            started = time.perf_counter()
            writer.write(request)
            head = await reader.readuntil(b"\r\n\r\n")
            length = 0
            for line in head.split(b"\r\n")[1:]:
                name, _, value = line.partition(b":")
                if name.strip().lower() == b"content-length":
                    length = int(value)
            await reader.readexactly(length)
            latencies.append(time.perf_counter() - started)
            code = int(head.split(b" ", 2)[1])
            statuses[code] = statuses.get(code, 0) + 1
    finally:
        writer.close()


async def _load(port: int, requests: int, connections: int) -> tuple[float, list[float], dict[int, int]]:
    bodies: asyncio.Queue[bytes] = asyncio.Queue()
    for n in range(requests):
        bodies.put_nowait(json.dumps({"text": f"{TEXTS[n % len(TEXTS)]} (no {n})", "region_code": "3578"}).encode())
    latencies: list[float] = []
    statuses: dict[int, int] = {}
    started = time.perf_counter()
    await asyncio.gather(*(_connection(port, bodies, latencies, statuses) for _ in range(connections)))
    return time.perf_counter() - started, latencies, statuses


def measure(port: int, requests: int, connections: int) -> tuple[float, float, float, dict[int, int]]:
    """(requests/s, p50 ms, p99 ms, statuses) after a warm-up of a tenth of the requests."""
    asyncio.run(_load(port, max(requests // 10, connections), connections))
    elapsed, latencies, statuses = asyncio.run(_load(port, requests, connections))
    ordered = sorted(latencies)
    return (requests / elapsed, statistics.median(ordered) * 1000, ordered[int(len(ordered) * 0.99) - 1] * 1000, statuses)


def serve(command: list[str], env: dict[str, str], port: int) -> subprocess.Popen[bytes]:
    server = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=open(os.environ.get("BENCH_SERVER_LOG", os.devnull), "ab"),
                              start_new_session=True)
    wait_for(port, server)
    return server


def stop(server: subprocess.Popen[bytes]) -> None:
    server.terminate()
    server.wait(timeout=30)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=3000)
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--database-url")
    parser.add_argument("--redis-url")
    args = parser.parse_args()
    print(f"$ {' '.join([Path(sys.executable).name, *sys.argv])}\n")
    tmp = Path(tempfile.mkdtemp(prefix="cettar-bench-api-"))
    url = args.database_url or f"sqlite:///{tmp / 'bench.db'}"
    with redis_server(tmp, args.redis_url) as redis_url:
        env = {**os.environ, "CETTAR_DATABASE_URL": url, "CETTAR_REDIS_URL": redis_url, "CETTAR_DATA_DIR": str(tmp),
               "PYTHONPATH": str(ROOT), "CETTAR_LOG_LEVEL": "WARNING", "CETTAR_FORM_RATE_LIMIT": "100000000/minute",
               "BARE_API_DB": str(tmp / "bare.db")}
        fresh_database(url, env, drop=bool(args.database_url))
        import redis

        redis.Redis.from_url(redis_url).flushdb()
        figures = {}
        uvicorn = ["--host", "127.0.0.1", "--log-level", "warning", "--no-access-log"]
        for name, command in (
                ("bare FastAPI, one INSERT", [sys.executable, "-m", "uvicorn", "benchmarks.bare_api:app", *uvicorn]),
                ("CETTAR POST /api/v1/complaints", [sys.executable, "-m", "uvicorn", "cettar.main:create_app", "--factory",
                                                    *uvicorn])):
            port = free_port()
            server = serve([*command, "--port", str(port)], env, port)
            try:
                figures[name] = measure(port, args.requests, args.connections)
            finally:
                stop(server)
    backend = url.split(":")[0]
    print(f"{args.requests} requests at {args.connections} connections, one uvicorn process, {backend} (CETTAR's database)\n")
    print(f"{'server':34} {'requests/s':>10} {'p50 ms':>8} {'p99 ms':>8}  statuses")
    for name, (rate, p50, p99, statuses) in figures.items():
        print(f"{name:34} {rate:10.1f} {p50:8.1f} {p99:8.1f}  {statuses}")
    (bare, _, bare_p99, _), (ours, _, our_p99, _) = figures.values()
    print(f"\nCETTAR files at {ours / bare:.2f} x the bare endpoint's rate; p99 {our_p99 / bare_p99:.2f} x its p99")


if __name__ == "__main__":
    main()
