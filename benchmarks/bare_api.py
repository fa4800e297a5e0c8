"""The reference for ``benchmarks/api.py``: a bare FastAPI endpoint that validates a small JSON body
and inserts one row into SQLite (WAL, the same pragmas CETTAR sets), on the same uvicorn settings.

    BARE_API_DB=/tmp/bare.db uvicorn benchmarks.bare_api:app --port 8091
"""

from __future__ import annotations

import os
import uuid
from typing import Any

from fastapi import FastAPI, status
from pydantic import BaseModel
from sqlalchemy import Column, Integer, MetaData, String, Table, Text, create_engine, event, insert

engine = create_engine(f"sqlite:///{os.environ.get('BARE_API_DB', '/tmp/bare_api.db')}",
                       connect_args={"check_same_thread": False, "timeout": 10})


@event.listens_for(engine, "connect")
def _pragmas(connection: Any, _record: Any) -> None:
    connection.isolation_level = None
    cursor = connection.cursor()
    for pragma in ("journal_mode=WAL", "busy_timeout=10000", "synchronous=NORMAL"):
        cursor.execute(f"PRAGMA {pragma}")
    cursor.close()


@event.listens_for(engine, "begin")
def _begin(connection: Any) -> None:
    connection.exec_driver_sql("BEGIN IMMEDIATE")


metadata = MetaData()
rows = Table("complaint", metadata, Column("id", Integer, primary_key=True), Column("code", String(32)),
             Column("text", Text))
metadata.create_all(engine)
app = FastAPI()


class Body(BaseModel):
    text: str
    region_code: str | None = None


@app.post("/api/v1/complaints", status_code=status.HTTP_201_CREATED)
def create(body: Body) -> dict[str, Any]:
    code = uuid.uuid4().hex[:12]
    with engine.begin() as connection:
        new_id = connection.execute(insert(rows).values(code=code, text=body.text)).inserted_primary_key[0]
    return {"id": new_id, "tracking_code": code}
