"""Open311 GeoReport v2 (the part landed so far: discovery, services, service definitions, errors):
each answer's fields against the specification's lists, in JSON and in parsed XML."""

from __future__ import annotations

from collections.abc import Iterator
from xml.etree import ElementTree

import pytest
from starlette.testclient import TestClient

from cettar.main import create_app
from cettar.staff.models import Role
from tests.conftest import LiveServer
from tests.staff.conftest import Account, accounts  # noqa: F401  (the staff accounts fixture)

BASE = "/open311/v2"
# the fields the specification lists (http://wiki.open311.org/GeoReport_v2)
SERVICE_FIELDS = {"service_code", "service_name", "description", "metadata", "type", "keywords", "group"}
ATTRIBUTE_FIELDS = {"variable", "code", "datatype", "required", "datatype_description", "order", "description"}
DATATYPES = {"string", "number", "datetime", "text", "singlevaluelist", "multivaluelist"}
ENDPOINT_FIELDS = {"specification", "url", "changeset", "type", "formats"}


@pytest.fixture
def client(database_url: str) -> Iterator[TestClient]:
    with TestClient(create_app()) as running:
        yield running


def xml(client: TestClient, path: str, status: int = 200) -> ElementTree.Element:
    answer = client.get(path)
    assert answer.status_code == status and answer.headers["content-type"].startswith("text/xml")
    assert answer.content.startswith(b"<?xml") and b"encoding='utf-8'" in answer.content.split(b"?>")[0].lower()
    return ElementTree.fromstring(answer.content)


def test_the_service_list_in_both_formats(client: TestClient) -> None:
    listed = client.get(f"{BASE}/services.json").json()
    assert {s["service_code"] for s in listed} >= {"fire", "flood", "infrastructure", "environment", "other"}
    for service in listed:
        assert set(service) == SERVICE_FIELDS
        assert service["type"] in {"realtime", "batch", "blackbox"} and isinstance(service["metadata"], bool)
        assert service["service_name"] and service["group"] and service["keywords"]
    root = xml(client, f"{BASE}/services.xml")
    assert root.tag == "services" and [e.tag for e in root] == ["service"] * len(listed)
    for element, service in zip(root, listed, strict=True):
        assert {child.tag for child in element} == SERVICE_FIELDS
        assert element.findtext("service_code") == service["service_code"]
        assert element.findtext("metadata") in {"true", "false"}
    # Indonesian by default; English when the client asks for it
    fire = {s["service_code"]: s for s in listed}["fire"]
    english = {s["service_code"]: s for s in client.get(f"{BASE}/services.json",
                                                           headers={"Accept-Language": "en"}).json()}["fire"]
    assert fire["group"] == "Darurat" and english["group"] == "Emergencies" and fire["service_name"] != english["service_name"]


def test_a_service_definition_in_both_formats(client: TestClient) -> None:
    definition = client.get(f"{BASE}/services/infrastructure.json").json()
    assert definition["service_code"] == "infrastructure" and definition["attributes"]
    for attribute in definition["attributes"]:
        assert set(attribute) - {"values"} == ATTRIBUTE_FIELDS and attribute["datatype"] in DATATYPES
        if attribute["datatype"].endswith("valuelist"):
            assert attribute["values"] and all(set(v) == {"key", "name"} for v in attribute["values"])
    privacy = next(a for a in definition["attributes"] if a["code"] == "privacy")
    assert {v["key"] for v in privacy["values"]} == {"public", "anonymous", "confidential"}
    root = xml(client, f"{BASE}/services/infrastructure.xml")
    assert root.tag == "service_definition" and root.findtext("service_code") == "infrastructure"
    attributes = root.find("attributes")
    assert attributes is not None and len(attributes.findall("attribute")) == len(definition["attributes"])
    values = attributes.find("attribute/values")
    assert values is not None and {v.findtext("key") for v in values.findall("value")} == {"public", "anonymous", "confidential"}


