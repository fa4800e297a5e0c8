"""The public form and tracking pages through the real HTTP stack."""

import re

import pytest
from sqlmodel import select

from cettar.complaint.models import Complaint
from cettar.db import session_scope
from tests.conftest import LiveServer, run_worker

pytestmark = pytest.mark.usefixtures("committed")


def _form(http, **fields: str):  # type: ignore[no-untyped-def]
    page = http.get("/lapor").text
    submission = re.search(r'name="submission_id" value="([0-9a-f]{32})"', page)
    assert submission, "the form carries a submission id"
    data = {"submission_id": submission.group(1), "privacy": "public", **fields}
    return http.post("/lapor", data=data)


def test_the_form_is_indonesian_labelled_and_fits_a_phone(live_server: LiveServer) -> None:
    with live_server.client() as http:
        answer = http.get("/")
    page = answer.text
    assert answer.status_code == 200
    assert '<html lang="id">' in page
    assert 'name="viewport" content="width=device-width, initial-scale=1"' in page
    for field in ("text", "title", "region_code", "district_code", "address", "name", "phone", "email"):
        assert f'<label for="{field}">' in page, field
        assert f'id="{field}"' in page
    assert "Kirim pengaduan" in page
    assert "script-src 'self'" in answer.headers["content-security-policy"]


def test_english_is_one_click_away_and_remembered(live_server: LiveServer) -> None:
    with live_server.client() as http:
        english = http.get("/lapor?lang=en")
        later = http.get("/lacak")
    assert '<html lang="en">' in english.text and "Send complaint" in english.text
    assert "Track a complaint" in later.text  # the choice is kept in a cookie


def test_a_filed_complaint_shows_its_code_and_is_routed(live_server: LiveServer) -> None:
    with live_server.client() as http:
        answer = _form(http, text="Saluran got di depan rumah tersumbat, banjir tiap hujan", region_code="3578",
                       district_code="3578-rungkut", name="Ani", phone="081234567890")
        assert answer.status_code == 201
        code = re.search(r'id="tracking-code">(CTR-[0-9A-Z-]+)<', answer.text)
        assert code, answer.text
        run_worker()
        page = http.get(f"/lacak/{code.group(1)}").text
    assert "Diteruskan ke perangkat daerah" in page
    assert "Dinas Sumber Daya Air dan Bina Marga" in page
    assert "Rungkut" in page
    assert "081234567890" not in page and "Ani" not in page


def test_errors_are_shown_next_to_their_field_and_the_input_is_kept(live_server: LiveServer) -> None:
    with live_server.client() as http:
        answer = _form(http, text="", email="ani@", phone="12", address="Jl. Mawar 5")
    assert answer.status_code == 422
    page = answer.text
    assert 'role="alert"' in page
    assert '<p class="field-error" id="text-error">Tuliskan isi pengaduan.</p>' in page
    assert 'id="email-error"' in page and 'id="phone-error"' in page
    assert 'aria-describedby="text-error"' in page
    assert 'value="Jl. Mawar 5"' in page
    with session_scope() as session:
        assert session.exec(select(Complaint)).all() == []


def test_an_unknown_region_is_a_field_error(live_server: LiveServer) -> None:
    with live_server.client() as http:
        answer = _form(http, text="Jalan rusak", region_code="3578", district_code="3578-narnia")
    assert answer.status_code == 422
    assert 'id="district_code-error"' in answer.text


def test_markup_is_stored_as_text_and_escaped_on_every_page(live_server: LiveServer) -> None:
    payload = '<script>alert("xss")</script><img src=x onerror=alert(1)>'
    with live_server.client() as http:
        answer = _form(http, text=f"Jalan rusak {payload}", title="<b>judul</b>")
        code = re.search(r'id="tracking-code">(CTR-[0-9A-Z-]+)<', answer.text)
        assert code
        page = http.get(f"/lacak/{code.group(1)}").text
    assert "<script>alert" not in page and "<img src=x" not in page and "<b>judul</b>" not in page
    assert "&lt;script&gt;alert(&#34;xss&#34;)&lt;/script&gt;" in page
    with session_scope() as session:
        assert session.exec(select(Complaint.text)).one() == f"Jalan rusak {payload}"


