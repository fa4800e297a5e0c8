"""Nothing the form accepted is lost: not when Redis is down, not when a worker is killed mid-job.

These run the real processes: the web app over HTTP, ``cettar intake sweep`` and ``cettar worker``
as subprocesses, and a Redis server of the test's own (so that it can be stopped and started).
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from sqlmodel import col, func, select

from cettar import queue
from cettar.complaint.models import Complaint, ComplaintEvent
from cettar.db import session_scope
from cettar.embedded_redis import EmbeddedRedis
from cettar.intake.models import IntakeRecord
from cettar.settings import get_settings
from tests.conftest import LiveServer

ROOT = Path(__file__).resolve().parents[2]
pytestmark = [pytest.mark.slow, pytest.mark.usefixtures("committed")]


def cettar(*args: str, timeout: float = 60) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "cettar", *args], capture_output=True, text=True, timeout=timeout,
        env={**os.environ, "PYTHONPATH": str(ROOT)}, check=True,
    )


def routing_events_per_complaint() -> dict[int, int]:
    with session_scope() as session:
        rows = session.exec(
            select(ComplaintEvent.complaint_id, func.count())
            .where(col(ComplaintEvent.from_status) == "received")
            .group_by(col(ComplaintEvent.complaint_id))
        ).all()
    return {complaint_id: count for complaint_id, count in rows}


def _wait_gone(pid: int, *, group: bool = False) -> None:
    """Until the process (or, with ``group``, every process of the group it leads) is gone."""
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        try:
            (os.killpg if group else os.kill)(pid, 0)
        except ProcessLookupError:
            return
        time.sleep(0.05)
    raise AssertionError(f"{'a process of the group of' if group else 'process'} {pid} is still alive")


def use_redis(monkeypatch: pytest.MonkeyPatch, url: str) -> None:
    monkeypatch.setenv("CETTAR_REDIS_URL", url)
    get_settings.cache_clear()
    queue.get_redis.cache_clear()


def test_complaints_filed_while_redis_is_down_are_each_processed_once_it_is_back(
    live_server: LiveServer, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    server = EmbeddedRedis(tmp_path / "redis")
    server.start()
    use_redis(monkeypatch, server.url)
    monkeypatch.setenv("CETTAR_INTAKE_REQUEUE_AFTER", "0")
    texts = [f"Lampu PJU mati di gang {n}, jalan gelap" for n in range(5)]
    try:
        server.stop()
        codes, seconds = [], []
        with live_server.client() as http:
            for text in texts:
                started = time.monotonic()
                answer = http.post("/api/v1/complaints", json={"text": text})
                seconds.append(time.monotonic() - started)
                assert answer.status_code == 201, answer.text
                codes.append(answer.json()["tracking_code"])
            assert http.get("/healthz").json()["redis"] == "unreachable"
        assert max(seconds) < 2.5, f"intake waited on the absent Redis: {seconds}"
        with session_scope() as session:
            assert session.exec(select(func.count()).select_from(IntakeRecord).where(col(IntakeRecord.processed_at).is_(None))).one() == 5

        server.start()
        assert "Re-sent 5" in cettar("intake", "sweep").stdout
        cettar("worker", "--burst")
        # a second sweep and worker find nothing left to do, and do no harm
        assert "Re-sent 0" in cettar("intake", "sweep").stdout
        cettar("worker", "--burst")
    finally:
        server.stop()

    with session_scope() as session:
        complaints = session.exec(select(Complaint).where(col(Complaint.tracking_code).in_(codes))).all()
        assert sorted(c.status for c in complaints) == ["dispositioned"] * 5
        records = session.exec(select(IntakeRecord)).all()
        assert all(r.processed_at is not None for r in records) and len(records) == 5
    assert sorted(routing_events_per_complaint().values()) == [1, 1, 1, 1, 1]


@pytest.mark.parametrize("mode", ["in-process", "fork"])
def test_a_worker_killed_mid_job_loses_nothing_processes_once_and_leaves_no_process_behind(
    live_server: LiveServer, monkeypatch: pytest.MonkeyPatch, tmp_path: Path, mode: str
) -> None:
    marker = tmp_path / "job-started"
    monkeypatch.setenv("CETTAR_TEST_MARKER", str(marker))
    monkeypatch.setenv("CETTAR_ROUTER", "tests.support.slow_router:SlowRouter")
    monkeypatch.setenv("CETTAR_INTAKE_REQUEUE_AFTER", "0")
    with live_server.client() as http:
        code = http.post("/api/v1/complaints", json={"text": "Sampah menumpuk di TPS dekat pasar"}).json()["tracking_code"]

    worker = subprocess.Popen(
        [sys.executable, "-m", "cettar", "worker", *(["--fork"] if mode == "fork" else [])],
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True,
    )
    try:
        deadline = time.monotonic() + 30
        while not marker.exists():
            assert time.monotonic() < deadline, "the worker never started the job"
            assert worker.poll() is None, "the worker died by itself"
            time.sleep(0.05)
        runs_job = int(marker.read_text())
        assert (runs_job != worker.pid) == (mode == "fork")  # a forked work-horse, or the worker itself
        os.kill(worker.pid, signal.SIGKILL)  # the worker alone, mid-job: what an OOM kill or a lost machine does
        worker.wait(timeout=10)
        _wait_gone(runs_job)  # a work-horse dies with its worker ...
        _wait_gone(worker.pid, group=True)  # ... and nothing else it started lives on (no scheduler child)
    finally:
        if worker.poll() is None:
            os.killpg(worker.pid, signal.SIGKILL)

    with session_scope() as session:
        complaint = session.exec(select(Complaint).where(Complaint.tracking_code == code)).one()
        assert complaint.status == "received"  # the killed job's transaction left nothing behind

    assert "Re-sent 1" in cettar("intake", "sweep").stdout
    cettar("worker", "--burst")
    with session_scope() as session:
        complaint = session.exec(select(Complaint).where(Complaint.tracking_code == code)).one()
        assert complaint.status == "dispositioned"
        assert complaint.id is not None
    assert routing_events_per_complaint() == {complaint.id: 1}
