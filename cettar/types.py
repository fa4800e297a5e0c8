"""Column types and the constraint naming convention shared by every model.

The convention is set here, in the module every model imports, because SQLAlchemy names a
constraint when it is attached to its table: setting it after the models are defined names nothing.
"""

from __future__ import annotations

from datetime import UTC, datetime
from enum import StrEnum
from typing import Any, Generic, TypeVar

from sqlalchemy import Column, DateTime, String
from sqlalchemy.types import TypeDecorator
from sqlmodel import Field, SQLModel

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}
SQLModel.metadata.naming_convention = NAMING_CONVENTION


class UTCDateTime(TypeDecorator[datetime]):
    """Aware UTC datetimes on every backend (SQLite keeps no zone, so it stores naive UTC)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTCDateTime column")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


E = TypeVar("E", bound=StrEnum)


class EnumText(TypeDecorator[E], Generic[E]):
    """A StrEnum stored as its plain value in a VARCHAR (no database enum type to migrate when a
    value is added) and read back as the enum, so code compares and matches members, not strings.
    A value the enum does not know is refused on the way in and reported on the way out."""

    impl = String
    cache_ok = True

    def __init__(self, enum: type[E], length: int) -> None:
        super().__init__(length)
        self.enum = enum

    def process_bind_param(self, value: E | str | None, dialect: Any) -> str | None:
        return None if value is None else self.enum(value).value

    def process_result_value(self, value: str | None, dialect: Any) -> E | None:
        return None if value is None else self.enum(value)


def enum_field(enum: type[E], length: int, *, default: E | None = None, index: bool = False,
               nullable: bool = False) -> Any:
    """A column holding one member of ``enum``."""
    column: Column[Any] = Column(EnumText(enum, length), nullable=nullable, index=index)
    return Field(default=default, sa_column=column)


def utcnow() -> datetime:
    return datetime.now(UTC)


def timestamp_field(*, index: bool = False) -> Any:
    """An optional aware-UTC timestamp column (a stage time, a sweep mark)."""
    return Field(default=None, sa_column=Column(UTCDateTime(), nullable=True, index=index))
