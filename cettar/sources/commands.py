"""``cettar ingest ...``: the news feeds and X queries CETTAR reads, their health, a poll now."""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any

import click

from cettar.sources.kinds import SourceKind


@click.group()
def ingest() -> None:
    """News feeds and X: add sources, see their health, poll them now."""


def _add(kind: SourceKind, target: str, **options: Any) -> None:
    from cettar.audit import service as audit_service
    from cettar.db import session_scope
    from cettar.sources import service

    try:
        with session_scope() as session:
            source, created = service.add_source(session, kind=kind, target=target, by=audit_service.operator(), **options)
            message = f"{'Added' if created else 'Already there:'} source {source.id} ({source.kind}) {source.target}"
            reason = service.x_unavailable_reason(source.kind)
    except service.SourceError as exc:
        raise click.ClickException(str(exc)) from exc
    click.echo(message)
    if reason:
        click.echo(f"  disabled here: {reason}")


_common = [
    click.option("--name", default="", help="A name staff recognise (default: the URL or query)."),
    click.option("--region", "region_code", help="City/regency code its complaints default to, e.g. 3578 (Kota Surabaya)."),
    click.option("--language", default="id", show_default=True),
    click.option("--interval", "poll_interval", type=click.IntRange(min=30), help="Seconds between polls."),
    click.option("--backfill", type=click.IntRange(min=0), help="Items the first poll takes at most."),
]


def _with_common(function: Any) -> Any:
    for option in reversed(_common):
        function = option(function)
    return function


@ingest.command("add-feed")
@click.argument("url")
@_with_common
def add_feed(url: str, **options: Any) -> None:
    """Add an RSS or Atom feed."""
    _add(SourceKind.FEED, url, **options)


@ingest.command("add-x-search")
@click.argument("query")
@_with_common
def add_x_search(query: str, **options: Any) -> None:
    """Add an X recent-search query, e.g. '(#lapor OR @Humas_Sby) surabaya -is:retweet'."""
    _add(SourceKind.X_SEARCH, query, **options)


@ingest.command("add-x-mentions")
@click.argument("user_id")
@_with_common
def add_x_mentions(user_id: str, **options: Any) -> None:
    """Read the mentions timeline of an account (its numeric user id)."""
    _add(SourceKind.X_MENTIONS, user_id, **options)


@ingest.command("load")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
def load(path: Path) -> None:
    """Add the sources listed in a YAML file: a list of {kind: feed|x_search|x_mentions, target,
    name, region, language, interval, backfill, enabled}."""
    import yaml

    from cettar.audit import service as audit_service
    from cettar.db import session_scope
    from cettar.sources import service

    try:
        entries = yaml.safe_load(path.read_text(encoding="utf-8")) or []
    except yaml.YAMLError as exc:
        raise click.ClickException(f"{path}: not valid YAML: {exc}") from exc
    if not isinstance(entries, list):
        raise click.ClickException(f"{path}: expected a list of sources")
    added = 0
    try:
        with session_scope() as session:
            for number, entry in enumerate(entries, start=1):
                if not isinstance(entry, dict) or "target" not in entry:
                    raise service.SourceError(f"entry {number}: needs at least 'target' (and 'kind', default feed)")
                try:
                    kind = SourceKind(entry.get("kind", "feed"))
                except ValueError:
                    raise service.SourceError(f"entry {number}: kind must be feed, x_search or x_mentions") from None
                _, created = service.add_source(
                    session, kind=kind, target=str(entry["target"]), name=str(entry.get("name", "")),
                    region_code=entry.get("region"), language=str(entry.get("language", "id")),
                    poll_interval=entry.get("interval"), backfill=entry.get("backfill"), by=audit_service.operator(),
                    enabled=bool(entry.get("enabled", True)))
                added += created
    except service.SourceError as exc:
        raise click.ClickException(f"{path}: {exc}; nothing was added") from exc
    click.echo(f"{added} source(s) added, {len(entries) - added} already there.")


def _wait_processed(complaint_ids: list[int], timeout: float) -> int:
    """Wait until the workers have routed these complaints; returns how many are still waiting."""
    from sqlmodel import col, select

    from cettar.db import session_scope
    from cettar.intake.models import IntakeRecord

    deadline = time.monotonic() + timeout
    waiting = len(complaint_ids)
    while complaint_ids and time.monotonic() < deadline:
        with session_scope() as session:
            query = select(IntakeRecord.complaint_id).where(col(IntakeRecord.complaint_id).in_(complaint_ids),
                                                            col(IntakeRecord.processed_at).is_(None))
            waiting = len(session.exec(query).all())
        if not waiting:
            return 0
        time.sleep(0.2)
    return waiting


