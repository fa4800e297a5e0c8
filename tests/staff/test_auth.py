"""Staff sign-in over real HTTP: passwords, sessions, CSRF, throttling, the second factor, tokens."""

from __future__ import annotations

import re
import time

import pyotp

import pytest
from sqlmodel import select

from cettar.db import session_scope
from cettar.staff import service
from cettar.staff.models import Role, Staff, StaffSession
from cettar.types import utcnow
from tests.conftest import LiveServer
from tests.staff.conftest import PASSWORD, Account, form_token, sign_in, sign_in_fully, totp_now


def test_sign_in_and_out(live_server: LiveServer, accounts: dict[Role, Account]) -> None:
    officer = accounts[Role.OFFICER]
    with live_server.client() as client:
        assert client.get("/staf").headers["location"] == "/staf/masuk?next=/staf"
        wrong = sign_in(client, officer.email, "not-the-password")
        assert wrong.status_code == 401 and "E-mail atau kata sandi salah" in wrong.text and "cettar_staff" not in client.cookies
        unknown = sign_in(client, "nobody@nowhere.test")
        assert unknown.status_code == 401 and unknown.text.count("salah") == wrong.text.count("salah")  # says nothing more
        right = sign_in(client, officer.email)
        assert right.status_code == 303 and right.headers["location"] == "/staf"
        cookie = right.headers["set-cookie"]
        assert "cettar_staff=" in cookie and "HttpOnly" in cookie and "SameSite=strict" in cookie.replace("Strict", "strict")
        home = client.get("/staf")
        assert home.status_code == 200 and "Officer" in home.text
        # sign-out is a state change: without the CSRF token it is refused
        assert client.post("/staf/keluar").status_code == 403
        assert client.post("/staf/keluar", data={"csrf_token": "forged"}).status_code == 403
        out = client.post("/staf/keluar", data={"csrf_token": form_token(home.text)})
        assert out.status_code == 303
        client.cookies.clear()
    with session_scope() as session:
        assert session.exec(select(StaffSession)).all() == []  # the server-side session is gone


def test_a_stolen_cookie_stops_working_when_the_account_is_disabled(live_server: LiveServer,
                                                                    accounts: dict[Role, Account]) -> None:
    with live_server.client() as client:
        sign_in(client, accounts[Role.OFFICER].email)
        assert client.get("/staf").status_code == 200
        with session_scope() as session:
            account = session.exec(select(Staff).where(Staff.email == accounts[Role.OFFICER].email)).one()
            service.set_active(session, staff=account, active=False, by="test", now=utcnow())
        assert client.get("/staf").status_code == 303  # at once, not at the cookie's expiry
        assert sign_in(client, accounts[Role.OFFICER].email).status_code == 401


def test_the_login_form_needs_its_own_token(live_server: LiveServer, accounts: dict[Role, Account]) -> None:
    with live_server.client() as client:
        forged = client.post("/staf/masuk", data={"email": accounts[Role.OFFICER].email, "password": PASSWORD,
                                                  "csrf_token": "made-up"})
        assert forged.status_code == 403 and "cettar_staff" not in client.cookies


def test_sign_in_slows_a_guessed_account_and_never_counts_successes(live_server: LiveServer,
                                                                     accounts: dict[Role, Account]) -> None:
    from cettar import ratelimit

    triage = accounts[Role.TRIAGE].email
    with live_server.client() as client:
        answers = [sign_in(client, triage, "guess-number-%d" % n).status_code for n in range(ratelimit.FREE_FAILURES)]
        assert answers == [401] * ratelimit.FREE_FAILURES
        slowed = sign_in(client, triage)  # right away: even the right password waits its turn
        assert slowed.status_code == 429 and 1 <= int(slowed.headers["retry-after"]) <= 2
        time.sleep(int(slowed.headers["retry-after"]) + 0.2)
        assert sign_in(client, triage).status_code == 303  # after the short wait the password opens, and clears the count
    with live_server.client() as client:
        assert sign_in(client, triage, "one-more-slip").status_code == 401  # the count started over: no wait now
    officer = accounts[Role.OFFICER].email
    for _ in range(35):  # a whole office behind one address: successes never count against it
        with live_server.client() as client:
            assert sign_in(client, officer).status_code == 303


def test_many_failures_from_one_address_are_refused(live_server: LiveServer, accounts: dict[Role, Account]) -> None:
    from cettar.staff.routes import LOGIN_FAILURES_PER_ADDRESS

    with live_server.client() as client:
        # spread over accounts that do not exist, so no account's own delay comes first
        answers = [sign_in(client, f"nobody{n % 7}@example.test", "x" * 12).status_code
                   for n in range(LOGIN_FAILURES_PER_ADDRESS)]
        assert set(answers) == {401}
        refused = sign_in(client, accounts[Role.OFFICER].email)
        assert refused.status_code == 429 and refused.headers["retry-after"].isdigit()


