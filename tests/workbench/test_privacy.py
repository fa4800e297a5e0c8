"""Privacy that means what it says, on the staff side: the officers of a public complaint see who to
call back; an anonymous or confidential reporter's identity is hidden from staff too; staff pages
mark those levels, and staff may raise a level, never lower it. The public surfaces' side (no contact
data anywhere public) is covered where each surface is tested."""

from __future__ import annotations

from dataclasses import replace

import pytest

from cettar.complaint.models import Privacy
from cettar.db import session_scope
from cettar.intake import service as intake_service
from cettar.staff.models import Role
from cettar.types import utcnow
from tests.conftest import LiveServer
from tests.intake.test_service import STREET_LIGHT
from tests.staff.conftest import Account, accounts, form_token, sign_in_fully  # noqa: F401  (accounts: the fixture)
from tests.support.routers import FixedRouter
from tests.workbench.test_workbench import act, complaint


def _filed(privacy: Privacy, n: int) -> str:
    with session_scope() as session:
        filed = intake_service.file_complaint(session, incoming=replace(STREET_LIGHT, external_id=f"p{n:031d}",
                                                                        privacy=privacy), now=utcnow())
        assert filed.complaint.id is not None
        intake_service.process(session, complaint_id=filed.complaint.id, router=FixedRouter("DISHUB"), now=utcnow())
        return filed.complaint.tracking_code


@pytest.mark.parametrize("privacy", list(Privacy))
def test_the_reporter_is_shown_to_the_officers_only_when_public(live_server: LiveServer, accounts: dict[Role, Account],
                                                                privacy: Privacy) -> None:
    code = _filed(privacy, list(Privacy).index(privacy))
    with live_server.client() as client:
        sign_in_fully(client, accounts[Role.OFFICER])
        page = client.get(f"/staf/pengaduan/{code}").text
        queue = client.get("/staf/antrean").text
    shown = "+6281234567890" in page or "siti@example.org" in page or "Siti" in page
    assert shown == (privacy == Privacy.PUBLIC)
    if privacy == Privacy.PUBLIC:
        assert 'href="tel:+6281234567890"' in page and 'id="privacy-badge"' not in page
    else:
        assert "identitas disembunyikan" in page and 'id="privacy-badge"' in page
        assert f"privacy-{privacy.value}" in queue  # marked in the queue too


def test_staff_raise_the_level_and_never_lower_it(live_server: LiveServer, accounts: dict[Role, Account]) -> None:
    code = _filed(Privacy.PUBLIC, 7)
    with live_server.client() as client:
        sign_in_fully(client, accounts[Role.OFFICER])
        assert act(client, code, "privacy", level="confidential").status_code == 422
        assert act(client, code, "privacy", level="anonymous").status_code == 303
        assert complaint(code).privacy == Privacy.ANONYMOUS
        page = client.get(f"/staf/pengaduan/{code}").text
        assert "+6281234567890" not in page and 'id="make-anonymous"' not in page
        back = client.post(f"/staf/pengaduan/{code}/privacy", data={"csrf_token": form_token(page), "level": "public"})
        assert back.status_code == 409 and complaint(code).privacy == Privacy.ANONYMOUS