@ingest.command("poll")
@click.option("--once", is_flag=True, required=True, help="Poll every enabled source now, once.")
@click.option("--json", "as_json", is_flag=True, help="Print the results as JSON.")
@click.option("--wait", default=120.0, show_default=True, help="Seconds to wait for the workers to route what was created.")
def poll(once: bool, as_json: bool, wait: float) -> None:
    """Poll every enabled source now (due or not), wait until its new complaints are routed by the
    workers, and print per source: seen, created, duplicates, skipped, errors."""
    from sqlmodel import col, select

    from cettar.db import session_scope
    from cettar.sources import service
    from cettar.sources.models import Source
    from cettar.types import utcnow

    with session_scope() as session:
        ids = [i for i in session.exec(select(Source.id).where(Source.enabled == True).order_by(col(Source.id)))  # noqa: E712
               if i is not None]
    results = []
    for source_id in ids:
        if not as_json:
            click.echo(f"polling source {source_id} ...", err=True)
        results.append(service.poll(session_scope, source_id=source_id, now=utcnow(), force=True))
    created = [i for r in results for i in r.complaint_ids]
    waiting = _wait_processed(created, wait) if created else 0
    if as_json:
        click.echo(json.dumps({"sources": [r.as_dict() for r in results], "unrouted": waiting}, indent=2))
    else:
        click.echo(f"{'source':<8} {'status':<13} {'seen':>5} {'new':>5} {'created':>7} {'dup':>5} {'thread':>6} "
                   f"{'skipped':>7} {'errors':>6}  name / error")
        for r in results:
            new = r.seen - r.known
            click.echo(f"{r.source_id:<8} {r.status:<13} {r.seen:>5} {new:>5} {r.created:>7} {r.duplicates:>5} "
                       f"{r.threaded:>6} {r.skipped:>7} {r.errors:>6}  {r.name[:60]}"
                       + (f"\n{'':<8} {r.error}" if r.error else ""))
        if not results:
            click.echo("No enabled sources: add one with `cettar ingest add-feed URL`.")
    if waiting:
        raise click.ClickException(f"{waiting} new complaint(s) not routed within {wait:g} s: is `cettar worker` running?")


@ingest.command("status")
@click.option("--json", "as_json", is_flag=True)
def status(as_json: bool) -> None:
    """Every source: health, last poll, next poll, items seen / created / duplicates / skipped / errors."""
    from sqlmodel import col, select

    from cettar.db import session_scope
    from cettar.sources import service
    from cettar.sources.models import Source

    with session_scope() as session:
        sources = list(session.exec(select(Source).order_by(col(Source.id))))
        rows = []
        for s in sources:
            reason = service.x_unavailable_reason(s.kind)
            rows.append({
                "id": s.id, "kind": s.kind, "name": s.name, "target": s.target, "enabled": s.enabled,
                "health": "disabled" if reason or not s.enabled else s.health,
                "error": reason or s.last_error, "failures": s.failures,
                "last_poll_at": s.last_poll_at.isoformat() if s.last_poll_at else None,
                "next_poll_at": s.next_poll_at.isoformat() if s.next_poll_at else None,
                "seen": s.seen, "created": s.created, "duplicates": s.duplicates, "skipped": s.skipped, "errors": s.errors,
            })
    if as_json:
        click.echo(json.dumps(rows, indent=2))
        return
    if not rows:
        click.echo("No sources yet: add one with `cettar ingest add-feed URL`.")
        return
    click.echo(f"{'id':<4} {'kind':<10} {'health':<12} {'last poll':<20} {'next poll':<20} {'seen':>6} {'created':>7} "
               f"{'dup':>5} {'skipped':>7} {'errors':>6}  name")
    for r in rows:
        click.echo(f"{r['id']:<4} {r['kind']:<10} {r['health']:<12} {str(r['last_poll_at'] or '-')[:19]:<20} "
                   f"{str(r['next_poll_at'] or '-')[:19]:<20} {r['seen']:>6} {r['created']:>7} {r['duplicates']:>5} "
                   f"{r['skipped']:>7} {r['errors']:>6}  {str(r['name'])[:50]}" + (f"\n     {r['error']}" if r['error'] else ""))
