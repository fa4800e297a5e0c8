"""Training: the label set, the auto-routing policy chosen on the newest months predicted out of sample, the fit."""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from datetime import UTC, datetime
from typing import Any

import numpy as np
from numpy.typing import ArrayLike
import sklearn

from classifier.data import DataError, Examples, chronological
from classifier.defaults import DEFAULT_MIN_EXAMPLES, DEFAULT_TARGET_PRECISION
from classifier.model import TrainedModel, build_pipeline, strip_for_storage
from classifier.policy import Logged, Policy, choose_policy, choose_threshold, local_offices_among, precision_at
from classifier.predict import Classifier, Prediction

VALIDATION_MONTHS = 3


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


def months_of(examples: Examples) -> list[str]:
    """The calendar months (``YYYY-MM``) the examples were submitted in, oldest first."""
    return sorted({t[:7] for t in examples.times if len(t) >= 7})


def fit(examples: Examples, known: set[str], params: dict[str, Any]) -> TrainedModel | None:
    """A pipeline fitted on the examples of the ``known`` labels that have enough of them for the
    calibration's folds; None when fewer than two labels do."""
    folds = int(params.get("calibration_folds", 3))
    counts = Counter(label for label in examples.labels if label in known)
    keep = [i for i, label in enumerate(examples.labels) if counts.get(label, 0) >= folds]
    if len({examples.labels[i] for i in keep}) < 2:
        return None
    pipeline = build_pipeline(**params)
    pipeline.fit([examples.texts[i] for i in keep], [examples.labels[i] for i in keep])
    return TrainedModel(pipeline)


def rolling_log(examples: Examples, months: Sequence[str], *, known: set[str], params: dict[str, Any] | None = None,
                local_offices: frozenset[str] = frozenset(),
                progress: Callable[[str], None] = lambda message: None) -> tuple[list[Logged], list[Prediction], list[str]]:
    """Out-of-sample predictions month by month: each month of ``months`` predicted by a model
    fitted only on the examples submitted before it, as a deployment retrained monthly would have
    logged them. Returns the log, the predictions (with their suggestions, the likeliest of
    ``local_offices`` among them) and the true labels."""
    params = dict(params or {})
    log: list[Logged] = []
    predictions: list[Prediction] = []
    truth: list[str] = []
    for month in months:
        before = examples.subset([i for i, t in enumerate(examples.times) if t[:7] < month])
        during = [i for i, t in enumerate(examples.times) if t[:7] == month]
        model = fit(before, known, params) if during else None
        if model is None:
            continue
        progress(f"{month}: predicted by a model fitted on the {len(before)} complaints before it")
        for i, prediction in zip(during, Classifier(model, policy=Policy(local_offices=local_offices)).predict_many([examples.texts[i] for i in during]),
                                 strict=True):
            log.append(Logged(month, prediction.label, prediction.confidence, prediction.label == examples.labels[i]))
            predictions.append(prediction)
            truth.append(examples.labels[i])
    return log, predictions, truth


def train_model(
    examples: Examples,
    *,
    min_examples: int = DEFAULT_MIN_EXAMPLES,
    target_precision: float = DEFAULT_TARGET_PRECISION,
    validation_months: int = VALIDATION_MONTHS,
    local_offices: frozenset[str] | None = None,
    label_functions: Mapping[str, str] | None = None,
    params: dict[str, Any] | None = None,
    progress: Callable[[str], None] = lambda message: None,
) -> TrainedModel:
    """Choose the auto-routing policy on the newest ``validation_months`` months, each predicted
    by a model fitted on the months before it (``classifier.policy``: the target must hold in
    every one of them), then fit the final model on everything. Labels with fewer than
    ``min_examples`` examples are not learnt: complaints for them go to the triage desk.
    ``local_offices``: labels never routed automatically (by default those named Kelurahan… or
    Kecamatan…). ``label_functions``: what each agency does (``roads_drainage``, ...), kept with the
    model so that a deployment with other agencies routes to its agency of the same function."""
    started = time.perf_counter()
    params = dict(params or {})
    examples = chronological(examples)
    kept, dropped = _label_set(examples.labels, min_examples)
    known = set(kept)
    local = local_offices_among(kept) if local_offices is None else frozenset(local_offices) & known
    months = months_of(examples)
    if len(months) <= validation_months:
        raise DataError(f"choosing the threshold needs more than {validation_months} months of dated complaints; "
                        f"found {len(months)} (check --time-col)")
    validation = months[-validation_months:]
    progress(f"choosing the threshold on {', '.join(validation)}, each predicted by a model fitted on the months before it")
    log, _, _ = rolling_log(examples, validation, known=known, params=params, local_offices=local,
                            progress=lambda m: progress(f"  {m}"))
    policy = choose_policy(log, target_precision, local_offices=local)
    share, precision = precision_at(log, policy)
    progress(f"threshold {policy.threshold:.3f}" + (f" ({len(policy.label_thresholds)} agencies higher)" if policy.label_thresholds else "")
             + f": {share:.0%} routed automatically at {precision:.1%} precision on those months")

    everything = examples.subset([i for i in range(len(examples)) if examples.labels[i] in known])
    progress(f"fitting the final model on {len(everything)} examples, {len(kept)} agencies")
    final = fit(everything, known, params)
    assert final is not None
    pipeline = final.pipeline
    strip_for_storage(pipeline)
    metadata = {
        "sklearn_version": sklearn.__version__,
        "labels": kept,
        "dropped_labels": dropped,
        "data_sha256": examples.fingerprint(),
        "examples": len(everything),
        **policy.as_metadata(),
        "label_functions": {label: (label_functions or {})[label] for label in kept if label in (label_functions or {})},
        "target_precision": target_precision,
        "validation": {
            "examples": len(log),
            "months": validation,
            "accuracy": sum(p.right for p in log) / len(log) if log else 0.0,
            "auto_routed_share": share,
            "auto_routed_precision": precision,
            # every validation prediction (month, label, confidence, right?): lets a deployment
            # choose another target precision without retraining (see policy_for)
            "log": [[p.month, p.label, round(p.confidence, 5), int(p.right)] for p in log],
        },
        "params": params,
        "trained_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "training_seconds": round(time.perf_counter() - started, 1),
    }
    return TrainedModel(pipeline, metadata)


def policy_for(model: TrainedModel, target_precision: float | None) -> Policy:
    """The model's routing policy, or the one that reaches ``target_precision`` on its logged
    validation predictions (``CETTAR_ROUTING_PRECISION``)."""
    policy = Policy.from_metadata(model.metadata)
    if target_precision is None or target_precision == model.metadata.get("target_precision"):
        return policy
    validation = model.metadata.get("validation", {})
    if "log" in validation:
        log = [Logged(str(m), str(label), float(c), bool(r)) for m, label, c, r in validation["log"]]
        return choose_policy(log, target_precision, local_offices=policy.local_offices)
    curve = validation.get("curve") or []  # a model from before the rolling validation
    return Policy(choose_threshold([c for c, _ in curve], [bool(r) for _, r in curve], target_precision)[0])