def test_sending_the_same_form_twice_files_one_complaint(live_server: LiveServer) -> None:
    with live_server.client() as http:
        page = http.get("/lapor").text
        submission = re.search(r'name="submission_id" value="([0-9a-f]{32})"', page)
        assert submission
        data = {"submission_id": submission.group(1), "text": "Pohon tumbang di Jl. Darmo", "privacy": "public"}
        first = http.post("/lapor", data=data)
        second = http.post("/lapor", data=data)
    codes = [re.search(r'id="tracking-code">(CTR-[0-9A-Z-]+)<', a.text) for a in (first, second)]
    assert codes[0] and codes[1] and codes[0].group(1) == codes[1].group(1)
    with session_scope() as session:
        assert len(session.exec(select(Complaint)).all()) == 1


def test_a_confidential_complaint_opens_only_with_its_secret(live_server: LiveServer) -> None:
    with live_server.client() as http:
        answer = _form(http, text="Ada pungutan liar di loket", privacy="confidential")
        code = re.search(r'id="tracking-code">(CTR-[0-9A-Z-]+)<', answer.text)
        secret = re.search(r'id="access-secret">([A-Za-z0-9_-]+)<', answer.text)
        assert code and secret
        asked = http.get(f"/lacak/{code.group(1)}")
        wrong = http.post(f"/lacak/{code.group(1)}", data={"secret": "tebak"})
        right = http.post(f"/lacak/{code.group(1)}", data={"secret": secret.group(1)})
    assert "pungutan liar" not in asked.text and 'name="secret"' in asked.text
    assert wrong.status_code == 404 and "pungutan liar" not in wrong.text
    assert right.status_code == 200 and "pungutan liar" in right.text


def test_lookup_and_unknown_codes(live_server: LiveServer) -> None:
    with live_server.client(follow_redirects=False) as http:
        typed = http.get("/lacak", params={"code": "ctr 0000 1111 2222"})
        unknown = http.get("/lacak/CTR-0000-1111-2222")
        nonsense = http.get("/lacak", params={"code": "hello"})
    assert typed.status_code == 303 and typed.headers["location"] == "/lacak/CTR-0000-1111-2222"
    assert unknown.status_code == 404 and "Tidak ditemukan" in unknown.text
    assert nonsense.status_code == 404


def test_the_form_says_who_runs_it_what_happens_to_the_data_and_what_to_expect(
        committed: str, monkeypatch: pytest.MonkeyPatch) -> None:
    from starlette.testclient import TestClient

    from cettar.main import create_app
    from cettar.settings import get_settings

    monkeypatch.setenv("CETTAR_SERVICE_OPERATOR", "Dinas Kominfo Provinsi Jawa Timur")
    monkeypatch.setenv("CETTAR_PRIVACY_CONTACT", "ppid@jatimprov.example, (031) 555-0100")
    monkeypatch.setenv("CETTAR_RETENTION_YEARS", "7")
    get_settings.cache_clear()
    try:
        with TestClient(create_app()) as client:
            form = client.get("/lapor").text
            assert "Dinas Kominfo Provinsi Jawa Timur" in form and 'href="/privasi"' in form
            notice = client.get("/privasi").text
            assert "ppid@jatimprov.example" in notice and "7 tahun" in notice
            filed = client.post("/lapor", data={"text": "Jalan berlubang besar di depan pasar."})
            assert filed.status_code == 201
            assert 'id="expected"' in filed.text and "paling lambat" in filed.text and "data-copy" in filed.text
    finally:
        get_settings.cache_clear()
