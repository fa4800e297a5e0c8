"""The dashboard over HTTP: the metrics API and its scope, exports (formula neutralising), the
public transparency page and API (no contact data, nothing confidential), fresh figures."""

from __future__ import annotations

import csv
import io
from dataclasses import replace

import httpx
import pytest
from openpyxl import load_workbook

from cettar.metrics import jobs as metrics_jobs
from cettar.complaint.models import ActorType, Complaint, Status
from cettar.complaint.workflow import transition
from cettar.dashboard.export import neutralise, to_csv, to_xlsx
from cettar.db import session_scope
from cettar.intake import service as intake_service
from cettar.staff.models import Role
from cettar.types import utcnow
from tests.conftest import LiveServer
from tests.intake.test_service import STREET_LIGHT
from tests.staff.conftest import Account, sign_in_fully
from tests.support.routers import FixedRouter

N = [0]


def file(agency: str, *, answered: bool = False, **changes: object) -> str:
    N[0] += 1
    now = utcnow()
    with session_scope() as session:
        filed = intake_service.file_complaint(session, incoming=replace(STREET_LIGHT, external_id=f"p{N[0]:031d}", **changes),
                                              now=now).complaint
        assert filed.id is not None
        intake_service.process(session, complaint_id=filed.id, router=FixedRouter(agency), now=now)
        if answered:
            transition(session, filed, Status.RESPONDED, actor_type=ActorType.STAFF, now=now, public_message="Sudah ditangani.")
        return filed.tracking_code


def answer(code: str) -> None:
    with session_scope() as session:
        from sqlmodel import select

        complaint = session.exec(select(Complaint).where(Complaint.tracking_code == code)).one()
        transition(session, complaint, Status.RESPONDED, actor_type=ActorType.STAFF, now=utcnow(), public_message="Selesai dicek.")


def by_code(answer: httpx.Response) -> dict[str | None, dict[str, object]]:
    assert answer.status_code == 200, answer.text
    return {row["agency_code"]: row for row in answer.json()}


def test_the_api_the_scope_and_fresh_figures(live_server: LiveServer, accounts: dict[Role, Account]) -> None:
    for _ in range(3):
        file("DISHUB", answered=True)
    waiting = file("DLH")
    metrics_jobs.refresh_rollup()  # what the scheduler runs every CETTAR_ROLLUP_INTERVAL seconds
    with live_server.client() as client:
        sign_in_fully(client, accounts[Role.GOVERNOR])
        rows = by_code(client.get("/api/v1/metrics/agencies"))
        assert rows["DISHUB"]["received"] == 3 and rows["DISHUB"]["responses"] == 3
        assert set(rows["DISHUB"]["scorecard"]) == {"cepat", "efektif", "tanggap", "transparan", "akuntabel", "responsif"}
        assert rows["DLH"]["responses"] == 0 and rows["DLH"]["backlog"] == 1 and rows["DLH"]["rank"] is None
        # answered now: on the dashboard after the next roll-up refresh (within a minute)
        answer(waiting)
        metrics_jobs.refresh_rollup()
        assert by_code(client.get("/api/v1/metrics/agencies"))["DLH"]["responses"] == 1
        page = client.get("/staf")  # the governor's staff's home is the dashboard
        assert page.status_code == 200 and "Dasbor responsivitas" in page.text and "Dinas Perhubungan" in page.text
        assert 'href="/staf/sandi"' in page.text and 'href="/staf/2fa"' in page.text
        bad = client.get("/api/v1/metrics/agencies", params={"from": "2026-13-01"})
        assert bad.status_code == 422 and bad.json()["fields"][0]["field"] == "from"
        assert client.get("/staf/dasbor", params={"from": "kemarin"}).status_code == 422
        assert client.get("/api/v1/metrics/agencies", params={"agency": "NOPE"}).status_code == 422
    with live_server.client() as client:
        sign_in_fully(client, accounts[Role.SUPERVISOR])  # DISHUB's supervisor: own agency only
        assert set(by_code(client.get("/api/v1/metrics/agencies"))) == {"DISHUB"}
        assert set(by_code(client.get("/api/v1/metrics/agencies", params={"agency": "DLH"}))) == {"DISHUB"}
        page = client.get("/staf/dasbor")
        assert page.status_code == 200 and "Dinas Perhubungan" in page.text and "Dinas Lingkungan Hidup</a>" not in page.text
    document = httpx.get(f"{live_server.base_url}/openapi.json").json()
    assert "/api/v1/metrics/agencies" in document["paths"] and "AgencyMetricsOut" in document["components"]["schemas"]


