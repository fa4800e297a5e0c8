#!/usr/bin/env python3
"""CETTAR's message catalogues with the standard gettext tools (Babel).

    python scripts/i18n.py extract     # cettar/locale/cettar.pot from the code and the templates
    python scripts/i18n.py update      # merge the .pot into every language's .po (new keys empty)
    python scripts/i18n.py init jv     # start a new language (Javanese) from the .pot
    python scripts/i18n.py compile     # every .po to the .mo the application reads
    python scripts/i18n.py check       # what the test suite checks: nothing stale, nothing missing

It is `pybabel extract -F babel.cfg -k translate:2 -k N_ …` and friends, with one addition: each
entry of the .pot carries the Indonesian and English texts as comments, so a translator working on
a new language sees what the key says (the msgids are keys, e.g. ``form.title``). A .po made with
`pybabel init` from that .pot works the same way.
"""

from __future__ import annotations

import contextlib
import io
import sys
from collections.abc import Iterable
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.mofile import read_mo, write_mo
from babel.messages.pofile import read_po, write_po

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "cettar"
LOCALE = PACKAGE / "locale"
DOMAIN = "cettar"
TEMPLATE = LOCALE / f"{DOMAIN}.pot"
KEYWORDS = {"_": None, "N_": None, "t": None, "translate": (2,)}  # t: the translator a dashboard helper is given
METHOD_MAP = [("**/templates/**.html", "jinja2"), ("**.py", "python")]
OPTIONS = {"**/templates/**.html": {"extensions": "jinja2.ext.i18n"}}
WIDTH = 100


def shown(path: Path) -> str:
    return str(path.relative_to(ROOT)) if path.is_relative_to(ROOT) else str(path)


def po_path(language: str) -> Path:
    return LOCALE / language / "LC_MESSAGES" / f"{DOMAIN}.po"


def languages() -> list[str]:
    return sorted(p.parent.parent.name for p in LOCALE.glob(f"*/LC_MESSAGES/{DOMAIN}.po"))


def read(path: Path, language: str | None = None) -> Catalog:
    with path.open("rb") as handle:
        return read_po(handle, locale=language)


def write(catalog: Catalog, path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    buffer = io.BytesIO()
    write_po(buffer, catalog, width=WIDTH, sort_output=True, omit_header=False, ignore_obsolete=True)
    path.write_bytes(buffer.getvalue())


def extracted_keys() -> dict[str, list[tuple[str, int]]]:
    """Every message key the code and the templates name, with where."""
    found: dict[str, list[tuple[str, int]]] = {}
    # Babel warns about each f-string key (translate(language, f"status.{value}")): those keys are
    # built at run time on purpose and listed in cettar/messages.py, so the warnings are dropped
    with contextlib.redirect_stderr(io.StringIO()):
        for filename, lineno, message, _comments, _context in extract_from_dir(
                str(PACKAGE), METHOD_MAP, options_map=OPTIONS, keywords=KEYWORDS, comment_tags=("TRANSLATORS:",)):
            if isinstance(message, str) and message:
                found.setdefault(message, []).append((f"cettar/{filename}", lineno))
    return found


def template() -> Catalog:
    """The .pot: the extracted keys, each with the Indonesian and English texts as comments."""
    sources = {language: read(po_path(language), language) for language in ("id", "en") if po_path(language).exists()}
    pot = Catalog(domain=DOMAIN, project="CETTAR", version="1", copyright_holder="CETTAR contributors",
                  msgid_bugs_address="", charset="utf-8", fuzzy=False)
    for key, locations in sorted(extracted_keys().items()):
        comments = []
        for language, catalog in sources.items():
            message = catalog.get(key)
            if message is not None and message.string:
                comments.append(f"{language}: {message.string}")
        flags = ["python-brace-format"] if any("{" in c for c in comments) else []
        pot.add(key, "", locations=[(path, line) for path, line in locations], auto_comments=comments, flags=flags)
    return pot


def extract() -> None:
    pot = template()
    write(pot, TEMPLATE)
    print(f"{shown(TEMPLATE)}: {len(pot)} messages")


def update(targets: Iterable[str] | None = None) -> None:
    pot = read(TEMPLATE)
    for language in targets or languages():
        catalog = read(po_path(language), language)
        catalog.update(pot, no_fuzzy_matching=True)
        write(catalog, po_path(language))
        missing = sum(1 for m in catalog if m.id and not m.string)
        print(f"{language}: {len(catalog)} messages, {missing} untranslated")


def init(language: str) -> None:
    path = po_path(language)
    if path.exists():
        sys.exit(f"{shown(path)} exists already; run `update`")
    pot = read(TEMPLATE)
    catalog = Catalog(locale=language, domain=DOMAIN, project="CETTAR", version="1", fuzzy=False, charset="utf-8")
    for message in pot:
        if message.id:
            catalog.add(message.id, "", locations=message.locations, auto_comments=message.auto_comments,
                        flags=message.flags)
    write(catalog, path)
    print(f"{shown(path)}: {len(catalog)} messages to translate; then `compile`")


def compiled(language: str) -> bytes:
    buffer = io.BytesIO()
    write_mo(buffer, read(po_path(language), language))
    return buffer.getvalue()


def compile_all() -> None:
    for language in languages():
        target = po_path(language).with_suffix(".mo")
        target.write_bytes(compiled(language))
        print(f"{shown(target)}")


def problems() -> list[str]:
    """What is wrong with the catalogues against the code (empty when all is well)."""
    found: list[str] = []
    keys = set(extracted_keys())
    indonesian = read(po_path("id"), "id")
    known = {m.id for m in indonesian if m.id}
    for key in sorted(keys - known):
        found.append(f"id: {key} is used in the code but has no Indonesian text")
    for key in sorted(known - keys):
        found.append(f"id: {key} is in the catalogue but no longer in the code (stale: run extract and update)")
    for message in indonesian:
        if message.id and not message.string:
            found.append(f"id: {message.id} has an empty Indonesian text")
    for language in languages():
        catalog = read(po_path(language), language)
        for message in catalog:
            if message.id and message.id not in known:
                found.append(f"{language}: {message.id} is not in the Indonesian catalogue")
            if message.id and message.string and message.id in known:
                wanted = _placeholders(indonesian.get(message.id).string)  # type: ignore[union-attr]
                if _placeholders(message.string) != wanted:
                    found.append(f"{language}: {message.id} uses {sorted(_placeholders(message.string))}, "
                                 f"Indonesian uses {sorted(wanted)}")
        mo = po_path(language).with_suffix(".mo")
        if not mo.exists():
            found.append(f"{language}: no compiled {mo.name} (run compile)")
            continue
        with mo.open("rb") as handle:
            shipped = {m.id: m.string for m in read_mo(handle) if m.id}
        if shipped != {m.id: m.string for m in catalog if m.id and m.string}:
            found.append(f"{language}: {mo.name} is older than {po_path(language).name} (run compile)")
    return found


def _placeholders(text: str) -> set[str]:
    import string

    return {field for _, field, _, _ in string.Formatter().parse(text) if field}


def main(argv: list[str]) -> None:
    command = argv[1] if len(argv) > 1 else "check"
    if command == "extract":
        extract()
    elif command == "update":
        update(argv[2:] or None)
    elif command == "init" and len(argv) == 3:
        init(argv[2])
    elif command == "compile":
        compile_all()
    elif command == "check":
        found = problems()
        print("\n".join(found) or "the catalogues match the code")
        sys.exit(1 if found else 0)
    else:
        sys.exit(__doc__)


if __name__ == "__main__":
    main(sys.argv)