def test_admins_must_set_up_and_then_give_a_second_factor(live_server: LiveServer, accounts: dict[Role, Account]) -> None:
    admin = accounts[Role.ADMIN]
    with live_server.client() as client:
        first = sign_in(client, admin.email)
        assert first.headers["location"].startswith("/staf/2fa")
        assert client.get("/staf").headers["location"].startswith("/staf/2fa")  # the password alone opens nothing
        assert client.get("/staf/sumber").status_code == 303
        page = client.get("/staf/2fa")
        secret = re.search(r'id="totp-secret">([A-Z2-7]+)<', page.text)
        assert secret is not None
        bad = client.post("/staf/2fa", data={"code": "000000", "csrf_token": form_token(page.text)})
        assert bad.status_code == 422
        assert 'id="totp-qr"' in page.text and "<svg" in page.text  # a QR code drawn on the server
        used = totp_now(secret.group(1))
        good = client.post("/staf/2fa", data={"code": used, "csrf_token": form_token(page.text)})
        assert good.status_code == 303 and client.get("/staf").status_code == 200
    with live_server.client() as client:  # the next sign-in asks for the code
        assert sign_in(client, admin.email).headers["location"].startswith("/staf/masuk/kode")
        page = client.get("/staf/masuk/kode")
        wrong = client.post("/staf/masuk/kode", data={"code": "123456", "csrf_token": form_token(page.text)})
        assert wrong.status_code == 401 and client.get("/staf").status_code == 303
        replayed = client.post("/staf/masuk/kode", data={"code": used, "csrf_token": form_token(page.text)})
        assert replayed.status_code == 401 and client.get("/staf").status_code == 303  # each code works once
        following = pyotp.TOTP(secret.group(1)).at(time.time() + 30)  # the next step's, within the window
        right = client.post("/staf/masuk/kode", data={"code": following, "csrf_token": form_token(page.text)})
        assert right.status_code == 303 and client.get("/staf").status_code == 200


def test_officers_may_add_a_second_factor(live_server: LiveServer, accounts: dict[Role, Account]) -> None:
    with live_server.client() as client:
        sign_in(client, accounts[Role.OFFICER].email)
        page = client.get("/staf/2fa")
        assert page.status_code == 200 and 'id="totp-secret"' in page.text


def test_changing_the_password_ends_the_other_sessions(live_server: LiveServer, accounts: dict[Role, Account]) -> None:
    officer = accounts[Role.OFFICER]
    with live_server.client() as here, live_server.client() as elsewhere:
        sign_in(here, officer.email)
        sign_in(elsewhere, officer.email)
        page = here.get("/staf/sandi")
        short = here.post("/staf/sandi", data={"current": PASSWORD, "new": "pendek", "again": "pendek",
                                               "csrf_token": form_token(page.text)})
        assert short.status_code == 422 and "12 karakter" in short.text
        changed = here.post("/staf/sandi", data={"current": PASSWORD, "new": "sandi-baru-yang-panjang-sekali",
                                                 "again": "sandi-baru-yang-panjang-sekali", "csrf_token": form_token(page.text)})
        assert changed.status_code == 200 and "diganti" in changed.text
        assert here.get("/staf").status_code == 200 and elsewhere.get("/staf").status_code == 303
    with live_server.client() as client:
        assert sign_in(client, officer.email, "sandi-baru-yang-panjang-sekali").status_code == 303


def test_api_tokens_act_as_their_account_without_csrf(live_server: LiveServer, accounts: dict[Role, Account]) -> None:
    with session_scope() as session:
        triage = session.exec(select(Staff).where(Staff.email == accounts[Role.TRIAGE].email)).one()
        token = service.create_api_token(session, staff=triage, name="integrasi", now=utcnow())
    with live_server.client() as client:
        assert client.get("/staf/sumber", headers={"Authorization": f"Bearer {token}"}).status_code == 200
        assert client.get("/staf/sumber", headers={"Authorization": "Bearer cettar_forged"}).status_code == 303
    with session_scope() as session:
        service.set_active(session, staff=session.exec(select(Staff).where(Staff.email == accounts[Role.TRIAGE].email)).one(),
                           active=False, by="test", now=utcnow())
    with live_server.client() as client:
        assert client.get("/staf/sumber", headers={"Authorization": f"Bearer {token}"}).status_code == 303


def test_accounts_are_checked_when_created(accounts: dict[Role, Account]) -> None:
    from cettar.errors import FieldError

    with session_scope() as session:
        for options, message in (
            ({"email": "x@y.test", "role": Role.OFFICER}, "belongs to an agency"),
            ({"email": "x@y.test", "role": Role.ADMIN, "agency_code": "DISHUB"}, "works across agencies"),
            ({"email": "x@y.test", "role": Role.OFFICER, "agency_code": "NOPE"}, "unknown agency"),
            ({"email": accounts[Role.ADMIN].email.upper(), "role": Role.ADMIN}, "already an account"),
            ({"email": "x@y.test", "role": Role.ADMIN, "password": "short"}, "at least 12"),
            ({"email": "x@y.test", "role": Role.ADMIN, "password": "aaaaaaaaaaaaaaaa"}, "repetition"),
        ):
            with pytest.raises(FieldError, match=message):
                service.create_staff(session, name="", now=utcnow(), **{"password": PASSWORD, **options})  # type: ignore[arg-type]


def test_the_first_admin_from_the_command_line(committed: str) -> None:
    from click.testing import CliRunner

    from cettar.cli import main
    from tests.staff.conftest import _clear

    runner = CliRunner()
    try:
        made = runner.invoke(main, ["staff", "create", "--email", "Kepala@Prov.test", "--role", "admin", "--password-stdin"],
                             input=PASSWORD + "\n")
        assert made.exit_code == 0 and "Created admin kepala@prov.test" in made.output and "TOTP" in made.output
        again = runner.invoke(main, ["staff", "create", "--email", "kepala@prov.test", "--role", "admin", "--password-stdin"],
                              input=PASSWORD + "\n")
        assert again.exit_code == 1 and "already an account" in again.output
        token = runner.invoke(main, ["staff", "token", "kepala@prov.test", "--name", "ci"])
        assert token.exit_code == 0 and token.output.startswith("cettar_")
        assert "Disabled" in runner.invoke(main, ["staff", "disable", "kepala@prov.test"]).output
    finally:
        _clear()


def test_full_sign_in_helper_works_for_every_role(live_server: LiveServer, accounts: dict[Role, Account]) -> None:
    for account in accounts.values():
        with live_server.client() as client:
            sign_in_fully(client, account)
            assert client.get("/staf").status_code == 200, account.role