def test_discovery_names_the_path(client: TestClient) -> None:
    discovery = client.get(f"{BASE}/discovery.json").json()
    assert {"changeset", "contact", "key_service", "endpoints"} <= set(discovery)
    endpoint = discovery["endpoints"][0]
    assert set(endpoint) == ENDPOINT_FIELDS and endpoint["url"].endswith("/open311/v2")
    assert set(endpoint["formats"]) == {"application/json", "text/xml"}
    root = xml(client, f"{BASE}/discovery.xml")
    assert root.tag == "discovery" and root.findtext("endpoints/endpoint/url", "").endswith("/open311/v2")
    assert {f.text for f in root.findall("endpoints/endpoint/formats/format")} == {"application/json", "text/xml"}


@pytest.mark.parametrize(("path", "status"), [
    ("/services/nosuch.json", 404), ("/services/nosuch.xml", 404), ("/services.csv", 400), ("/services", 400),
    ("/nothing.json", 404), ("/services.json?jurisdiction_id=elsewhere.example", 404),
])
def test_errors_come_in_the_specifications_format(client: TestClient, path: str, status: int) -> None:
    answer = client.get(BASE + path)
    assert answer.status_code == status
    if answer.headers["content-type"].startswith("text/xml"):
        root = ElementTree.fromstring(answer.content)
        assert root.tag == "errors" and root.findtext("error/code") == str(status) and root.findtext("error/description")
    else:
        errors = answer.json()
        assert errors[0]["code"] == status and errors[0]["description"]


def test_the_deployments_jurisdiction_is_accepted(client: TestClient) -> None:
    from urllib.parse import urlparse

    from cettar.open311.routes import jurisdiction
    from cettar.settings import get_settings

    assert jurisdiction() == urlparse(get_settings().public_base_url).hostname  # without CETTAR_OPEN311_JURISDICTION
    assert client.get(f"{BASE}/services.json", params={"jurisdiction_id": jurisdiction()}).status_code == 200


# --- filing and reading requests -------------------------------------------------------------------

REQUEST_FIELDS = {"service_request_id", "status", "status_notes", "service_name", "service_code", "description",
                  "agency_responsible", "service_notice", "requested_datetime", "updated_datetime", "expected_datetime",
                  "address", "address_id", "zipcode", "lat", "long", "media_url"}
UPDATE_FIELDS = {"update_id", "service_request_id", "status", "updated_datetime", "description", "media_url"}
EXTENDED = {"OPEN", "INVESTIGATING", "IN_PROGRESS", "ACTION_SCHEDULED", "FIXED", "NOT_COUNCILS_RESPONSIBILITY",
            "DUPLICATE", "INTERNAL_REFERRAL", "CLOSED", "NO_FURTHER_ACTION"}
LAMP = "Lampu PJU di Jl. Kenjeran depan masjid mati sejak seminggu, jalan gelap."


@pytest.fixture
def api_key(committed: str) -> Iterator[str]:
    from sqlalchemy import text

    from cettar.db import get_engine, session_scope
    from cettar.open311 import keys
    from cettar.types import utcnow

    with session_scope() as session:
        _, key = keys.issue(session, name="Aplikasi Warga Uji", per_minute=5, by="test", now=utcnow())
    yield key
    with get_engine().begin() as connection:
        connection.execute(text("DELETE FROM open311_key"))


def _form(key: str, **fields: str) -> dict[str, str]:
    return {"api_key": key, "service_code": "infrastructure", "lat": "-7.2459", "long": "112.7378",
            "description": LAMP, "email": "siti@example.org", "first_name": "Siti", "last_name": "Aminah",
            "phone": "081234567890", **fields}


