"""The workbench's sharp edges, found by a new user's afternoon and by fuzzing: actions offered by
status, messages in the visitor's language, pickers instead of codes, no 500 on bad input, literal
search, and a home page that shows the person's own work."""

from __future__ import annotations

from sqlmodel import select

from cettar.complaint.models import Complaint
from cettar.db import session_scope
from cettar.staff.models import Role, Staff
from tests.conftest import LiveServer
from tests.staff.conftest import Account, form_token, sign_in_fully
from tests.workbench.test_workbench import act, complaint, file


def _officer_id(accounts: dict[Role, Account]) -> int:
    with session_scope() as session:
        officer = session.exec(select(Staff).where(Staff.email == accounts[Role.OFFICER].email)).one()
        assert officer.id is not None
        return officer.id


def test_actions_are_offered_by_status_and_a_useless_one_says_so(live_server: LiveServer,
                                                                 accounts: dict[Role, Account]) -> None:
    code = file("DISHUB")
    with live_server.client() as client:
        sign_in_fully(client, accounts[Role.OFFICER])
        fresh = client.get(f"/staf/pengaduan/{code}").text
        assert 'id="claim"' in fresh and 'id="resolve"' in fresh
        assert act(client, code, "claim").status_code == 303
        again = act(client, code, "claim")  # already mine: a message, not a silent success
        assert again.status_code == 409 and "sudah Anda tangani" in again.text
        assert 'id="claim"' not in client.get(f"/staf/pengaduan/{code}").text
        assert act(client, code, "resolve", message="Lampu sudah diganti.").status_code == 303
        resolved = client.get(f"/staf/pengaduan/{code}").text
        assert 'id="claim"' not in resolved and 'id="resolve"' not in resolved and 'id="send-reply"' not in resolved
        assert "/reopen" in resolved  # what is left to do with a resolved complaint
        refused = act(client, code, "resolve", message="Sekali lagi")
        assert refused.status_code == 409 and "tidak tersedia" in refused.text  # in Indonesian, not the internal message
        empty = act(client, code, "note", text="   ")
        assert empty.status_code == 422 and "Wajib diisi" in empty.text
        english = client.post(f"/staf/pengaduan/{code}/resolve?lang=en",
                              data={"csrf_token": form_token(resolved), "message": "again"})
        assert english.status_code == 409 and "not available" in english.text


def test_labels_are_words_and_choices_are_pickers(live_server: LiveServer, accounts: dict[Role, Account]) -> None:
    code = file("DISHUB")
    with live_server.client() as client:
        sign_in_fully(client, accounts[Role.SUPERVISOR])
        act(client, code, "claim")
        page = client.get(f"/staf/pengaduan/{code}").text
        assert "Formulir web" in page and ">web<" not in page  # the channel in words
        assert "Ditugaskan" in page and ">assigned<" not in page.replace(" ", "")  # the timeline in words
        queue = client.get("/staf/antrean").text
        assert '<select name="district"' in queue and '<select name="category"' in queue
        assert 'name="agency_code" placeholder' not in queue and '<select name="agency_code"' in queue  # bulk transfer
        assert "Semua kecamatan" in queue


def test_the_triage_desk_starts_with_no_agency_chosen_and_orders_suggestions(live_server: LiveServer,
                                                                             accounts: dict[Role, Account]) -> None:
    code = file(None, "Sampah menumpuk dan saluran tersumbat")
    with session_scope() as session:
        stored = session.exec(select(Complaint).where(Complaint.tracking_code == code)).one()
        stored.routing_suggestions = [{"agency_code": "DLH", "confidence": 0.2, "by": "model"},
                                      {"agency_code": "DSDABM", "confidence": 0.35, "by": "model"}]
        session.add(stored)
    with live_server.client() as client:
        sign_in_fully(client, accounts[Role.TRIAGE])
        desk = client.get("/staf/triase").text
        article = desk[desk.index(code):]
        free_choice = article[article.index('<select name="agency_code"'):]
        first_option = free_choice[free_choice.index("<option"):free_choice.index("</option>")]
        assert 'value=""' in first_option  # a careless click routes nothing
        assert article.index('value="DSDABM"') < article.index('value="DLH"')  # the most confident first
        blank = client.post(f"/staf/pengaduan/{code}/route", data={"csrf_token": form_token(desk), "agency_code": ""})
        assert blank.status_code == 422 and complaint(code).status == "triage"


