"""Every staff route for every role (and for nobody): allowed, or refused. A route added without a
row here fails the test, so none goes unchecked."""

from __future__ import annotations

from collections.abc import Callable

import httpx
import pytest

from cettar.db import session_scope
from cettar.sources import service as source_service
from cettar.sources.models import SourceKind
from cettar.staff.models import Role
from tests.conftest import LiveServer
from tests.staff.conftest import Account, form_token, sign_in_fully

OK, REDIRECT, FORBIDDEN = 200, 303, 403
ALL = (Role.OFFICER, Role.SUPERVISOR, Role.TRIAGE, Role.GOVERNOR, Role.ADMIN)
VIEW_SOURCES = {Role.ADMIN, Role.GOVERNOR, Role.TRIAGE}
AGENCY = {Role.OFFICER, Role.SUPERVISOR}
QUEUE = AGENCY | {Role.ADMIN, Role.GOVERNOR}
DESK = {Role.TRIAGE, Role.ADMIN, Role.GOVERNOR}
SUPERVISE = {Role.SUPERVISOR, Role.ADMIN}
DASHBOARD = {Role.GOVERNOR, Role.ADMIN, Role.SUPERVISOR}
UNAUTHORIZED = 401  # the API answers JSON, not a redirect to the sign-in page

# (method, path template, expected status by role, expected for nobody)
MATRIX: list[tuple[str, str, Callable[[Role], int], int]] = [
    ("GET", "/staf", lambda role: OK, REDIRECT),
    ("GET", "/staf/sandi", lambda role: OK, REDIRECT),
    ("POST", "/staf/sandi", lambda role: 422, REDIRECT),  # allowed; the empty form is refused field by field
    ("GET", "/staf/2fa", lambda role: OK, REDIRECT),
    ("POST", "/staf/2fa", lambda role: 422, FORBIDDEN),
    ("GET", "/staf/masuk", lambda role: OK, OK),
    ("POST", "/staf/masuk", lambda role: FORBIDDEN, FORBIDDEN),  # no sign-in form token: refused
    ("GET", "/staf/masuk/kode", lambda role: OK, REDIRECT),
    ("POST", "/staf/masuk/kode", lambda role: 401, FORBIDDEN),
    ("GET", "/staf/sumber", lambda role: OK if role in VIEW_SOURCES else FORBIDDEN, REDIRECT),
    ("POST", "/staf/sumber", lambda role: 422 if role == Role.ADMIN else FORBIDDEN, REDIRECT),
    ("POST", "/staf/sumber/{source}/aktif", lambda role: REDIRECT if role == Role.ADMIN else FORBIDDEN, REDIRECT),
    ("GET", "/staf/antrean", lambda role: OK if role in QUEUE else FORBIDDEN, REDIRECT),
    ("GET", "/staf/antrean/baris", lambda role: OK if role in QUEUE else FORBIDDEN, REDIRECT),
    # nothing ticked: refused with a message, for the roles that have bulk actions at all
    ("POST", "/staf/antrean/massal", lambda role: 422 if role in AGENCY | {Role.ADMIN} else FORBIDDEN, REDIRECT),
    ("GET", "/staf/pengaduan/{code}", lambda role: OK, REDIRECT),
    ("GET", "/staf/foto/{photo}", lambda role: OK, REDIRECT),  # a photo of that complaint, which every role may see
    # an empty note: allowed to try (and refused field by field), except for the governor's staff
    ("POST", "/staf/pengaduan/{code}/{action}", lambda role: FORBIDDEN if role == Role.GOVERNOR else 422, REDIRECT),
    ("GET", "/staf/triase", lambda role: OK if role in DESK else FORBIDDEN, REDIRECT),
    ("GET", "/staf/eskalasi", lambda role: OK if role in {Role.GOVERNOR, Role.ADMIN} else FORBIDDEN, REDIRECT),
    ("POST", "/staf/pemberitahuan/dibaca", lambda role: REDIRECT, REDIRECT),
    ("GET", "/api/v1/staff/queue", lambda role: OK if role in AGENCY else 422 if role in QUEUE else FORBIDDEN, UNAUTHORIZED),
    ("GET", "/api/v1/staff/complaints/{code}", lambda role: OK, UNAUTHORIZED),
    ("POST", "/api/v1/staff/complaints/{code}/{action}", lambda role: FORBIDDEN if role == Role.GOVERNOR else 422,
     UNAUTHORIZED),
    ("GET", "/staf/admin/staf", lambda role: OK if role == Role.ADMIN else FORBIDDEN, REDIRECT),
    ("POST", "/staf/admin/staf", lambda role: 422 if role == Role.ADMIN else FORBIDDEN, REDIRECT),
    ("POST", "/staf/admin/staf/{staff}/aktif", lambda role: REDIRECT if role == Role.ADMIN else FORBIDDEN, REDIRECT),
    ("POST", "/staf/admin/staf/{staff}/reset-2fa", lambda role: REDIRECT if role == Role.ADMIN else FORBIDDEN, REDIRECT),
    ("GET", "/staf/admin/sla", lambda role: OK if role == Role.ADMIN else FORBIDDEN, REDIRECT),
    ("POST", "/staf/admin/sla", lambda role: 422 if role == Role.ADMIN else FORBIDDEN, REDIRECT),
    ("GET", "/staf/admin/dinas", lambda role: OK if role == Role.ADMIN else FORBIDDEN, REDIRECT),
    ("POST", "/staf/admin/dinas/{agency}", lambda role: REDIRECT if role == Role.ADMIN else FORBIDDEN, REDIRECT),
    ("GET", "/staf/admin/model", lambda role: OK if role == Role.ADMIN else FORBIDDEN, REDIRECT),
    ("POST", "/staf/admin/model/{version}/promote", lambda role: 404 if role == Role.ADMIN else FORBIDDEN, REDIRECT),
    ("POST", "/staf/admin/model/rollback", lambda role: 409 if role == Role.ADMIN else FORBIDDEN, REDIRECT),  # nothing earlier
    ("POST", "/staf/admin/model/retrain", lambda role: REDIRECT if role == Role.ADMIN else FORBIDDEN, REDIRECT),
    ("GET", "/staf/admin/open311", lambda role: OK if role == Role.ADMIN else FORBIDDEN, REDIRECT),
    ("POST", "/staf/admin/open311", lambda role: 422 if role == Role.ADMIN else FORBIDDEN, REDIRECT),  # no name given
    ("POST", "/staf/admin/open311/{key_id}/cabut", lambda role: 404 if role == Role.ADMIN else FORBIDDEN, REDIRECT),
    ("GET", "/staf/dasbor", lambda role: OK if role in DASHBOARD else FORBIDDEN, REDIRECT),
    ("GET", "/staf/dasbor/cara-hitung", lambda role: OK if role in DASHBOARD else FORBIDDEN, REDIRECT),
    ("GET", "/staf/dasbor/ekspor/{name}.{fmt}", lambda role: OK if role in DASHBOARD else FORBIDDEN, REDIRECT),
    ("GET", "/api/v1/metrics/agencies", lambda role: OK if role in DASHBOARD else FORBIDDEN, UNAUTHORIZED),
    ("POST", "/staf/keluar", lambda role: REDIRECT, REDIRECT),  # last: it ends the session
]
ACTION = "note"


