"""Retraining the router from the deployment's own decisions, safely.

The labels: each complaint's latest routing decision by a person that names an agency (from the
triage desk, a transfer; a "not our authority" only says where it does *not* belong, and the
decision that follows it names where it does), and each complaint the model routed that its agency
went on to resolve with no one correcting the route. A challenger is trained on the base data
(the history the first model learnt from, ``CETTAR_RETRAIN_BASE_DATA``) plus the older of these
labels, and judged against the current model on the newest ones (time-ordered, never shuffled):
it is promoted only if it is not worse on the precision of what it routes automatically, nor on
how much it routes. Every model is a row of the registry, its skops file in ``cettar.storage``;
workers notice a promotion within ``CETTAR_MODEL_CHECK_INTERVAL`` seconds, without a restart.
"""

from __future__ import annotations

import hashlib
import logging
import os
import tempfile
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlmodel import Session, col, select

from cettar.agency import service as agency_service
from cettar.agency.models import Agency, AgencyRole
from cettar.audit import service as audit_service
from cettar.complaint import routing
from cettar.complaint.models import Complaint, RoutedBy, RoutingCorrection, Status
from cettar.errors import Conflict, FieldError, NotFound
from cettar.learning.models import ModelStatus, RoutingModel
from cettar.settings import get_settings
from cettar.storage import get_storage
from classifier import artefact
from classifier.data import DataError, Examples, chronological, load_examples
from classifier.model import TrainedModel
from classifier.predict import Classifier
from classifier.shipped import SHIPPED_MODEL
from classifier.defaults import DEFAULT_TARGET_PRECISION
from classifier.train import policy_for, train_model

log = logging.getLogger(__name__)

SLICE_SHARE = 0.2  # the newest fifth of the deployment's labels judges the challenger
MIN_SLICE = 30  # fewer newest labels than this, and no verdict is trusted
MIN_LABELS = 150  # the deployment's labels a retrain waits for


@dataclass(frozen=True)
class Outcome:
    """What a retrain did: ``model`` is the new registry row (None when nothing was trained)."""

    model: RoutingModel | None
    message: str

    @property
    def promoted(self) -> bool:
        return self.model is not None and self.model.status == ModelStatus.CURRENT


# --- the registry ----------------------------------------------------------------------------

def versions(session: Session) -> list[RoutingModel]:
    return list(session.exec(select(RoutingModel).order_by(col(RoutingModel.id).desc())))


def current(session: Session) -> RoutingModel | None:
    return session.exec(select(RoutingModel).where(RoutingModel.status == ModelStatus.CURRENT)).first()


def base_path() -> Path:
    return get_settings().model_path or SHIPPED_MODEL


def ensure_base(session: Session, *, now: datetime) -> RoutingModel:
    """The registry's first row, the base model (the shipped one or ``CETTAR_MODEL_PATH``),
    current until something is promoted. Returns the current row."""
    row = current(session)
    if row is not None:
        return row
    if session.exec(select(RoutingModel)).first() is not None:
        raise Conflict("no model is current; promote one on the model page", key="no_current_model")
    model = artefact.load(base_path())
    row = RoutingModel(status=ModelStatus.CURRENT, created_at=now, trained_at=_trained_at(model),
                       data_sha256=str(model.metadata.get("data_sha256", "")), base_examples=int(model.metadata.get("examples", 0)),
                       labels=len(model.labels), threshold=model.threshold, promoted_at=now,
                       note=f"the base model ({base_path().name})")
    session.add(row)
    session.flush()
    return row


def _trained_at(model: TrainedModel) -> datetime | None:
    value = model.metadata.get("trained_at")
    return datetime.fromisoformat(value) if isinstance(value, str) else None


def _cache_dir() -> Path:
    return get_settings().data_dir / "models"


