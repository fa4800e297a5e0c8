"""/readyz names what is not ready; /metrics is Prometheus text, closed to other machines without the token."""

from __future__ import annotations

from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from cettar import queue
from cettar.migrate import upgrade
from cettar.settings import get_settings
from tests.conftest import LiveServer


def reset(monkeypatch: pytest.MonkeyPatch, **env: str) -> TestClient:
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    get_settings.cache_clear()
    queue.get_redis.cache_clear()
    from cettar.db import _engine_for
    from cettar.main import create_app

    _engine_for.cache_clear()
    return TestClient(create_app())


def test_ready_when_everything_answers(live_server: LiveServer) -> None:
    with live_server.client() as client:
        answer = client.get("/readyz")
    assert answer.status_code == 200 and answer.json()["ready"] is True
    assert set(answer.json()["checks"]) == {"database", "migrations", "redis", "model"}


@pytest.mark.usefixtures("database_url")
def test_not_ready_names_the_dependency_that_is_down(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    def failed(client: TestClient) -> set[str]:
        answer = client.get("/readyz")
        assert answer.status_code == 503, answer.text
        return {name for name, check in answer.json()["checks"].items() if not check["ok"]}

    working_redis = get_settings().redis_url
    assert failed(reset(monkeypatch, CETTAR_REDIS_URL="redis://127.0.0.1:1/0")) == {"redis"}
    assert failed(reset(monkeypatch, CETTAR_REDIS_URL=working_redis, CETTAR_MODEL_PATH=str(tmp_path / "gone.skops"))) == {"model"}
    behind = f"sqlite:///{tmp_path / 'old.db'}"
    upgrade(behind, "0023")
    monkeypatch.delenv("CETTAR_MODEL_PATH")
    assert failed(reset(monkeypatch, CETTAR_DATABASE_URL=behind)) == {"migrations"}
    assert failed(reset(monkeypatch, CETTAR_DATABASE_URL="postgresql://nobody@127.0.0.1:1/none")) == {"database"}


def test_metrics_count_requests_by_route_and_read_the_shared_state(live_server: LiveServer, monkeypatch: pytest.MonkeyPatch) -> None:
    with live_server.client() as client:
        code = client.post("/api/v1/complaints", json={"text": "Sampah menumpuk di TPS dekat pasar"}).json()["tracking_code"]
        assert client.get(f"/lacak/{code}").status_code == 200
        page = client.get("/metrics")
        assert page.status_code == 200 and page.headers["content-type"].startswith("text/plain")
        assert client.get("/metrics", headers={"X-Forwarded-For": "203.0.113.9"}).status_code == 404  # behind a proxy: public
    body = page.text
    assert 'cettar_http_requests_total{method="GET",route="/lacak/{code}",status="200"}' in body
    assert code not in body  # route templates, never a tracking code
    assert 'cettar_complaints{status="received"} 1' in body or 'cettar_complaints{status="dispositioned"} 1' in body
    assert 'cettar_queue_jobs{queue="intake"}' in body and "cettar_sla_breaches 0" in body
    client = reset(monkeypatch, CETTAR_METRICS_TOKEN="s3cret-scraper-token")
    assert client.get("/metrics").status_code == 404  # not this machine, no token
    assert client.get("/metrics", headers={"Authorization": "Bearer wrong"}).status_code == 404
    assert client.get("/metrics", headers={"Authorization": "Bearer s3cret-scraper-token"}).status_code == 200
