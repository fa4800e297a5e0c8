"""Engine, metadata naming convention and the session boundary.

Services only flush; the boundary (a request via ``cettar.deps.get_session``, a job via ``session_scope``)
commits or rolls back. SQLite runs in WAL mode with a busy timeout, and every transaction starts
with ``BEGIN IMMEDIATE``: a plain deferred ``BEGIN`` that reads and then writes fails with
"database is locked" under concurrent writers instead of waiting its turn.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from functools import lru_cache
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, MetaData, event, text
from sqlalchemy.engine import make_url
from sqlmodel import Session, SQLModel, create_engine

from cettar.settings import get_settings
from cettar.types import NAMING_CONVENTION  # noqa: F401  (set before any table is defined)

metadata: MetaData = SQLModel.metadata  # named by the convention in cettar.types


WRITER_WAIT = 10.0  # seconds, as the busy timeout
_HOLDS_WRITER = "cettar.sqlite_writer"


def _configure_sqlite(engine: Engine, *, reading: bool = False) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None  # let SQLAlchemy's begin event emit BEGIN itself
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA busy_timeout=10000")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()

    if reading:
        @event.listens_for(engine, "begin")
        def _on_begin_reading(connection: Any) -> None:
            connection.exec_driver_sql("BEGIN")
        return

    # One writer at a time in this process, in arrival order: SQLite lets one transaction write,
    # and a thread that finds the file locked sleeps in its busy handler (1, 2, 5 … 100 ms) and may
    # lose the race again when it wakes, so that under 32 concurrent requests the slowest waited
    # seconds. Threads of one process queue on a lock instead; other processes (workers) still
    # meet the busy timeout. The lock is taken at BEGIN and given back at the end of the transaction.
    writer = threading.Lock()

    @event.listens_for(engine, "begin")
    def _on_begin(connection: Any) -> None:
        record = connection.connection._connection_record  # noqa: SLF001  (the pooled DBAPI connection's record)
        if writer.acquire(timeout=WRITER_WAIT):  # not taken in time (a thread holding two sessions): the busy timeout decides
            record.info[_HOLDS_WRITER] = writer
        connection.exec_driver_sql("BEGIN IMMEDIATE")

    def _release(connection: Any, *_args: Any) -> None:
        record = getattr(getattr(connection, "connection", None), "_connection_record", None)
        held = record.info.pop(_HOLDS_WRITER, None) if record is not None else None
        if held is not None:
            held.release()

    event.listen(engine, "commit", _release)
    event.listen(engine, "rollback", _release)

    @event.listens_for(engine.pool, "reset")
    def _on_reset(dbapi_connection: Any, connection_record: Any, reset_state: Any) -> None:  # back in the pool mid-transaction
        held = connection_record.info.pop(_HOLDS_WRITER, None)
        if held is not None:
            held.release()


def make_engine(url: str, *, reading: bool = False) -> Engine:
    """``reading``: an engine that only reads (on SQLite its transactions take no write lock, so
    a look at the model registry never waits for a writer)."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        if parsed.database and parsed.database != ":memory:":
            Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url, connect_args={"check_same_thread": False, "timeout": 10})
        _configure_sqlite(engine, reading=reading)
        return engine
    if parsed.get_backend_name() == "postgresql" and parsed.drivername == "postgresql":
        url = parsed.set(drivername="postgresql+psycopg").render_as_string(hide_password=False)
    return create_engine(url, pool_pre_ping=True, pool_size=10, max_overflow=10)


@lru_cache
def _engine_for(url: str) -> Engine:
    return make_engine(url)


def get_engine() -> Engine:
    """One engine (and pool) per process and URL. Forked RQ work-horses inherit none: the
    worker's parent never connects."""
    return _engine_for(get_settings().effective_database_url)


def is_sqlite(session_or_engine: Session | Engine) -> bool:
    bind = session_or_engine.get_bind() if isinstance(session_or_engine, Session) else session_or_engine
    return bind.dialect.name == "sqlite"


def sql_params(session: Session, **params: Any) -> dict[str, Any]:
    """Parameters for a textual query: aware datetimes as each backend stores them (SQLite keeps
    naive UTC text in SQLAlchemy's format, so that string comparison orders it correctly)."""
    if not is_sqlite(session):
        return params
    return {
        key: value.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S.%f") if isinstance(value, datetime) else value
        for key, value in params.items()
    }


def fetch_all(session: Session, sql: str, **params: Any) -> list[Any]:
    """Rows of a textual query, its datetime parameters bound as the backend stores them."""
    return list(session.execute(text(sql), sql_params(session, **params)).all())


def stored_datetime(value: Any) -> datetime:
    """A datetime read by a textual query, as an aware UTC datetime on every backend."""
    moment: datetime = datetime.fromisoformat(value) if isinstance(value, str) else value
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


@contextmanager
def session_scope() -> Iterator[Session]:
    """The job boundary: one transaction, committed on success, rolled back on any error."""
    with Session(get_engine(), expire_on_commit=False) as session:
        try:
            yield session
            session.commit()
        except BaseException:
            session.rollback()
            raise
