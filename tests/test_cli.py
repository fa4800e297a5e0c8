"""``cettar up`` on a fresh directory, as the README's run command starts it: the defaults
(SQLite in the data directory, an embedded Redis), demo data, and a clean stop on Ctrl-C."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from tests.conftest import free_port

pytestmark = pytest.mark.slow


def _wait_for(url: str, process: subprocess.Popen[bytes], seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        assert process.poll() is None, "cettar up exited"
        try:
            if httpx.get(url, timeout=1).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.2)
    raise AssertionError(f"{url} never answered")


def test_cettar_up_runs_everything_and_stops_cleanly(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("CETTAR_REDIS_URL", "CETTAR_DATABASE_URL", "CETTAR_PUBLIC_BASE_URL"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("CETTAR_ENVIRONMENT", "development")
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    process = subprocess.Popen(
        # the history (a minute's load) has its own test below; this one is about the processes
        [sys.executable, "-m", "cettar", "up", "--port", str(port), "--no-history"], cwd=tmp_path,
        env={**os.environ, "CETTAR_DATA_DIR": str(tmp_path / "var")},
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
    )
    try:
        _wait_for(f"{base}/healthz", process)
        with httpx.Client(base_url=base, timeout=10) as http:
            assert http.get("/healthz").json() == {"database": "ok", "redis": "ok"}
            assert len(http.get("/api/v1/agencies").json()) >= 30  # the demo directory
            form = http.get("/lapor").text
            submission = re.search(r'name="submission_id" value="([0-9a-f]{32})"', form)
            assert submission
            filed = http.post("/lapor", data={"submission_id": submission.group(1), "privacy": "public",
                                              "text": "Jalan berlubang dan aspal rusak di Jl. Ahmad Yani"})
            code = re.search(r'id="tracking-code">(CTR-[0-9A-Z-]+)<', filed.text)
            assert filed.status_code == 201 and code
            deadline = time.monotonic() + 20
            while (view := http.get(f"/api/v1/complaints/{code.group(1)}").json())["status"] == "received":
                assert time.monotonic() < deadline, "the worker never routed the complaint"
                time.sleep(0.2)
        assert view["status"] == "dispositioned" and view["agency"]["code"] == "DSDABM"
        assert (tmp_path / "var" / "cettar.db").exists()
        assert (tmp_path / "var" / "redis" / "redis.sock").exists()
    finally:
        process.send_signal(signal.SIGINT)
        output = process.communicate(timeout=30)[0].decode()
    assert process.returncode == 0, output
    assert "Stopped." in output and "Demo data:" in output and f"{base}/lacak/CTR-" in output
    # quiet by default: the banner, the sample links and where the log is; every job and request in the log
    assert " INFO " not in output and "Log: " in output, output
    log = (tmp_path / "var" / "logs" / "cettar.log").read_text()
    assert "rq.worker" in log and "process_intake" in log and '"POST /lapor HTTP/1.1" 201' in log
    assert not (tmp_path / "var" / "redis" / "redis.sock").exists()  # the embedded Redis is gone too


def test_a_deployment_loads_its_own_directory_and_bad_files_load_nothing(tmp_path: Path, database_url: str) -> None:
    from sqlmodel import select

    from cettar.agency.models import Agency
    from cettar.db import session_scope

    agencies = tmp_path / "agencies.csv"
    # a child before its parent: the loader must not depend on the order
    agencies.write_text("code,name,level,parent_code,region_code\n"
                        "MLG-DLH,Dinas Lingkungan Hidup Kota Malang,city,MLG,3573\n"
                        "MLG,Pemerintah Kota Malang,city,,3573\n")
    env = {**os.environ, "CETTAR_DATABASE_URL": database_url}
    run = [sys.executable, "-m", "cettar", "directory", "load"]
    loaded = subprocess.run([*run, "--agencies", str(agencies)], env=env, capture_output=True, text=True)
    assert loaded.returncode == 0, loaded.stderr
    assert "Loaded 2 agencies" in loaded.stdout
    try:
        with session_scope() as session:
            child = session.exec(select(Agency).where(Agency.code == "MLG-DLH")).one()
            parent = session.exec(select(Agency).where(Agency.code == "MLG")).one()
            assert child.parent_id == parent.id and child.region_code == "3573"

        yaml_file = tmp_path / "agencies.yaml"
        yaml_file.write_text("- code: MLG-DISHUB\n  name: Dinas Perhubungan Kota Malang\n  level: city\n"
                             "  parent_code: MLG\n  region_code: '3573'\n")
        from_yaml = subprocess.run([*run, "--agencies", str(yaml_file)], env=env, capture_output=True, text=True)
        assert from_yaml.returncode == 0 and "Loaded 1 agencies" in from_yaml.stdout, from_yaml.stderr
        with session_scope() as session:
            dishub = session.exec(select(Agency).where(Agency.code == "MLG-DISHUB")).one()
            assert dishub.parent_id == parent.id

        broken = tmp_path / "broken.csv"
        broken.write_text("code,name,level,parent_code,region_code\nX,Dinas X,ministry,,\n")
        refused = subprocess.run([*run, "--agencies", str(broken)], env=env, capture_output=True, text=True)
        assert refused.returncode == 1 and "level must be one of" in refused.stderr
        with session_scope() as session:
            assert session.exec(select(Agency).where(Agency.code == "X")).first() is None
    finally:
        with session_scope() as session:
            for code in ("MLG-DISHUB", "MLG-DLH", "MLG"):
                found = session.exec(select(Agency).where(Agency.code == code)).first()
                if found is not None:
                    session.delete(found)
                session.flush()


def test_a_worker_refuses_a_model_for_agencies_the_deployment_lacks(tmp_path: Path, database_url: str) -> None:
    from classifier import artefact
    from classifier.train import train_model
    from tests.classifier.conftest import made_up

    examples = made_up(120)
    examples.labels = [f"MALANG-{label}" for label in examples.labels]
    path = tmp_path / "malang.skops"
    artefact.save(train_model(examples, min_examples=5), path)
    env = {**os.environ, "CETTAR_DATABASE_URL": database_url, "CETTAR_MODEL_PATH": str(path)}
    refused = subprocess.run([sys.executable, "-m", "cettar", "worker", "--burst"], env=env,
                             capture_output=True, text=True, timeout=60)
    assert refused.returncode == 1
    assert "does not have: MALANG-DINSOS, MALANG-DISHUB" in refused.stderr
    assert "cettar classifier train" in refused.stderr
    broken = subprocess.run([sys.executable, "-m", "cettar", "worker", "--burst"],
                            env={**env, "CETTAR_MODEL_PATH": str(tmp_path / "missing.skops")},
                            capture_output=True, text=True, timeout=60)
    assert broken.returncode == 1 and "cannot route complaints" in broken.stderr and "no such model file" in broken.stderr


def test_seed_demo_loads_the_history_with_progress_once(committed: str, monkeypatch: pytest.MonkeyPatch) -> None:
    from click.testing import CliRunner

    from cettar import history
    from cettar.cli import main
    from cettar.db import fetch_all, session_scope

    sample = list(history.read())[:700]  # two batches of the real file
    monkeypatch.setattr(history, "read", lambda: iter(sample))
    runner = CliRunner()
    first = runner.invoke(main, ["seed-demo", "--no-complaints", "--history"])
    assert first.exit_code == 0, first.output
    assert "500 / 700" in first.output and "History loaded" in first.output and "700 new" in first.output
    with session_scope() as session:
        assert fetch_all(session, "SELECT COUNT(*) FROM complaint WHERE channel = 'history'")[0][0] == 700
        assert fetch_all(session, "SELECT SUM(received) FROM agency_day")[0][0] == 700  # the roll-up refreshed
        assert fetch_all(session, "SELECT SUM(received) FROM district_running r WHERE r.day = "
                                  "(SELECT MAX(day) FROM district_running d WHERE d.district_code = r.district_code)")[0][0] == 700
    again = runner.invoke(main, ["seed-demo", "--no-complaints", "--history"])
    assert again.exit_code == 0 and "0 new, 700 already there" in again.output
