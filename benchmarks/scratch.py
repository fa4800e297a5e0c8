"""What the benchmarks that run real workers share: a Redis to use (the one given, or an embedded
server of their own) and a scratch database made afresh (emptied, migrated, the demo directory)."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path


@contextmanager
def redis_server(folder: Path, url: str | None) -> Iterator[str]:
    if url:
        yield url
        return
    from cettar.embedded_redis import EmbeddedRedis

    embedded = EmbeddedRedis(folder / "redis")
    embedded.start()
    try:
        yield embedded.url
    finally:
        embedded.stop()


def fresh_database(url: str, env: dict[str, str], *, drop: bool) -> None:
    """``drop``: a scratch database given by the caller, whose tables are dropped first."""
    if drop:
        from sqlalchemy import inspect, text

        from cettar.db import make_engine

        engine = make_engine(url)
        with engine.begin() as connection:
            for table in inspect(connection).get_table_names():
                connection.execute(text(f'DROP TABLE IF EXISTS "{table}" CASCADE'))
        engine.dispose()
    subprocess.run([sys.executable, "-m", "cettar", "db", "upgrade"], env=env, check=True, capture_output=True)
    subprocess.run([sys.executable, "-m", "cettar", "seed-demo", "--no-complaints"], env=env, check=True, capture_output=True)
