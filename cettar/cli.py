"""The ``cettar`` command."""

from __future__ import annotations

import logging
import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from types import FrameType

import click

from cettar.settings import get_settings
from classifier.cli import classifier as classifier_commands

log = logging.getLogger("cettar")


def _setup_logging() -> None:
    logging.basicConfig(
        level=get_settings().log_level.upper(),
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )
    logging.getLogger("alembic.runtime.plugins").setLevel(logging.WARNING)


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


@main.group()
def sla() -> None:
    """Service-level deadlines on the deployment's working calendar."""


@sla.command("due")
@click.option("--start", required=True, help="ISO 8601 instant; without an offset it is read in CETTAR_TIMEZONE.")
@click.option("--working-days", type=click.IntRange(min=0))
@click.option("--working-hours", type=click.FloatRange(min=0))
@click.option("--hours", type=click.FloatRange(min=0))
@click.option("--agency", help="Use this agency's office hours (from CETTAR_CALENDAR_FILE).")
def sla_due(start: str, working_days: int | None, working_hours: float | None, hours: float | None,
            agency: str | None) -> None:
    """Print the deadline as one ISO 8601 line with its offset."""
    from datetime import datetime

    from cettar.calendar import deployment_calendar
    from sla.calendar import CalendarError
    from sla.duration import Duration, Unit

    given = [(v, u) for v, u in ((working_days, Unit.WORKING_DAYS), (working_hours, Unit.WORKING_HOURS),
                                 (hours, Unit.HOURS)) if v is not None]
    if len(given) != 1:
        raise click.UsageError("give exactly one of --working-days, --working-hours, --hours")
    try:
        moment = datetime.fromisoformat(start)
    except ValueError as exc:
        raise click.BadParameter(f"{start!r} is not ISO 8601 (e.g. 2026-03-13T15:00+07:00)", param_hint="--start") from exc
    try:
        calendar = deployment_calendar(agency)
        if moment.tzinfo is None:
            moment = moment.replace(tzinfo=calendar.zone)
        click.echo(Duration(float(given[0][0]), given[0][1]).deadline(calendar, moment).isoformat())
    except (CalendarError, ValueError, OSError) as exc:
        raise click.ClickException(str(exc)) from exc


@sla.command("rollup")
@click.option("--all", "everything", is_flag=True, help="Recompute every day since the first complaint.")
def sla_rollup(everything: bool) -> None:
    """Bring the daily per-agency roll-up (what `sla metrics` reads) up to date."""
    from cettar.clock.jobs import refresh_rollup

    if not everything:
        click.echo(f"Refreshed {refresh_rollup()} agency-days changed recently.")
        return
    from cettar.db import session_scope
    from cettar.metrics import rollup
    from cettar.types import utcnow

    with session_scope() as session:
        days = rollup.all_days(session)
        click.echo(f"Recomputing {len(days)} days ...")
        click.echo(f"Wrote {rollup.refresh_days(session, days=days, now=utcnow())} agency-days.")


@sla.command("sweep")
def sla_sweep_command() -> None:
    """Record due warnings and breaches, escalate, close unanswered complaints (as the schedule does)."""
    from cettar.clock.jobs import sweep_clocks

    result = sweep_clocks()
    click.echo(", ".join(f"{name}: {count}" for name, count in result.items()))


@sla.command("metrics")
@click.option("--from", "start", required=True, help="First day (ISO date), in CETTAR_TIMEZONE.")
@click.option("--to", "end", required=True, help="Last day (ISO date), included.")
@click.option("--min-sample", default=30, show_default=True, help="Answered complaints an agency needs to be ranked.")
@click.option("--json", "as_json", is_flag=True)
def sla_metrics(start: str, end: str, min_sample: int, as_json: bool) -> None:
    """How responsive each agency was over a period."""
    import json
    from dataclasses import asdict
    from datetime import date, datetime, time, timedelta

    from cettar.db import session_scope
    from cettar.metrics.service import agency_metrics
    from cettar.types import utcnow

    zone = get_settings().zone
    try:
        first, last = date.fromisoformat(start), date.fromisoformat(end)
    except ValueError as exc:
        raise click.BadParameter("dates look like 2026-01-31") from exc
    begin = datetime.combine(first, time(0), zone)
    finish = datetime.combine(last + timedelta(days=1), time(0), zone)
    with session_scope() as session:
        rows = agency_metrics(session, start=begin, end=finish, now=utcnow(), min_sample=min_sample)
    if as_json:
        click.echo(json.dumps([{**asdict(m), "responded_within_sla_share": m.responded_within_sla_share,
                                "resolved_share": m.resolved_share, "reopened_share": m.reopened_share} for m in rows],
                              indent=2, ensure_ascii=False))
        return

    def share(value: float | None) -> str:
        return "-" if value is None else f"{value:.0%}"

    click.echo(f"{'rank':>4} {'agency':<16} {'received':>8} {'routed':>6} {'in SLA':>6} {'median h':>8} {'p90 h':>6} "
               f"{'resolved':>8} {'reopened':>8} {'breaches':>8}")
    for m in rows:
        click.echo(f"{m.rank or '':>4} {(m.agency_code or '(triage)'):<16} {m.received:>8} {m.routed:>6} "
                   f"{share(m.responded_within_sla_share):>6} {m.first_response_hours_median or '-':>8} "
                   f"{m.first_response_hours_p90 or '-':>6} {share(m.resolved_share):>8} {share(m.reopened_share):>8} "
                   f"{m.breaches:>8}")


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


