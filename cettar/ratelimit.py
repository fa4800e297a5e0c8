"""Per-client fixed-window rate limit for the public form and API.

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
