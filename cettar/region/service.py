"""Regions are reference data: loaded from a CSV, read by code."""

from __future__ import annotations

from pathlib import Path

from sqlmodel import Session, select

from cettar.region.models import Region, RegionLevel
from cettar.reference_data import read_records, require

DEMO_REGIONS = Path(__file__).resolve().parent.parent / "data" / "regions_jatim.csv"


def get(session: Session, *, code: str) -> Region | None:
    return session.get(Region, code)


def districts(session: Session) -> list[Region]:
    """Every district (kecamatan), by name: what a staff filter offers as choices."""
    return list(session.exec(select(Region).where(Region.level == RegionLevel.DISTRICT).order_by(Region.name)))


def list_all(session: Session) -> list[Region]:
    return list(session.exec(select(Region).order_by(Region.level, Region.name)))


def load_file(session: Session, *, path: Path) -> int:
    """Insert or update every row of a ``code,name,level,parent_code`` file; parents first."""
    rows = read_records(path)
    require(path, rows, ("code", "name", "level"))
    known = {level.value for level in RegionLevel}
    for number, row in enumerate(rows, start=2):
        if row["level"] not in known:
            raise ValueError(f"{path}:{number}: level must be one of {sorted(known)}, not {row['level']!r}")
    for row in rows:
        region = session.get(Region, row["code"]) or Region(code=row["code"], name="", level="")
        region.name = row["name"]
        region.level = row["level"]
        region.parent_code = row["parent_code"] or None
        session.add(region)
        session.flush()
    return len(rows)
