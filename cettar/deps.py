"""The request's database session, as a FastAPI dependency: in a module of its own, so that the
command line and the workers, which use ``cettar.db.session_scope``, never import FastAPI."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Annotated

from fastapi import Depends
from sqlmodel import Session

from cettar.db import session_scope


def get_session() -> Iterator[Session]:
    """The request boundary: commit after the endpoint returns, roll back if it raised."""
    with session_scope() as session:
        yield session


# scope="function": the commit happens before the response is sent, so a 201 means stored.
SessionDep = Annotated[Session, Depends(get_session, scope="function")]
