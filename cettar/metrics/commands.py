"""``cettar sla ...``: deadlines on the deployment's calendar, the sweep, the roll-up, the metrics.

The group lives with the metrics it reports because they are the highest of the layers it uses
(metrics read complaints, complaints use the clocks)."""

from __future__ import annotations

import click

from cettar.settings import get_settings


@click.group()
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
    from cettar.metrics.jobs import refresh_rollup

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
    from cettar.complaint.jobs import sweep_clocks

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
