"""Training: the label set, the auto-routing threshold chosen on held-out recent data, the fit."""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from typing import Any

import numpy as np
from numpy.typing import ArrayLike
import sklearn

from classifier.data import DataError, Examples, chronological
from classifier.model import NEVER, TrainedModel, build_pipeline, strip_for_storage
from classifier.predict import Classifier

DEFAULT_TARGET_PRECISION = 0.95
DEFAULT_MIN_EXAMPLES = 8


def choose_threshold(confidences: ArrayLike, correct: ArrayLike, target_precision: float) -> tuple[float, float, float]:
    """The lowest confidence at which the complaints routed automatically (confidence at or above
    it) are still right at least ``target_precision`` of the time. Returns (threshold, coverage,
    precision); when no threshold reaches the target, nothing is routed automatically."""
    conf = np.asarray(confidences, dtype=float)
    right = np.asarray(correct, dtype=bool)
    if conf.size == 0:
        return NEVER, 0.0, 0.0
    order = np.argsort(-conf, kind="stable")
    conf, right = conf[order], right[order]
    precision = np.cumsum(right) / np.arange(1, conf.size + 1)
    # only cut between distinct confidences: every complaint at the threshold is routed alike
    last_of_value = np.r_[conf[1:] != conf[:-1], True]
    good = np.flatnonzero((precision >= target_precision) & last_of_value)
    if good.size == 0:
        return NEVER, 0.0, 0.0
    k = int(good[-1])
    return float(conf[k]), (k + 1) / conf.size, float(precision[k])


def coverage_table(confidences: ArrayLike, correct: ArrayLike,
                   coverages: Sequence[float] = (0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1.0)) -> list[dict[str, float]]:
    """Accuracy of the most confident share of predictions, for each share."""
    conf = np.asarray(confidences, dtype=float)
    right = np.asarray(correct, dtype=bool)
    order = np.argsort(-conf, kind="stable")
    rows = []
    for share in coverages:
        n = max(1, int(round(share * conf.size)))
        top = order[:n]
        rows.append({"coverage": float(share), "accuracy": float(right[top].mean()), "min_confidence": float(conf[top].min())})
    return rows


def _label_set(labels: Sequence[str], min_examples: int) -> tuple[list[str], dict[str, int]]:
    counts = Counter(labels)
    kept = sorted(label for label, n in counts.items() if n >= min_examples)
    dropped = {label: n for label, n in counts.items() if n < min_examples}
    if len(kept) < 2:
        raise DataError(f"at least two labels need {min_examples}+ examples; found {len(kept)} (lower --min-examples?)")
    return kept, dropped


def train_model(
    examples: Examples,
    *,
    min_examples: int = DEFAULT_MIN_EXAMPLES,
    target_precision: float = DEFAULT_TARGET_PRECISION,
    validation_share: float = 0.2,
    params: dict[str, Any] | None = None,
    progress: Callable[[str], None] = lambda message: None,
) -> TrainedModel:
    """Hold out the most recent ``validation_share`` of the data to choose the threshold (the model
    is judged on complaints newer than those it learnt from, as it will be in service), then fit
    the final model on everything. Labels with fewer than ``min_examples`` examples are not learnt:
    complaints for them go to the triage desk."""
    started = time.perf_counter()
    params = dict(params or {})
    examples = chronological(examples)
    kept, dropped = _label_set(examples.labels, min_examples)
    known = set(kept)
    cut = int(len(examples) * (1 - validation_share))
    older = Counter(examples.labels[i] for i in range(cut) if examples.labels[i] in known)
    folds = int(params.get("calibration_folds", 3))
    fit_part = [i for i in range(cut) if older.get(examples.labels[i], 0) >= folds]
    progress(f"choosing the threshold: fitting on {len(fit_part)} older examples, validating on {len(examples) - cut} newer ones")
    held_out = build_pipeline(**params)
    held_out.fit([examples.texts[i] for i in fit_part], [examples.labels[i] for i in fit_part])
    validation_texts = examples.texts[cut:]
    validation_labels = examples.labels[cut:]
    validated = Classifier(TrainedModel(held_out)).predict_many(validation_texts)
    confidences = np.asarray([p.confidence for p in validated])
    correct = np.asarray([p.label for p in validated]) == np.asarray(validation_labels)
    threshold, coverage, precision = choose_threshold(confidences, correct, target_precision)
    progress(f"threshold {threshold:.3f}: {coverage:.0%} routed automatically at {precision:.1%} precision on validation")

    everything = [i for i in range(len(examples)) if examples.labels[i] in known]
    progress(f"fitting the final model on {len(everything)} examples, {len(kept)} agencies")
    pipeline = build_pipeline(**params)
    pipeline.fit([examples.texts[i] for i in everything], [examples.labels[i] for i in everything])
    strip_for_storage(pipeline)
    metadata = {
        "sklearn_version": sklearn.__version__,
        "labels": kept,
        "dropped_labels": dropped,
        "data_sha256": examples.fingerprint(),
        "examples": len(everything),
        "threshold": threshold,
        "target_precision": target_precision,
        "validation": {
            "examples": len(validation_texts),
            "accuracy": float(correct.mean()) if len(correct) else 0.0,
            "auto_routed_share": coverage,
            "auto_routed_precision": precision,
            # (confidence, right?) of every validation prediction: lets a deployment choose
            # another target precision without retraining (see threshold_for)
            "curve": [[round(float(c), 5), int(r)] for c, r in zip(confidences, correct, strict=True)],
        },
        "params": params,
        "trained_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "training_seconds": round(time.perf_counter() - started, 1),
    }
    return TrainedModel(pipeline, metadata)


def threshold_for(model: TrainedModel, target_precision: float | None) -> float:
    """The model's threshold, or the one that reaches ``target_precision`` on its validation data."""
    if target_precision is None or target_precision == model.metadata.get("target_precision"):
        return model.threshold
    curve = model.metadata.get("validation", {}).get("curve") or []
    confidences = [c for c, _ in curve]
    correct = [bool(r) for _, r in curve]
    return choose_threshold(confidences, correct, target_precision)[0]
