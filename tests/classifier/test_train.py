import numpy as np
import pytest
from sklearn.base import clone
from sklearn.model_selection import GridSearchCV

from classifier.data import DataError
from classifier.defaults import NEVER
from classifier.model import build_pipeline
from classifier.predict import Classifier
from classifier.policy import choose_threshold
from classifier.train import coverage_table, policy_for, train_model
from tests.classifier.conftest import made_up


@pytest.mark.parametrize(
    ("confidences", "correct", "target", "expected"),
    [
        ([0.9, 0.8, 0.7, 0.6], [1, 1, 1, 0], 0.95, (0.7, 0.75, 1.0)),
        ([0.9, 0.8, 0.7, 0.6], [1, 1, 1, 0], 0.75, (0.6, 1.0, 0.75)),
        ([0.9, 0.8, 0.7, 0.6], [0, 1, 1, 1], 0.95, (NEVER, 0.0, 0.0)),
        ([0.9, 0.8, 0.8, 0.6], [1, 1, 0, 1], 0.95, (0.9, 0.25, 1.0)),  # ties are routed together or not at all
        ([], [], 0.95, (NEVER, 0.0, 0.0)),
    ],
)
def test_the_threshold_is_the_lowest_confidence_that_keeps_the_target_precision(
    confidences: list[float], correct: list[int], target: float, expected: tuple[float, float, float]
) -> None:
    assert choose_threshold(confidences, [bool(c) for c in correct], target) == pytest.approx(expected)


def test_coverage_table_reads_the_most_confident_first() -> None:
    table = coverage_table([0.9, 0.1, 0.8, 0.2], [True, False, True, True], coverages=(0.5, 1.0))
    assert [row["accuracy"] for row in table] == [1.0, 0.75]


def test_the_pipeline_clones_and_grid_searches() -> None:
    data = made_up(160)
    search = GridSearchCV(build_pipeline(calibration_folds=2), {"model__estimator__C": [0.1, 1.0]}, cv=2)
    search.fit(data.texts, data.labels)
    assert search.best_params_["model__estimator__C"] in (0.1, 1.0)
    assert clone(build_pipeline()).get_params()["features__chars__ngram_range"] == (3, 5)


def test_training_learns_chooses_a_threshold_and_records_how(small_model) -> None:  # type: ignore[no-untyped-def]
    meta = small_model.metadata
    assert small_model.labels == ["DINSOS", "DISHUB", "DLH", "DSDABM"]
    assert 0 < meta["threshold"] <= 1 and meta["validation"]["auto_routed_precision"] >= 0.95
    assert len(meta["data_sha256"]) == 64 and meta["sklearn_version"]
    assert meta["validation"]["months"] == ["2022-10", "2022-11", "2022-12"]
    assert len(meta["validation"]["log"]) == meta["validation"]["examples"] == 100
    assert {month for month, *_ in meta["validation"]["log"]} == set(meta["validation"]["months"])
    held_out = made_up(80, seed=99)
    predictions = Classifier(small_model).predict_many(held_out.texts)
    accuracy = np.mean([p.label == y for p, y in zip(predictions, held_out.labels, strict=True)])
    assert accuracy > 0.9


def test_a_stricter_precision_target_never_routes_more(small_model) -> None:  # type: ignore[no-untyped-def]
    assert policy_for(small_model, 0.999).threshold >= policy_for(small_model, 0.9).threshold
    assert policy_for(small_model, None).threshold == small_model.threshold


def test_rare_labels_are_left_to_people_and_too_few_labels_is_an_error() -> None:
    data = made_up(200)
    data.texts += ["pkl berjualan di trotoar", "pkl liar"]
    data.labels += ["SATPOLPP", "SATPOLPP"]
    data.times += ["2022-06-01", "2022-06-02"]
    model = train_model(data, min_examples=5)
    assert "SATPOLPP" not in model.labels and model.metadata["dropped_labels"] == {"SATPOLPP": 2}
    with pytest.raises(DataError, match="at least two labels"):
        train_model(made_up(40, labels=("DLH",)), min_examples=5)
