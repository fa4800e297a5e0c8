"""``cettar staff ...``: the first admin, and accounts and API tokens from the command line."""

from __future__ import annotations

import sys

import click

from cettar.staff.roles import Role


@click.group()
def staff() -> None:
    """Staff accounts: create, disable, API tokens."""


@staff.command("create")
@click.option("--email", required=True)
@click.option("--role", type=click.Choice([r.value for r in Role]), required=True)
@click.option("--agency", "agency_code", help="The agency's code (officers and supervisors).")
@click.option("--name", default="")
@click.option("--password-stdin", is_flag=True, help="Read the password from standard input instead of asking.")
def create(email: str, role: str, agency_code: str | None, name: str, password_stdin: bool) -> None:
    """Create an account (e.g. the first admin: --role admin)."""
    from cettar.audit import service as audit_service
    from cettar.db import session_scope
    from cettar.errors import FieldError
    from cettar.staff import service
    from cettar.types import utcnow

    if password_stdin:
        password = sys.stdin.readline().rstrip("\n")
    else:
        password = click.prompt("Password (12+ characters)", hide_input=True, confirmation_prompt=True)
    try:
        with session_scope() as session:
            account = service.create_staff(session, by=audit_service.operator(), email=email, name=name, role=Role(role),
                                           password=password,
                                           agency_code=agency_code, now=utcnow())
            summary = f"Created {account.role} {account.email} (id {account.id})"
    except FieldError as exc:
        raise click.ClickException(str(exc)) from exc
    click.echo(summary)
    if Role(role) in (Role.ADMIN, Role.GOVERNOR):
        click.echo("  a second factor (TOTP) is required for this role: it is set up at the first sign-in")


def _set_active(email: str, active: bool) -> None:
    from sqlmodel import select

    from cettar.audit import service as audit_service
    from cettar.db import session_scope
    from cettar.staff import service
    from cettar.staff.models import Staff
    from cettar.types import utcnow

    with session_scope() as session:
        account = session.exec(select(Staff).where(Staff.email == email.strip().lower())).first()
        if account is None:
            raise click.ClickException(f"no account {email}")
        service.set_active(session, staff=account, active=active, by=audit_service.operator(), now=utcnow())
    click.echo(f"{'Enabled' if active else 'Disabled (its sessions ended)'}: {email}")


@staff.command("disable")
@click.argument("email")
def disable(email: str) -> None:
    """Disable an account: its sessions end and its API tokens stop at once."""
    _set_active(email, False)


@staff.command("enable")
@click.argument("email")
def enable(email: str) -> None:
    _set_active(email, True)


@staff.command("token")
@click.argument("email")
@click.option("--name", required=True, help="What the token is for, e.g. 'kanal WhatsApp'.")
def token(email: str, name: str) -> None:
    """Create an API token acting as this account; printed once, stored only as a hash."""
    from sqlmodel import select

    from cettar.audit import service as audit_service
    from cettar.db import session_scope
    from cettar.staff import service
    from cettar.staff.models import Staff
    from cettar.types import utcnow

    with session_scope() as session:
        account = session.exec(select(Staff).where(Staff.email == email.strip().lower())).first()
        if account is None or not account.active:
            raise click.ClickException(f"no active account {email}")
        value = service.create_api_token(session, staff=account, name=name, now=utcnow(), by=audit_service.operator())
    click.echo(value)