def test_a_request_filed_through_open311_goes_to_the_officer_and_comes_back_answered(
        live_server: LiveServer, accounts: dict[Role, Account], api_key: str) -> None:  # noqa: F811
    from sqlmodel import select

    from cettar.complaint.models import Complaint
    from cettar.db import session_scope
    from cettar.intake import service as intake_service
    from cettar.types import utcnow
    from tests.staff.conftest import sign_in_fully
    from tests.support.routers import FixedRouter
    from tests.workbench.test_workbench import act

    with live_server.client() as app:
        filed = app.post(f"{BASE}/requests.json", data=_form(api_key, address_string="Jl. Kenjeran 12"))
        assert filed.status_code == 200, filed.text
        answer = filed.json()[0]
        code, token_value = answer["service_request_id"], answer["token"]
        assert code.startswith("CTR-") and "/lacak/" in answer["service_notice"]
        assert app.get(f"{BASE}/tokens/{token_value}.json").json() == [{"service_request_id": code, "token": token_value}]
        early = app.get(f"{BASE}/requests/{code}.json").json()[0]
        assert (early["status"], early["status_notes"], early["agency_responsible"]) == ("open", None, None)
        assert early["expected_datetime"] and early["expected_datetime"].endswith("+07:00")  # the SLA deadline
        with session_scope() as session:
            complaint = session.exec(select(Complaint).where(Complaint.tracking_code == code)).one()
            assert (complaint.channel, complaint.category, complaint.address) == ("open311", "infrastructure", "Jl. Kenjeran 12")
            assert complaint.source.startswith("open311:") and complaint.due_at is not None
            intake_service.process(session, complaint_id=complaint.id or 0, router=FixedRouter("DISHUB"), now=utcnow())
        with live_server.client() as officer:
            sign_in_fully(officer, accounts[Role.OFFICER])
            assert code in officer.get("/staf/antrean").text  # in the agency's queue
            page = officer.get(f"/staf/pengaduan/{code}").text
            assert "Aplikasi Warga Uji" in page  # the integration's name beside the channel
            assert act(officer, code, "claim").status_code == 303
            assert act(officer, code, "reply", message="Petugas sudah menuju lokasi.").status_code == 303
            assert act(officer, code, "resolve", message="Lampu sudah diganti.").status_code == 303
        read = app.get(f"{BASE}/requests/{code}.json").json()
        assert len(read) == 1 and set(read[0]) == REQUEST_FIELDS
        request = read[0]
        assert (request["status"], request["status_notes"], request["service_code"]) == ("closed", "Lampu sudah diganti.",
                                                                                        "infrastructure")
        assert request["agency_responsible"] == "Dinas Perhubungan" and request["description"] == LAMP
        assert request["requested_datetime"].endswith("+07:00") and request["expected_datetime"] is None  # clocks stopped
        assert (request["lat"], request["long"]) == (-7.2459, 112.7378)
        body = app.get(f"{BASE}/requests/{code}.xml").content
        assert b"siti" not in body.lower() and b"0812" not in body and b"Aminah" not in body  # never the contact
        root = ElementTree.fromstring(body)
        assert root.tag == "service_requests" and {e.tag for e in root.find("request")} == REQUEST_FIELDS  # type: ignore[union-attr]
        assert root.findtext("request/status") == "closed" and root.findtext("request/agency_responsible") == "Dinas Perhubungan"
        listed = app.get(f"{BASE}/requests.json", params={"service_code": "infrastructure", "status": "closed"}).json()
        assert [r["service_request_id"] for r in listed] == [code]
        assert app.get(f"{BASE}/requests.json", params={"status": "open"}).json() == []
        updates = app.get(f"{BASE}/servicerequestupdates.json").json()
        ours = [u for u in updates if u["service_request_id"] == code]
        assert all(set(u) == UPDATE_FIELDS and u["status"] in EXTENDED for u in ours)
        assert [u["status"] for u in ours] == ["OPEN", "ACTION_SCHEDULED", "IN_PROGRESS", "IN_PROGRESS", "FIXED"]
        assert [u["description"] for u in ours][-2:] == ["Petugas sudah menuju lokasi.", "Lampu sudah diganti."]
        xml_updates = ElementTree.fromstring(app.get(f"{BASE}/servicerequestupdates.xml").content)
        assert xml_updates.tag == "service_request_updates"
        assert {e.tag for e in xml_updates.find("request_update")} == UPDATE_FIELDS  # type: ignore[union-attr]


def test_confidential_requests_are_never_read_or_listed(client: TestClient, api_key: str) -> None:
    filed = client.post(f"{BASE}/requests.xml", data=_form(api_key, **{"attribute[privacy]": "confidential"}))
    assert filed.status_code == 200
    root = ElementTree.fromstring(filed.content)
    code = root.findtext("request/service_request_id")
    assert code and "kode akses" in (root.findtext("request/service_notice") or "")  # the secret, for the reporter, once
    assert client.get(f"{BASE}/requests/{code}.json").status_code == 404
    assert code not in client.get(f"{BASE}/requests.json").text
    assert code not in client.get(f"{BASE}/servicerequestupdates.json").text
    assert client.get(f"{BASE}/requests.json", params={"service_request_id": code}).json() == []