def load(row: RoutingModel | None) -> TrainedModel:
    """The model a registry row names. Its file is copied from the store to a local cache once
    (by its SHA-256, so a changed file is never mistaken for the cached one)."""
    if row is None or not row.key:
        return artefact.load(base_path())
    cached = _cache_dir() / f"{row.sha256}.skops"
    if not cached.exists():
        try:
            data = get_storage().get(row.key)
        except KeyError as exc:
            raise artefact.ModelError(f"model version {row.id}: its file {row.key} is missing from the store") from exc
        if hashlib.sha256(data).hexdigest() != row.sha256:
            raise artefact.ModelError(f"model version {row.id}: its file {row.key} is not the one registered")
        cached.parent.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(dir=cached.parent, prefix=".model-")
        with os.fdopen(handle, "wb") as out:
            out.write(data)
        os.replace(temporary, cached)
    return artefact.load(cached)


def _store(model: TrainedModel) -> tuple[str, str]:
    """Save the model to the store; returns (key, sha256)."""
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "model.skops"
        artefact.save(model, path)
        data = path.read_bytes()
    digest = hashlib.sha256(data).hexdigest()
    key = f"models/routing-{digest[:20]}.skops"
    get_storage().put(key, data, content_type="application/octet-stream")
    return key, digest


def promote(session: Session, *, version: int, by: str, now: datetime, note: str = "") -> RoutingModel:
    """Make ``version`` the current model (the old one is retired). Its file must load."""
    ensure_base(session, now=now)
    row = session.get(RoutingModel, version)
    if row is None:
        raise NotFound("no such model version")
    if row.status == ModelStatus.CURRENT:
        raise Conflict(f"version {version} is already the current model", key="model_current", values={"version": version})
    try:
        load(row)
    except artefact.ModelError as exc:
        raise FieldError(str(exc), field="version", key="model_unusable", values={"version": version}) from exc
    previous = current(session)
    if previous is not None:
        previous.status = ModelStatus.RETIRED
        session.add(previous)
        session.flush()  # one current row at a time, also for a unique index a deployment may add
    row.status = ModelStatus.CURRENT
    row.promoted_by = by[:200]
    row.promoted_at = now
    if note:
        row.note = note[:500]
    session.add(row)
    audit_service.record(session, by=by, action="model.promote", target=f"routing model {version}", now=now,
                         data={"from": previous.id if previous else None})
    session.flush()
    return row


def rollback(session: Session, *, by: str, now: datetime) -> RoutingModel:
    """Bring back the model that was current before this one."""
    here = ensure_base(session, now=now)
    earlier = session.exec(select(RoutingModel).where(RoutingModel.status == ModelStatus.RETIRED, RoutingModel.id != here.id)
                           .order_by(col(RoutingModel.promoted_at).desc(), col(RoutingModel.id).desc())).first()
    if earlier is None:
        raise Conflict("there is no earlier model to roll back to", key="no_earlier_model")
    assert earlier.id is not None
    return promote(session, version=earlier.id, by=by, now=now, note=f"rolled back from version {here.id}")


# --- the deployment's labels -----------------------------------------------------------------

def deployment_examples(session: Session) -> Examples:
    """The deployment's labelled complaints, oldest first; labels are agency names (as the
    model's are)."""
    labelled = {complaint_id: (complaint, agency.name) for complaint_id, (complaint, agency) in routing.latest_decisions(session).items()}
    corrected = {correction.complaint_id for correction in session.exec(select(RoutingCorrection))}
    confirmed = session.exec(
        select(Complaint, Agency).join(Agency, col(Agency.id) == col(Complaint.agency_id))
        .where(Complaint.routed_by == RoutedBy.MODEL, col(Complaint.status).in_([Status.RESOLVED, Status.CLOSED]),
               col(Complaint.duplicate_of_id).is_(None))
    ).all()
    for complaint, agency in confirmed:
        assert complaint.id is not None
        if complaint.id not in corrected:
            labelled[complaint.id] = (complaint, agency.name)
    ordered = sorted(labelled.values(), key=lambda pair: (pair[0].received_at, pair[0].id or 0))
    return Examples([routing.training_text(c) for c, _ in ordered], [label for _, label in ordered],
                    [c.received_at.strftime("%Y-%m-%d %H:%M:%S") for c, _ in ordered], [])


