"""Redis, the RQ queues, and jobs that are sent only once the transaction that asked for them commits.

A job enqueued during a request is held on the session and sent after the commit (dropped on
rollback), so a worker never looks for a row that is not there yet. If Redis is down at that
moment the send is logged and skipped: the outbox row written in the same transaction is what the
intake sweep re-sends, so nothing the form accepted is lost.
"""

from __future__ import annotations

import atexit
import logging
import time
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

import redis
from redis.backoff import NoBackoff
from redis.retry import Retry
from rq import Queue
from sqlalchemy import event
from sqlmodel import Session

from cettar import logs
from cettar.embedded_redis import EmbeddedRedis
from cettar.settings import get_settings

log = logging.getLogger(__name__)

INTAKE_QUEUE = "intake"
DEFAULT_QUEUE = "default"
ALL_QUEUES = (INTAKE_QUEUE, DEFAULT_QUEUE)

_embedded: EmbeddedRedis | None = None
_unreachable_until = 0.0
BREAKER_SECONDS = 5.0


def redis_unreachable() -> bool:
    """True for a few seconds after a request found Redis away, so that requests in the
    meantime do not each wait for a connection to fail."""
    return time.monotonic() < _unreachable_until


def mark_unreachable() -> None:
    global _unreachable_until
    _unreachable_until = time.monotonic() + BREAKER_SECONDS


def connect(url: str) -> redis.Redis:
    """A client that fails fast when the server is away instead of retrying for seconds."""
    return redis.Redis.from_url(
        url,
        socket_connect_timeout=1,
        socket_timeout=5,
        health_check_interval=30,
        retry=Retry(NoBackoff(), 1),
    )


def redis_url() -> str:
    """The configured Redis URL, starting the embedded server when none is configured."""
    global _embedded
    settings = get_settings()
    if settings.redis_url:
        return settings.redis_url
    if _embedded is None:
        _embedded = EmbeddedRedis(settings.data_dir / "redis")
        if _embedded.start():
            atexit.register(_embedded.stop)
    return _embedded.url


@lru_cache
def get_redis() -> redis.Redis:
    return connect(redis_url())


def get_queue(name: str = DEFAULT_QUEUE) -> Queue:
    return Queue(name, connection=get_redis())


@dataclass
class PendingJob:
    queue: str
    func: str  # the job's dotted name: jobs are looked up by name and receive ids only
    args: tuple[Any, ...]
    options: dict[str, Any] = field(default_factory=dict)


def enqueue_after_commit(
    session: Session, queue: str, func: str, *args: Any, **options: Any
) -> None:
    """Send this job once the session commits, carrying the request id of now (``cettar.logs``)."""
    rid = logs.request_id.get()
    if rid is not None:
        options = {**options, "meta": {**options.get("meta", {}), "request_id": rid}}
    session.info.setdefault("pending_jobs", []).append(PendingJob(queue, func, args, options))


def send(job: PendingJob) -> bool:
    if redis_unreachable():
        return False
    try:
        get_queue(job.queue).enqueue(job.func, *job.args, **job.options)
        return True
    except (redis.RedisError, OSError) as exc:
        mark_unreachable()
        log.warning("could not enqueue %s%r (%s); the intake sweep will re-send it", job.func, job.args, exc)
        return False


@event.listens_for(Session, "after_commit")
def _send_pending(session: Session) -> None:
    if session.in_nested_transaction():
        # SQLAlchemy calls this for a savepoint too: the work is not committed yet, and a job
        # sent now could run before it is (and find nothing to do)
        return
    pending: list[PendingJob] = session.info.pop("pending_jobs", [])
    for job in pending:
        send(job)


@event.listens_for(Session, "after_soft_rollback")
def _drop_pending(session: Session, previous_transaction: Any) -> None:
    # only the outer transaction's rollback: a savepoint rolled back (an item a concurrent poll
    # inserted first) must not drop the jobs of what the transaction still commits
    if previous_transaction.parent is None:
        session.info.pop("pending_jobs", None)
