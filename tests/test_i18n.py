"""The message catalogues are gettext catalogues kept in step with the code: every key the code or a
template names has its Indonesian text, nothing stale stays behind, placeholders agree across
languages, the shipped .mo files are compiled from the .po files, and a new language added with the
standard tools is served."""

from __future__ import annotations

import importlib.util
import shutil
import sys
from pathlib import Path
from types import ModuleType

import pytest

from cettar import i18n
from cettar.complaint.models import CATEGORIES, Channel, MessageKind, Priority, Privacy, Status
from cettar.messages import RUNTIME_KEYS
from cettar.staff.models import NoticeKind, Role

ROOT = Path(__file__).resolve().parents[1]


def _tool() -> ModuleType:
    spec = importlib.util.spec_from_file_location("cettar_i18n_tool", ROOT / "scripts" / "i18n.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


def test_the_catalogues_match_the_code() -> None:
    assert _tool().problems() == []


def test_the_check_fails_on_a_key_without_indonesian_text_and_on_a_stale_one(tmp_path: Path,
                                                                           monkeypatch: pytest.MonkeyPatch) -> None:
    tool = _tool()
    package = tmp_path / "cettar"
    shutil.copytree(ROOT / "cettar" / "locale", package / "locale")
    (package / "templates").mkdir()
    (package / "templates" / "page.html").write_text('{{ _("form.title") }} {{ _("brand.new") }}')
    monkeypatch.setattr(tool, "PACKAGE", package)
    monkeypatch.setattr(tool, "LOCALE", package / "locale")
    found = tool.problems()
    assert "id: brand.new is used in the code but has no Indonesian text" in found
    assert any("nav.report is in the catalogue but no longer in the code" in line for line in found)


def test_enum_labels_are_all_named() -> None:
    def keys(group: str) -> set[str]:
        return {key.split(".", 1)[1] for key in RUNTIME_KEYS[group]}

    assert keys("status") == {s.value for s in Status}
    assert keys("channel") == {c.value for c in Channel}
    assert keys("privacy") == {p.value for p in Privacy}
    assert keys("priority") == {p.value for p in Priority}
    assert keys("role") == {r.value for r in Role}
    assert keys("notice") == {n.value for n in NoticeKind}
    assert keys("category") == {c or "none" for c in CATEGORIES}
    assert keys("mail") == {f"{part}.{kind.value}" for kind in MessageKind for part in ("subject", "body")}


def test_a_language_falls_back_to_indonesian_and_formats_its_placeholders() -> None:
    assert (i18n.translate("id", "form.submit"), i18n.translate("en", "form.submit")) == ("Kirim pengaduan",
                                                                                          "Send complaint")
    assert i18n.translate("xx", "form.submit") == i18n.translate("id", "form.submit")  # unknown language: Indonesian
    assert "5000" in i18n.translate("id", "form.text_hint", max=5000)
    assert i18n.translate("id", "no.such.key") == "no.such.key"  # a missing key shows itself


def test_a_new_language_made_with_the_tools_is_served(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    tool = _tool()
    locale = tmp_path / "locale"
    shutil.copytree(ROOT / "cettar" / "locale", locale)
    monkeypatch.setattr(tool, "LOCALE", locale)
    monkeypatch.setattr(tool, "TEMPLATE", locale / "cettar.pot")
    tool.init("jv")
    catalog = tool.read(tool.po_path("jv"), "jv")
    assert any("id: Kirim pengaduan" in c for c in catalog.get("form.submit").auto_comments)  # the translator sees the text
    catalog.get("form.submit").string = "Kirim aduan"
    tool.write(catalog, tool.po_path("jv"))
    tool.compile_all()
    monkeypatch.setattr(i18n, "LOCALE_DIR", locale)
    i18n._catalogue.cache_clear()
    try:
        monkeypatch.setattr(i18n, "LANGUAGES", i18n._installed())
        assert "jv" in i18n.LANGUAGES
        assert i18n.translate("jv", "form.submit") == "Kirim aduan"
        assert i18n.translate("jv", "form.title") == i18n.translate("id", "form.title")  # untranslated: Indonesian
    finally:
        i18n._catalogue.cache_clear()
