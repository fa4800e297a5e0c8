"""RQ jobs of the intake path. They take ids, open their own transaction and are safe to repeat."""

from __future__ import annotations

import importlib
import logging
import time
from dataclasses import dataclass
from datetime import timedelta
from functools import lru_cache
from collections.abc import Callable
from typing import TypeVar, cast

from sqlalchemy.exc import SQLAlchemyError
from sqlmodel import Session

from cettar.agency import service as agency_service
from cettar.db import make_engine, session_scope
from cettar.instruments import instruments
from cettar.intake import service as intake_service
from cettar.learning import service as learning_service
from cettar.settings import get_settings
from cettar.types import utcnow
from classifier import Router
from classifier.predict import ModelRouter
from classifier.train import policy_for

log = logging.getLogger(__name__)


@dataclass
class _Held:
    version: tuple[int | None, str]  # (registry id, file sha256) of the model routed with
    router: ModelRouter
    checked: float  # time.monotonic() of the last look at the registry


_held: _Held | None = None


def get_router() -> Router:
    """``CETTAR_ROUTER``: ``model`` (the registry's current model; before any is promoted, the
    trained classifier at ``CETTAR_MODEL_PATH``, by default the one shipped for the demo agencies)
    or ``package.module:attribute`` naming a Router or a factory of one.

    The model is kept in the process and the registry looked at again every
    ``CETTAR_MODEL_CHECK_INTERVAL`` seconds: a promoted model (or a rollback) is picked up without
    a restart. ``cettar worker`` calls this before each job, so the forked work-horses inherit the
    model already loaded."""
    settings = get_settings()
    if settings.router != "model":
        return _custom_router(settings.router)
    global _held
    now = time.monotonic()
    if _held is not None and now - _held.checked < settings.model_check_interval:
        return _held.router
    try:
        row = _registry(lambda session: learning_service.current(session))
    except SQLAlchemyError as exc:
        if _held is None:
            raise
        log.warning("cannot read the model registry (%s); routing on with version %s", exc, _held.version[0])
        _held.checked = now
        return _held.router
    version = (row.id, row.sha256) if row is not None and row.key else (None, "")  # every base row is the same file
    if _held is None or _held.version != version:
        model = learning_service.load(row)
        codes = _registry(lambda session: agency_service.label_codes(session, labels=model.labels,
                                                                      functions=model.metadata.get("label_functions")))
        router = ModelRouter(model, agency_codes=codes, policy=policy_for(model, settings.routing_precision))
        _held = _Held(version, router, now)
        log.info("routing with model version %s", version[0] or "base")
    _held.checked = now
    return _held.router


T = TypeVar("T")


def _registry(read: Callable[[Session], T]) -> T:
    """``read`` on a connection of its own that is closed at once: the worker's parent asks before
    each job and must not hand its children a connection. What it returns is detached."""
    engine = make_engine(get_settings().effective_database_url, reading=True)
    try:
        with Session(engine, expire_on_commit=False) as session:
            found = read(session)
            session.expunge_all()
            return found
    finally:
        engine.dispose()


@lru_cache
def _custom_router(spec: str) -> Router:
    module_name, _, attribute = spec.partition(":")
    if not attribute:
        raise ValueError(f"CETTAR_ROUTER must be 'model' or 'module:attribute', not {spec!r}")
    target = getattr(importlib.import_module(module_name), attribute)
    router = target() if isinstance(target, type) or not hasattr(target, "route") else target
    if not hasattr(router, "route"):
        raise TypeError(f"CETTAR_ROUTER {spec!r} does not give an object with a route() method")
    return cast(Router, router)


def process_intake(complaint_id: int) -> str:
    """Route this complaint and, in the same transaction and classifier call, up to
    ``CETTAR_INTAKE_BATCH - 1`` others waiting (a burst is routed a batch per job; the jobs of
    complaints an earlier batch took find them processed and return at once)."""
    started = time.perf_counter()
    try:
        with session_scope() as session:
            outcomes = intake_service.process_batch(session, complaint_id=complaint_id, router=get_router(), now=utcnow(),
                                                    limit=get_settings().intake_batch)
        instruments()[2].observe(time.perf_counter() - started)
        return ", ".join(f"{name}: {count}" for name, count in sorted(outcomes.items()))
    except Exception as exc:
        with session_scope() as session:
            intake_service.note_failure(session, complaint_id=complaint_id, error=f"{type(exc).__name__}: {exc}")
        raise


def sweep_intake() -> int:
    settings = get_settings()
    with session_scope() as session:
        return intake_service.requeue_stale(
            session, now=utcnow(), older_than=timedelta(seconds=settings.intake_requeue_after)
        )
