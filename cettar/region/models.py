"""Administrative regions: the province, its cities and regencies (kota/kabupaten), their districts."""

from __future__ import annotations

from enum import StrEnum

from sqlmodel import Field, SQLModel


class RegionLevel(StrEnum):
    PROVINCE = "province"
    CITY = "city"
    REGENCY = "regency"
    DISTRICT = "district"


class Region(SQLModel, table=True):
    code: str = Field(primary_key=True, max_length=32)
    name: str = Field(max_length=120)
    level: str = Field(max_length=16)
    parent_code: str | None = Field(default=None, foreign_key="region.code", max_length=32, index=True)


class RegionPublic(SQLModel):
    code: str
    name: str
    level: str
