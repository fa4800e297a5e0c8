"""The ``cettar`` command."""

from __future__ import annotations

import logging
import os
import signal
import subprocess
import sys
import time
from typing import Any
from pathlib import Path
from types import FrameType

import click

from cettar.settings import get_settings
from cettar.metrics.commands import sla as sla_commands
from cettar.open311.commands import open311 as open311_commands
from cettar.sources.commands import ingest as ingest_commands
from cettar.staff.commands import staff as staff_commands
from classifier.cli import classifier as classifier_commands

log = logging.getLogger("cettar")


def _setup_logging(*, again: bool = False) -> None:
    from cettar import logs

    settings = get_settings()
    logs.configure(level=settings.log_level.upper(), log_format=settings.log_format, log_file=settings.log_file, again=again)


def _ensure_redis() -> None:
    """Without CETTAR_REDIS_URL, start (or join) the embedded server and hand its URL to what
    this process starts, so every process talks to the same one."""
    settings = get_settings()
    if settings.redis_url:
        return
    from cettar import queue

    url = queue.redis_url()
    os.environ["CETTAR_REDIS_URL"] = url
    click.echo(f"Redis: embedded server at {url}")


@click.group()
def main() -> None:
    """CETTAR: citizen complaint intake and response tracker."""
    _setup_logging()


main.add_command(classifier_commands)
main.add_command(open311_commands)


@classifier_commands.command("export-corrections")
@click.option("--out", required=True, type=click.Path(dir_okay=False, path_type=Path))
@click.option("--label", type=click.Choice(["name", "code"]), default="name", show_default=True)
def export_corrections(out: Path, label: str) -> None:
    """Write staff routing decisions as training rows, to add to `train --data`."""
    from cettar.complaint import routing
    from cettar.db import session_scope

    with session_scope() as session:
        count = routing.export_corrections(session, path=out, label=label)
    click.echo(f"Wrote {count} corrected complaints to {out}. Retrain with: cettar classifier train "
               f"--data HISTORY.csv --data {out} --out MODEL.skops")


@classifier_commands.command("retrain")
@click.option("--base-data", "base_data", multiple=True, type=click.Path(dir_okay=False, path_type=Path),
              help="CSV the challenger learns from besides this deployment's labels (repeatable; default "
                   "CETTAR_RETRAIN_BASE_DATA).")
@click.option("--min-labels", default=150, show_default=True, help="This deployment's labels a retrain waits for.")
@click.option("--no-promote", is_flag=True, help="Register a winning challenger as a candidate; promote it on the model page.")
def retrain(base_data: tuple[Path, ...], min_labels: int, no_promote: bool) -> None:
    """Train a challenger on the staff's decisions; promote it if it is not worse than the current model."""
    from cettar.db import session_scope
    from cettar.errors import DomainError
    from cettar.learning import service as learning_service
    from cettar.types import utcnow

    started = time.perf_counter()
    try:
        with session_scope() as session:
            outcome = learning_service.retrain(session, now=utcnow(), by="cettar classifier retrain",
                                               base_data=list(base_data) or None, min_labels=min_labels,
                                               auto_promote=not no_promote, progress=lambda m: click.echo(f"  {m}"))
    except DomainError as exc:
        raise click.ClickException(str(exc)) from exc
    click.echo(f"{outcome.message} ({time.perf_counter() - started:.0f} s)")


@classifier_commands.command("versions")
def model_versions() -> None:
    """The model registry: every routing model, the current one marked."""
    from cettar.db import session_scope
    from cettar.learning import service as learning_service
    from cettar.types import utcnow

    with session_scope() as session:
        learning_service.ensure_base(session, now=utcnow())
        for row in learning_service.versions(session):
            mark = "*" if row.status == "current" else " "
            click.echo(f"{mark} {row.id:>4}  {row.status:<9} {row.created_at:%Y-%m-%d %H:%M}  "
                       f"{row.base_examples}+{row.deployment_examples} examples  {row.note}")


main.add_command(sla_commands)
main.add_command(ingest_commands)
main.add_command(staff_commands)


@main.group()
def db() -> None:
    """The database schema."""


@db.command("upgrade")
def db_upgrade() -> None:
    """Apply every migration that has not been applied yet."""
    from cettar.migrate import upgrade

    url = get_settings().effective_database_url
    click.echo(f"Migrating {_safe_url(url)} ...")
    upgrade(url)
    click.echo("Database is up to date.")
    from cettar.db import fetch_all, session_scope
    from cettar.metrics import rollup
    from cettar.types import utcnow

    with session_scope() as session:  # the roll-up is derived: rebuild it when a migration emptied it
        if fetch_all(session, "SELECT 1 FROM complaint LIMIT 1") and not fetch_all(session, "SELECT 1 FROM agency_day LIMIT 1"):
            click.echo("Rebuilding the metrics roll-up from the complaints ...")
            rollup.refresh_days(session, days=rollup.all_days(session), now=utcnow())


