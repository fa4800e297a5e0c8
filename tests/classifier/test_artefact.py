import json
from pathlib import Path

import pytest
import skops.io as sio

from classifier import artefact
from classifier.artefact import ModelError
from classifier.model import TrainedModel
from classifier.predict import Classifier
from classifier.shipped import SHIPPED_MODEL
from tests.classifier.conftest import made_up


def test_a_saved_model_loads_and_predicts_the_same(small_model, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "model.skops"
    size = artefact.save(small_model, path)
    assert 0 < size < 2_000_000
    loaded = artefact.load(path)
    texts = made_up(30, seed=3).texts
    before = Classifier(small_model).predict_many(texts)
    after = Classifier(loaded).predict_many(texts)
    assert [p.label for p in before] == [p.label for p in after]
    assert [round(p.confidence, 5) for p in before] == [round(p.confidence, 5) for p in after]
    assert loaded.metadata["format"] == artefact.FORMAT and loaded.threshold == small_model.threshold


def _tamper(path: Path, out: Path, **changes: object) -> Path:
    content = sio.load(path, trusted=sio.get_untrusted_types(file=path))
    metadata = {**json.loads(content["metadata_json"]), **changes}
    sio.dump({"pipeline": content["pipeline"], "metadata_json": json.dumps(metadata)}, out)
    return out


def test_a_model_from_another_scikit_learn_is_refused_with_what_to_do(small_model, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "model.skops"
    artefact.save(small_model, path)
    old = _tamper(path, tmp_path / "old.skops", sklearn_version="0.24.2")
    with pytest.raises(ModelError, match=r"trained with scikit-learn 0\.24\.2.*retrain it with `cettar classifier train"):
        artefact.load(old)


def test_a_model_for_other_agencies_is_refused(small_model, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "model.skops"
    artefact.save(small_model, path)
    with pytest.raises(ModelError, match="does not have: DINSOS, DSDABM.*cettar directory load"):
        artefact.load(path, expected_labels={"DISHUB", "DLH"})


class Payload:
    """Stands for whatever an attacker's file would ask to construct."""

    def __init__(self) -> None:
        self.command = "rm -rf /"


def test_a_file_asking_for_untrusted_types_is_refused_before_loading(tmp_path: Path) -> None:
    evil = tmp_path / "evil.skops"
    sio.dump({"pipeline": Payload(), "metadata_json": "{}"}, evil)  # any type outside the list
    with pytest.raises(ModelError, match="refused.*test_artefact.Payload"):
        artefact.load(evil)
    junk = tmp_path / "junk.skops"
    junk.write_bytes(b"\x80\x04 not a model")
    with pytest.raises(ModelError, match="not a CETTAR model file"):
        artefact.load(junk)
    with pytest.raises(ModelError, match="no such model file"):
        artefact.load(tmp_path / "missing.skops")


def test_the_shipped_model_is_small_documented_and_loads(tmp_path: Path) -> None:
    assert SHIPPED_MODEL.stat().st_size < 10_000_000
    model = artefact.load(SHIPPED_MODEL)
    assert isinstance(model, TrainedModel)
    meta = model.metadata
    assert len(model.labels) >= 25 and "Dinas Perhubungan" in model.labels
    assert 0.5 < meta["threshold"] < 1 and meta["target_precision"] == 0.95
    assert {"data_sha256", "sklearn_version", "trained_at", "validation", "dropped_labels"} <= set(meta)