@pytest.mark.parametrize(("fields", "status", "says"), [
    ({"api_key": ""}, 403, "api_key is required"),
    ({"api_key": "o311_wrong"}, 403, "not valid"),
    ({"service_code": "nosuch"}, 404, "unknown service_code"),
    ({"service_code": ""}, 400, "service_code is required"),
    ({"lat": "", "long": ""}, 400, "a location is required"),
    ({"lat": "-7.2", "long": ""}, 400, "lat and long go together"),
    ({"lat": "48.85", "long": "2.35"}, 400, "Indonesia"),
    ({"lat": "utara"}, 400, "must be a number"),
    ({"description": " "}, 400, "description is required"),
    ({"attribute[privacy]": "secret"}, 400, "attribute[privacy]"),
    ({"jurisdiction_id": "elsewhere.example"}, 404, "jurisdiction_id"),
])
def test_bad_requests_get_the_specifications_error(client: TestClient, api_key: str, fields: dict[str, str], status: int,
                                                   says: str) -> None:
    for fmt in ("json", "xml"):
        answer = client.post(f"{BASE}/requests.{fmt}", data=_form(api_key, **fields))
        assert answer.status_code == status, answer.text
        if fmt == "json":
            assert answer.json()[0]["code"] == status and says in answer.json()[0]["description"]
        else:
            root = ElementTree.fromstring(answer.content)
            assert root.findtext("error/code") == str(status) and says in (root.findtext("error/description") or "")


def test_a_malformed_body_a_revoked_key_and_too_many_requests_are_refused(client: TestClient, api_key: str) -> None:
    from cettar.db import session_scope
    from cettar.open311 import keys
    from cettar.types import utcnow

    assert client.post(f"{BASE}/requests.json", json=_form(api_key)).status_code == 400  # JSON, not form-encoded
    garbled = client.post(f"{BASE}/requests.json", content=b"\xff\xfe%%%&&==",
                          headers={"content-type": "application/x-www-form-urlencoded"})
    assert garbled.status_code in {400, 403} and garbled.json()[0]["code"] == garbled.status_code  # no key in it: refused
    statuses = [client.post(f"{BASE}/requests.json", data=_form(api_key)).status_code for _ in range(6)]
    assert statuses.count(429) >= 1 and statuses[0] == 200  # five a minute for this integration
    with session_scope() as session:
        row = keys.check(session, key=api_key, now=utcnow())
        assert row is not None and row.filed >= 1
        keys.revoke(session, key_id=row.id or 0, by="test", now=utcnow())
    refused = client.post(f"{BASE}/requests.json", data=_form(api_key))
    assert refused.status_code == 403 and "revoked" in refused.json()[0]["description"]


@pytest.mark.parametrize(("params", "status"), [
    ({"start_date": "2026-01-01T00:00:00+07:00", "end_date": "2026-06-01T00:00:00+07:00"}, 400),  # over 90 days
    ({"start_date": "kemarin"}, 400), ({"start_date": "2026-06-01", "end_date": "2026-05-01"}, 400),
    ({"status": "done"}, 400), ({"page_size": "1000"}, 400), ({"page": "0"}, 400), ({"service_code": "nosuch"}, 404),
])
def test_bad_searches_get_the_specifications_error(client: TestClient, params: dict[str, str], status: int) -> None:
    for path in (f"{BASE}/requests.json", f"{BASE}/servicerequestupdates.json"):
        if "service_code" in params or "status" in params:
            if path.endswith("servicerequestupdates.json"):
                continue
        answer = client.get(path, params=params)
        assert answer.status_code == status and answer.json()[0]["code"] == status, (path, answer.text)
    assert client.get(f"{BASE}/requests/CTR-0000-0000-0000.json").status_code == 404
    assert client.get(f"{BASE}/tokens/nothing.xml").status_code == 404


