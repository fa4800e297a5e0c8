"""Predictions with a confidence and alternatives, and the Router the intake worker calls."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from typing import Any

import numpy as np
import sklearn
from scipy import sparse
from scipy.special import expit

from classifier.normalise import normalise_many
from classifier.policy import Policy
from classifier.router import RoutingDecision, Suggestion
from classifier.model import TrainedModel

MIN_KNOWN_WORDS = 2  # fewer words the model has seen than this, and it is not trusted to route


@dataclass(frozen=True)
class Prediction:
    label: str
    confidence: float
    top: list[tuple[str, float]]
    auto_routed: bool


SUGGESTIONS = 3  # the likeliest agencies shown; the likeliest local office is added when none of them is one


class Classifier:
    def __init__(self, model: TrainedModel, *, policy: Policy | None = None) -> None:
        self.model = model
        self.policy = policy or Policy.from_metadata(model.metadata)
        self._classes = np.asarray(model.labels)
        self._local = np.asarray([label in self.policy.local_offices for label in model.labels], dtype=bool)
        steps = model.pipeline.named_steps
        self._vectorisers = [vectoriser for _, vectoriser in steps["features"].transformer_list]
        self._n_words = len(self._vectorisers[0].vocabulary_)
        self._model = steps["model"]
        self._fast = self._fast_path(self._model)

    @staticmethod
    def _fast_path(model: Any) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray] | None:
        """The calibrated SVM's arithmetic as four arrays. scikit-learn's predict_proba loops over
        the classes' calibrators with validation on every call (2.6 ms for one text, 28 agencies);
        this is the same formula in two array operations. Tests check that the numbers match."""
        calibrated = getattr(model, "calibrated_classifiers_", [])
        if len(calibrated) != 1 or len(model.classes_) < 3 or getattr(calibrated[0], "method", "") != "sigmoid":
            return None
        svm = calibrated[0].estimator
        if not np.array_equal(svm.classes_, model.classes_):
            return None
        weights = np.ascontiguousarray(np.asarray(svm.coef_, dtype=np.float32).T)
        a = np.array([c.a_ for c in calibrated[0].calibrators], dtype=np.float64)
        b = np.array([c.b_ for c in calibrated[0].calibrators], dtype=np.float64)
        return weights, np.asarray(svm.intercept_, dtype=np.float64), a, b

    def _features(self, texts: Sequence[str]) -> Any:
        """The pipeline's own steps, called directly: the same numbers without the per-call
        overhead of Pipeline and FeatureUnion, which was most of a single prediction's time."""
        normalised = normalise_many(texts)
        return sparse.hstack([v.transform(normalised) for v in self._vectorisers], format="csr")

    @property
    def threshold(self) -> float:
        return self.policy.threshold

    def probabilities(self, features: Any) -> np.ndarray:
        """The calibrated probability of each agency, for each row: the one score suggestions are
        ranked by, shown with, and routed on.

        Measured on the 2023 quarter: ranking by it instead of by the SVM's decision value routes
        exactly the same complaints automatically (the confident ones agree), puts the right agency
        among the first three more often (0.902 vs 0.899), and costs 0.005 of top-1 accuracy among
        the unsure ones that a person decides anyway (0.781 vs 0.786); in exchange the desk never
        sees a first suggestion with a lower percentage than the second.
        """
        if self._fast is None:
            return np.asarray(self._model.predict_proba(features))
        weights, intercept, a, b = self._fast
        decision = np.asarray(features @ weights, dtype=np.float64) + intercept
        proba = expit(-(a * decision + b))
        total = proba.sum(axis=1, keepdims=True)
        uniform = np.full_like(proba, 1 / proba.shape[1])
        proba = np.divide(proba, total, out=uniform, where=total != 0)
        proba[(proba > 1.0) & (proba <= 1.0 + 1e-5)] = 1.0
        return np.asarray(proba)

    def predict_many(self, texts: Sequence[str]) -> list[Prediction]:
        texts = [text if isinstance(text, str) else str(text) for text in texts]
        if not texts:
            return []
        # Our inputs are always finite, well-formed matrices: skipping scikit-learn's per-call
        # checks takes a fifth off a single prediction (1.9 -> 1.5 ms, median).
        with sklearn.config_context(assume_finite=True, skip_parameter_validation=True):
            features = self._features(texts)
            probabilities = self.probabilities(features)
        known = np.diff(features[:, : self._n_words].indptr)  # how many of its words the model knows
        predictions = []
        for row, words in zip(probabilities, known, strict=True):
            ranked = np.argsort(-row, kind="stable")
            shown = list(ranked[:SUGGESTIONS])
            if self._local.any() and not self._local[shown].any():
                shown.append(next(i for i in ranked if self._local[i]))
            top = [(str(self._classes[i]), float(row[i])) for i in shown]
            label, confidence = top[0]
            if words < MIN_KNOWN_WORDS:
                # empty, emoji, another language, noise: whatever the scores say, a person decides
                confidence = min(confidence, 0.2)
            predictions.append(Prediction(label, confidence, top, self.policy.routes(label, confidence)))
        return predictions

    def predict(self, text: str) -> Prediction:
        return self.predict_many([text])[0]


class ModelRouter:
    """Routes with a trained model. ``agency_codes`` maps the model's labels to the deployment's
    agency codes (labels that are codes already need no entry)."""

    def __init__(self, model: TrainedModel, *, agency_codes: Mapping[str, str] | None = None,
                 policy: Policy | None = None) -> None:
        self.classifier = Classifier(model, policy=policy)
        self.agency_codes = dict(agency_codes or {})

    def _code(self, label: str) -> str:
        return self.agency_codes.get(label, label)

    def route(self, text: str, *, title: str = "") -> RoutingDecision:
        return self.route_many([(text, title)])[0]

    def route_many(self, items: Sequence[tuple[str, str]]) -> list[RoutingDecision]:
        """(text, title) pairs, in one classifier call: 50 complaints in 6 ms, where one at a time
        takes 59 ms (the shipped model, this machine)."""
        decisions = []
        for prediction in self.classifier.predict_many([f"{title}\n{text}" if title else text for text, title in items]):
            suggestions = [Suggestion(self._code(label), round(conf, 4)) for label, conf in prediction.top]
            agency = self._code(prediction.label) if prediction.auto_routed else None
            decisions.append(RoutingDecision(agency, round(prediction.confidence, 4), suggestions))
        return decisions
