"""Per-client fixed-window rate limit for the public form and API, and the failure counts that slow
down password guessing at the staff sign-in.

Counts live in Redis so that every web process shares them. When Redis is unreachable the limit
falls back to a count in this process: the form must keep accepting complaints while Redis is
down, and a limiter that failed closed would take it down with Redis.
"""

from __future__ import annotations

import logging
import threading
import time

import redis

from cettar.errors import RateLimited
from starlette.requests import Request

from cettar.queue import get_redis, mark_unreachable, redis_unreachable
from cettar.settings import get_settings

log = logging.getLogger(__name__)

_local: dict[str, int] = {}
_local_lock = threading.Lock()


def _count_locally(key: str, window: int) -> int:
    with _local_lock:
        if len(_local) > 10_000:
            current = f":{int(time.time()) // window}"
            for stale in [k for k in _local if not k.endswith(current)]:
                del _local[stale]
        _local[key] = _local.get(key, 0) + 1
        return _local[key]


def hit(*, scope: str, client: str, limit: int, window: int) -> None:
    """Count one request; raise RateLimited once ``client`` passes ``limit`` within the window."""
    bucket = int(time.time()) // window
    key = f"cettar:ratelimit:{scope}:{client}:{bucket}"
    count = 0
    if not redis_unreachable():
        try:
            pipe = get_redis().pipeline()
            pipe.incr(key)
            pipe.expire(key, window + 1)
            count = int(pipe.execute()[0])
        except (redis.RedisError, OSError):
            mark_unreachable()
    if not count:
        count = _count_locally(key, window)
    if count > limit:
        retry_after = window - int(time.time()) % window
        raise RateLimited(f"too many submissions; try again in {retry_after} seconds", retry_after=retry_after)


def limit(request: Request, *, scope: str, factor: int = 1) -> None:
    """Apply ``CETTAR_FORM_RATE_LIMIT`` (times ``factor``) to the request's client address."""
    allowed, window = get_settings().rate_limit
    client = request.client.host if request.client else "unknown"
    hit(scope=scope, client=client, limit=allowed * factor, window=window)


# --- failures, for sign-in throttling -----------------------------------------------------------------
#
# Sign-in counts failures, never successes, so an office of forty behind one address signs in all
# morning; and it slows a guessed-at account down instead of locking it: after FREE_FAILURES wrong
# passwords each further attempt waits twice as long as the one before (1 s, 2 s, 4 s ... at most
# MAX_DELAY), and the right password after the wait goes through and clears the count.

FREE_FAILURES = 5
MAX_DELAY = 60
_local_failures: dict[str, tuple[int, float]] = {}


def _failure_key(scope: str, client: str) -> str:
    return f"cettar:failures:{scope}:{client}"


def failures(*, scope: str, client: str) -> tuple[int, float]:
    """(failures within the window, time of the latest) for ``client``."""
    key = _failure_key(scope, client)
    if not redis_unreachable():
        try:
            count, last = get_redis().hmget(key, "count", "last")
            return int(count or 0), float(last or 0)
        except (redis.RedisError, OSError):
            mark_unreachable()
    with _local_lock:
        return _local_failures.get(key, (0, 0.0))


def record_failure(*, scope: str, client: str, window: int) -> int:
    key = _failure_key(scope, client)
    now = time.time()
    if not redis_unreachable():
        try:
            pipe = get_redis().pipeline()
            pipe.hincrby(key, "count", 1)
            pipe.hset(key, "last", str(now))
            pipe.expire(key, window)
            return int(pipe.execute()[0])
        except (redis.RedisError, OSError):
            mark_unreachable()
    with _local_lock:
        count = _local_failures.get(key, (0, 0.0))[0] + 1
        _local_failures[key] = (count, now)
        return count


def clear_failures(*, scope: str, client: str) -> None:
    key = _failure_key(scope, client)
    with _local_lock:
        _local_failures.pop(key, None)
    if not redis_unreachable():
        try:
            get_redis().delete(key)
        except (redis.RedisError, OSError):
            mark_unreachable()


def delay_after(count: int) -> int:
    """Seconds an account waits before its next attempt after ``count`` failures."""
    if count < FREE_FAILURES:
        return 0
    return int(min(MAX_DELAY, 2 ** (count - FREE_FAILURES)))


def refuse_if_failing(*, scope: str, client: str, limit: int | None = None) -> None:
    """Raise RateLimited while ``client`` must wait: past ``limit`` failures (per address), or within
    the growing delay after its latest failure (per account)."""
    count, last = failures(scope=scope, client=client)
    if limit is not None:
        if count >= limit:
            raise RateLimited("too many failed sign-ins from this address; try again later", retry_after=60)
        return
    wait = last + delay_after(count) - time.time()
    if wait > 0:
        retry_after = max(1, int(wait + 0.999))
        raise RateLimited(f"too many wrong passwords for this account; try again in {retry_after} s",
                          retry_after=retry_after)