def test_the_matrix_names_every_staff_route() -> None:
    from cettar.main import create_app

    def flatten(routes: list[object]) -> list[object]:  # FastAPI keeps included routers as nodes of their own
        found: list[object] = []
        for route in routes:
            inner = getattr(route, "original_router", None)
            found += flatten(list(inner.routes)) if inner is not None else [route]
        return found

    routes = {(method, route.path) for route in flatten(list(create_app().routes))  # type: ignore[attr-defined]
              if getattr(route, "path", "").startswith(("/staf", "/api/v1/staff", "/api/v1/metrics"))
              for method in getattr(route, "methods", set()) if method != "HEAD"}
    listed = {(method, path.replace("{source}", "{source_id}").replace("{staff}", "{staff_id}").replace("{agency}", "{agency_id}")
                                                 .replace("{photo}", "{photo_id}"))
              for method, path, _, _ in MATRIX}
    assert routes == listed


@pytest.mark.parametrize("role", [None, *ALL], ids=lambda r: r.value if r else "nobody")
def test_each_role_gets_what_it_may(role: Role | None, live_server: LiveServer, accounts: dict[Role, Account]) -> None:
    from cettar.complaint import photos
    from cettar.types import utcnow
    from tests.complaint.test_photos import camera_jpeg
    from tests.workbench.test_workbench import complaint, file

    code = file("DISHUB")
    with session_scope() as session:
        source, _ = source_service.add_source(session, kind=SourceKind.FEED, target="https://feeds.example.test/rss")
    from sqlmodel import select

    from cettar.agency.models import Agency
    from cettar.staff.models import Staff

    filed = complaint(code)
    with session_scope() as session:
        target_staff = session.exec(select(Staff.id).where(Staff.email == accounts[Role.OFFICER].email)).one()
        target_agency = session.exec(select(Agency.id).where(Agency.code == "INSPEKTORAT")).first() or 1
        attached = photos.attach(session, session.merge(filed), [photos.prepare(photos.Upload("a.jpg", camera_jpeg()))], now=utcnow())
        photo = attached[0].id
    with live_server.client() as client:
        token = ""
        if role is not None:
            sign_in_fully(client, accounts[role])
            token = form_token(client.get("/staf").text)
        for method, template, expected, anonymous in MATRIX:
            path = template.format(source=source.id, code=code, action=ACTION, staff=target_staff, agency=target_agency, photo=photo,
                                   name="liga", fmt="csv", version=999_999, key_id=999_999)
            data = {"csrf_token": token, "active": "1"} if token else {}  # (admin posts that change nothing lasting)
            answer: httpx.Response = client.request(method, path, data=data if method == "POST" else None)
            want = expected(role) if role is not None else anonymous
            assert answer.status_code == want, f"{role} {method} {path}: {answer.status_code}, expected {want}"


def test_a_state_change_without_the_csrf_token_is_refused(live_server: LiveServer, accounts: dict[Role, Account]) -> None:
    with live_server.client() as client:
        sign_in_fully(client, accounts[Role.ADMIN])
        before = client.get("/staf/sumber")
        refused = client.post("/staf/sumber", data={"url": "https://feeds.example.test/lain"})
        assert refused.status_code == 403 and "CSRF" in refused.text
        accepted = client.post("/staf/sumber", data={"url": "https://feeds.example.test/lain",
                                                     "csrf_token": form_token(before.text)})
        assert accepted.status_code == 303
        header = client.post("/staf/sumber", data={"url": "https://feeds.example.test/lagi"},
                             headers={"X-CSRF-Token": form_token(before.text)})
        assert header.status_code == 303
        assert "feeds.example.test/lain" in client.get("/staf/sumber").text
