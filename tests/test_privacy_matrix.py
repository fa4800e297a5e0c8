"""No public surface carries contact data, and none carries anything of a confidential complaint:
three privacy levels × the tracking page, the public API, the transparency page and its API, the
dashboard's exports (what a staff member could forward) and the reporter's photo. The reply on X is
the same matrix's last surface, in ``tests/ingest/test_x.py`` beside the local X API it needs."""

from __future__ import annotations

from dataclasses import replace

import pytest

from cettar.complaint import photos
from cettar.complaint.models import Privacy
from cettar.db import session_scope
from cettar.intake import service as intake_service
from cettar.metrics import jobs as metrics_jobs
from cettar.staff.models import Role
from cettar.types import utcnow
from tests.complaint.test_photos import camera_jpeg
from tests.conftest import LiveServer
from tests.intake.test_service import STREET_LIGHT
from tests.staff.conftest import Account, accounts, sign_in_fully  # noqa: F401  (accounts: the fixture)
from tests.support.routers import FixedRouter
from tests.workbench.test_workbench import act

CONTACT = ("Siti", "+6281234567890", "0812 3456 7890", "siti@example.org")
TEXT = "Lampu PJU di gang Dahlia nomor 7 mati total, rumah Bu Ratna gelap."


@pytest.mark.parametrize("privacy", list(Privacy))
def test_public_surfaces_carry_no_contact_and_nothing_confidential(live_server: LiveServer, accounts: dict[Role, Account],
                                                                   privacy: Privacy) -> None:
    with session_scope() as session:
        filed = intake_service.file_complaint(session, incoming=replace(
            STREET_LIGHT, text=TEXT, external_id=f"pm{list(Privacy).index(privacy):030d}", privacy=privacy), now=utcnow())
        assert filed.complaint.id is not None
        intake_service.process(session, complaint_id=filed.complaint.id, router=FixedRouter("DISHUB"), now=utcnow())
        code = filed.complaint.tracking_code
        photo = photos.attach(session, filed.complaint, [photos.prepare(photos.Upload("rumah.jpg", camera_jpeg()))],
                              now=utcnow())[0].id
    with live_server.client() as officer:
        sign_in_fully(officer, accounts[Role.OFFICER])
        act(officer, code, "reply", message="Petugas kami menuju gang Dahlia.")
    metrics_jobs.refresh_rollup()
    with live_server.client() as public, live_server.client() as governor:
        sign_in_fully(governor, accounts[Role.GOVERNOR])
        surfaces = {
            "tracking page": public.get(f"/lacak/{code}"),
            "public API": public.get(f"/api/v1/complaints/{code}"),
            "transparency page": public.get("/transparansi"),
            "transparency API": public.get("/api/v1/public/metrics"),
            "league export": governor.get("/staf/dasbor/ekspor/liga.csv"),
            "photo": public.get(f"/foto/{code}/{photo}"),
        }
    for name, answer in surfaces.items():
        for value in CONTACT:
            assert value not in answer.text, f"{value!r} on the {name} of a {privacy.value} complaint"
    tracked = surfaces["tracking page"], surfaces["public API"]
    if privacy == Privacy.CONFIDENTIAL:
        assert all(answer.status_code in (200, 404) and TEXT not in answer.text for answer in tracked)
        assert surfaces["public API"].status_code == 404  # without the secret it does not exist
    else:
        assert all(answer.status_code == 200 and TEXT in answer.text for answer in tracked)
    shown = surfaces["photo"]
    if privacy == Privacy.PUBLIC:
        assert shown.status_code == 200 and b"PhoneMaker" not in shown.content and b"Exif" not in shown.content
    else:
        assert shown.status_code == 404  # the officers see it; the public does not
    assert TEXT not in surfaces["transparency page"].text and TEXT not in surfaces["league export"].text