def _safe_url(url: str) -> str:
    from sqlalchemy.engine import make_url

    return make_url(url).render_as_string(hide_password=True)


@main.command("seed-demo")
@click.option("--no-complaints", is_flag=True, help="Load regions and agencies only.")
def seed_demo(no_complaints: bool) -> None:
    """Load the East Java regions, the Surabaya agencies and a few sample complaints (idempotent)."""
    from cettar.db import session_scope
    from cettar.demo import seed_demo as seed

    with session_scope() as session:
        result = seed(session, with_complaints=not no_complaints)
    click.echo(f"Demo data: {result.regions} regions, {result.agencies} agencies.")
    base = get_settings().public_base_url
    for code in result.complaints:
        click.echo(f"  sample complaint {code}: {base}/lacak/{code}")


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
    uvicorn.run(
        "cettar.main:create_app", factory=True, host=host, port=port, workers=workers,
        proxy_headers=True, log_level=get_settings().log_level.lower(),
    )


@main.command()
@click.option("--burst", is_flag=True, help="Exit once the queues are empty.")
@click.option("--simple", is_flag=True, help="Run jobs in this process instead of a forked child.")
def worker(burst: bool, simple: bool) -> None:
    """Run one RQ worker on the intake and default queues (run any number, on any machine)."""
    from rq import SimpleWorker, Worker

    from cettar.queue import ALL_QUEUES, get_redis

    _ensure_redis()
    import cettar.models  # noqa: F401  (imported once here, not in every forked job)
    from cettar.intake.jobs import get_router

    try:
        router = get_router()  # loaded before forking: every job's work-horse inherits it
    except Exception as exc:
        raise click.ClickException(f"cannot route complaints: {exc}") from exc
    _check_router_labels(router)
    worker_class = SimpleWorker if simple else Worker
    connection = get_redis()
    rq_worker = worker_class(list(ALL_QUEUES), connection=connection)
    rq_worker.work(burst=burst, with_scheduler=True, logging_level=get_settings().log_level.upper())


def _check_router_labels(router: object) -> None:
    """Refuse to start on a model that routes to agencies this deployment does not have.
    Uses an engine of its own, disposed before the worker forks."""
    from classifier.predict import ModelRouter

    if not isinstance(router, ModelRouter):
        return
    from sqlmodel import Session

    from cettar.agency import service as agency_service
    from cettar.db import make_engine

    engine = make_engine(get_settings().effective_database_url)
    try:
        with Session(engine) as session:
            unknown = agency_service.unknown_labels(session, labels=router.classifier.model.labels)
    finally:
        engine.dispose()
    if unknown:
        raise click.ClickException(
            "the routing model sends complaints to agencies this deployment does not have: "
            + ", ".join(unknown)
            + ". Load the agency directory it was trained for (`cettar directory load` or `cettar seed-demo`), "
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
            cron.register(job.func, queue_name=job.queue, interval=job.interval_seconds)
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
def up(host: str, port: int, no_demo: bool) -> None:
    """Everything on one machine: migrate, seed the demo, then run Redis (embedded unless
    CETTAR_REDIS_URL is set), the web server, a worker and the scheduler. Ctrl-C stops them all."""
    from cettar import queue
    from cettar.embedded_redis import EmbeddedRedis

    settings = get_settings()
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
        ctx.invoke(seed_demo, no_complaints=False)

    command = [sys.executable, "-m", "cettar"]
    children = {
        "web": subprocess.Popen([*command, "serve", "--host", host, "--port", str(port)]),
        "worker": subprocess.Popen([*command, "worker"]),
        "scheduler": subprocess.Popen([*command, "scheduler"]),
    }
    signal.signal(signal.SIGTERM, _raise_stop)
    click.echo(f"CETTAR is up: http://{host}:{port}  (Ctrl-C stops everything)")
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
