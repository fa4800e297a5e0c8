"""How fast a new city's corrections teach the shipped model its own agencies.

    .venv/bin/python benchmarks/learning_curve.py [--data ../shared/data/surabaya_complaints_2022_2023q1.csv]

A city the base model has never seen, simulated from the real data: "Kota X" has an agency of the
same function for each of Surabaya's (other names, so the base model's labels are routed through
the directory's ``function`` column), and customs of its own that the base model cannot know:
tree pruning and parks go to a parks agency Surabaya does not have, street lights to the housing
agency instead of transport, water-utility complaints to its own PDAM. Its complaints are the real
2023-Q1 ones (relabelled so); the base model is trained on Surabaya's 2022 under Surabaya's
names. Corrections (its triage desk's decisions) are added in time order: 0, 100, 300, 1,000;
each step trains on the base data mapped to Kota X's names plus the corrections, on the corrections
alone, and as ``cettar classifier retrain`` does (both, keeping the one right more often on the
newest fifth of the corrections), each measured on the same newest 1,000 complaints of the quarter
(never trained on). The reference in the same run: base + corrections.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from cettar.learning.service import MIN_SLICE, SLICE_SHARE  # noqa: E402
from classifier.data import Examples, chronological, load_examples, split_by_time  # noqa: E402
from classifier.model import TrainedModel  # noqa: E402
from classifier.predict import Classifier  # noqa: E402
from classifier.policy import Policy  # noqa: E402
from classifier.defaults import DEFAULT_MIN_EXAMPLES  # noqa: E402
from classifier.train import fit  # noqa: E402

DEFAULT_DATA = ROOT.parent / "shared" / "data" / "surabaya_complaints_2022_2023q1.csv"
PARKS, HOUSING, WATER = "Dinas Pertamanan Kota X", "Dinas Perumahan Rakyat dan Kawasan Permukiman serta Pertanahan Kota X", "PDAM Kota X"
CUSTOMS = {"Informasi Pemangkasan/Perantingan Pohon": PARKS, "Taman": PARKS, "PJU": HOUSING, "Pelayanan PDAM": WATER}
STEPS = (0, 100, 300, 1000)
TEST = 1000


def kota_x(label: str) -> str:
    """Kota X's agency of the same function as Surabaya's ``label`` (the directory's mapping)."""
    return f"{label} Kota X"


def relabelled(examples: Examples) -> Examples:
    out = examples.subset(range(len(examples)))
    out.labels = [CUSTOMS.get(row.get("topic", "").strip(), kota_x(label)) for label, row in zip(out.labels, out.rows, strict=True)]
    return out


def trained(examples: Examples) -> TrainedModel | None:
    return fit(examples, {label for label, n in Counter(examples.labels).items() if n >= DEFAULT_MIN_EXAMPLES}, {})


def accuracy_of(model: TrainedModel | None, test: Examples) -> float:
    if model is None:
        return 0.0
    predictions = Classifier(model, policy=Policy()).predict_many(test.texts)
    return sum(p.label == y for p, y in zip(predictions, test.labels, strict=True)) / len(test)


def joined(a: Examples, b: Examples) -> Examples:
    return Examples(a.texts + b.texts, a.labels + b.labels, a.times + b.times, [])


def retrains_pick(base: Examples, corrections: Examples, test: Examples) -> tuple[float, str]:
    """What ``cettar classifier retrain`` keeps: base + older corrections, or the older corrections
    alone, whichever is right more often on the newest fifth of the corrections."""
    size = max(MIN_SLICE, int(len(corrections) * SLICE_SHARE))
    older, newest = corrections.subset(range(len(corrections) - size)), corrections.subset(range(len(corrections) - size, len(corrections)))
    both, alone = trained(joined(base, older)), trained(older)
    pick = max(((accuracy_of(both, newest), 1, both, "base + corr."), (accuracy_of(alone, newest), 0, alone, "corr. only")),
               key=lambda t: (t[0], t[1]))
    return accuracy_of(pick[2], test), pick[3]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    args = parser.parse_args()
    if not args.data.exists():
        sys.exit(f"the complaint data is not at {args.data}: this benchmark needs ../shared/data (pass --data)")
    print(f"$ {' '.join([Path(sys.executable).name, *sys.argv])}")
    started = time.perf_counter()
    examples = chronological(load_examples(args.data))
    base, city = split_by_time(examples, "2023-01-01")
    base_here = base.subset(range(len(base)))
    base_here.labels = [kota_x(label) for label in base.labels]  # the function mapping: same agency, Kota X's name
    city = relabelled(city)
    pool, test = city.subset(range(len(city) - TEST)), city.subset(range(len(city) - TEST, len(city)))
    customs = sum(label in (PARKS, HOUSING, WATER) for label in test.labels)
    print(f"base: {len(base)} Surabaya complaints of 2022; Kota X: {len(city)} of 2023-Q1, the newest {TEST} kept for "
          f"measuring ({customs} of them, {customs / TEST:.0%}, follow a custom the base data does not have)\n")
    print(f"{'corrections':>11} {'base + corrections':>19} {'corrections only':>17} {'retrain keeps':>14} {'':<13} {'ratio':>6} {'seconds':>8}")
    for n in STEPS:
        step = time.perf_counter()
        corrections = pool.subset(range(min(n, len(pool))))
        ours = accuracy_of(trained(joined(base_here, corrections)), test)
        alone = accuracy_of(trained(corrections), test) if n else 0.0
        kept, which = retrains_pick(base_here, corrections, test) if n else (ours, "the shipped model")
        ratio = f"{kept / ours:>6.2f}"
        print(f"{n:>11} {ours:>19.3f} {alone:>17.3f} {kept:>14.3f} {which:<13} {ratio} {time.perf_counter() - step:>8.0f}", flush=True)
    print(f"\n({time.perf_counter() - started:.0f} s in all; 'ratio': what the retrain keeps over base + corrections; "
          "it judges on the newest fifth of the corrections, which the model it keeps did not learn)")


if __name__ == "__main__":
    main()
