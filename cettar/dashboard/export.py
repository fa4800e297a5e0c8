"""Every table the dashboard shows, as rows for CSV and XLSX, with the filters applied.

Topics, agency and district names can come from untrusted input; a cell that starts with ``=``,
``+``, ``-`` or ``@`` (or a tab or carriage return) is prefixed with ``'`` so that no spreadsheet
runs it as a formula. Numbers stay numbers.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from typing import Any

from cettar.dashboard.scorecard import LETTERS
from cettar.dashboard.service import Dashboard

TABLES = ("liga", "tren-mingguan", "tren-bulanan", "kecamatan", "backlog", "pelanggaran")
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
Cell = str | int | float | None


def neutralise(value: Cell) -> Cell:
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


def table(d: Dashboard, name: str, t: Callable[..., str]) -> tuple[list[str], list[list[Cell]]]:
    """(headers, rows) of one table, headers in the reader's language."""
    if name == "liga":
        headers = [t("dash.col.rank"), t("dash.col.code"), t("dash.col.agency"), t("dash.col.received"),
                   t("dash.col.responses"), t("dash.col.median"), t("dash.col.p90"), t("dash.col.within_sla"),
                   t("dash.col.backlog"), t("dash.col.breaches"), t("dash.col.ratings"), t("dash.col.rating_mean"),
                   t("dash.col.rating_satisfied")] + [t(f"letter.{k}") for k in LETTERS]
        rows = [[r.rank, r.agency_code or "", r.agency_name or t("dash.unrouted"), r.figures.received, r.figures.responses,
                 r.figures.median_hours, r.figures.p90_hours, _pct(r.figures.within_sla_share), r.figures.backlog_total,
                 r.figures.breaches, r.figures.ratings, r.figures.mean_rating, _pct(r.figures.satisfied_share)]
                + [letter.value for letter in r.letters] for r in d.agencies]
        return headers, rows
    if name in ("tren-mingguan", "tren-bulanan"):
        points = d.weekly if name == "tren-mingguan" else d.monthly
        headers = [t("dash.col.period"), t("dash.col.received"), t("dash.col.responses"), t("dash.col.within_sla"),
                   t("dash.col.median"), t("dash.col.p90")]
        return headers, [[p.label, p.figures.received, p.figures.responses, _pct(p.figures.within_sla_share),
                          p.figures.median_hours, p.figures.p90_hours] for p in points]
    if name == "kecamatan":
        headers = [t("dash.col.district"), t("dash.col.received"), t("dash.col.responses"), t("dash.col.within_sla"),
                   t("dash.col.median"), t("dash.col.still_open"), t("dash.col.breaches")]
        return headers, [[r.name or t("dash.no_district"), r.figures.received, r.figures.responses,
                          _pct(r.figures.within_sla_share), r.figures.median_hours, r.figures.still_open, r.figures.breaches]
                         for r in d.districts]
    if name == "backlog":
        headers = [t("dash.col.agency"), *d.backlog_labels, t("dash.col.backlog")]
        return headers, [[r.agency_name or t("dash.unrouted"), *(r.figures.backlog.get(b, 0) for b in d.backlog_labels),
                          r.figures.backlog_total] for r in d.agencies if r.figures.backlog_total]
    if name == "pelanggaran":
        headers = [t("dash.col.code"), t("dash.col.agency"), t("dash.col.clock"), t("dash.col.deadline"), t("dash.col.open")]
        return headers, [[b.tracking_code, b.agency_code or "", t(f"clock.{b.clock}"),
                          b.deadline.isoformat() if b.deadline else None, t("yes") if b.still_open else t("no")]
                         for b in d.breaches]
    raise KeyError(name)


def _pct(share: float | None) -> float | None:
    return round(100 * share, 1) if share is not None else None


def to_csv(headers: list[str], rows: list[list[Cell]]) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow([neutralise(h) for h in headers])
    writer.writerows([[neutralise(c) for c in row] for row in rows])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")  # the BOM makes Excel read UTF-8


def to_xlsx(title: str, headers: list[str], rows: list[list[Cell]]) -> bytes:
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    sheet: Any = workbook.create_sheet(title[:31])
    sheet.append([neutralise(h) for h in headers])
    for row in rows:
        sheet.append([neutralise(c) for c in row])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
