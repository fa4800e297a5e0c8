"""What operators watch: ``/readyz`` (is this process able to serve: database, migrations, Redis,
the routing model) beside ``/healthz``, and ``/metrics`` for Prometheus.

``/metrics`` answers only to clients on this machine, or to anyone sending ``Authorization: Bearer
<CETTAR_METRICS_TOKEN>``; for everyone else it does not exist (404). Figures read from the shared
state (queue depths, jobs done and failed, complaints by status, SLA breaches) are computed at each
scrape, so any web process gives the same answer. Counters kept in a process (requests, routing
latency) are summed over the processes of a machine in prometheus-client's multiprocess mode when
``PROMETHEUS_MULTIPROC_DIR`` is set (``cettar up`` sets it for its web server and worker).
"""

from __future__ import annotations

import hmac
import os
import time
from collections.abc import Iterator

import redis
from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse, PlainTextResponse, Response
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError
from sqlmodel import Session, col, func, select
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from cettar import logs
from cettar.deps import SessionDep
from cettar.instruments import instruments, prometheus
from cettar.queue import ALL_QUEUES, get_redis
from cettar.settings import get_settings

router = APIRouter(include_in_schema=False)
LOOPBACK = {"127.0.0.1", "::1", "localhost"}


class RequestMetrics:
    """Counts each request by its route template (``/lacak/{code}``, never the code itself) and
    status, and gives it its request id (the caller's ``X-Request-ID``, or a new one), answered in
    the same header."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        status = [500]
        given = next((v.decode("latin-1") for k, v in scope.get("headers", []) if k == b"x-request-id"), None)
        rid = logs.new_request_id(given)

        async def record(message: Message) -> None:
            if message["type"] == "http.response.start":
                status[0] = int(message["status"])
                message["headers"] = [*message.get("headers", []), (b"x-request-id", rid.encode("latin-1"))]
            await send(message)

        try:
            with logs.using_request_id(rid):  # for the request's log lines and the jobs it enqueues
                await self.app(scope, receive, record)
        finally:
            route = getattr(scope.get("route"), "path", None) or "unmatched"
            requests, latency, _ = instruments()
            requests.labels(route, scope.get("method", ""), str(status[0])).inc()
            latency.labels(route).observe(time.perf_counter() - started)


def _checks(session: Session) -> Iterator[tuple[str, bool, str]]:
    try:
        session.exec(text("SELECT 1"))  # type: ignore[call-overload]
        yield "database", True, "ok"
    except Exception as exc:  # noqa: BLE001  (reported, not raised: the answer says which part failed)
        yield "database", False, type(exc).__name__
        return
    from alembic.runtime.migration import MigrationContext

    from cettar.migrate import head_revision

    current = MigrationContext.configure(session.connection()).get_current_revision()
    head = head_revision()
    yield "migrations", current == head, f"at {current}, code expects {head}" if current != head else f"at {head}"
    try:
        yield "redis", bool(get_redis().ping()), "ok"
    except (redis.RedisError, OSError) as exc:
        yield "redis", False, type(exc).__name__
    yield _model_check(session)


def _model_check(session: Session) -> tuple[str, bool, str]:
    """The current routing model's file can be reached (it is not loaded here: the web serves no routing)."""
    if get_settings().router != "model":
        return "model", True, f"custom router {get_settings().router}"
    from cettar.learning import service as learning_service
    from cettar.storage import get_storage

    try:
        with session.begin_nested():  # a failed read must not spoil the session for the answer
            row = learning_service.current(session)
    except SQLAlchemyError:  # no registry table yet (migrations behind, reported on their own): the base model
        row = None
    if row is None or not row.key:
        path = learning_service.base_path()
        return "model", path.exists(), f"base model {path.name}" if path.exists() else f"{path} is missing"
    try:
        get_storage().get(row.key)
    except KeyError:
        return "model", False, f"version {row.id}: {row.key} is missing from the store"
    return "model", True, f"version {row.id}"


@router.get("/readyz")
def ready(session: SessionDep) -> JSONResponse:
    """200 when every dependency answers, 503 naming the ones that do not."""
    checks = {name: {"ok": ok, "detail": detail} for name, ok, detail in _checks(session)}
    ready_ = all(check["ok"] for check in checks.values())
    return JSONResponse({"ready": ready_, "checks": checks}, status_code=200 if ready_ else 503)


def _allowed(request: Request) -> bool:
    token = get_settings().metrics_token
    given = request.headers.get("authorization", "")
    if token and hmac.compare_digest(given.encode(), f"Bearer {token}".encode()):
        return True
    return bool(request.client and request.client.host in LOOPBACK) and not request.headers.get("x-forwarded-for")


def _shared_state(session: Session) -> str:
    """The figures every process sees the same, in Prometheus's text format."""
    from rq import Queue
    from rq.registry import FailedJobRegistry, FinishedJobRegistry

    from cettar.clock.models import SlaClock
    from cettar.complaint.models import Complaint

    lines = ["# HELP cettar_queue_jobs Jobs waiting in each queue", "# TYPE cettar_queue_jobs gauge"]
    connection = get_redis()
    finished, failed = [], []
    for name in ALL_QUEUES:
        lines.append(f'cettar_queue_jobs{{queue="{name}"}} {len(Queue(name, connection=connection))}')
        finished.append(f'cettar_jobs_finished{{queue="{name}"}} {len(FinishedJobRegistry(name, connection=connection))}')
        failed.append(f'cettar_jobs_failed{{queue="{name}"}} {len(FailedJobRegistry(name, connection=connection))}')
    lines += ["# HELP cettar_jobs_finished Jobs finished and still kept by RQ", "# TYPE cettar_jobs_finished gauge", *finished,
              "# HELP cettar_jobs_failed Jobs that failed and are kept by RQ", "# TYPE cettar_jobs_failed gauge", *failed]
    lines += ["# HELP cettar_complaints Complaints by status", "# TYPE cettar_complaints gauge"]
    for status, count in session.exec(select(Complaint.status, func.count()).group_by(col(Complaint.status))).all():
        lines.append(f'cettar_complaints{{status="{status}"}} {count}')
    breached = session.exec(select(func.count()).select_from(SlaClock).where(col(SlaClock.breached_at).is_not(None))).one()
    lines += ["# HELP cettar_sla_breaches SLA clocks that have breached", "# TYPE cettar_sla_breaches gauge",
              f"cettar_sla_breaches {breached}"]
    return "\n".join(lines) + "\n"


@router.get("/metrics")
def metrics(request: Request, session: SessionDep) -> Response:
    if not _allowed(request):
        return PlainTextResponse("Not Found", status_code=404)
    prom = prometheus()
    instruments()
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        from prometheus_client import multiprocess

        registry = prom.CollectorRegistry()
        multiprocess.MultiProcessCollector(registry)  # type: ignore[no-untyped-call]
    else:
        registry = prom.REGISTRY
    body = prom.generate_latest(registry).decode() + _shared_state(session)
    return PlainTextResponse(body, media_type="text/plain; version=0.0.4; charset=utf-8")