def _safe_url(url: str) -> str:
    from sqlalchemy.engine import make_url

    return make_url(url).render_as_string(hide_password=True)


@main.command("seed-demo")
@click.option("--no-complaints", is_flag=True, help="Load regions and agencies only.")
@click.option("--history/--no-history", default=False, show_default=True,
              help="Also load the real Surabaya history of 2022-01 … 2023-03 (about 10,800 complaints, no texts).")
def seed_demo(no_complaints: bool, history: bool) -> None:
    """Load the East Java regions, the Surabaya agencies and a few sample complaints (idempotent)."""
    from cettar.db import session_scope
    from cettar.demo import seed_demo as seed

    with session_scope() as session:
        result = seed(session, with_complaints=not no_complaints)
    click.echo(f"Demo data: {result.regions} regions, {result.agencies} agencies.")
    base = get_settings().public_base_url
    for code in result.complaints:
        click.echo(f"  sample complaint {code}: {base}/lacak/{code}")
    if history:
        _load_history()


def _load_history(batch_size: int = 500) -> None:
    from cettar import history
    from cettar.db import session_scope
    from cettar.metrics import rollup
    from cettar.types import utcnow

    started = time.monotonic()
    rows = list(history.read())
    zone = get_settings().zone
    now = utcnow()
    totals = history.BatchResult()
    with session_scope() as session:
        directory = history.Directory.read(session, {r.agency for r in rows})
    click.echo(f"History: {len(rows)} Surabaya complaints of {rows[0].submitted_at:%Y-%m} … {rows[-1].submitted_at:%Y-%m}")
    for first in range(0, len(rows), batch_size):
        batch = rows[first:first + batch_size]
        with session_scope() as session:
            done = history.load_batch(session, batch, directory=directory, now=now)
        for name in ("created", "existing", "unknown_agency"):
            setattr(totals, name, getattr(totals, name) + getattr(done, name))
        click.echo(f"  {first + len(batch):>6} / {len(rows)}  ({totals.created} new, {totals.existing} already there)"
                   f"  {time.monotonic() - started:5.1f} s", err=True)
    if totals.created:
        with session_scope() as session:
            settled = history.settle_past_breaches(session, now=now)
            days = {r.submitted_at.astimezone(zone).date() for r in rows}
            written = rollup.refresh_days(session, days=days, now=now)
        click.echo(f"  roll-up: {len(days)} days, {written} rows; {settled} past breaches recorded at their deadlines")
    if totals.unknown_agency:
        click.echo(f"  {totals.unknown_agency} complaints name an agency the directory does not have: they wait at triage")
    click.echo(f"History loaded in {time.monotonic() - started:.1f} s: {totals.created} new, {totals.existing} already there.")


@main.group()
def directory() -> None:
    """Reference data of a deployment: its regions and its agency directory."""


@directory.command("load")
@click.option("--regions", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="CSV or YAML with code, name, level, parent_code (level: province, city, regency, district).")
@click.option("--agencies", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="CSV or YAML with code, name, level, parent_code, region_code[, active].")
def directory_load(regions: Path | None, agencies: Path | None) -> None:
    """Insert or update regions and agencies from CSV or YAML files (safe to run again after edits)."""
    from cettar.agency import service as agency_service
    from cettar.db import session_scope
    from cettar.region import service as region_service

    if not regions and not agencies:
        raise click.UsageError("give --regions, --agencies or both")
    try:
        with session_scope() as session:
            if regions:
                click.echo(f"Loaded {region_service.load_file(session, path=regions)} regions from {regions}.")
            if agencies:
                click.echo(f"Loaded {agency_service.load_file(session, path=agencies)} agencies from {agencies}.")
    except (ValueError, KeyError) as exc:
        raise click.ClickException(f"nothing was loaded: {exc}") from exc


@main.command()
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8000, show_default=True, type=int)
@click.option("--workers", default=1, show_default=True, type=int, help="Web processes.")
def serve(host: str, port: int, workers: int) -> None:
    """Run the web server (stateless: run as many as you like behind a proxy)."""
    import uvicorn

    _ensure_redis()
    click.echo(f"CETTAR is serving at http://{host}:{port}")
    quiet: dict[str, Any] = {"log_config": None} if get_settings().log_file else {}  # into our handlers: the file
    uvicorn.run(
        "cettar.main:create_app", factory=True, host=host, port=port, workers=workers,
        proxy_headers=True, log_level=get_settings().log_level.lower(), **quiet,
    )


