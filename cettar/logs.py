"""Log lines as text or, with ``CETTAR_LOG_FORMAT=json``, one JSON object per line, and the request
id that follows a complaint from the request that filed it into every job that works on it.

The web middleware (``cettar.operations.RequestMetrics``) takes the caller's ``X-Request-ID`` (or
makes one) and keeps it in a context variable for the request; ``cettar.queue`` gives each job
enqueued meanwhile that id in its meta, and the worker sets it again while the job runs, so that a
job's own jobs carry it too. A routing batch takes many complaints from many requests: while it
routes each one, the id is that complaint's own (kept on its outbox row), and so is its log line.
"""

from __future__ import annotations

import json
import logging
import re
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import UTC, datetime
from pathlib import Path

TEXT_FORMAT = "%(asctime)s %(process)d %(levelname)s %(name)s: %(message)s"
_ID = re.compile(r"^[A-Za-z0-9._:-]{1,64}$")

request_id: ContextVar[str | None] = ContextVar("cettar_request_id", default=None)


def new_request_id(given: str | None = None) -> str:
    """The caller's id when it is a sane one (a proxy's or a client's), else a new one."""
    return given if given and _ID.match(given) else uuid.uuid4().hex


@contextmanager
def using_request_id(value: str | None) -> Iterator[None]:
    token = request_id.set(value)
    try:
        yield
    finally:
        request_id.reset(token)


class RequestIdFilter(logging.Filter):
    """Every record gets ``request_id``: its own (``extra={"request_id": …}``) or the context's."""

    def filter(self, record: logging.LogRecord) -> bool:
        if getattr(record, "request_id", None) is None:
            record.request_id = request_id.get()
        return True


_STANDARD = set(vars(logging.LogRecord("", 0, "", 0, "", None, None))) | {"message", "asctime", "request_id"}


class JsonFormatter(logging.Formatter):
    """One JSON object per line: time (ISO 8601, UTC), level, logger, process, message, request_id,
    the ``extra`` fields given (complaint_id, job_id …), and the exception when there is one."""

    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, object] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname, "logger": record.name, "process": record.process,
            "message": record.getMessage(), "request_id": getattr(record, "request_id", None),
        }
        entry |= {key: value for key, value in vars(record).items() if key not in _STANDARD and not key.startswith("_")}
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return json.dumps(entry, ensure_ascii=False, default=str)


def configure(*, level: str, log_format: str, log_file: Path | None, again: bool = False) -> None:
    """The console gets ``level``, or, with a log file, warnings and errors only while the file
    gets everything at ``level`` (every job and request line)."""
    handlers: list[logging.Handler] = []
    if log_file is None:
        handlers.append(logging.StreamHandler())
    else:
        log_file.parent.mkdir(parents=True, exist_ok=True)
        handlers.append(logging.FileHandler(log_file, encoding="utf-8"))
        console = logging.StreamHandler()
        console.setLevel(logging.WARNING)
        handlers.append(console)
    formatter = JsonFormatter() if log_format == "json" else logging.Formatter(TEXT_FORMAT)
    for handler in handlers:
        handler.setFormatter(formatter)
        handler.addFilter(RequestIdFilter())
    if log_file is not None:
        handlers[0].setLevel(level)
    logging.basicConfig(level=level, handlers=handlers, force=again)
    logging.getLogger("alembic.runtime.plugins").setLevel(logging.WARNING)