def _merged(parts: Sequence[Examples]) -> Examples:
    merged = Examples([], [], [], [])
    for part in parts:
        merged.texts += part.texts
        merged.labels += part.labels
        merged.times += part.times or [""] * len(part)
    return merged


def base_examples(paths: Sequence[Path]) -> Examples:
    return _merged([load_examples(path) for path in paths])


def in_names_here(session: Session, examples: Examples, *, functions: Mapping[str, str] | None) -> Examples:
    """``examples`` labelled with this deployment's agency names: a label that is one of its codes
    or names, or (base data from another city) whose function one of its agencies has. Examples
    whose label matches none are left out."""
    codes = agency_service.label_codes(session, labels=sorted(set(examples.labels)), functions=functions)
    names = {a.code: a.name for a in agency_service.list_active(session)}
    kept = [i for i, label in enumerate(examples.labels) if label in codes]
    mapped = examples.subset(kept)
    mapped.labels = [names[codes[label]] for label in mapped.labels]
    return mapped


# --- judging and retraining ------------------------------------------------------------------

def judge(model: TrainedModel, examples: Examples, *, target_precision: float | None) -> dict[str, Any]:
    """How ``model`` does on ``examples`` under its own routing policy: the share it routes
    automatically, the precision of those, and its accuracy (an agency it does not know is wrong)."""
    classifier = Classifier(model, policy=policy_for(model, target_precision))
    predictions = classifier.predict_many(examples.texts)
    routed = [p.label == y for p, y in zip(predictions, examples.labels, strict=True) if p.auto_routed]
    right = sum(p.label == y for p, y in zip(predictions, examples.labels, strict=True))
    return {"examples": len(examples), "coverage": round(len(routed) / len(examples), 4) if len(examples) else 0.0,
            "precision": round(sum(routed) / len(routed), 4) if routed else None,
            "accuracy": round(right / len(examples), 4) if len(examples) else 0.0,
            "threshold": round(classifier.threshold, 4)}


def not_worse(challenger: dict[str, Any], champion: dict[str, Any], *, target: float) -> tuple[bool, str, str]:
    """The promotion rule: no less coverage, and no lower precision on what is routed (a model
    that routes nothing has no precision; then the challenger's must reach the target). Returns
    (promote?, why in English for the log and the CLI, the reason's key for the model page)."""
    if challenger["coverage"] < champion["coverage"]:
        return False, f"it routes less automatically ({challenger['coverage']:.1%} vs {champion['coverage']:.1%})", "less_coverage"
    if challenger["precision"] is None:
        return champion["precision"] is None, "it routes nothing automatically", "routes_nothing"
    bar = champion["precision"] if champion["precision"] is not None else target
    if challenger["precision"] < bar:
        return False, f"its automatic routes are less often right ({challenger['precision']:.1%} vs {bar:.1%})", "less_precision"
    why = (f"routes {challenger['coverage']:.1%} automatically at {challenger['precision']:.1%} (current: "
           f"{champion['coverage']:.1%} at " + (f"{champion['precision']:.1%})" if champion["precision"] is not None else "none)"))
    return True, why, "not_worse"


def fingerprint(base: Examples, deployment: Examples) -> str:
    return hashlib.sha256((base.fingerprint() + deployment.fingerprint()).encode()).hexdigest()