def test_exports_with_the_filters_and_no_formulas(live_server: LiveServer, accounts: dict[Role, Account]) -> None:
    file("DISHUB", answered=True, channel="news", source="feed:9")
    file("DLH", answered=True)
    metrics_jobs.refresh_rollup()
    with live_server.client() as client:
        sign_in_fully(client, accounts[Role.ADMIN])
        exported = client.get("/staf/dasbor/ekspor/liga.csv", params={"channel": "news"})
        assert exported.status_code == 200 and exported.headers["content-type"].startswith("text/csv")
        table = list(csv.reader(io.StringIO(exported.content.decode("utf-8-sig"))))
        assert table[0][:3] == ["Peringkat", "Kode", "Perangkat daerah"]
        assert [row[1] for row in table[1:]] == ["DISHUB"]  # the filter applied: DLH had no news complaint
        workbook = client.get("/staf/dasbor/ekspor/kecamatan.xlsx")
        assert workbook.status_code == 200
        sheet = load_workbook(io.BytesIO(workbook.content)).active
        assert sheet is not None and [c.value for c in sheet[1]][0] == "Kecamatan"
        assert client.get("/staf/dasbor/ekspor/rahasia.csv").status_code == 404
        refused = client.get("/staf/dasbor/ekspor/liga.csv", params={"from": "kemarin"})
        assert refused.status_code == 422 and "Tanggal harus berformat TTTT-BB-HH." in refused.text  # in the visitor's language


def test_formula_neutralising() -> None:
    hostile = ["=HYPERLINK(\"http://evil\")", "+1+1", "-2", "@SUM(A1)", "\tx", "aman"]
    assert [neutralise(v) for v in hostile] == ["'" + v for v in hostile[:5]] + ["aman"]
    assert neutralise(-3) == -3 and neutralise(None) is None
    parsed = list(csv.reader(io.StringIO(to_csv(["h"], [[v] for v in hostile]).decode("utf-8-sig"))))
    assert all(not row[0].startswith(("=", "+", "-", "@")) for row in parsed[1:])
    sheet = load_workbook(io.BytesIO(to_xlsx("t", ["h"], [[v] for v in hostile]))).active
    assert sheet is not None
    cells = [sheet.cell(row=i, column=1) for i in range(2, 2 + len(hostile))]
    assert all(c.data_type == "s" for c in cells)  # text, never a formula
    assert cells[0].value == "'=HYPERLINK(\"http://evil\")"


def test_the_public_page_and_api_carry_nothing_personal_or_confidential(live_server: LiveServer) -> None:
    from cettar.complaint.models import Privacy
    from ingest.incoming import Contact

    file("DISHUB", answered=True)
    secret = file("DISHUB", answered=True, privacy=Privacy.CONFIDENTIAL, text="Rahasia: antrean di loket XYZ-rahasia kacau",
                  contact=Contact(name="Budi Pelapor", phone="+6281299998888", email="budi@example.org"))
    file("BPBD", answered=True, privacy=Privacy.CONFIDENTIAL)  # BPBD's only complaint is confidential
    metrics_jobs.refresh_rollup()
    with httpx.Client(base_url=live_server.base_url) as client:
        metrics = client.get("/api/v1/public/metrics")
        page = client.get("/transparansi")
        form = client.get("/lapor")
    assert metrics.status_code == 200 and page.status_code == 200
    body = metrics.json()
    agencies = {a["agency_code"]: a for a in body["agencies"]}
    assert agencies["DISHUB"]["received"] == 1 and agencies["DISHUB"]["responses"] == 1
    assert "BPBD" not in agencies and body["province"]["received"] == 1
    for text in (metrics.text, page.text):
        for private in ("Budi", "6281299998888", "budi@example.org", "XYZ-rahasia", secret, "Siti", "siti@example.org",
                        "CTR-"):
            assert private not in text
    assert 'href="/transparansi"' in form.text


@pytest.mark.parametrize("path", ["/api/v1/public/metrics?from=2026-02-30", "/transparansi?from=x&to=y"])
def test_bad_public_filters_say_so(live_server: LiveServer, path: str) -> None:
    with httpx.Client(base_url=live_server.base_url) as client:
        answer = client.get(path)
    assert answer.status_code == 422


def test_a_rating_given_on_the_tracking_api_reaches_the_governors_figures(live_server: LiveServer,
                                                                          accounts: dict[Role, Account]) -> None:
    code = file("DISHUB", answered=True)
    with session_scope() as session:
        from sqlmodel import select

        complaint = session.exec(select(Complaint).where(Complaint.tracking_code == code)).one()
        transition(session, complaint, Status.RESOLVED, actor_type=ActorType.STAFF, now=utcnow(), public_message="Beres.")
    with live_server.client() as reporter:
        assert reporter.post(f"/api/v1/complaints/{code}/rating", json={"score": 4, "comment": "Petugasnya ramah sekali"}).status_code == 200
    metrics_jobs.refresh_rollup()
    with live_server.client() as client:
        sign_in_fully(client, accounts[Role.GOVERNOR])
        dishub = by_code(client.get("/api/v1/metrics/agencies"))["DISHUB"]
        assert (dishub["ratings"], dishub["rating_mean"], dishub["rating_satisfied_percent"]) == (1, 4.0, 100.0)
        page = client.get("/staf/dasbor").text
        assert "Penilaian warga" in page and "4.0/5" in page and "ramah sekali" not in page  # the comment stays out
        table = list(csv.reader(io.StringIO(client.get("/staf/dasbor/ekspor/liga.csv").content.decode("utf-8-sig"))))
        column = table[0].index("Rata-rata penilaian (1-5)")
        assert [row[column] for row in table[1:] if row[1] == "DISHUB"] == ["4.0"]
    public = httpx.get(f"{live_server.base_url}/transparansi").text
    assert 'id="province-rating"' in public and "4.0/5" in public
