"""Test fixtures: a real Redis and a real database for every test.

- Redis: the embedded server (started once for the run) unless ``CETTAR_TEST_REDIS_URL`` is set;
  its database is flushed before each test.
- Database: SQLite always, and PostgreSQL too when ``CETTAR_TEST_DATABASE_URL`` is set (a scratch
  database: the run drops and recreates its tables). Each backend is migrated with Alembic once,
  and the reference data (regions, agencies) loaded. Tests that use ``session`` run inside a
  transaction that is rolled back; tests that go through servers and workers use ``committed``,
  which empties the complaint tables afterwards.
"""

from __future__ import annotations

import os
import secrets
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
import redis
import uvicorn
from sqlalchemy import inspect, text
from sqlalchemy.engine import make_url
from sqlmodel import Session

from cettar import queue
from cettar.db import get_engine, session_scope
from cettar.embedded_redis import EmbeddedRedis
from cettar.migrate import upgrade
from cettar.settings import get_settings

COMPLAINT_TABLES = ("routing_model", "complaint_photo", "reporter_message", "complaint_rating", "staff_notice", "source_item", "district_running", "agency_running", "agency_day", "notification", "sla_clock", "routing_correction", "reporter_contact", "intake_record", "complaint_event", "complaint")
SHARED_DATA = Path(__file__).resolve().parents[2] / "shared" / "data" / "surabaya_complaints_2022_2023q1.csv"
BACKENDS = ["sqlite"] + (["postgresql"] if os.environ.get("CETTAR_TEST_DATABASE_URL") else [])


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture(scope="session")
def redis_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    configured = os.environ.get("CETTAR_TEST_REDIS_URL")
    if configured:
        yield configured
        return
    server = EmbeddedRedis(Path("/tmp") / f"cettar-test-redis-{os.getpid()}")
    server.start()
    yield server.url
    server.stop()


def _empty_postgres(url: str) -> None:
    from cettar.db import make_engine

    engine = make_engine(url)
    with engine.begin() as connection:
        for table in inspect(connection).get_table_names():
            connection.execute(text(f'DROP TABLE IF EXISTS "{table}" CASCADE'))
    engine.dispose()


@pytest.fixture(scope="session", params=BACKENDS)
def database_url(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> str:
    if request.param == "postgresql":
        url = os.environ["CETTAR_TEST_DATABASE_URL"]
        _empty_postgres(url)
    else:
        url = f"sqlite:///{tmp_path_factory.mktemp('db') / 'test.db'}"
    upgrade(url)
    os.environ["CETTAR_DATABASE_URL"] = url
    get_settings.cache_clear()
    from cettar.demo import seed_demo

    with session_scope() as session:
        seed_demo(session, with_complaints=False)
    return url


@pytest.fixture(autouse=True)
def settings_env(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, redis_url: str, request: pytest.FixtureRequest
) -> Iterator[None]:
    """Every test sees CETTAR_* settings of its own, pointing at the test Redis and database."""
    monkeypatch.setenv("CETTAR_ENVIRONMENT", "test")
    monkeypatch.setenv("CETTAR_SECRET_KEY", secrets.token_urlsafe(40))
    monkeypatch.setenv("CETTAR_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("CETTAR_REDIS_URL", redis_url)
    monkeypatch.setenv("CETTAR_FORM_RATE_LIMIT", "1000/minute")
    monkeypatch.setenv("CETTAR_ROUTER", "model")
    if "database_url" in request.fixturenames:
        monkeypatch.setenv("CETTAR_DATABASE_URL", request.getfixturevalue("database_url"))
    _clear_caches()
    queue.connect(redis_url).flushdb()
    yield
    _clear_caches()


def _clear_caches() -> None:
    get_settings.cache_clear()
    queue.get_redis.cache_clear()
    # the router stays loaded while it is the shipped model; one a test promoted is forgotten
    from cettar.intake import jobs as intake_jobs

    if intake_jobs._held is not None and intake_jobs._held.version[0] is not None:
        intake_jobs._held = None
    queue._unreachable_until = 0.0


@pytest.fixture
def session(database_url: str) -> Iterator[Session]:
    """A session inside a transaction that is rolled back after the test."""
    connection = get_engine().connect()
    transaction = connection.begin()
    with Session(bind=connection, join_transaction_mode="create_savepoint", expire_on_commit=False) as session:
        yield session
    transaction.rollback()
    connection.close()


@pytest.fixture
def committed(database_url: str) -> Iterator[str]:
    """For tests whose work is committed by servers and workers: empties the complaint tables after."""
    yield database_url
    with get_engine().begin() as connection:
        for table in COMPLAINT_TABLES:
            connection.execute(text(f"DELETE FROM {table}"))


class LiveServer:
    def __init__(self, base_url: str) -> None:
        self.base_url = base_url

    def client(self, **options: object) -> httpx.Client:
        return httpx.Client(base_url=self.base_url, timeout=10, **options)  # type: ignore[arg-type]


@pytest.fixture
def live_server(committed: str) -> Iterator[LiveServer]:
    """The app served by uvicorn on a free port: the real HTTP stack, in a thread of this process."""
    from cettar.main import create_app

    port = free_port()
    server = uvicorn.Server(uvicorn.Config(create_app(), host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started:
        if time.monotonic() > deadline:
            raise RuntimeError("test server did not start")
        time.sleep(0.02)
    yield LiveServer(f"http://127.0.0.1:{port}")
    server.should_exit = True
    thread.join(timeout=10)


def run_worker() -> None:
    """Process every queued job in this process, then return."""
    from rq import SimpleWorker

    SimpleWorker(list(queue.ALL_QUEUES), connection=queue.get_redis()).work(burst=True, logging_level="WARNING")


def backend_name(url: str) -> str:
    return make_url(url).get_backend_name()


def redis_client(url: str) -> redis.Redis:
    return queue.connect(url)


@pytest.fixture(scope="session")
def shared_data() -> Path:
    """The real complaints (never committed). A fresh clone has no ../shared; CI always has it."""
    if not SHARED_DATA.exists():
        pytest.skip(f"needs the shared complaint data at {SHARED_DATA}, which is not there")
    return SHARED_DATA
