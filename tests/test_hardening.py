"""Headers, the API documentation without a CDN, and bodies over the limit however they are sent."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from starlette.testclient import TestClient

from cettar.main import MAX_BODY_BYTES, create_app
from cettar.settings import get_settings
from tests.conftest import LiveServer


def test_every_page_carries_the_security_headers(live_server: LiveServer) -> None:
    with live_server.client() as client:
        page = client.get("/lapor")
    assert "geolocation=(self)" in page.headers["permissions-policy"] and "camera=()" in page.headers["permissions-policy"]
    assert "strict-transport-security" not in page.headers  # plain http: HSTS would only confuse a browser
    assert "script-src 'self'" in page.headers["content-security-policy"]


@pytest.fixture
def https_app(monkeypatch: pytest.MonkeyPatch, committed: str) -> Iterator[TestClient]:
    monkeypatch.setenv("CETTAR_PUBLIC_BASE_URL", "https://lapor.jatimprov.example")
    get_settings.cache_clear()
    with TestClient(create_app()) as client:
        yield client
    get_settings.cache_clear()


def test_hsts_when_the_public_address_is_https(https_app: TestClient) -> None:
    answer = https_app.get("/lapor")
    assert answer.headers["strict-transport-security"].startswith("max-age=31536000")


def test_the_api_documentation_is_served_from_the_package(live_server: LiveServer) -> None:
    with live_server.client() as client:
        docs = client.get("/docs")
        assert docs.status_code == 200
        assert "cdn." not in docs.text and "https://" not in docs.text
        assert "'unsafe-inline'" not in docs.headers["content-security-policy"].split("script-src")[1].split(";")[0]
        for asset in ("/docs/assets/swagger-ui-bundle.js", "/docs/assets/swagger-ui.css", "/static/api-docs.js"):
            assert client.get(asset).status_code == 200, asset
        assert client.get("/redoc").status_code == 404  # ReDoc would load from a CDN: not offered
        schema = client.get("/openapi.json").json()
    queue = schema["paths"]["/api/v1/staff/queue"]["get"]["responses"]["200"]["content"]["application/json"]["schema"]
    assert queue["$ref"].endswith("/StaffQueuePublic")  # the staff API is described, not an empty object


def test_the_docs_can_be_switched_off(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CETTAR_API_DOCS", "false")
    get_settings.cache_clear()
    try:
        with TestClient(create_app()) as client:
            assert client.get("/docs").status_code == 404
    finally:
        get_settings.cache_clear()


def test_a_chunked_body_over_the_limit_gets_413(live_server: LiveServer) -> None:
    def chunks() -> Iterator[bytes]:  # no Content-Length: the limit must count what arrives
        for _ in range(MAX_BODY_BYTES // 4096 + 2):
            yield b"text=" + b"a" * 4091

    with live_server.client() as client:
        answer = client.post("/api/v1/complaints", content=chunks(),
                             headers={"Content-Type": "application/x-www-form-urlencoded"})
        assert answer.status_code == 413
        declared = client.post("/api/v1/complaints", content=b"x" * (MAX_BODY_BYTES + 1),
                               headers={"Content-Type": "application/json"})
        assert declared.status_code == 413


def test_a_nul_character_is_refused_wherever_it_comes(live_server: LiveServer) -> None:
    with live_server.client() as client:
        assert client.get("/api/v1/public/metrics", params={"from": "2026-01-01\x00"}).status_code == 422
        assert client.post("/api/v1/complaints", content=b"text=lampu%00mati",
                           headers={"Content-Type": "application/x-www-form-urlencoded"}).status_code == 422
        assert client.post("/api/v1/complaints", content=b'{"text": "lampu\\u0000mati"}',
                           headers={"Content-Type": "application/json"}).status_code == 422
        assert client.post("/api/v1/complaints", json={"text": "lampu 100% mati"}).status_code in (201, 202)
