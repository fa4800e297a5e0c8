"""How good a model is on labelled complaints it has not seen: the figures staff and the
benchmark read, and a confusion-matrix picture."""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from typing import Any

import numpy as np
from sklearn.metrics import accuracy_score, confusion_matrix, f1_score, precision_recall_fscore_support

from classifier.data import Examples
from classifier.predict import Classifier, Prediction
from classifier.model import TrainedModel
from classifier.train import coverage_table


def evaluate(model: TrainedModel, examples: Examples) -> dict[str, Any]:
    classifier = Classifier(model)
    predictions = classifier.predict_many(examples.texts)
    return report(predictions, examples.labels, known_labels=model.labels, threshold=classifier.threshold)


def report(predictions: list[Prediction], truth: list[str], *, known_labels: list[str], threshold: float) -> dict[str, Any]:
    y_true = np.asarray(truth)
    y_pred = np.asarray([p.label for p in predictions])
    confidence = np.asarray([p.confidence for p in predictions])
    correct = y_true == y_pred
    auto = np.asarray([p.auto_routed for p in predictions])
    labels = sorted(set(truth) | set(y_pred.tolist()))
    precision, recall, f1, support = precision_recall_fscore_support(y_true, y_pred, labels=labels, zero_division=0)
    unknown = sorted(set(truth) - set(known_labels))
    return {
        "examples": len(truth),
        "accuracy": float(accuracy_score(y_true, y_pred)),
        "macro_f1": float(f1_score(y_true, y_pred, labels=labels, average="macro", zero_division=0)),
        "macro_f1_known_agencies": float(
            f1_score(y_true, y_pred, labels=[label for label in labels if label in known_labels], average="macro", zero_division=0)
        ),
        "threshold": threshold,
        "auto_routed_share": float(auto.mean()) if len(auto) else 0.0,
        "auto_routed_accuracy": float(correct[auto].mean()) if auto.any() else 0.0,
        "coverage": coverage_table(confidence, correct),
        "agencies": [
            {"agency": label, "precision": float(p), "recall": float(r), "f1": float(f), "support": int(s),
             "known_to_model": label in known_labels}
            for label, p, r, f, s in zip(labels, precision, recall, f1, support, strict=True)
        ],
        "unknown_agencies": {label: count for label, count in Counter(truth).items() if label in unknown},
    }


def confusion_png(predictions: list[Prediction], truth: list[str], path: Path, *, top: int = 20) -> Path:
    """The confusion matrix of the ``top`` most frequent agencies (rows: true, columns: predicted),
    each row as shares so small agencies are as readable as large ones."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    counts = Counter(truth)
    labels = [label for label, _ in counts.most_common(top)]
    y_pred = [p.label for p in predictions]
    matrix = confusion_matrix(truth, y_pred, labels=labels).astype(float)
    rows = matrix.sum(axis=1, keepdims=True)
    shares = np.divide(matrix, rows, out=np.zeros_like(matrix), where=rows != 0)
    short = [label if len(label) <= 32 else label[:30] + "…" for label in labels]
    figure, axes = plt.subplots(figsize=(12, 10), dpi=100)
    image = axes.imshow(shares, cmap="Blues", vmin=0, vmax=1)
    axes.set_xticks(range(len(labels)), short, rotation=75, ha="right", fontsize=7)
    axes.set_yticks(range(len(labels)), [f"{s} ({counts[l]})" for s, l in zip(short, labels, strict=True)], fontsize=7)
    axes.set_xlabel("predicted agency")
    axes.set_ylabel("true agency (complaints)")
    axes.set_title("Routing confusion matrix (share of each true agency's complaints)")
    for i in range(len(labels)):
        for j in range(len(labels)):
            if shares[i, j] >= 0.05:
                axes.text(j, i, f"{shares[i, j]:.0%}", ha="center", va="center", fontsize=6,
                          color="white" if shares[i, j] > 0.5 else "black")
    figure.colorbar(image, ax=axes, fraction=0.03)
    figure.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    figure.savefig(path)
    plt.close(figure)
    return path