def test_a_fixmystreet_style_client_files_and_reads_without_changes(client: TestClient, api_key: str) -> None:
    """What FixMyStreet's Open311 client sends (perllib/Open311.pm: every GET and POST carries
    jurisdiction_id, empty when none is configured; the description is its title/detail/url block;
    its own extras as attribute[...]) and how it reads the answers (the root's ``request`` element's
    ``service_request_id``; ``request_update`` elements)."""
    from datetime import timedelta

    from cettar.open311.routes import jurisdiction
    from cettar.types import utcnow

    for configured in ("", jurisdiction()):
        posted = client.post(f"{BASE}/requests.xml", data={
            "jurisdiction_id": configured, "api_key": api_key, "lat": "-7.2575", "long": "112.7521",
            "email": "warga@example.org", "service_code": "environment", "first_name": "Budi", "last_name": "Santoso",
            "phone": "+6281234567000", "media_url": "https://fms.example.test/photo/1.jpeg",
            "description": "title:  Sampah menumpuk\n\ndetail: Sampah di TPS Keputih belum diangkut seminggu.\n\n"
                           "url: https://fms.example.test/report/1\n\nSubmitted via FixMyStreet",
            "attribute[title]": "Sampah menumpuk", "attribute[easting]": "123", "attribute[closest_address]": "Keputih"})
        assert posted.status_code == 200, posted.text
        request_id = ElementTree.fromstring(posted.content).findtext("request/service_request_id")
        assert request_id
        listed = ElementTree.fromstring(client.get(f"{BASE}/requests.xml", params={
            "jurisdiction_id": configured, "service_request_id": request_id}).content)
        assert listed.findtext("request/service_request_id") == request_id
        assert "Submitted via FixMyStreet" in (listed.findtext("request/description") or "")
        assert "https://fms.example.test/photo/1.jpeg" in (listed.findtext("request/description") or "")
        assert listed.findtext("request/status") == "open" and listed.findtext("request/service_code") == "environment"
        updates = ElementTree.fromstring(client.get(f"{BASE}/servicerequestupdates.xml", params={
            "jurisdiction_id": configured, "start_date": (utcnow() - timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M:%SZ"),
            "end_date": (utcnow() + timedelta(minutes=1)).strftime("%Y-%m-%dT%H:%M:%SZ")}).content)
        assert updates.tag == "service_request_updates" and updates.findall("request_update")


def test_whatever_a_client_sends_the_answer_is_the_specifications_never_a_500(client: TestClient, api_key: str) -> None:
    from hypothesis import HealthCheck, given, settings
    from hypothesis import strategies as st

    junk = st.one_of(st.text(max_size=40), st.sampled_from(["", "0", "-1", "999999999999", "nan", "inf", "1e308",
                                                            "2026-13-45", "open,closed", "other", "fire", "\x00"]))
    names = st.sampled_from(["api_key", "service_code", "lat", "long", "address_string", "description", "email",
                             "first_name", "last_name", "phone", "media_url", "attribute[privacy]", "attribute[language]",
                             "jurisdiction_id", "start_date", "end_date", "status", "page", "page_size",
                             "service_request_id"])
    paths = st.sampled_from(["requests", "servicerequestupdates", "services", "discovery", "requests/CTR-0000-0000-0000",
                             "tokens/x", "services/fire", "nothing"])

    @settings(max_examples=60, deadline=None, derandomize=True, database=None, suppress_health_check=list(HealthCheck))
    @given(path=paths, fmt=st.sampled_from(["json", "xml", "csv"]), fields=st.dictionaries(names, junk, max_size=8),
           keyed=st.booleans(), post=st.booleans())
    def check(path: str, fmt: str, fields: dict[str, str], keyed: bool, post: bool) -> None:
        if keyed:
            fields = {**fields, "api_key": api_key}
        url = f"{BASE}/{path}.{fmt}"
        answer = client.post(url, data=fields) if post else client.get(url, params=fields)
        assert answer.status_code < 500, (url, fields, answer.text)
        if answer.status_code >= 400:
            if answer.headers["content-type"].startswith("text/xml"):
                assert ElementTree.fromstring(answer.content).findtext("error/code") == str(answer.status_code)
            else:
                assert isinstance(answer.json(), list) and answer.json()[0]["code"] == answer.status_code, (url, post, answer.text)

    check()


def test_admins_issue_and_revoke_keys_on_their_page(live_server: LiveServer, accounts: dict[Role, Account]) -> None:  # noqa: F811
    import re

    from tests.staff.conftest import form_token, sign_in_fully

    with live_server.client() as admin:
        sign_in_fully(admin, accounts[Role.ADMIN])
        page = admin.get("/staf/admin/open311")
        assert page.status_code == 200 and "/open311/v2" in page.text
        issued = admin.post("/staf/admin/open311", data={"csrf_token": form_token(page.text), "name": "Aplikasi Kota",
                                                         "per_minute": "30"})
        assert issued.status_code == 201
        key = re.search(r'id="issued-key">(o311_[^<]+)<', issued.text)
        assert key, issued.text
        assert key.group(1) not in admin.get("/staf/admin/open311").text  # shown once
        again = admin.post("/staf/admin/open311", data={"csrf_token": form_token(page.text), "name": "Aplikasi Kota"})
        assert again.status_code == 422 and "sudah ada" in again.text  # the name is taken: said in the visitor's language
        with live_server.client() as app:
            assert app.post(f"{BASE}/requests.json", data=_form(key.group(1))).status_code == 200
            listing = admin.get("/staf/admin/open311").text
            key_id = re.search(r'action="/staf/admin/open311/(\d+)/cabut"', listing)
            assert key_id and "Aplikasi Kota" in listing
            revoked = admin.post(f"/staf/admin/open311/{key_id.group(1)}/cabut", data={"csrf_token": form_token(listing)})
            assert revoked.status_code == 303
            assert app.post(f"{BASE}/requests.json", data=_form(key.group(1))).status_code == 403


def test_the_command_line_issues_lists_and_revokes(committed: str) -> None:
    import os
    import re
    import subprocess
    import sys

    def cettar(*args: str) -> str:
        return subprocess.run([sys.executable, "-m", "cettar", "open311", *args], check=True, capture_output=True,
                              text=True, env=os.environ.copy(), timeout=60).stdout

    key = re.search(r"(o311_\S+)", cettar("issue", "--name", "Aplikasi Desa", "--per-minute", "10"))
    assert key
    listed = cettar("list")
    assert "Aplikasi Desa" in listed and "active" in listed and key.group(1) not in listed
    key_id = listed.split()[0]
    assert "Revoked: Aplikasi Desa" in cettar("revoke", key_id)
    assert "revoked" in cettar("list")
    with TestClient(create_app()) as client:
        assert client.post(f"{BASE}/requests.json", data=_form(key.group(1))).status_code == 403
    from sqlalchemy import text

    from cettar.db import get_engine

    with get_engine().begin() as connection:
        connection.execute(text("DELETE FROM open311_key"))


def test_each_step_has_its_extended_status() -> None:
    from cettar.complaint.models import Complaint, ComplaintEvent, Status
    from cettar.open311.requests import extended_status

    def step(to: Status | None, *, merged: bool = False, **data: object) -> str:
        complaint = Complaint(tracking_code="CTR-X", text="x", duplicate_of_id=7 if merged else None)
        event = ComplaintEvent(complaint_id=1, kind="status", actor_type="staff", to_status=to, data=data or None,
                               public_message=None if to else "jawaban")
        return extended_status(event, complaint)

    assert step(Status.RECEIVED) == "OPEN" and step(Status.TRIAGE) == "INVESTIGATING"
    assert step(Status.DISPOSITIONED) == "ACTION_SCHEDULED"
    assert step(Status.DISPOSITIONED, from_agency_code="DISHUB") == "INTERNAL_REFERRAL"  # a transfer
    assert step(Status.TRIAGE, not_our_authority=True) == "NOT_COUNCILS_RESPONSIBILITY"
    assert step(Status.REJECTED, merged=True) == "DUPLICATE" and step(Status.REJECTED) == "NO_FURTHER_ACTION"
    assert (step(Status.RESOLVED), step(Status.CLOSED), step(Status.REOPENED)) == ("FIXED", "CLOSED", "OPEN")
    assert step(None) == "IN_PROGRESS" and step(Status.WAITING_CITIZEN) == "IN_PROGRESS"