@main.command()
@click.option("--burst", is_flag=True, help="Exit once the queues are empty.")
@click.option("--fork", is_flag=True, help="Run each job in a forked child (RQ's default) instead of in this process.")
@click.option("--simple", is_flag=True, hidden=True, help="The default now; kept so old scripts still run.")
def worker(burst: bool, fork: bool, simple: bool) -> None:
    """Run one RQ worker on the intake and default queues (run any number, on any machine).

    Jobs run in the worker's own process by default (RQ's SimpleWorker, job timeouts still
    enforced): the model, the database pool and the compiled statements stay warm from one job to
    the next, where a forked child pays for them again each time. Delayed jobs are not this
    worker's business (CETTAR has none; `cettar scheduler` enqueues the periodic ones), so no
    scheduler process is started that could outlive it."""
    from rq import SimpleWorker, Worker

    from cettar import logs
    from cettar.queue import ALL_QUEUES, get_redis

    _ensure_redis()
    import cettar.models  # noqa: F401  (imported once here, not in every job)
    from cettar.intake.jobs import get_router

    try:
        router = get_router()  # loaded once: in-process jobs use it, forked work-horses inherit it
    except Exception as exc:
        raise click.ClickException(f"cannot route complaints: {exc}") from exc
    _check_router_labels(router)
    _warm_up(router)
    base = Worker if fork else SimpleWorker

    class RoutingWorker(base):  # type: ignore[valid-type, misc]
        """Looks for a newly promoted model before each job (at most every
        CETTAR_MODEL_CHECK_INTERVAL seconds), so a forked work-horse inherits the model; a
        work-horse dies with its worker (a SIGKILLed worker leaves no job running on)."""

        def execute_job(self, job: Any, queue: Any) -> Any:
            try:
                get_router()
            except Exception as exc:  # the job runs on with the model it has; its own call will say more
                log.warning("could not look for a new routing model: %s", exc)
            with logs.using_request_id((job.meta or {}).get("request_id")):  # the request that led to this job
                return super().execute_job(job, queue)

        def main_work_horse(self, job: Any, queue: Any) -> Any:
            _die_with_parent()
            return super().main_work_horse(job, queue)

    connection = get_redis()
    rq_worker = RoutingWorker(list(ALL_QUEUES), connection=connection)
    rq_worker.work(burst=burst, with_scheduler=False, logging_level=get_settings().log_level.upper())


def _die_with_parent() -> None:
    """Linux: have the kernel SIGKILL this process when its parent dies."""
    import ctypes

    try:
        ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):  # not Linux: the work-horse ends with its job instead
        pass


def _warm_up(router: object) -> None:
    """Pay the first-use costs once, before forking, instead of in every job's work-horse: the
    working calendar (the holiday tables), and the model's first prediction (~30 ms cold)."""
    from datetime import timedelta

    from cettar.calendar import deployment_calendar
    from cettar.types import utcnow

    calendar = deployment_calendar(None)
    for moment in (utcnow() - timedelta(days=365), utcnow(), utcnow() + timedelta(days=365)):
        calendar.add_working_days(moment, 10)  # the holiday tables are computed per year, then kept
    from classifier.predict import ModelRouter

    if isinstance(router, ModelRouter):  # only the shipped kind: another router's route() may have effects
        router.route("Lampu jalan mati di depan rumah, mohon diperbaiki")


def _check_router_labels(router: object) -> None:
    """Refuse to start on a model that routes to agencies this deployment does not have (by code,
    name, or function: ``agency.service.label_codes``, which the router was built with)."""
    from classifier.predict import ModelRouter

    if not isinstance(router, ModelRouter):
        return
    unknown = sorted(label for label in router.classifier.model.labels if label not in router.agency_codes)
    if unknown:
        raise click.ClickException(
            "the routing model sends complaints to agencies this deployment does not have: "
            + ", ".join(unknown)
            + ". Load the agency directory it was trained for (`cettar directory load` or `cettar seed-demo`), "
            "give your agencies the function of each (the directory's `function` column), "
            "or train a model on your own history (`cettar classifier train`) and set CETTAR_MODEL_PATH."
        )


@main.command()
def scheduler() -> None:
    """Enqueue the periodic jobs (the intake sweep, ...) on their schedule."""
    import redis
    from rq.cron import CronScheduler

    from cettar.queue import get_redis
    from cettar.schedule import periodic_jobs

    _ensure_redis()
    while True:
        cron = CronScheduler(connection=get_redis(), logging_level=get_settings().log_level.upper())
        for job in periodic_jobs(get_settings()):
            cron.register(job.func, queue_name=job.queue, interval=job.interval_seconds, job_timeout=job.timeout_seconds)
        try:
            cron.start()  # type: ignore[no-untyped-call]
            return
        except (redis.RedisError, OSError) as exc:
            log.warning("scheduler lost Redis (%s); retrying in 5 s", exc)
            time.sleep(5)


