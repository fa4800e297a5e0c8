"""``cettar open311 …``: Open311 integrations and their api_keys from the command line."""

from __future__ import annotations

import click


@click.group()
def open311() -> None:
    """Open311 integrations: issue, list and revoke api_keys."""


@open311.command("issue")
@click.option("--name", required=True, help="The integration's name, shown as the channel of its complaints.")
@click.option("--per-minute", default=60, show_default=True, type=int, help="Requests it may file per minute.")
def issue(name: str, per_minute: int) -> None:
    """Issue an api_key (printed once: only its hash is kept)."""
    from cettar.audit import service as audit_service
    from cettar.db import session_scope
    from cettar.errors import Conflict, FieldError
    from cettar.open311 import keys
    from cettar.types import utcnow

    try:
        with session_scope() as session:
            row, key = keys.issue(session, name=name, per_minute=per_minute, by=audit_service.operator(), now=utcnow())
            click.echo(f"Issued for {row.name} ({row.per_minute} requests a minute):\n  {key}\n"
                       "Give it to the integration now: it is not shown again.")
    except (FieldError, Conflict) as exc:
        raise click.ClickException(exc.message) from exc


@open311.command("list")
def listing() -> None:
    from cettar.db import session_scope
    from cettar.open311 import keys

    with session_scope() as session:
        rows = keys.listing(session)
        for row in rows:
            state = f"revoked {row.revoked_at:%Y-%m-%d}" if row.revoked_at else "active"
            click.echo(f"{row.id:4d}  {row.key_prefix}…  {row.per_minute:5d}/min  {row.filed:7d} filed  {state:18}  {row.name}")
        if not rows:
            click.echo("No integrations yet: cettar open311 issue --name NAME")


@open311.command("revoke")
@click.argument("key_id", type=int)
def revoke(key_id: int) -> None:
    """Revoke an integration's key: its next request is refused (403)."""
    from cettar.audit import service as audit_service
    from cettar.db import session_scope
    from cettar.errors import NotFound
    from cettar.open311 import keys
    from cettar.types import utcnow

    try:
        with session_scope() as session:
            row = keys.revoke(session, key_id=key_id, by=audit_service.operator(), now=utcnow())
            click.echo(f"Revoked: {row.name}")
    except NotFound as exc:
        raise click.ClickException(f"no integration {key_id}") from exc
