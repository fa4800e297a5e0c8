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


def test_the_queue_on_a_phone_is_cards_with_whole_words(live_server: LiveServer, accounts: dict[Role, Account],
                                                        desk: Page) -> None:
    codes = [file("DISHUB", f"Penerangan jalan umum Kenjeran-Bulak padam berkepanjangan nomor {n}") for n in range(3)]
    base = live_server.base_url
    _sign_in(desk, base, accounts[Role.SUPERVISOR])
    desk.goto(f"{base}/staf/antrean")
    for code in codes:
        expect(desk.locator("#queue-rows")).to_contain_text(code)
    width = desk.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, f"the queue is wider than the phone ({width}px)"
    summary = desk.locator("td.summary").first.bounding_box()
    assert summary is not None and summary["width"] > 250  # a card's full width, not a sliver of a column
    # the status label stays on one or two lines: words are not broken letter by letter
    status = desk.locator("#queue-rows tr").first.locator("td[data-label]").first
    line = float(status.evaluate("e => parseFloat(getComputedStyle(e).lineHeight) || 20"))
    box = status.bounding_box()
    assert box is not None and box["height"] <= 2.5 * line, box
    # the bulk actions a supervisor has, with pickers
    expect(desk.locator("fieldset.bulk select[name=action] option")).to_have_count(3)
    desk.locator("#queue-rows input[type=checkbox]").first.check()
    desk.locator("fieldset.bulk select[name=action]").select_option("claim")
    desk.get_by_role("button", name="Terapkan").click()
    expect(desk.locator("#queue-rows")).to_contain_text("Supervisor")


def test_the_triage_desk_routes_by_suggestion_or_by_a_deliberate_choice(
        live_server: LiveServer, accounts: dict[Role, Account], desk: Page) -> None:
    from cettar.complaint.models import Complaint
    from cettar.db import session_scope
    from sqlmodel import select

    unsure, other = file(None, "Saluran air tersumbat sampah"), file(None, "Pohon tumbang di taman kota")
    with session_scope() as session:
        row = session.exec(select(Complaint).where(Complaint.tracking_code == unsure)).one()
        row.routing_suggestions = [{"agency_code": "DLH", "confidence": 0.21, "by": "model"},
                                   {"agency_code": "DSDABM", "confidence": 0.44, "by": "model"}]
        session.add(row)
    base = live_server.base_url
    _sign_in(desk, base, accounts[Role.TRIAGE])
    desk.goto(f"{base}/staf/triase")
    card = desk.locator("article.triage", has_text=unsure)
    buttons = card.locator("form.inline button").all_inner_texts()  # the suggestions (spam is a link)
    assert buttons[0].startswith("Dinas Sumber Daya Air") and "44 %" in buttons[0], buttons  # most confident first
    free = desk.locator("article.triage", has_text=other).locator("select[name=agency_code]")
    assert free.input_value() == ""  # nothing chosen until someone chooses
    desk.locator("article.triage", has_text=other).get_by_role("button", name="Teruskan").click()
    expect(desk).to_have_url(f"{base}/staf/triase")  # the browser asks for a choice; nothing was sent
    assert complaint(other).status == "triage"
    free.select_option("DLH")
    desk.locator("article.triage", has_text=other).get_by_role("button", name="Teruskan").click()
    expect(desk.locator("body")).not_to_contain_text(other)
    assert complaint(other).status == "dispositioned"
    card.locator("form.inline button").first.click()
    expect(desk.locator("body")).not_to_contain_text(unsure)
    assert complaint(unsure).status == "dispositioned"
    width = desk.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, f"the triage desk is wider than the phone ({width}px)"


def test_the_reporter_answers_on_the_phone_and_the_officer_sees_it(live_server: LiveServer,
                                                                   accounts: dict[Role, Account], desk: Page) -> None:
    from tests.staff.conftest import sign_in_fully
    from tests.workbench.test_workbench import act

    code = file("DISHUB", "Lampu PJU mati di Jl. Kenjeran")
    with live_server.client() as officer:
        sign_in_fully(officer, accounts[Role.OFFICER])
        act(officer, code, "ask", question="Di depan nomor berapa?")
    base = live_server.base_url
    desk.goto(f"{base}/lacak/{code}")
    expect(desk.locator("#status")).to_have_attribute("data-status", "waiting_citizen")
    desk.get_by_label("Jawab pertanyaan petugas").fill("Di depan rumah nomor 12, dekat musala.")
    desk.get_by_role("button", name="Kirim", exact=True).click()
    expect(desk.locator("#done")).to_contain_text("Pesan Anda terkirim")
    expect(desk.locator("#status")).to_have_attribute("data-status", "in_progress")
    expect(desk.locator("ol.timeline")).to_contain_text("Di depan rumah nomor 12, dekat musala.")
    width = desk.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, f"the tracking page is wider than the phone ({width}px)"
    _sign_in(desk, base, accounts[Role.OFFICER])
    desk.goto(f"{base}/staf/pengaduan/{code}")
    expect(desk.locator("ol.timeline")).to_contain_text("Di depan rumah nomor 12, dekat musala.")
    assert complaint(code).status == "in_progress"
