"""``CETTAR_LOG_FORMAT=json``: one JSON object per line, and the request id of the request that filed
a complaint on the lines of the jobs that route it and tell its reporter, in a real worker process."""

from __future__ import annotations

import json
import logging
import os
import subprocess
import sys
from pathlib import Path

import pytest
from sqlmodel import select
from starlette.testclient import TestClient

from cettar import logs
from cettar.db import session_scope
from cettar.intake.models import IntakeRecord
from cettar.main import create_app
from cettar.queue import INTAKE_QUEUE, get_queue

ROOT = Path(__file__).resolve().parents[1]


def test_a_json_line_has_the_fields_and_the_request_id_of_its_context() -> None:
    record = logging.LogRecord("cettar.x", logging.WARNING, __file__, 1, "routed %s", (7,), None)
    record.complaint_id = 7
    with logs.using_request_id("abc-123"):
        assert logs.RequestIdFilter().filter(record)
    entry = json.loads(logs.JsonFormatter().format(record))
    assert entry["message"] == "routed 7" and entry["level"] == "WARNING" and entry["logger"] == "cettar.x"
    assert entry["request_id"] == "abc-123" and entry["complaint_id"] == 7 and entry["time"].endswith("+00:00")
    assert logs.new_request_id("fine-1.2:3") == "fine-1.2:3"
    assert logs.new_request_id("no spaces\nor newlines") != "no spaces\nor newlines"  # a new one instead
    assert logs.new_request_id("x" * 65) != "x" * 65


@pytest.mark.slow
@pytest.mark.usefixtures("committed")
def test_the_request_id_follows_a_complaint_into_its_jobs(tmp_path: Path) -> None:
    with TestClient(create_app()) as client:
        answer = client.post("/api/v1/complaints", headers={"X-Request-ID": "req-follow-1"},
                             json={"text": "Lampu PJU di Jl. Kenjeran mati total sejak minggu lalu, jalan gelap.",
                                   "region_code": "3578", "reporter": {"email": "siti@example.org"}})
        other = client.post("/api/v1/complaints", json={"text": "Saluran mampet di Rungkut, rumah warga tergenang."})
    assert answer.status_code == 201 and answer.headers["x-request-id"] == "req-follow-1"
    made = other.headers["x-request-id"]
    assert len(made) == 32 and made != "req-follow-1"  # none given: one is made
    code = answer.json()["tracking_code"]
    with session_scope() as session:
        ids = {r.request_id for r in session.exec(select(IntakeRecord))}
    assert ids == {"req-follow-1", made}
    assert {job.meta.get("request_id") for job in get_queue(INTAKE_QUEUE).get_jobs()} == {"req-follow-1", made}

    log_file = tmp_path / "worker.log"
    subprocess.run([sys.executable, "-m", "cettar", "worker", "--burst"], check=True, timeout=120, capture_output=True,
                   env={**os.environ, "PYTHONPATH": str(ROOT), "CETTAR_LOG_FORMAT": "json", "CETTAR_LOG_FILE": str(log_file),
                        "CETTAR_LOG_LEVEL": "INFO"})
    lines = [json.loads(line) for line in log_file.read_text().splitlines()]  # every line is one JSON object
    ours = [line for line in lines if line["request_id"] == "req-follow-1"]
    routed = [line for line in ours if line["logger"] == "cettar.intake.service"]
    assert len(routed) == 1 and routed[0]["outcome"] in {"dispositioned", "triage"}
    # the job that routed it, and the message job its routing queued, both ran under its request id
    assert any("process_intake" in line["message"] for line in ours)
    assert any("send_reporter_message" in line["message"] for line in ours), [line["message"] for line in lines]
    assert not [line for line in lines if line["request_id"] == "req-follow-1" and code in line["message"]]  # no codes logged
