import os

import numpy as np
import pytest

from classifier import artefact
from classifier.policy import Policy
from classifier.predict import Classifier, ModelRouter
from classifier.shipped import SHIPPED_MODEL
from tests.classifier.conftest import made_up


@pytest.fixture(scope="module")
def shipped() -> Classifier:
    return Classifier(artefact.load(SHIPPED_MODEL))


def test_the_fast_path_gives_scikit_learns_numbers(small_model) -> None:  # type: ignore[no-untyped-def]
    texts = made_up(50, seed=5).texts
    classifier = Classifier(small_model)
    features = classifier._features(texts)
    ours = classifier.probabilities(features)
    theirs = small_model.pipeline.predict_proba(texts)
    np.testing.assert_allclose(ours, theirs, rtol=1e-5, atol=1e-6)


def test_a_prediction_has_a_confidence_and_alternatives_ranked_by_that_one_score(shipped: Classifier) -> None:
    prediction = shipped.predict("Lampu PJU di Jl. Kenjeran mati sejak seminggu, jalan gelap")
    assert prediction.label == "Dinas Perhubungan" and prediction.auto_routed
    assert len(prediction.top) >= 3 and prediction.top[0] == (prediction.label, prediction.confidence)
    assert len({label for label, _ in prediction.top}) == len(prediction.top)
    city = [confidence for label, confidence in prediction.top[:3]]
    assert city == sorted(city, reverse=True)


def test_the_likeliest_local_office_is_always_offered_and_never_routed_to(small_model) -> None:  # type: ignore[no-untyped-def]
    from classifier.policy import Policy

    policy = Policy(0.0, {}, frozenset({"DINSOS"}))  # everything routes, but DINSOS plays the local office
    classifier = Classifier(small_model, policy=policy)
    for prediction in classifier.predict_many(made_up(40, seed=3).texts):
        labels = [label for label, _ in prediction.top]
        assert "DINSOS" in labels and len(labels) == (3 if "DINSOS" in labels[:3] else 4)
        assert prediction.auto_routed == (prediction.label != "DINSOS")


@pytest.mark.parametrize(
    "text",
    ["", "   ", "😀🙏🔥💯", "x" * 100_000, "The street light in front of my house has been broken for a week",
     os.urandom(2000).decode("latin-1"), "<script>alert(1)</script>", "\x00\x01\x02"],
    ids=["empty", "blank", "emoji", "100KB", "english", "random-bytes", "markup", "control"],
)
def test_bad_input_gets_a_low_confidence_and_goes_to_triage(shipped: Classifier, text: str) -> None:
    prediction = shipped.predict(text)
    assert not prediction.auto_routed
    assert prediction.confidence < shipped.threshold


def test_the_router_maps_labels_and_sends_the_unsure_to_triage(small_model) -> None:  # type: ignore[no-untyped-def]
    router = ModelRouter(small_model, agency_codes={"DISHUB": "DISHUB-SBY"})
    sure = router.route("lampu jalan mati jl kenjeran", title="lampu pju padam")
    assert sure.agency_code == "DISHUB-SBY" and sure.suggestions[0].agency_code == "DISHUB-SBY"
    unsure = router.route("")
    assert unsure.agency_code is None and len(unsure.suggestions) == 3
    never = ModelRouter(small_model, policy=Policy(1.01)).route("lampu jalan mati")
    assert never.agency_code is None