def test_bad_input_gets_an_error_never_a_500(live_server: LiveServer, accounts: dict[Role, Account]) -> None:
    code = file("DISHUB")
    with live_server.client() as client:
        sign_in_fully(client, accounts[Role.SUPERVISOR])
        page = client.get("/staf/antrean").text
        token = form_token(page)
        for assignee in ("abc", "99999999999999999999999", "-1", ""):
            bulk = client.post("/staf/antrean/massal", data={"csrf_token": token, "action": "assign",
                                                             "assignee": assignee, "code": [code]})
            assert bulk.status_code == 422, (assignee, bulk.status_code)
            one = act(client, code, "assign", assignee=assignee)
            assert one.status_code == 422, (assignee, one.status_code)
        assert client.post("/staf/antrean/massal", data={"csrf_token": token, "action": "explode",
                                                         "code": [code]}).status_code == 422
        assert client.get("/staf/antrean?page=99999999999999999999").status_code == 200
        assert client.get("/staf/antrean?status=nonsense").status_code == 200
    with session_scope() as session:
        from cettar.staff import service as staff_service
        from cettar.types import utcnow

        supervisor = session.exec(select(Staff).where(Staff.email == accounts[Role.SUPERVISOR].email)).one()
        api_token = staff_service.create_api_token(session, staff=supervisor, name="uji", now=utcnow())
    headers = {"Authorization": f"Bearer {api_token}", "Content-Type": "application/json"}
    with live_server.client(headers=headers) as client:
        for body in (b"{not json", b"[1, 2]", b'"text"', b'{"message": {"nested": 1}}', b"\xff\xfe"):
            answer = client.post(f"/api/v1/staff/complaints/{code}/reply", content=body)
            assert answer.status_code == 422 and answer.json()["error"] == "invalid_field", body
        assert client.post(f"/api/v1/staff/complaints/{code}/assign", json={"assignee": 10**30}).status_code == 422


def test_the_queue_search_matches_percent_and_underscore_literally(live_server: LiveServer,
                                                                   accounts: dict[Role, Account]) -> None:
    plain = file("DISHUB", "Lampu jalan mati total di Jl. Raya")
    percent = file("DISHUB", "Diskon 50% parkir tidak berlaku di Jl. Raya")
    underscore = file("DISHUB", "Akun pengguna lampu_kota tidak bisa masuk")
    with live_server.client() as client:
        sign_in_fully(client, accounts[Role.OFFICER])
        by_percent = client.get("/staf/antrean", params={"q": "%"}).text
        assert percent in by_percent and plain not in by_percent and underscore not in by_percent
        by_underscore = client.get("/staf/antrean", params={"q": "_"}).text
        assert underscore in by_underscore and plain not in by_underscore


def test_the_home_page_shows_my_work(live_server: LiveServer, accounts: dict[Role, Account]) -> None:
    mine, other = file("DISHUB", "Lampu mati di gang Mawar"), file("DISHUB", "Lampu mati di gang Melati")
    with live_server.client() as client:
        sign_in_fully(client, accounts[Role.OFFICER])
        assert "Tidak ada pengaduan terbuka yang ditugaskan kepada Anda" in client.get("/staf").text
        act(client, mine, "claim")
        home = client.get("/staf").text
    section = home[home.index('id="mine-title"'):home.index('id="due-title"')]
    assert mine in section and other not in section
    assert complaint(mine).assignee_id == _officer_id(accounts)


def test_officers_claim_several_at_once_but_do_not_assign_others(live_server: LiveServer,
                                                                 accounts: dict[Role, Account]) -> None:
    codes = [file("DISHUB", f"Lampu padam di RT {n}") for n in range(2)]
    with live_server.client() as client:
        sign_in_fully(client, accounts[Role.OFFICER])
        page = client.get("/staf/antrean").text
        assert 'value="claim"' in page and 'value="assign"' not in page
        claimed = client.post("/staf/antrean/massal", data={"csrf_token": form_token(page), "action": "claim",
                                                            "code": codes})
        assert claimed.status_code == 303
        assert {complaint(c).assignee_id for c in codes} == {_officer_id(accounts)}
        refused = client.post("/staf/antrean/massal", data={"csrf_token": form_token(page), "action": "assign",
                                                            "assignee": str(_officer_id(accounts)), "code": codes})
        assert refused.status_code == 422
