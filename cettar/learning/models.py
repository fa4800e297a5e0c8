"""The model registry: every routing model the deployment has trained or used, one row each."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import JSON, Column
from sqlmodel import Field, SQLModel

from cettar.types import UTCDateTime


class ModelStatus(StrEnum):
    CURRENT = "current"  # the one the workers route with (at most one row)
    RETIRED = "retired"  # was current once; a rollback can bring it back
    CANDIDATE = "candidate"  # won its evaluation but was kept for a person to promote
    REJECTED = "rejected"  # lost its evaluation (or could not be judged): never routed with unless promoted by hand


class RoutingModel(SQLModel, table=True):
    """``key`` is where the skops file lives in ``cettar.storage`` (``models/routing-….skops``);
    empty for the base model (the shipped one, or ``CETTAR_MODEL_PATH``). ``data_sha256`` is the
    fingerprint of the examples it was trained on: a retrain on the same data is not run twice."""

    __tablename__ = "routing_model"

    id: int | None = Field(default=None, primary_key=True)  # the version
    status: str = Field(max_length=16, index=True)
    key: str = Field(default="", max_length=200)
    sha256: str = Field(default="", max_length=64)  # of the file
    data_sha256: str = Field(default="", max_length=64, index=True)
    trained_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime(), nullable=True))
    created_at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False, index=True))
    base_examples: int = 0  # from the base data (the history the first model learnt from)
    deployment_examples: int = 0  # from this deployment's people: routing decisions and resolved complaints
    labels: int = 0  # agencies the model knows
    threshold: float | None = None
    metrics: dict[str, Any] | None = Field(default=None, sa_column=Column(JSON))  # the evaluation, both models
    note: str = Field(default="", max_length=500)  # why it was promoted, kept or rejected
    promoted_by: str = Field(default="", max_length=200)
    promoted_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime(), nullable=True))
