"""Routing classifier on the real Surabaya complaints, against a plain reference, in time order.

    .venv/bin/python benchmarks/classifier.py [--protocol rolling|split] [--data ../shared/data/surabaya_complaints_2022_2023q1.csv]

``rolling`` (the default): a rolling origin over 2022-07 … 2023-03. Each month is routed by a model
trained on everything before it; its auto-routing threshold is chosen as the product chooses it
(``classifier.policy``), on the logged out-of-sample predictions of the three months before, and
compared with today's rule (the newest 20 % of the training data at 95 %). Printed per month and
overall: auto-routed precision and coverage, accuracy, the right agency among the suggestions,
macro-F1 over agencies with at least 10 test complaints, beside the plain reference trained on the
same months. About 12 minutes on 2 cores.

``split``: trains on complaints before 2023-01-01, tests on 2023-Q1 (the figures of wave 1).

Repeated texts are removed first. The reference, measured in the same run: TF-IDF word 1-2-grams +
char 2-5-grams (sublinear tf) + LinearSVC, on the raw text; its confidence is its largest decision
value, its suggestions its three largest.
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
from classifier.data import Examples, chronological, load_examples, split_by_time  # noqa: E402
from classifier.model import build_reference  # noqa: E402
from classifier.policy import Logged, Policy, choose_policy, local_offices_among, precision_at  # noqa: E402
from classifier.predict import Classifier  # noqa: E402
from classifier.defaults import DEFAULT_MIN_EXAMPLES  # noqa: E402
from classifier.policy import choose_threshold  # noqa: E402
from classifier.train import _label_set, fit, rolling_log, train_model  # noqa: E402

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
    parser.add_argument("--protocol", choices=("rolling", "split"), default="rolling")
    parser.add_argument("--split", default="2023-01-01", help="split: where the test quarter starts")
    parser.add_argument("--first", default="2022-07", help="rolling: the first month routed")
    parser.add_argument("--target", type=float, default=0.95, help="rolling: the promised precision")
    parser.add_argument("--cache", type=Path, help="rolling: keep the months' predictions in this file and reuse them")
    args = parser.parse_args()
    if not args.data.exists():
        sys.exit(f"the complaint data is not at {args.data}: this benchmark needs ../shared/data (pass --data)")
    print(f"$ {' '.join([Path(sys.executable).name, *sys.argv])}")
    examples = load_examples(args.data)
    if args.protocol == "rolling":
        rolling(examples, first=args.first, target=args.target, cache=args.cache)
        return
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


def _earlier(month: str, n: int) -> str:
    year, number = int(month[:4]), int(month[5:7]) - n
    while number < 1:
        year, number = year - 1, number + 12
    return f"{year:04d}-{number:02d}"


def _todays_threshold(before: Examples, known: set[str], target: float) -> float:
    """Wave 1's rule: fit on the older 80 % of the training data, choose on the newest 20 %."""
    cut = int(len(before) * 0.8)
    model = fit(before.subset(range(cut)), known, {})
    assert model is not None
    held = Classifier(model, policy=Policy()).predict_many(before.texts[cut:])
    return choose_threshold([p.confidence for p in held], [p.label == y for p, y in zip(held, before.labels[cut:], strict=True)], target)[0]


