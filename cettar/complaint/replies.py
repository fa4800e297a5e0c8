"""The agencies' reply templates (``cettar/data/reply_templates.yaml``), in the officer's language."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from cettar.errors import FieldError

REPLY_TEMPLATES = Path(__file__).resolve().parent.parent / "data" / "reply_templates.yaml"


def reply_templates(language: str) -> list[dict[str, str]]:
    entries: list[dict[str, Any]] = yaml.safe_load(REPLY_TEMPLATES.read_text(encoding="utf-8")) or []
    return [{"key": str(e["key"]), "title": str(e["title"].get(language) or e["title"]["id"]),
             "text": str(e["text"].get(language) or e["text"]["id"])} for e in entries]


def template_text(key: str, language: str) -> str:
    for entry in reply_templates(language):
        if entry["key"] == key:
            return entry["text"]
    raise FieldError(f"unknown reply template {key!r}", field="template", key="choice")
