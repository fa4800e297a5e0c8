import pytest
from pydantic import ValidationError

from cettar.intake.schemas import ComplaintCreate

MAX_TEXT = 5000  # CETTAR_MAX_TEXT_LENGTH's default
from cettar.validation import problems_from_pydantic


def _problems(payload: dict[str, object], language: str = "id") -> dict[str, tuple[str, str]]:
    with pytest.raises(ValidationError) as caught:
        ComplaintCreate.model_validate(payload)
    return {p.field: (p.code, p.message) for p in problems_from_pydantic(caught.value.errors(), language)}


def test_only_text_is_required() -> None:
    payload = ComplaintCreate.model_validate({"text": "  Jalan   berlubang\r\ndi depan SD  "})
    assert payload.text == "Jalan berlubang\ndi depan SD"
    assert payload.privacy == "public"
    assert payload.reporter is None


@pytest.mark.parametrize(
    ("payload", "field", "code"),
    [
        ({}, "text", "missing"),
        ({"text": "   \n  "}, "text", "text_empty"),
        ({"text": "a" * (MAX_TEXT + 1)}, "text", "text_too_long"),
        ({"text": "a" * (MAX_TEXT * 3)}, "text", "text_too_long"),
        ({"text": "ada\x00nul"}, "text", "control_characters"),
        ({"text": "ok", "title": "bell\x07"}, "title", "control_characters"),
        ({"text": "ok", "address": "Jl. \u202eevil"}, "address", "control_characters"),
        ({"text": "ok", "reporter": {"email": "not-an-email"}}, "reporter.email", "email_invalid"),
        ({"text": "ok", "reporter": {"phone": "12345"}}, "reporter.phone", "phone_invalid"),
        ({"text": "ok", "privacy": "secret"}, "privacy", "choice"),
        ({"text": "ok", "latitude": 48.8}, "latitude", "number"),
    ],
)
def test_bad_input_names_the_field(payload: dict[str, object], field: str, code: str) -> None:
    problems = _problems(payload)
    assert field in problems, problems
    assert problems[field][0] == code


def test_messages_are_indonesian_first_and_english_on_request() -> None:
    assert _problems({"text": ""}, "id")["text"][1] == "Tuliskan isi pengaduan."
    assert _problems({"text": ""}, "en")["text"][1] == "Write what the complaint is about."
    assert "5000" in _problems({"text": "x" * 5001}, "en")["text"][1]


@pytest.mark.parametrize("spelling", ["0812-3456-7890", "+62 812 3456 7890", "62812 3456 7890", "(0812) 3456.7890"])
def test_phone_numbers_are_normalised(spelling: str) -> None:
    payload = ComplaintCreate.model_validate({"text": "ok", "reporter": {"phone": spelling}})
    assert payload.reporter is not None and payload.reporter.phone == "+6281234567890"


def test_markup_is_kept_as_text() -> None:
    text = '<script>alert("x")</script> <b>jalan</b> & got'
    assert ComplaintCreate.model_validate({"text": text}).text == text


def test_unknown_fields_are_refused() -> None:
    assert "nik" in _problems({"text": "ok", "nik": "3578"})


def test_the_text_limit_is_the_setting(monkeypatch: pytest.MonkeyPatch) -> None:
    from cettar.settings import get_settings

    monkeypatch.setenv("CETTAR_MAX_TEXT_LENGTH", "100")
    get_settings.cache_clear()
    try:
        assert _problems({"text": "a" * 101})["text"][0] == "text_too_long"
        assert _problems({"text": "a" * 3000})["text"][0] == "text_too_long"
        assert ComplaintCreate.model_validate({"text": "a" * 100}).text == "a" * 100
    finally:
        get_settings.cache_clear()
