"""RQ jobs of the model registry. A retrain holds a Redis lock, so two workers never train at once;
a second run on the same labels trains nothing (the registry knows their fingerprint)."""

from __future__ import annotations

from cettar.db import session_scope
from cettar.learning import service
from cettar.queue import get_redis
from cettar.settings import get_settings
from cettar.types import utcnow

LOCK = "cettar:lock:retrain"
LOCK_SECONDS = 3 * 3600
RETRAIN_TIMEOUT = 3 * 3600  # seconds a retrain job may take (a fit on 10,000 complaints is ~2 minutes on 2 cores)
CHECK_INTERVAL = 3600  # how often the schedule asks whether a retrain is due


def retrain(by: str = "retrain (scheduled)", *, only_if_due: bool = False) -> str:
    lock = get_redis().lock(LOCK, timeout=LOCK_SECONDS, blocking=False)
    if not lock.acquire():
        return "another retrain is running"
    try:
        with session_scope() as session:
            if only_if_due and not service.due(session, now=utcnow(), interval_seconds=get_settings().retrain_interval):
                return "not due"
            return service.retrain(session, now=utcnow(), by=by).message
    finally:
        lock.release()


def retrain_if_due() -> str:
    return retrain(only_if_due=True)
