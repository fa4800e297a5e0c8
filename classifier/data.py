"""Reading labelled complaints from CSV: deduplicated, ordered in time, split by time."""

from __future__ import annotations

import csv
import hashlib
import sys
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path


class DataError(ValueError):
    """A data file that cannot be used, with what to do about it."""


@dataclass
class Examples:
    texts: list[str]
    labels: list[str]
    times: list[str] = field(default_factory=list)  # ISO 8601 as written, "" when unknown
    rows: list[dict[str, str]] = field(default_factory=list)

    def __len__(self) -> int:
        return len(self.texts)

    def subset(self, indices: Sequence[int]) -> Examples:
        return Examples(
            [self.texts[i] for i in indices],
            [self.labels[i] for i in indices],
            [self.times[i] for i in indices] if self.times else [],
            [self.rows[i] for i in indices] if self.rows else [],
        )

    def fingerprint(self) -> str:
        """SHA-256 over the texts and labels in order: which data a model was trained on."""
        digest = hashlib.sha256()
        for text, label in zip(self.texts, self.labels, strict=True):
            digest.update(text.encode("utf-8") + b"\x1f" + label.encode("utf-8") + b"\x1e")
        return digest.hexdigest()


def _dedup_key(text: str) -> str:
    return " ".join(text.lower().split())


def read_rows(path: Path) -> tuple[list[str], list[dict[str, str]]]:
    if not path.exists():
        raise DataError(f"{path}: no such file")
    csv.field_size_limit(min(sys.maxsize, 2**31 - 1))
    with path.open(newline="", encoding="utf-8-sig") as handle:
        reader = csv.DictReader(handle)
        return list(reader.fieldnames or []), list(reader)


def load_examples(
    path: Path, *, text_col: str = "text", label_col: str | None = "agency", time_col: str | None = "submitted_at"
) -> Examples:
    """Rows with an empty text are skipped; a text that repeats an earlier one (ignoring case
    and spacing) is kept once, so no complaint sits on both sides of a split."""
    columns, rows = read_rows(path)
    for name in (text_col, label_col):
        if name and name not in columns:
            raise DataError(f"{path}: no column {name!r} (columns: {', '.join(columns)})")
    has_time = bool(time_col) and time_col in columns
    seen: set[str] = set()
    kept = Examples([], [], [], [])
    for row in rows:
        text = (row.get(text_col) or "").strip()
        label = (row.get(label_col) or "").strip() if label_col else ""
        if not text or (label_col and not label):
            continue
        key = _dedup_key(text)
        if key in seen:
            continue
        seen.add(key)
        kept.texts.append(text)
        kept.labels.append(label)
        kept.times.append((row.get(time_col) or "") if has_time and time_col else "")
        kept.rows.append(row)
    if not kept.texts:
        raise DataError(f"{path}: no usable rows (each needs {text_col!r}" + (f" and {label_col!r})" if label_col else ")"))
    return kept


def split_by_time(examples: Examples, boundary: str) -> tuple[Examples, Examples]:
    """Rows before ``boundary`` (ISO date or datetime, compared as written) and the rest."""
    if not any(examples.times):
        raise DataError("the data has no time column to split on")
    before = [i for i, t in enumerate(examples.times) if t and t < boundary]
    after = [i for i, t in enumerate(examples.times) if t and t >= boundary]
    return examples.subset(before), examples.subset(after)


def chronological(examples: Examples) -> Examples:
    order = sorted(range(len(examples)), key=lambda i: examples.times[i] if examples.times else "")
    return examples.subset(order)


_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def spreadsheet_safe(value: str | None) -> str:
    """A CSV cell a spreadsheet shows instead of running: complaint text that starts like a
    formula (``=HYPERLINK(...)``) gets a leading apostrophe."""
    value = value or ""
    return "'" + value if value.startswith(_FORMULA_START) else value
