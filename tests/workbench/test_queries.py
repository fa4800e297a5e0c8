"""Lists that staff see load their relations in a fixed number of queries: an N+1 fails here
instead of crawling in production (STYLE.md, habit 9)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import event
from sqlmodel import select

from cettar.db import get_engine, session_scope
from cettar.staff import service as staff_service
from cettar.staff.models import Role, Staff
from cettar.types import utcnow
from tests.conftest import LiveServer
from tests.staff.conftest import Account, sign_in_fully
from tests.workbench.test_workbench import file


@contextmanager
def counted() -> Iterator[list[str]]:
    statements: list[str] = []

    def count(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        statements.append(statement)

    engine = get_engine()
    event.listen(engine, "before_cursor_execute", count)
    try:
        yield statements
    finally:
        event.remove(engine, "before_cursor_execute", count)


def test_the_queue_costs_the_same_queries_for_one_complaint_or_twelve(live_server: LiveServer,
                                                                     accounts: dict[Role, Account]) -> None:
    with session_scope() as session:
        officer = session.exec(select(Staff).where(Staff.email == accounts[Role.OFFICER].email)).one()
        token = staff_service.create_api_token(session, staff=officer, name="hitung", now=utcnow())
    file("DISHUB", "Lampu mati di gang pertama")
    headers = {"Authorization": f"Bearer {token}"}
    with live_server.client(headers=headers) as api, live_server.client() as pages:
        sign_in_fully(pages, accounts[Role.OFFICER])
        api.get("/api/v1/staff/queue")  # warm: caches and the first connection
        pages.get("/staf/antrean")
        with counted() as one_api:
            assert len(api.get("/api/v1/staff/queue").json()["complaints"]) == 1
        with counted() as one_page:
            assert pages.get("/staf/antrean").status_code == 200
        for n in range(11):
            file("DISHUB", f"Lampu mati di gang nomor {n}")
        with counted() as twelve_api:
            assert len(api.get("/api/v1/staff/queue").json()["complaints"]) == 12
        with counted() as twelve_page:
            assert pages.get("/staf/antrean").status_code == 200
    assert len(twelve_api) == len(one_api), twelve_api
    assert len(twelve_page) == len(one_page), twelve_page