def rolling(examples: Examples, *, first: str, target: float, cache: Path | None = None) -> None:
    examples = chronological(examples)
    months = sorted({t[:7] for t in examples.times if t[:7] >= first})
    logged = [_earlier(first, 3), _earlier(first, 2), _earlier(first, 1), *months]
    print(f"data: {len(examples)} complaints after removing repeats; months routed: {months[0]} … {months[-1]}; "
          f"thresholds chosen on the three months before each\n")
    started = time.perf_counter()
    per_month: dict[str, dict[str, object]] = {}
    if cache is not None and cache.exists():
        per_month = pickle.loads(cache.read_bytes())
        print(f"  the months' predictions from {cache}")
    for month in [m for m in logged if m not in per_month]:
        before = examples.subset([i for i, t in enumerate(examples.times) if t[:7] < month])
        known = set(_label_set(before.labels, DEFAULT_MIN_EXAMPLES)[0])
        local = local_offices_among(known)
        log, predictions, truth = rolling_log(examples, [month], known=known, local_offices=local)
        entry: dict[str, object] = {"log": log, "predictions": predictions, "truth": truth, "local": local}
        if month in months:
            entry["today"] = _todays_threshold(before, known, target)
            reference = build_reference().fit(before.texts, before.labels)
            texts = [examples.texts[i] for i, t in enumerate(examples.times) if t[:7] == month]
            decision = reference.decision_function(texts)
            entry["reference"] = ([str(c) for c in reference.classes_[decision.argmax(axis=1)]],
                                  [[str(c) for c in reference.classes_[np.argsort(-row)[:3]]] for row in decision])
        per_month[month] = entry
        print(f"  {month}: {len(log)} complaints routed by a model fitted on {len(before)} "
              f"({time.perf_counter() - started:.0f} s)", flush=True)
    if cache is not None:
        cache.write_bytes(pickle.dumps(per_month))

    strategies = {
        "today (newest 20 %, pooled)": None,
        "3 months pooled + local rule": {"margin": 0.0},
        "... + 0.01 margin (CETTAR's rule)": {},
        "... + per-agency thresholds": {"per_label": True},
        "3 months, every month + local rule": {"rule": "every-month", "margin": 0.0},
    }
    totals: dict[str, list[Logged]] = {name: [] for name in strategies}
    policies: dict[str, dict[str, Policy]] = {name: {} for name in strategies}
    local_errors = dict.fromkeys(strategies, 0)
    header = f"{'month':<8} {'n':>5} {'acc':>6} {'ref':>6} {'top3':>6} {'+local':>6} {'ref3':>6}"
    for name in strategies:
        header += f" | {name[:24]:>24}"
    print(f"\nper month: accuracy (ours, reference), right agency among the suggestions (top 3; top 3 + local office; reference top 3),\n"
          f"and for each threshold rule 'precision / coverage' of the complaints routed automatically (target {target:.2f})\n")
    print(header)
    all_truth: list[str] = []
    ours_pred: list[str] = []
    ref_pred: list[str] = []
    hits = {"top3": 0, "local": 0, "ref3": 0}
    for month in months:
        entry = per_month[month]
        log, predictions, truth = entry["log"], entry["predictions"], entry["truth"]  # type: ignore[assignment]
        local = entry["local"]
        history = [p for m in (_earlier(month, 3), _earlier(month, 2), _earlier(month, 1)) for p in per_month[m]["log"]]  # type: ignore[attr-defined]
        reference_pred, reference_top = entry["reference"]  # type: ignore[misc]
        top3 = sum(y in [label for label, _ in p.top[:3]] for p, y in zip(predictions, truth, strict=True))  # type: ignore[arg-type]
        with_local = sum(y in [label for label, _ in p.top] for p, y in zip(predictions, truth, strict=True))  # type: ignore[arg-type]
        ref3 = sum(y in top for y, top in zip(truth, reference_top, strict=True))  # type: ignore[arg-type]
        n = len(truth)  # type: ignore[arg-type]
        accuracy = sum(p.right for p in log) / n  # type: ignore[attr-defined]
        ref_accuracy = sum(a == b for a, b in zip(reference_pred, truth, strict=True)) / n  # type: ignore[arg-type]
        row = f"{month:<8} {n:>5} {accuracy:>6.3f} {ref_accuracy:>6.3f} {top3 / n:>6.3f} {with_local / n:>6.3f} {ref3 / n:>6.3f}"
        for name, options in strategies.items():
            policy = (Policy(float(entry["today"])) if options is None  # type: ignore[arg-type]
                      else choose_policy(history, target, local_offices=local, **options))  # type: ignore[arg-type]
            policies[name][month] = policy
            share, precision = precision_at(log, policy)  # type: ignore[arg-type]
            totals[name] += [p for p in log if policy.routes(p.label, p.confidence)]  # type: ignore[attr-defined]
            local_errors[name] += sum(not p.right and y in local and policy.routes(p.label, p.confidence)  # type: ignore[operator]
                                      for p, y in zip(log, truth, strict=True))  # type: ignore[call-overload]
            row += f" | {precision:>14.3f} / {share:>6.1%}"
        print(row)
        all_truth += truth  # type: ignore[arg-type]
        ours_pred += [p.label for p in predictions]  # type: ignore[attr-defined]
        ref_pred += reference_pred
        hits["top3"] += top3
        hits["local"] += with_local
        hits["ref3"] += ref3
    n = len(all_truth)
    truth_array = np.asarray(all_truth)
    counts = {label: int((truth_array == label).sum()) for label in set(all_truth)}
    f1_labels = sorted(label for label, count in counts.items() if count >= 10)
    print(f"\noverall, {n} complaints in {len(months)} months ({time.perf_counter() - started:.0f} s):")
    print(f"{'figure':<62} {'CETTAR':>8} {'reference':>10} {'ratio':>7}")
    pairs = [
        ("accuracy", accuracy_score(truth_array, ours_pred), accuracy_score(truth_array, ref_pred)),
        (f"macro-F1 over the {len(f1_labels)} agencies with >= 10 test complaints",
         f1_score(truth_array, ours_pred, labels=f1_labels, average="macro", zero_division=0),
         f1_score(truth_array, ref_pred, labels=f1_labels, average="macro", zero_division=0)),
        ("right agency among the top 3 suggestions", hits["top3"] / n, hits["ref3"] / n),
        ("... among the top 3 + the likeliest local office", hits["local"] / n, hits["ref3"] / n),
    ]
    for name, ours, ref in pairs:
        print(f"{name:<62} {ours:>8.3f} {ref:>10.3f} {ours / ref:>7.3f}")
    print(f"\n{'threshold rule':<42} {'precision':>9} {'coverage':>8} {'worst month':>12} {'months >= target':>17} {'errors a local office handled':>30}")
    for name in strategies:
        routed = totals[name]
        worst = min(precision_at(per_month[m]["log"], policies[name][m])[1] for m in months)  # type: ignore[arg-type]
        meeting = sum(precision_at(per_month[m]["log"], policies[name][m])[1] >= target for m in months)  # type: ignore[arg-type]
        wrong = [p for p in routed if not p.right]
        local_wrong = local_errors[name]
        precision = sum(p.right for p in routed) / len(routed) if routed else 0.0
        print(f"{name:<42} {precision:>9.3f} {len(routed) / n:>8.1%} {worst:>12.3f} {meeting:>10} of {len(months):<4} "
              f"{local_wrong / len(wrong) if wrong else 0:>29.1%}")
    local_predicted = [p for m in months for p in per_month[m]["log"] if p.label in per_month[m]["local"]]  # type: ignore[attr-defined, operator]
    wrong_all = [p for m in months for p in per_month[m]["log"] if not p.right]  # type: ignore[attr-defined]
    local_truth = sum(y.startswith(("Kelurahan", "Kecamatan")) for y in all_truth)
    print(f"\nlocal offices: {local_truth / n:.1%} of complaints went to one; the model picked one for {len(local_predicted) / n:.1%}, "
          f"right {sum(p.right for p in local_predicted) / max(1, len(local_predicted)):.1%} of those; "
          f"{sum(y.startswith(('Kelurahan', 'Kecamatan')) for y, p in zip(all_truth, ours_pred, strict=True) if y != p) / max(1, len(wrong_all)):.1%} "
          f"of all misroutes belong to a local office")


if __name__ == "__main__":
    main()
