"""The agency directory is deployment data: a CSV or YAML list of code, name, level,
parent_code, region_code (and optionally active, role and function)."""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import datetime
from pathlib import Path

from sqlmodel import Session, col, select

from cettar.agency.models import Agency, AgencyLevel, AgencyRole
from cettar.audit import service as audit_service
from cettar.errors import NotFound
from cettar.reference_data import read_records, require

_FUNCTION = re.compile(r"^[a-z][a-z0-9_]{0,39}$")
DEMO_AGENCIES = Path(__file__).resolve().parent.parent / "data" / "agencies_surabaya.csv"


DIRECTORY_KEY = "cettar.active_agencies"  # session.info: a batch's read of the active directory, by code and name


def read_directory_once(session: Session) -> None:
    """Keep the active agencies in ``session.info`` for this session's ``resolve`` calls: a batch
    that routes a hundred complaints resolves four labels each, and reads the directory once."""
    agencies = list_active(session)
    session.info[DIRECTORY_KEY] = {a.name: a for a in agencies} | {a.code: a for a in agencies}


def get_by_code(session: Session, *, code: str, active_only: bool = True) -> Agency | None:
    query = select(Agency).where(Agency.code == code)
    if active_only:
        query = query.where(Agency.active == True)  # noqa: E712
    return session.exec(query).first()


def resolve(session: Session, *, label: str) -> Agency | None:
    """The active agency a router's label names: its code, or (for a model trained on a history
    that records agencies by name) its exact name."""
    directory = session.info.get(DIRECTORY_KEY)
    if directory is not None:
        found: Agency | None = directory.get(label)
        return found
    agency = get_by_code(session, code=label)
    if agency is not None:
        return agency
    query = select(Agency).where(Agency.name == label, Agency.active == True)  # noqa: E712
    return session.exec(query).first()


def unknown_labels(session: Session, *, labels: list[str], functions: Mapping[str, str] | None = None) -> list[str]:
    """The labels that name no active agency of this deployment (see ``label_codes``)."""
    codes = label_codes(session, labels=labels, functions=functions)
    return sorted(label for label in labels if label not in codes)


def label_codes(session: Session, *, labels: list[str], functions: Mapping[str, str] | None = None) -> dict[str, str]:
    """The agency code each of a model's labels routes to here: the agency with that code or name,
    else (for a model trained in another deployment, whose ``functions`` say what each of its labels
    does) the active agency with the same function. Labels that match nothing are left out."""
    agencies = list_active(session)
    by_key = {a.code: a.code for a in agencies} | {a.name: a.code for a in agencies}
    by_function: dict[str, str] = {}
    for agency in agencies:
        if agency.function:
            by_function.setdefault(agency.function, agency.code)
    found = {}
    for label in labels:
        code = by_key.get(label) or by_function.get((functions or {}).get(label, ""))
        if code:
            found[label] = code
    return found


def get_by_id(session: Session, *, agency_id: int) -> Agency | None:
    return session.get(Agency, agency_id)


def update_settings(session: Session, *, agency_id: int, active: bool, auto_assign: bool, by: str,
                    now: datetime) -> Agency:
    """Switch an agency on or off and choose round-robin assignment (audited as ``agency.update``)."""
    agency = session.get(Agency, agency_id)
    if agency is None:
        raise NotFound("no such agency", key="no_agency")
    agency.active, agency.auto_assign = active, auto_assign
    session.add(agency)
    audit_service.record(session, by=by, action="agency.update", target=agency.code, now=now,
                         data={"active": active, "auto_assign": auto_assign})
    return agency


def list_all(session: Session) -> list[Agency]:
    """Every agency, active or not, by name (the admin's directory page)."""
    return list(session.exec(select(Agency).order_by(col(Agency.name))))


def list_active(session: Session) -> list[Agency]:
    return list(session.exec(select(Agency).where(Agency.active == True).order_by(Agency.name)))  # noqa: E712


def load_file(session: Session, *, path: Path) -> int:
    """Insert or update every agency in the file, parents before children; returns the count."""
    rows = read_records(path)
    require(path, rows, ("code", "name", "level"))
    levels = {level.value for level in AgencyLevel}
    codes = {row["code"] for row in rows}
    for number, row in enumerate(rows, start=2):
        if row["level"] not in levels:
            raise ValueError(f"{path}:{number}: level must be one of {sorted(levels)}, not {row['level']!r}")
        named_parent = row.get("parent_code") or ""
        if named_parent and named_parent not in codes and get_by_code(session, code=named_parent, active_only=False) is None:
            raise ValueError(f"{path}:{number}: parent {named_parent!r} is neither in the file nor in the directory")
    by_code: dict[str, Agency] = {}
    for row in rows:
        agency = get_by_code(session, code=row["code"], active_only=False) or Agency(code=row["code"], name="", level="")
        agency.name = row["name"]
        agency.level = row["level"]
        agency.region_code = row.get("region_code") or None
        agency.active = (row.get("active") or "true").lower() not in {"false", "0", "no"}
        role = (row.get("role") or "").strip()
        if role not in {r.value for r in AgencyRole}:
            raise ValueError(f"{path}: agency {row['code']!r}: role must be empty, 'integrity' or 'local_office', not {role!r}")
        agency.role = role
        function = (row.get("function") or "").strip()
        if function and not _FUNCTION.match(function):
            raise ValueError(f"{path}: agency {row['code']!r}: function must be lower-case words joined by '_' "
                             f"(e.g. roads_drainage), not {function!r}")
        agency.function = function
        session.add(agency)
        by_code[agency.code] = agency
    session.flush()
    for row in rows:  # a second pass, so a file need not list parents before children
        parent_code = row.get("parent_code") or ""
        parent = by_code.get(parent_code) or (get_by_code(session, code=parent_code, active_only=False) if parent_code else None)
        by_code[row["code"]].parent_id = parent.id if parent else None
    session.flush()
    return len(rows)
