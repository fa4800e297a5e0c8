"""RQ jobs of the intake path. They take ids, open their own transaction and are safe to repeat."""

from __future__ import annotations

import importlib
from datetime import timedelta
from functools import lru_cache
from typing import cast

from cettar.db import session_scope
from cettar.intake import service as intake_service
from cettar.settings import get_settings
from cettar.types import utcnow
from classifier import Router, artefact
from classifier.predict import ModelRouter
from classifier.shipped import SHIPPED_MODEL
from classifier.train import policy_for


@lru_cache
def get_router() -> Router:
    """``CETTAR_ROUTER``: ``model`` (the trained classifier at ``CETTAR_MODEL_PATH``, by default
    the one shipped for the demo agencies) or ``package.module:attribute`` naming a Router or a
    factory of one. Loaded once per process; ``cettar worker`` loads it before forking."""
    settings = get_settings()
    spec = settings.router
    if spec == "model":
        model = artefact.load(settings.model_path or SHIPPED_MODEL)
        return ModelRouter(model, policy=policy_for(model, settings.routing_precision))
    module_name, _, attribute = spec.partition(":")
    if not attribute:
        raise ValueError(f"CETTAR_ROUTER must be 'model' or 'module:attribute', not {spec!r}")
    target = getattr(importlib.import_module(module_name), attribute)
    router = target() if isinstance(target, type) or not hasattr(target, "route") else target
    if not hasattr(router, "route"):
        raise TypeError(f"CETTAR_ROUTER {spec!r} does not give an object with a route() method")
    return cast(Router, router)


def process_intake(complaint_id: int) -> str:
    try:
        with session_scope() as session:
            return intake_service.process(session, complaint_id=complaint_id, router=get_router(), now=utcnow())
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
