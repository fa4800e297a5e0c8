"""Reading a deployment's reference data (regions, agencies) from CSV or YAML files."""

from __future__ import annotations

import csv
from pathlib import Path

import yaml


def read_records(path: Path) -> list[dict[str, str]]:
    """Rows as dicts of strings. YAML: a list of mappings with the same keys as the CSV columns."""
    if path.suffix.lower() in {".yaml", ".yml"}:
        loaded = yaml.safe_load(path.read_text(encoding="utf-8"))
        if not isinstance(loaded, list) or not all(isinstance(item, dict) for item in loaded):
            raise ValueError(f"{path}: expected a list of entries, each with code, name, level, ...")
        return [{str(k): "" if v is None else str(v) for k, v in item.items()} for item in loaded]
    with path.open(newline="", encoding="utf-8-sig") as handle:
        return [dict(row) for row in csv.DictReader(handle)]


def require(path: Path, records: list[dict[str, str]], columns: tuple[str, ...]) -> None:
    for number, record in enumerate(records, start=1):
        missing = [column for column in columns if not (record.get(column) or "").strip()]
        if missing:
            raise ValueError(f"{path}: entry {number} has no {', '.join(missing)}")
