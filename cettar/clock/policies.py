"""SLA policies as deployment data: admins add or change them on /staf/admin/sla; each stored
policy is SP4N-LAPOR!'s clocks with its own durations, chosen by agency, category, priority and
channel like the defaults (the most specific wins). A stored policy with a default's name
replaces that default."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Column
from sqlmodel import Field, Session, SQLModel, col, select

from cettar.audit import service as audit_service
from cettar.errors import FieldError
from cettar.types import UTCDateTime, utcnow
from sla.duration import Duration
from sla.policy import DEFAULT_POLICIES, Policy, with_durations

CLOCK_NAMES = ("verification", "first_response", "resolution", "auto_close")


class SlaPolicy(SQLModel, table=True):
    __tablename__ = "sla_policy"

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(max_length=40, unique=True)
    agency: str | None = Field(default=None, max_length=32)
    category: str | None = Field(default=None, max_length=40)
    priority: str | None = Field(default=None, max_length=10)
    channel: str | None = Field(default=None, max_length=10)
    durations: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))  # clock -> "3wd"
    enabled: bool = True
    updated_at: datetime = Field(default_factory=utcnow, sa_column=Column(UTCDateTime(), nullable=False))
    updated_by: str = Field(default="", max_length=200)


def _policy(row: SlaPolicy) -> Policy:
    return with_durations(row.name, {k: Duration.parse(str(v)) for k, v in row.durations.items()}, agency=row.agency,
                          category=row.category, priority=row.priority, channel=row.channel)


def in_force(session: Session) -> tuple[Policy, ...]:
    """The stored policies (enabled), then the defaults they do not replace."""
    stored = [_policy(r) for r in session.exec(select(SlaPolicy).where(SlaPolicy.enabled == True)  # noqa: E712
                                               .order_by(col(SlaPolicy.id)))]
    names = {p.name for p in stored}
    return (*stored, *(p for p in DEFAULT_POLICIES if p.name not in names))


def stored_names(session: Session) -> set[str]:
    return {row.name for row in session.exec(select(SlaPolicy))}


def save(session: Session, *, name: str, conditions: dict[str, str], durations: dict[str, str], actor: str,
         enabled: bool = True, now: datetime | None = None) -> SlaPolicy:
    name = name.strip().lower()
    if not name or len(name) > 40 or not all(ch.isalnum() or ch in "-_" for ch in name):
        raise FieldError("a name of letters, digits, - and _ (40 at most)", field="name", key="invalid")
    parsed: dict[str, str] = {}
    for clock, text in durations.items():
        text = text.strip()
        if not text:
            continue
        if clock not in CLOCK_NAMES:
            raise FieldError(f"no clock named {clock!r}", field=clock, key="invalid")
        try:
            parsed[clock] = str(Duration.parse(text))
        except ValueError as exc:
            raise FieldError(f"{clock}: {exc} (e.g. 3wd, 8wh, 72h)", field=clock, key="invalid") from None
    clean = {k: (v.strip() or None) for k, v in conditions.items() if k in ("agency", "category", "priority", "channel")}
    row = session.exec(select(SlaPolicy).where(SlaPolicy.name == name)).first() or SlaPolicy(name=name)
    row.agency, row.category, row.priority, row.channel = (clean.get("agency"), clean.get("category"),
                                                           clean.get("priority"), clean.get("channel"))
    row.durations, row.enabled, row.updated_at, row.updated_by = parsed, enabled, now or utcnow(), actor
    session.add(row)
    session.flush()
    audit_service.record(session, by=actor, action="sla_policy.save", target=row.name, now=row.updated_at,
                         data={"durations": row.durations, "enabled": row.enabled, "agency": row.agency,
                               "category": row.category, "priority": row.priority, "channel": row.channel})
    return row
