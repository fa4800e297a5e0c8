"""Writing and reading the audit trail. Services call ``record`` next to the change they make, so
the pages, the API and the CLI leave the same entry."""

from __future__ import annotations

import getpass
from datetime import datetime
from typing import Any

from sqlmodel import Session, col, select

from cettar.audit.models import AuditEntry


def operator() -> str:
    """Who acts from the command line: the operating-system account, as ``cli:<user>``."""
    try:
        return f"cli:{getpass.getuser()}"
    except (KeyError, OSError):
        return "cli:unknown"


def record(session: Session, *, by: str, action: str, target: str, now: datetime,
           data: dict[str, Any] | None = None) -> AuditEntry:
    entry = AuditEntry(at=now, actor=by[:200], action=action, target=target[:300], data=data)
    session.add(entry)
    return entry


def recent(session: Session, *, limit: int = 30) -> list[AuditEntry]:
    return list(session.exec(select(AuditEntry).order_by(col(AuditEntry.id).desc()).limit(limit)))
