"""The pipeline on real Surabaya complaints (``../shared/data``): a quick time split. The full
figures are the benchmark's (benchmarks/classifier.py)."""

from pathlib import Path

import numpy as np

from classifier.data import load_examples, split_by_time
from classifier.model import build_reference
from classifier.predict import Classifier
from classifier.train import train_model


def test_the_model_beats_the_reference_on_a_real_time_split(shared_data: Path) -> None:
    examples = load_examples(shared_data)
    assert len(examples) > 10_000  # ~450 repeated texts are dropped
    train, test = split_by_time(examples, "2022-07-01")
    test, _ = split_by_time(test, "2022-08-01")  # train on 2022-H1, test on July 2022
    model = train_model(train, min_examples=8)
    predictions = Classifier(model).predict_many(test.texts)
    truth = np.asarray(test.labels)
    ours = np.mean(np.asarray([p.label for p in predictions]) == truth)
    reference = build_reference().fit(train.texts, train.labels)
    theirs = np.mean(reference.predict(test.texts) == truth)
    assert ours > 0.7 and ours >= theirs - 0.01, (ours, theirs)
    confidence = np.asarray([p.confidence for p in predictions])
    right = np.asarray([p.label for p in predictions]) == truth
    confident = confidence >= np.quantile(confidence, 0.5)
    assert right[confident].mean() > ours + 0.1  # the confidence means something
