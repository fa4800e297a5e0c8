"""The governor's staff's dashboard in a real headless Chromium, at desktop width and on a 390 px
phone: charts drawn, filters kept in the URL, no sideways scrolling. Screenshots are kept in
``test-artifacts/`` for a person to look at."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urlparse

import pytest
from playwright.sync_api import Browser, expect

from cettar.metrics import jobs as metrics_jobs
from cettar.staff.models import Role
from tests.conftest import LiveServer
from tests.dashboard.test_pages import file
from tests.staff.conftest import Account, sign_in_fully
from tests.test_browser import browser  # noqa: F401  (the module's Chromium)

pytestmark = [pytest.mark.slow]
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"


@pytest.mark.parametrize("width", [1280, 390])
def test_the_dashboard_on_a_desk_and_on_a_phone(width: int, live_server: LiveServer, accounts: dict[Role, Account],
                                                 browser: Browser) -> None:  # noqa: F811
    for agency in ("DISHUB", "DISHUB", "DLH", "DSDABM"):
        file(agency, answered=True)
    file("DISHUB", answered=True, channel="news", source="feed:3")
    metrics_jobs.refresh_rollup()
    with live_server.client() as client:  # the governor's staff, second factor and all, then the cookie to the browser
        sign_in_fully(client, accounts[Role.GOVERNOR])
        cookie = client.cookies.get("cettar_staff")
    assert cookie
    context = browser.new_context(viewport={"width": width, "height": 900}, is_mobile=width < 500)
    context.add_cookies([{"name": "cettar_staff", "value": cookie, "domain": "127.0.0.1", "path": "/"}])
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.goto(f"{live_server.base_url}/staf")
    expect(page.locator("h1")).to_have_text("Dasbor responsivitas")
    assert page.locator("figure.chart svg").count() >= 3
    assert page.locator("figure.chart svg title").first.text_content()
    expect(page.locator("table.league")).to_contain_text("Dinas Perhubungan")
    page.select_option("select[name=channel]", "news")
    page.get_by_role("button", name="Terapkan").click()
    assert "channel=news" in urlparse(page.url).query
    expect(page.locator("table.league tbody tr")).to_have_count(1)
    expect(page.locator("select[name=channel]")).to_have_value("news")
    page.goto(f"{live_server.base_url}/staf/dasbor")
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"dashboard-{width}.png"), full_page=True)
    scroll = page.evaluate("document.documentElement.scrollWidth")
    assert scroll <= width, f"the dashboard is wider than the screen ({scroll}px > {width}px)"
    page.get_by_role("link", name="Cara menghitung").click()
    expect(page.locator("h1")).to_have_text("Cara menghitung rapor CETTAR")
    page.goto(f"{live_server.base_url}/transparansi")
    expect(page.locator("h1")).to_have_text("Transparansi layanan pengaduan")
    page.screenshot(path=str(ARTIFACTS / f"transparency-{width}.png"), full_page=True)
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    assert errors == []
    context.close()