@main.group()
def intake() -> None:
    """The intake outbox."""


@intake.command("sweep")
def intake_sweep() -> None:
    """Re-send every intake record that no worker has processed (as the periodic sweep does)."""
    from cettar.intake.jobs import sweep_intake

    click.echo(f"Re-sent {sweep_intake()} unprocessed intake records.")


@intake.command("status")
def intake_status() -> None:
    """How many accepted complaints are still waiting for a worker."""
    from cettar.db import session_scope
    from cettar.intake import service as intake_service

    with session_scope() as session:
        click.echo(f"{intake_service.pending_count(session)} complaints waiting to be processed.")


class _Stop(Exception):
    pass


def _raise_stop(_signum: int, _frame: FrameType | None) -> None:
    raise _Stop


@main.command()
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8000, show_default=True, type=int)
@click.option("--no-demo", is_flag=True, help="Do not load the demo data.")
@click.option("--no-history", is_flag=True, help="Load the demo without the real Surabaya history.")
@click.option("--verbose", is_flag=True, help="Every job and request on the console, not only in the log file.")
def up(host: str, port: int, no_demo: bool, no_history: bool, verbose: bool) -> None:
    """Everything on one machine: migrate, seed the demo, then run Redis (embedded unless
    CETTAR_REDIS_URL is set), the web server, a worker and the scheduler. Ctrl-C stops them all."""
    from cettar import queue
    from cettar.embedded_redis import EmbeddedRedis

    settings = get_settings()
    if not verbose and settings.log_file is None:  # this process and every one it starts: the details to a file
        os.environ["CETTAR_LOG_FILE"] = str((settings.data_dir / "logs" / "cettar.log").resolve())
        get_settings.cache_clear()
        _setup_logging(again=True)
    log_file = os.environ.get("CETTAR_LOG_FILE")
    embedded: EmbeddedRedis | None = None
    if not settings.redis_url:
        embedded = EmbeddedRedis(settings.data_dir / "redis")
        started = embedded.start()
        os.environ["CETTAR_REDIS_URL"] = embedded.url
        click.echo(f"Redis: {'started' if started else 'joined'} embedded server at {embedded.url}")
        if not started:
            embedded = None  # someone else's: leave it running
    else:
        click.echo(f"Redis: {_safe_url(settings.redis_url)}")
    os.environ.setdefault("CETTAR_PUBLIC_BASE_URL", f"http://{host}:{port}")
    get_settings.cache_clear()
    queue.get_redis.cache_clear()

    ctx = click.get_current_context()
    ctx.invoke(db_upgrade)
    if not no_demo:
        ctx.invoke(seed_demo, no_complaints=False, history=not no_history)

    command = [sys.executable, "-m", "cettar"]
    if "PROMETHEUS_MULTIPROC_DIR" not in os.environ:  # /metrics sums the web server's and the worker's counters
        import shutil

        counters = settings.data_dir / "metrics"
        shutil.rmtree(counters, ignore_errors=True)
        counters.mkdir(parents=True)
        os.environ["PROMETHEUS_MULTIPROC_DIR"] = str(counters)
    children = {
        "web": subprocess.Popen([*command, "serve", "--host", host, "--port", str(port)]),
        "worker": subprocess.Popen([*command, "worker"]),
        "scheduler": subprocess.Popen([*command, "scheduler"]),
    }
    signal.signal(signal.SIGTERM, _raise_stop)
    click.echo(f"CETTAR is up: http://{host}:{port}  (Ctrl-C stops everything)")
    if log_file:
        click.echo(f"Log: {log_file} (warnings and errors also here; --verbose shows everything)")
    exit_code = 0
    try:
        while True:
            for name, child in children.items():
                if child.poll() is not None:
                    click.echo(f"{name} exited with code {child.returncode}; stopping the rest.", err=True)
                    exit_code = 1
                    raise _Stop
            time.sleep(0.5)
    except (KeyboardInterrupt, _Stop):
        pass
    finally:
        click.echo("Stopping ...")
        for child in children.values():
            if child.poll() is None:
                child.send_signal(signal.SIGINT)
        deadline = time.monotonic() + 15
        for child in children.values():
            try:
                child.wait(timeout=max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                child.kill()
                child.wait()
        if embedded is not None:
            embedded.stop()
        click.echo("Stopped.")
    sys.exit(exit_code)
