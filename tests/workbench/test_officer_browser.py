"""An officer in a real headless Chromium (Debian's ``chromium`` through Playwright): sign in,
claim, reply, resolve; the citizen's tracking page shows the reply; hostile text stays text."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, Page, expect

from cettar.staff.models import Role
from tests.conftest import LiveServer
from tests.staff.conftest import PASSWORD, Account
from tests.test_browser import browser  # noqa: F401  (the module's Chromium)
from tests.workbench.test_workbench import complaint, file

pytestmark = [pytest.mark.slow]


@pytest.fixture
def desk(browser: Browser) -> Iterator[Page]:  # noqa: F811
    context = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True)
    page = context.new_page()
    yield page
    context.close()


def _sign_in(page: Page, base: str, account: Account) -> None:
    page.goto(f"{base}/staf")
    expect(page).to_have_url(f"{base}/staf/masuk?next=/staf")
    page.get_by_label("E-mail").fill(account.email)
    page.get_by_label("Kata sandi").fill(PASSWORD)
    page.get_by_role("button", name="Masuk").click()
    expect(page.locator("h1")).to_have_text("Beranda staf")


def test_an_officer_claims_replies_resolves_and_the_citizen_sees_the_reply(
        live_server: LiveServer, accounts: dict[Role, Account], desk: Page) -> None:
    hostile = "<img src=x onerror=\"document.title='pwned'\"><script>document.title='pwned'</script>"
    code = file("DISHUB", f"Lampu PJU mati di Jl. Kenjeran {hostile}", title="Lampu mati")
    errors: list[str] = []
    desk.on("pageerror", lambda error: errors.append(str(error)))
    dialogs: list[str] = []
    desk.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))

    base = live_server.base_url
    _sign_in(desk, base, accounts[Role.OFFICER])
    desk.get_by_role("link", name="Antrean").first.click()
    desk.get_by_role("link", name=code).click()
    expect(desk.locator("#complaint-text")).to_have_text(f"Lampu PJU mati di Jl. Kenjeran {hostile}")
    desk.locator("#claim").click()
    expect(desk.locator("#status")).to_have_text("Sedang ditangani")
    desk.get_by_label("Balasan untuk pelapor (tampil di halaman pelacakan)").fill("Petugas kami menuju lokasi hari ini.")
    desk.locator("#send-reply").click()
    expect(desk.locator("#status")).to_have_text("Ditanggapi")
    desk.get_by_label("Catatan penyelesaian").fill("Lampu sudah diganti baru.")
    desk.locator("#resolve").click()
    expect(desk.locator("#status")).to_have_text("Selesai")
    width = desk.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, f"the complaint page is wider than the phone ({width}px)"

    desk.goto(f"{base}/lacak/{code}")
    expect(desk.locator("body")).to_contain_text("Petugas kami menuju lokasi hari ini.")
    expect(desk.locator("body")).to_contain_text("Lampu sudah diganti baru.")
    assert desk.title() != "pwned" and dialogs == [] and errors == []
    assert complaint(code).status == "resolved"


def test_the_queue_refreshes_itself(live_server: LiveServer, accounts: dict[Role, Account], desk: Page) -> None:
    base = live_server.base_url
    _sign_in(desk, base, accounts[Role.OFFICER])
    desk.goto(f"{base}/staf/antrean")
    expect(desk.locator("#queue-rows")).to_contain_text("Antrean kosong")
    code = file("DISHUB", "Lampu jalan mati di Jl. Manyar")
    desk.evaluate("document.dispatchEvent(new Event('visibilitychange'))")  # what returning to the tab does
    expect(desk.locator("#queue-rows")).to_contain_text(code, timeout=10_000)
