"""Staff accounts for the tests, one per role, removed afterwards."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

import httpx
import pytest
from sqlalchemy import text

from cettar.db import get_engine, session_scope
from cettar.staff import service
from cettar.staff.models import Role
from cettar.types import utcnow

PASSWORD = "kata-sandi-uji-yang-panjang"


@dataclass
class Account:
    email: str
    role: Role
    agency: str | None = None


ACCOUNTS = {
    Role.OFFICER: Account("petugas@dishub.test", Role.OFFICER, "DISHUB"),
    Role.SUPERVISOR: Account("penyelia@dishub.test", Role.SUPERVISOR, "DISHUB"),
    Role.TRIAGE: Account("triase@prov.test", Role.TRIAGE),
    Role.GOVERNOR: Account("gubernur@prov.test", Role.GOVERNOR),
    Role.ADMIN: Account("admin@prov.test", Role.ADMIN),
}


def _clear() -> None:
    with get_engine().begin() as connection:
        connection.execute(text("UPDATE complaint SET assignee_id = NULL"))  # the complaints go after, with `committed`
        for table in ("audit_entry", "staff_notice", "staff_session", "api_token", "staff", "source_item", "source", "open311_key"):
            connection.execute(text(f"DELETE FROM {table}"))


@pytest.fixture
def accounts(committed: str) -> Iterator[dict[Role, Account]]:
    with session_scope() as session:
        for account in ACCOUNTS.values():
            service.create_staff(session, email=account.email, name=account.role.value.title(), role=account.role,
                                 password=PASSWORD, agency_code=account.agency, now=utcnow())
    yield ACCOUNTS
    _clear()


def form_token(page: str) -> str:
    found = re.search(r'name="csrf_token" value="([^"]+)"', page)
    assert found, "no CSRF token on the page"
    return found.group(1)


def sign_in(client: httpx.Client, email: str, password: str = PASSWORD) -> httpx.Response:
    page = client.get("/staf/masuk")
    return client.post("/staf/masuk", data={"email": email, "password": password, "csrf_token": form_token(page.text),
                                            "next": "/staf"})


def totp_now(secret: str) -> str:
    import pyotp

    return str(pyotp.TOTP(secret).now())


def sign_in_fully(client: httpx.Client, account: Account) -> None:
    """Password, then the second factor where the role needs one (enrolled on the way)."""
    answer = sign_in(client, account.email)
    assert answer.status_code == 303, answer.text
    if answer.headers["location"].startswith("/staf/2fa"):
        page = client.get("/staf/2fa")
        secret = re.search(r'id="totp-secret">([A-Z2-7]+)<', page.text)
        assert secret
        done = client.post("/staf/2fa", data={"code": totp_now(secret.group(1)), "csrf_token": form_token(page.text),
                                              "next": "/staf"})
        assert done.status_code == 303, done.text
