"""The auto-routing policy: chosen on out-of-sample months with a safety margin, never a local office,
per-agency thresholds that only raise."""

from __future__ import annotations

import pytest

from classifier.defaults import NEVER
from classifier.policy import Logged, Policy, choose_policy, lowest_threshold, precision_at


def month(name: str, rows: list[tuple[str, float, bool]]) -> list[Logged]:
    return [Logged(name, label, confidence, right) for label, confidence, right in rows]


def test_the_lowest_threshold_keeps_the_precision_and_cuts_only_between_distinct_confidences() -> None:
    log = month("2022-01", [("A", 0.9, True), ("A", 0.8, True), ("A", 0.8, False), ("A", 0.7, True)])
    assert lowest_threshold(log, 0.75) == 0.7
    assert lowest_threshold(log, 0.9) == 0.9  # 0.8 would route a wrong one with a right one
    assert lowest_threshold(log, 1.01) == NEVER and lowest_threshold([], 0.5) == NEVER


def test_the_margin_asks_more_than_the_promise() -> None:
    log = month("m", [("A", 0.99 - i / 100, i % 20 != 19) for i in range(60)])  # one wrong in twenty
    plain = choose_policy(log, 0.95, margin=0.0)
    careful = choose_policy(log, 0.95, margin=0.01)
    assert careful.threshold > plain.threshold
    assert precision_at(log, careful)[1] >= 0.96 > precision_at(log, plain)[1] - 0.001


def test_every_month_must_reach_the_target_under_that_rule() -> None:
    good = month("2022-01", [("A", 0.9, True)] * 10 + [("A", 0.6, True)] * 10)
    bad = month("2022-02", [("A", 0.9, True)] * 10 + [("A", 0.6, False)] * 10)
    assert choose_policy(good + bad, 0.95, margin=0, rule="pooled").threshold == 0.9  # 0.6 pools to 75 %
    assert choose_policy(good, 0.95, margin=0, rule="every-month").threshold == 0.6
    assert choose_policy(good + bad, 0.95, margin=0, rule="every-month").threshold == 0.9
    with pytest.raises(ValueError, match="unknown"):
        choose_policy(good, 0.95, rule="hope")


def test_a_local_office_never_routes_and_is_left_out_of_the_choice() -> None:
    log = month("m", [("KEL", 0.99, False)] * 5 + [("DLH", 0.9, True)] * 20)
    policy = choose_policy(log, 0.95, local_offices=frozenset({"KEL"}), margin=0)
    assert policy.threshold == 0.9  # the wrong local-office guesses do not raise everyone's threshold
    assert not policy.routes("KEL", 0.999) and policy.routes("DLH", 0.95)


def test_an_agency_below_the_target_gets_a_higher_threshold_of_its_own() -> None:
    log = month("m", [("A", 0.9, True)] * 100 + [("B", 0.95, True)] * 30 + [("B", 0.9, False)] * 10 + [("B", 0.9, True)] * 10)
    policy = choose_policy(log, 0.9, margin=0, per_label=True, per_label_min=30)
    assert policy.threshold == 0.9 and policy.label_thresholds == {"B": 0.95}
    assert policy.routes("A", 0.9) and not policy.routes("B", 0.9) and policy.routes("B", 0.95)


def test_the_policy_travels_in_the_model_metadata() -> None:
    policy = Policy(0.8, {"B": 0.9}, frozenset({"KEL"}))
    assert Policy.from_metadata(policy.as_metadata()) == policy
    assert Policy.from_metadata({}).threshold == NEVER
