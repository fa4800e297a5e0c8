"""Every door leaves the same trail: what an admin changes on a page and what an operator changes with
the `cettar` command are audited by the service both call."""

from __future__ import annotations

import getpass
from collections.abc import Iterator

import pytest
from click.testing import CliRunner
from sqlalchemy import text
from sqlmodel import col, select

from cettar.audit.models import AuditEntry
from cettar.cli import main
from cettar.db import get_engine, session_scope


@pytest.fixture
def clean(committed: str) -> Iterator[None]:
    yield
    with get_engine().begin() as connection:
        for table in ("audit_entry", "staff_session", "api_token", "staff", "source_item", "source"):
            connection.execute(text(f"DELETE FROM {table}"))


def _trail() -> list[tuple[str, str, str]]:
    with session_scope() as session:
        return [(e.actor, e.action, e.target) for e in session.exec(select(AuditEntry).order_by(col(AuditEntry.id)))]


def test_the_command_line_is_audited_like_the_admin_pages(clean: None) -> None:
    runner = CliRunner()
    operator = f"cli:{getpass.getuser()}"
    made = runner.invoke(main, ["staff", "create", "--email", "Petugas@Dishub.test", "--role", "officer",
                                "--agency", "DISHUB", "--password-stdin"], input="kata-sandi-yang-panjang\n")
    assert made.exit_code == 0, made.output
    assert runner.invoke(main, ["staff", "disable", "petugas@dishub.test"]).exit_code == 0
    assert runner.invoke(main, ["staff", "enable", "petugas@dishub.test"]).exit_code == 0
    assert runner.invoke(main, ["staff", "token", "petugas@dishub.test", "--name", "kanal WA"]).exit_code == 0
    added = runner.invoke(main, ["ingest", "add-feed", "https://berita.example.test/rss"])
    assert added.exit_code == 0, added.output
    again = runner.invoke(main, ["ingest", "add-feed", "https://berita.example.test/rss"])  # already there
    assert again.exit_code == 0
    assert _trail() == [
        (operator, "staff.create", "petugas@dishub.test"),
        (operator, "staff.disable", "petugas@dishub.test"),
        (operator, "staff.enable", "petugas@dishub.test"),
        (operator, "token.create", "petugas@dishub.test"),
        (operator, "source.add", "https://berita.example.test/rss"),  # once: the second add changed nothing
    ]
