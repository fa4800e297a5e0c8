"""Routing classifier on a time split of the real Surabaya complaints, against a plain reference.

    .venv/bin/python benchmarks/classifier.py [--data ../shared/data/surabaya_complaints_2022_2023q1.csv]

Trains on complaints submitted before 2023-01-01 and tests on 2023-01-01 ... 2023-03-31 (the next
quarter, not shuffled rows), after removing repeated texts. The reference, measured in the same
run: TF-IDF word 1-2-grams + char 2-5-grams (sublinear tf) + LinearSVC, on the raw text; its
confidence for the coverage figures is its largest decision value.
"""

from __future__ import annotations

import argparse
import io
import pickle
import statistics
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
from sklearn.metrics import accuracy_score, f1_score

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from classifier import artefact  # noqa: E402
from classifier.data import load_examples, split_by_time  # noqa: E402
from classifier.model import build_reference  # noqa: E402
from classifier.predict import Classifier  # noqa: E402
from classifier.train import train_model  # noqa: E402

DEFAULT_DATA = ROOT.parent / "shared" / "data" / "surabaya_complaints_2022_2023q1.csv"


def accuracy_at(confidence: np.ndarray, right: np.ndarray, coverage: float) -> float:
    order = np.argsort(-confidence, kind="stable")
    return float(right[order[: int(round(coverage * len(order)))]].mean())


def per_text_ms(predict_one, texts: list[str]) -> float:  # type: ignore[no-untyped-def]
    timings = []
    for text in texts:
        started = time.perf_counter()
        predict_one(text)
        timings.append((time.perf_counter() - started) * 1000)
    return statistics.median(timings)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--split", default="2023-01-01")
    args = parser.parse_args()
    if not args.data.exists():
        sys.exit(f"the complaint data is not at {args.data}: this benchmark needs ../shared/data (pass --data)")
    print(f"$ {' '.join([Path(sys.executable).name, *sys.argv])}")
    examples = load_examples(args.data)
    train, test = split_by_time(examples, args.split)
    print(f"data: {len(examples)} complaints after removing repeats; train {len(train)} (before {args.split}), "
          f"test {len(test)} (from {args.split})\n")
    truth = np.asarray(test.labels)
    sample = test.texts[:300]

    started = time.perf_counter()
    model = train_model(train)
    ours_train = time.perf_counter() - started
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "model.skops"
        ours_size = artefact.save(model, path)
        model = artefact.load(path)  # measure what ships, as it loads
    classifier = Classifier(model)
    predictions = classifier.predict_many(test.texts)
    ours_pred = np.asarray([p.label for p in predictions])
    ours_conf = np.asarray([p.confidence for p in predictions])
    ours_right = ours_pred == truth
    ours_single = per_text_ms(classifier.predict, sample)
    started = time.perf_counter()
    classifier.predict_many(test.texts)
    ours_batch = (time.perf_counter() - started) / len(test.texts) * 1000
    auto = np.asarray([p.auto_routed for p in predictions])

    started = time.perf_counter()
    reference = build_reference().fit(train.texts, train.labels)
    ref_train = time.perf_counter() - started
    ref_pred = reference.predict(test.texts)
    ref_conf = reference.decision_function(test.texts).max(axis=1)
    ref_right = ref_pred == truth
    ref_single = per_text_ms(lambda text: reference.predict([text]), sample)
    started = time.perf_counter()
    reference.predict(test.texts)
    ref_batch = (time.perf_counter() - started) / len(test.texts) * 1000
    buffer = io.BytesIO()
    pickle.dump(reference, buffer)
    ref_size = buffer.tell()

    rows = [
        ("accuracy", accuracy_score(truth, ours_pred), accuracy_score(truth, ref_pred), "higher"),
        ("macro-F1 (all agencies in the test quarter)", f1_score(truth, ours_pred, average="macro"),
         f1_score(truth, ref_pred, average="macro"), "higher"),
        ("accuracy of the most confident 70%", accuracy_at(ours_conf, ours_right, 0.7), accuracy_at(ref_conf, ref_right, 0.7), "higher"),
        ("accuracy of the most confident 80%", accuracy_at(ours_conf, ours_right, 0.8), accuracy_at(ref_conf, ref_right, 0.8), "higher"),
        ("training seconds", ours_train, ref_train, "lower"),
        ("ms per prediction, single (median)", ours_single, ref_single, "lower"),
        ("ms per prediction, batch", ours_batch, ref_batch, "lower"),
        ("model size MB (ours: skops file; reference: pickle)", ours_size / 1e6, ref_size / 1e6, "lower"),
    ]
    print(f"{'figure':<55} {'CETTAR':>9} {'reference':>10} {'ratio':>7}")
    for name, ours, ref, better in rows:
        print(f"{name:<55} {ours:>9.3f} {ref:>10.3f} {ours / ref if ref else float('nan'):>7.2f}  ({better} is better)")
    print(f"\nauto-routing at the threshold chosen on training data for 95% precision ({model.threshold:.3f}): "
          f"{auto.mean():.1%} of the test quarter routed automatically, {ours_right[auto].mean():.1%} of those right")
    known = set(model.labels)
    unseen = sum(1 for label in test.labels if label not in known)
    print(f"agencies the model knows: {len(known)}; test complaints for agencies it does not know "
          f"(fewer than 8 training examples): {unseen}")
    print(f"macro-F1 over the agencies the model knows: "
          f"{f1_score(truth, ours_pred, average='macro', labels=sorted(known & set(test.labels))):.3f}")


if __name__ == "__main__":
    main()
