"""Property-based fuzzing: every operation of the OpenAPI document (schemathesis) and every staff form
(hypothesis) gets well-formed and malformed input; none may answer with a server error, and the API's
answers must match its own schema."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest
import schemathesis
from schemathesis import GenerationMode
from hypothesis import HealthCheck, given, settings
from hypothesis.errors import Unsatisfiable
from hypothesis import strategies as st
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import content_type_conformance, response_schema_conformance
from sqlmodel import select

from cettar.db import session_scope
from cettar.staff import service as staff_service
from cettar.staff.models import Role, Staff
from cettar.types import utcnow
from tests.conftest import LiveServer
from tests.staff.conftest import Account, accounts, form_token, sign_in_fully  # noqa: F401  (accounts: the fixture)
from tests.workbench.test_workbench import file

pytestmark = [pytest.mark.slow]
FUZZ = settings(max_examples=15, deadline=None, derandomize=True, database=None,
                suppress_health_check=list(HealthCheck))


@pytest.fixture
def supervisor_token(live_server: LiveServer, accounts: dict[Role, Account]) -> str:
    with session_scope() as session:
        supervisor = session.exec(select(Staff).where(Staff.email == accounts[Role.SUPERVISOR].email)).one()
        return staff_service.create_api_token(session, staff=supervisor, name="fuzz", now=utcnow())


def test_the_api_never_fails_and_answers_as_documented(live_server: LiveServer, supervisor_token: str) -> None:
    """Each operation of the OpenAPI document, with data schemathesis draws from it (positive and
    negative). The pytest plugin of schemathesis does not run on pytest 9, so the operations are
    driven with hypothesis directly."""
    file("DISHUB")  # something for the queue and the complaint operations to find
    schema = schemathesis.openapi.from_url(f"{live_server.base_url}/openapi.json")
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 8, "the OpenAPI document lost its operations"
    checks = [not_a_server_error, response_schema_conformance, content_type_conformance]
    ran: list[tuple[str, str, GenerationMode]] = []
    for operation in operations:
        has_input = bool(list(operation.iter_parameters())) or bool(operation.body)
        for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE) if has_input else (GenerationMode.POSITIVE,):
            @given(case=operation.as_strategy(generation_mode=mode))
            @FUZZ
            def call(case: schemathesis.Case) -> None:
                response = case.call(headers={"Authorization": f"Bearer {supervisor_token}"})
                case.validate_response(response, checks=checks)

            try:
                call()
            except Unsatisfiable:  # every parameter a free string: nothing can be made invalid
                assert mode == GenerationMode.NEGATIVE, f"{operation.method} {operation.path}"
                continue
            ran.append((operation.method, operation.path, mode))
    assert sum(1 for *_, mode in ran if mode == GenerationMode.NEGATIVE) >= 3, ran


# --- the staff forms --------------------------------------------------------------------------------

TRICKY_VALUES = ["", "0", "-1", "abc", "99999999999999999999999", "1e9", "%", "_", "DISHUB", "urgent", "flood", "1", " ",
                 "\x00", "x" * 6000, "CTR-0000-0000-0000"]
TRICKY = st.sampled_from(TRICKY_VALUES)
VALUES = st.one_of(TRICKY, TRICKY, st.text(max_size=40), st.integers().map(str))
ACTION_FIELDS = {"claim": [], "assign": ["assignee"], "reply": ["message", "template"], "note": ["text"],
                 "ask": ["question"], "resolve": ["message"], "reopen": ["reason"], "transfer": ["agency_code", "reason"],
                 "not-ours": ["reason"], "merge": ["into"], "spam": [], "categorise": ["category", "priority"],
                 "route": ["agency_code"], "explode": ["anything"]}
OTHER_FORMS = {
    "/staf/antrean/massal": ["action", "assignee", "agency_code", "reason", "code"],
    "/staf/admin/staf": ["email", "name", "role", "agency", "password"],
    "/staf/admin/sla": ["name", "agency", "category", "priority", "channel", "enabled", "first_response",
                        "resolution", "auto_close"],
    "/staf/admin/dinas/1": ["active", "auto_assign"],
    "/staf/admin/dinas/99999999999999999999": ["active"],
    "/staf/sumber": ["url", "name", "region"],
    "/staf/sumber/1/aktif": ["enabled"],
    "/staf/sandi": ["current", "new", "again"],
    "/staf/pemberitahuan/dibaca": [],
}


def _form(fields: list[str]) -> st.SearchStrategy[dict[str, str]]:
    return st.fixed_dictionaries({}, optional={field: VALUES for field in fields})


@pytest.fixture
def admin_client(live_server: LiveServer, accounts: dict[Role, Account]) -> Iterator[tuple[httpx.Client, str]]:
    code = file("DISHUB")
    with live_server.client() as client:
        sign_in_fully(client, accounts[Role.ADMIN])
        yield client, code


def test_every_staff_form_takes_any_input_without_a_server_error(admin_client: tuple[httpx.Client, str]) -> None:
    client, code = admin_client
    token = form_token(client.get("/staf/antrean?agency=DISHUB").text)
    forms = {f"/staf/pengaduan/{code}/{action}": fields for action, fields in ACTION_FIELDS.items()} | OTHER_FORMS
    seen: set[int] = set()
    drawn = st.sampled_from(sorted(forms)).flatmap(lambda path: st.tuples(st.just(path), _form(forms[path])))

    @given(path_and_form=drawn)
    @settings(FUZZ, max_examples=100)
    def post(path_and_form: tuple[str, dict[str, str]]) -> None:
        path, form = path_and_form
        try:
            answer = client.post(path, data={**form, "csrf_token": token})
        except httpx.TransportError as exc:
            raise AssertionError(f"the connection broke on {path} {form!r:.300}") from exc
        assert answer.status_code < 500, (path, form, answer.status_code, answer.text[:300])
        seen.add(answer.status_code)

    # every field of every form with each tricky value on its own, then hypothesis's combinations
    for path, fields in forms.items():
        for field in fields:
            for value in TRICKY_VALUES:
                post.hypothesis.inner_test((path, {field: value}))  # type: ignore[attr-defined]
    post()
    assert {303, 422} <= seen, seen  # the fuzzing reached both the actions that went through and the refusals