def retrain(session: Session, *, now: datetime, by: str, base_data: Sequence[Path] | None = None,
            min_labels: int = MIN_LABELS, auto_promote: bool = True,
            progress: Callable[[str], None] = lambda message: None, **train_options: Any) -> Outcome:
    """Train a challenger and promote it when it is not worse than the current model. Running it
    twice on the same labels trains nothing the second time."""
    settings = get_settings()
    paths = list(settings.retrain_base_paths if base_data is None else base_data)
    champion_row = ensure_base(session, now=now)
    deployment = deployment_examples(session)
    if len(deployment) < min_labels:
        return Outcome(None, f"not enough of this deployment's labels yet: {len(deployment)} of {min_labels}")
    champion = load(champion_row)
    try:
        base = in_names_here(session, base_examples(paths), functions=champion.metadata.get("label_functions"))
    except DataError as exc:
        raise FieldError(f"the base data cannot be read: {exc}", field="base_data", key="base_data") from exc
    data_sha256 = fingerprint(base, deployment)
    seen = session.exec(select(RoutingModel).where(RoutingModel.data_sha256 == data_sha256)).first()
    if seen is not None:
        return Outcome(None, f"nothing new to learn: version {seen.id} was trained on these labels")
    size = max(MIN_SLICE, int(len(deployment) * SLICE_SHARE))
    older, newest = deployment.subset(range(len(deployment) - size)), deployment.subset(range(len(deployment) - size, len(deployment)))
    progress(f"{len(base)} base examples + {len(older)} of this deployment's labels; judged on the newest {len(newest)} "
             f"(from {newest.times[0][:10]})")
    target = settings.routing_precision or DEFAULT_TARGET_PRECISION
    agencies = agency_service.list_active(session)
    functions = {a.name: a.function for a in agencies if a.function}
    local_offices = frozenset(a.name for a in agencies if a.role == AgencyRole.LOCAL_OFFICE)
    # with base data, two challengers: the base data's thousands of examples carry another city's
    # customs that a few hundred corrections cannot outvote (benchmarks/learning_curve.py), so the
    # deployment's labels alone are tried too, and the newest labels choose
    recipes = [("base data + this deployment's labels" if len(base) else "this deployment's labels", _merged([base, older]), len(base))]
    if len(base):
        recipes.append(("this deployment's labels only", older, 0))
    tried: list[tuple[str, TrainedModel, int, dict[str, Any]]] = []
    for name, data, base_used in recipes:
        try:
            model = train_model(chronological(data), target_precision=target, label_functions=functions,
                                local_offices=local_offices, progress=progress, **train_options)
        except DataError as exc:
            progress(f"{name}: could not train ({exc})")
            continue
        figures = judge(model, newest, target_precision=settings.routing_precision)
        progress(f"{name}: accuracy {figures['accuracy']:.1%} on the newest labels")
        tried.append((name, model, base_used, figures))
    if not tried:
        return Outcome(None, "could not train: " + "; ".join(name for name, *_ in recipes))
    recipe, challenger, base_used, figures = max(tried, key=lambda t: (t[3]["accuracy"], t[2]))
    verdict: dict[str, Any] = {"slice": len(newest), "slice_from": newest.times[0], "target_precision": target,
                               "recipe": recipe, "challenger": figures,
                               "alternatives": [{"recipe": name, **f} for name, _, _, f in tried if name != recipe],
                               "champion": {"version": champion_row.id,
                                            **judge(champion, newest, target_precision=settings.routing_precision)}}
    better, why, verdict["reason"] = not_worse(verdict["challenger"], verdict["champion"], target=target)
    verdict["recipe_key"] = "labels_only" if base_used == 0 and len(base) else "base_and_labels" if len(base) else "labels"
    progress(f"challenger: {why}")
    key, digest = _store(challenger)
    row = RoutingModel(status=ModelStatus.REJECTED if not better else ModelStatus.CANDIDATE, key=key, sha256=digest,
                       data_sha256=data_sha256, trained_at=_trained_at(challenger), created_at=now,
                       base_examples=base_used, deployment_examples=len(older), labels=len(challenger.labels),
                       threshold=challenger.threshold, metrics=verdict,
                       note=("not promoted: " if not better else "") + why)
    session.add(row)
    session.flush()
    assert row.id is not None
    if better and auto_promote:
        promote(session, version=row.id, by=by, now=now, note=why)
    log.info("retrain: version %s %s (%s)", row.id, row.status, why)
    return Outcome(row, f"version {row.id}: {row.status} ({why})")


def due(session: Session, *, now: datetime, interval_seconds: int) -> bool:
    """Whether the scheduled retrain should run: never when the interval is 0; otherwise when no
    model was trained within it."""
    if interval_seconds <= 0:
        return False
    newest = session.exec(select(RoutingModel).where(RoutingModel.key != "").order_by(col(RoutingModel.created_at).desc())).first()
    return newest is None or (now - newest.created_at).total_seconds() >= interval_seconds
