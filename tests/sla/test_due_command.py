from pathlib import Path

import pytest
from click.testing import CliRunner

from cettar.cli import main
from cettar.settings import get_settings


def _due(*args: str) -> str:
    result = CliRunner().invoke(main, ["sla", "due", *args])
    assert result.exit_code == 0, result.output
    return result.output.strip()


def test_deadlines_print_as_one_iso_line_on_the_deployment_calendar(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    assert _due("--start", "2026-03-13T15:00", "--working-days", "3") == "2026-03-25T16:00:00+07:00"
    assert _due("--start", "2026-02-07T10:00:00+07:00", "--working-hours", "8") == "2026-02-09T16:00:00+07:00"
    assert _due("--start", "2026-02-07T10:00", "--hours", "24") == "2026-02-08T10:00:00+07:00"

    calendar = tmp_path / "calendar.yaml"
    calendar.write_text('hours: {fri: "07:30-11:00"}\ndays_off: [2026-02-10]\n'
                        'agencies:\n  RSUD-SOEWANDHIE: {sat: "08:00-12:00"}\n')
    monkeypatch.setenv("CETTAR_CALENDAR_FILE", str(calendar))
    monkeypatch.setenv("CETTAR_TIMEZONE", "Asia/Makassar")
    get_settings.cache_clear()
    assert _due("--start", "2026-02-09T09:00", "--working-days", "1") == "2026-02-11T16:00:00+08:00"  # 10th off
    assert _due("--start", "2026-02-13T10:00", "--working-days", "0") == "2026-02-13T11:00:00+08:00"  # short Friday
    assert _due("--start", "2026-02-13T12:00", "--working-days", "0", "--agency", "RSUD-SOEWANDHIE") == \
        "2026-02-14T12:00:00+08:00"  # the hospital's Saturday


def test_bad_arguments_say_what_is_wrong(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    runner = CliRunner()
    both = runner.invoke(main, ["sla", "due", "--start", "2026-02-07T10:00", "--hours", "2", "--working-days", "1"])
    assert both.exit_code == 2 and "exactly one of" in both.output
    bad = tmp_path / "calendar.yaml"
    bad.write_text('hours: {fri: "sixteen"}\n')
    monkeypatch.setenv("CETTAR_CALENDAR_FILE", str(bad))
    get_settings.cache_clear()
    broken = runner.invoke(main, ["sla", "due", "--start", "2026-02-07T10:00", "--hours", "2"])
    assert broken.exit_code == 1 and "is not office hours like 08:00-16:00" in broken.output
