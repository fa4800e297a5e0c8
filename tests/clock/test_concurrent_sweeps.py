"""Several workers sweeping at the same moment record every breach exactly once."""

import threading
from dataclasses import replace
from datetime import timedelta

import pytest
from sqlmodel import col, func, select

from cettar.staff.models import Notification
from cettar.complaint.sweep import SweepResult, sweep
from cettar.complaint.models import ComplaintEvent
from cettar.db import session_scope
from cettar.intake import service as intake_service
from tests.clock.test_clocks import ESCALATE, at
from tests.intake.test_service import STREET_LIGHT
from tests.support.routers import FixedRouter

pytestmark = pytest.mark.usefixtures("committed")


def test_four_sweeps_at_once_record_each_breach_once() -> None:
    received = at(2026, 2, 9, 9, 0)
    with session_scope() as session:
        for n in range(20):
            complaint = intake_service.file_complaint(
                session, incoming=replace(STREET_LIGHT, external_id=f"{n:032d}"), now=received).complaint
            assert complaint.id is not None
            intake_service.process(session, complaint_id=complaint.id, router=FixedRouter("DISHUB"), now=received)
        session.info.pop("pending_jobs", None)  # no worker in this test

    late = at(2026, 3, 2, 9, 0)  # past the first response and resolution deadlines
    results: list[SweepResult] = []
    errors: list[BaseException] = []
    start = threading.Barrier(4)

    def one_sweep() -> None:
        try:
            start.wait()
            with session_scope() as session:
                results.append(sweep(session, now=late, escalate_after=ESCALATE))
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    threads = [threading.Thread(target=one_sweep) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert errors == []
    assert sum(r.breaches for r in results) == 40  # 20 complaints x (first response, resolution)
    with session_scope() as session:
        recorded = session.exec(select(func.count()).select_from(ComplaintEvent)
                                .where(col(ComplaintEvent.kind) == "sla_breach")).one()
        notified = session.exec(select(func.count()).select_from(Notification)).one()
    assert recorded == 40
    assert notified == 20  # nobody holds them: the supervisors, once per complaint for the day despite two clocks
