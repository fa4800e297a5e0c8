"""Agencies (OPD): the bodies a complaint is dispositioned to."""

from __future__ import annotations

from enum import StrEnum

from sqlmodel import Field, SQLModel


class AgencyLevel(StrEnum):
    PROVINCE = "province"
    CITY = "city"
    REGENCY = "regency"
    DISTRICT = "district"


class AgencyRole(StrEnum):
    """What routing must know of an agency beyond its name (the directory's ``role`` column)."""

    NONE = ""
    INTEGRITY = "integrity"  # the Inspektorat: where integrity complaints are suggested first
    LOCAL_OFFICE = "local_office"  # a kelurahan/kecamatan: never given an integrity complaint automatically


class AgencyBase(SQLModel):
    code: str = Field(max_length=32, unique=True, index=True)
    name: str = Field(max_length=200)
    level: str = Field(max_length=16)
    active: bool = True


class Agency(AgencyBase, table=True):
    id: int | None = Field(default=None, primary_key=True)
    parent_id: int | None = Field(default=None, foreign_key="agency.id", index=True)
    region_code: str | None = Field(default=None, foreign_key="region.code", max_length=32)
    auto_assign: bool = False  # hand each newly routed complaint to the next officer in turn
    role: str = Field(default="", max_length=16)  # an AgencyRole
    # what the agency does, in a vocabulary shared between deployments (roads_drainage, environment_waste,
    # social_affairs, transport_street_lights, ...): a model trained elsewhere routes to the agency of
    # the function its own label had
    function: str = Field(default="", max_length=40)


class AgencyPublic(SQLModel):
    code: str
    name: str
