"""A citizen in a real headless Chromium (Debian's ``chromium``, driven by Playwright)."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect, sync_playwright

from tests.conftest import LiveServer

CHROMIUM = os.environ.get("CETTAR_TEST_CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"
pytestmark = [pytest.mark.slow, pytest.mark.usefixtures("committed")]
FLAGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
         "--disable-component-update", "--disable-sync"]


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    if not os.path.exists(CHROMIUM):
        pytest.fail(f"no Chromium at {CHROMIUM}: apt-get install -y chromium (or set CETTAR_TEST_CHROMIUM)")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=FLAGS)
        yield browser
        browser.close()


@pytest.fixture
def phone(browser: Browser) -> Iterator[Page]:
    context = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True,
                                  locale="en-US")
    page = context.new_page()
    yield page
    context.close()


def test_a_citizen_files_on_a_phone_and_sees_the_complaint_routed(live_server: LiveServer, phone: Page) -> None:
    errors: list[str] = []
    phone.on("pageerror", lambda error: errors.append(str(error)))
    phone.goto(f"{live_server.base_url}/lapor")
    expect(phone.locator("html")).to_have_attribute("lang", "id")  # Indonesian, whatever the phone's language
    phone.get_by_label("Isi pengaduan").fill("Lampu PJU di Jl. Kenjeran mati, jalan gelap setiap malam.")
    phone.get_by_label("Kecamatan").select_option(label="Kenjeran")
    phone.get_by_label("Nomor telepon/WhatsApp").fill("0812 3456 7890")
    phone.get_by_role("button", name="Kirim pengaduan").click()

    code = phone.locator("#tracking-code").inner_text()
    assert re.fullmatch(r"CTR-[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}", code)
    worker = subprocess.Popen([sys.executable, "-m", "cettar", "worker"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        phone.locator("#track-link").click()
        # the page refreshes itself while the complaint is being routed
        expect(phone.locator("#status")).to_have_attribute("data-status", "dispositioned", timeout=20_000)
    finally:
        worker.terminate()
        worker.wait(timeout=20)
    expect(phone.locator("#agency")).to_have_text("Dinas Perhubungan")
    assert "0812" not in phone.content()
    width = phone.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, f"the page is wider than the phone ({width}px)"
    assert errors == []


def test_field_errors_appear_next_to_the_field_and_english_is_one_tap_away(live_server: LiveServer, phone: Page) -> None:
    phone.goto(f"{live_server.base_url}/lapor")
    phone.get_by_role("link", name="English").click()
    phone.get_by_label("E-mail").fill("ani@")
    phone.get_by_role("button", name="Send complaint").click()
    expect(phone.locator("#text-error")).to_have_text("Write what the complaint is about.")
    expect(phone.locator("#email-error")).to_have_text("Not a valid e-mail address.")
    expect(phone.get_by_label("Complaint *")).to_have_attribute("aria-invalid", "true")


def test_a_script_in_a_complaint_shows_as_text_and_runs_nothing(live_server: LiveServer, phone: Page) -> None:
    payload = '<img src=x onerror="document.title=\'pwned\'"><script>document.title="pwned"</script>'
    dialogs: list[str] = []
    phone.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    phone.goto(f"{live_server.base_url}/lapor")
    phone.get_by_label("Isi pengaduan").fill(f"Jalan rusak {payload}")
    phone.get_by_role("button", name="Kirim pengaduan").click()
    phone.locator("#track-link").click()
    expect(phone.locator("#complaint-text")).to_have_text(f"Jalan rusak {payload}")
    assert phone.title() != "pwned" and dialogs == []


def test_the_district_list_follows_the_city_and_the_code_can_be_copied(live_server: LiveServer, phone: Page) -> None:
    errors: list[str] = []
    phone.on("pageerror", lambda error: errors.append(str(error)))
    phone.goto(f"{live_server.base_url}/lapor")
    surabaya = phone.locator('#district_code optgroup[data-region="3578"]')
    phone.get_by_label("Kota/kabupaten").select_option("3578")
    expect(surabaya).not_to_have_attribute("hidden", "")
    phone.get_by_label("Kecamatan").select_option(label="Kenjeran")
    other = phone.locator("#region_code option").nth(2).get_attribute("value")
    assert other and other != "3578"
    phone.get_by_label("Kota/kabupaten").select_option(other)
    expect(surabaya).to_have_attribute("hidden", "")  # Surabaya's districts are not offered for another regency
    assert phone.locator("#district_code").input_value() == ""  # nor kept once the regency changed
    phone.get_by_label("Kota/kabupaten").select_option("3578")
    phone.get_by_label("Kecamatan").select_option(label="Kenjeran")
    phone.get_by_label("Isi pengaduan").fill("Trotoar di Jl. Kenjeran rusak dan membahayakan pejalan kaki.")
    phone.get_by_role("button", name="Kirim pengaduan").click()
    expect(phone.locator("#expected")).to_contain_text("paling lambat")
    expect(phone.get_by_role("button", name="Cetak")).to_be_visible()
    assert errors == []


def test_a_citizen_attaches_photos_on_the_form_and_adds_one_on_the_tracking_page(
    live_server: LiveServer, phone: Page, tmp_path: Path
) -> None:
    from tests.complaint.test_photos import camera_jpeg

    first, second, third = (tmp_path / "kamera1.jpg", tmp_path / "kamera2.jpg", tmp_path / "catatan.txt")
    first.write_bytes(camera_jpeg(1200, 900, colour=(200, 30, 30)))
    second.write_bytes(camera_jpeg(900, 1200, colour=(30, 30, 200)))
    third.write_bytes(b"bukan gambar")
    phone.goto(f"{live_server.base_url}/lapor")
    phone.get_by_label("Isi pengaduan").fill("Jembatan kayu di kampung retak, anak-anak lewat setiap pagi.")
    phone.get_by_label("Foto (tidak wajib)").set_input_files([str(third)])
    phone.get_by_role("button", name="Kirim pengaduan").click()
    expect(phone.locator("#photos-error")).to_contain_text("bukan gambar")  # named next to the field
    expect(phone.get_by_label("Isi pengaduan")).to_have_value("Jembatan kayu di kampung retak, anak-anak lewat setiap pagi.")
    phone.get_by_label("Foto (tidak wajib)").set_input_files([str(first)])
    phone.get_by_role("button", name="Kirim pengaduan").click()
    phone.locator("#track-link").click()
    expect(phone.locator("#photos img")).to_have_count(1)
    phone.get_by_label("Tambahkan foto").set_input_files([str(second)])
    phone.get_by_role("button", name="Kirim foto").click()
    expect(phone.locator("#done")).to_have_text("Foto Anda sudah dilampirkan.")
    expect(phone.locator("#photos img")).to_have_count(2)
    loaded = phone.evaluate("Array.from(document.querySelectorAll('#photos img')).map(i => [i.naturalWidth, i.naturalHeight])")
    assert sorted(loaded) == [[240, 320], [320, 240]]  # the thumbnails, each the right way up
    width = phone.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, f"the page is wider than the phone ({width}px)"


def test_the_form_asks_already_reported_while_the_citizen_writes(live_server: LiveServer, phone: Page) -> None:
    from cettar.db import session_scope
    from tests.complaint.test_similar import ORIGINAL, REWORDED, _file

    with session_scope() as session:
        code = _file(session, ORIGINAL)
    phone.goto(f"{live_server.base_url}/lapor")
    expect(phone.locator("#similar")).to_be_hidden()
    phone.get_by_label("Isi pengaduan").fill(REWORDED)
    expect(phone.locator("#similar")).to_be_visible(timeout=10_000)
    expect(phone.locator(f'#similar a[href="/lacak/{code}"]')).to_have_count(1)
    expect(phone.locator("#similar")).to_contain_text("Sudah ada yang melaporkan?")
    expect(phone.locator("#similar li small")).to_contain_text("kemiripan")  # in the page's language, not the phone's
    assert "agency" not in phone.locator("#similar li small").inner_text()
    phone.get_by_label("Isi pengaduan").fill("Sampah menumpuk di pasar Wonokromo belum diangkut tiga hari")
    expect(phone.locator("#similar")).to_be_hidden(timeout=10_000)
    width = phone.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, f"the page is wider than the phone ({width}px)"
