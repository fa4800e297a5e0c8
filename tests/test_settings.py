from pathlib import Path

import pytest
from pydantic import ValidationError

from cettar.settings import PLACEHOLDER_SECRET, Settings


def test_placeholder_secret_is_refused_outside_development(monkeypatch: pytest.MonkeyPatch) -> None:
    for environment in ("production", "test"):
        with pytest.raises(ValidationError, match="CETTAR_SECRET_KEY"):
            Settings(environment=environment, secret_key=PLACEHOLDER_SECRET)
        with pytest.raises(ValidationError, match="CETTAR_SECRET_KEY"):
            Settings(environment=environment, secret_key="short")
    assert Settings(environment="development", secret_key=PLACEHOLDER_SECRET).secret_key == PLACEHOLDER_SECRET


def test_defaults_to_a_sqlite_file_in_the_data_directory(tmp_path: Path) -> None:
    settings = Settings(environment="development", data_dir=tmp_path, database_url="")
    assert settings.effective_database_url == f"sqlite:///{tmp_path.resolve() / 'cettar.db'}"
    assert settings.timezone == "Asia/Jakarta"


def test_settings_come_from_cettar_variables_and_dotenv(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / ".env").write_text("CETTAR_PUBLIC_BASE_URL=https://lapor.example.go.id/\nCETTAR_TIMEZONE=Asia/Makassar\n")
    monkeypatch.setenv("CETTAR_FORM_RATE_LIMIT", "5/hour")
    settings = Settings()
    assert settings.public_base_url == "https://lapor.example.go.id"
    assert settings.timezone == "Asia/Makassar"
    assert settings.rate_limit == (5, 3600)


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [("timezone", "Asia/Atlantis", "unknown time zone"), ("form_rate_limit", "lots", "20/minute")],
)
def test_bad_settings_say_what_is_wrong(field: str, value: str, message: str) -> None:
    with pytest.raises(ValidationError, match=message):
        Settings(**{field: value})
