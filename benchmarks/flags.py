"""The intake lexicon (classifier/flags.py, classifier/data/flags_id.tsv): recall on the written
cases of tests/classifier/test_flags.py, how many of the real Surabaya complaints it marks (each
mark there is a complaint that jumps the queue or waits for a person: the false-alarm budget),
examples of each, and the time per complaint beside normalising alone.

    .venv/bin/python benchmarks/flags.py [--examples 5]

The Surabaya texts are read from ../shared/data (never shipped); without them the script says so
and prints the recall only.
"""

from __future__ import annotations

import argparse
import csv
import random
import sys
import time
from collections import Counter, defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from classifier.flags import detect  # noqa: E402
from classifier.normalise import normalise  # noqa: E402
from tests.classifier import test_flags as cases  # noqa: E402

DATA = ROOT.parent / "shared" / "data" / "surabaya_complaints_2022_2023q1.csv"


def recall() -> None:
    urgent = sum(detect(text).urgent == category for text, category in cases.URGENT_CASES)
    sensitive = sum(detect(text).sensitive == topic for text, topic in cases.SENSITIVE_CASES)
    quiet_u = sum(detect(text).urgent is None for text in cases.NOT_URGENT)
    quiet_s = sum(detect(text).sensitive is None for text in cases.NOT_SENSITIVE)
    print(f"urgent recall (right category)   {urgent}/{len(cases.URGENT_CASES)} = {urgent / len(cases.URGENT_CASES):.2f}")
    print(f"sensitive recall (right topic)   {sensitive}/{len(cases.SENSITIVE_CASES)} = "
          f"{sensitive / len(cases.SENSITIVE_CASES):.2f}")
    print(f"routine cases left unmarked      urgent {quiet_u}/{len(cases.NOT_URGENT)}, "
          f"sensitive {quiet_s}/{len(cases.NOT_SENSITIVE)}")


def surabaya(examples: int) -> None:
    if not DATA.exists():
        print(f"\n{DATA} is missing: no false-alarm count (the Surabaya texts are not shipped)")
        return
    rows = list(csv.DictReader(DATA.open(encoding="utf-8")))
    marks: Counter[str] = Counter()
    shown: dict[str, list[tuple[str, str, str]]] = defaultdict(list)
    started = time.perf_counter()
    for row in rows:
        found = detect(row["text"])
        for kind, value, why in (("urgent", found.urgent, found.urgent_why), ("sensitive", found.sensitive, found.sensitive_why)):
            if value:
                marks[f"{kind}:{value}"] += 1
                shown[f"{kind}:{value}"].append((why, row["topic"], row["text"][:110].replace("\n", " ")))
    flagged = time.perf_counter() - started
    started = time.perf_counter()
    for row in rows:
        normalise(row["text"])
    reference = time.perf_counter() - started
    urgent = sum(n for key, n in marks.items() if key.startswith("urgent"))
    sensitive = sum(n for key, n in marks.items() if key.startswith("sensitive"))
    print(f"\nSurabaya 2022-01 … 2023-03: {len(rows)} complaints, of which the history holds only a handful of emergencies")
    print(f"marked urgent     {urgent:5d} ({urgent / len(rows):.1%})  — each one an urgent clock: read the examples")
    print(f"marked sensitive  {sensitive:5d} ({sensitive / len(rows):.1%})  — each one held for a person at the triage desk")
    for key, count in sorted(marks.items()):
        print(f"  {key:22s} {count:5d}")
    print(f"\ntime: {1e3 * flagged / len(rows):.3f} ms a complaint (reference, normalising alone: "
          f"{1e3 * reference / len(rows):.3f} ms; ratio {flagged / reference:.1f}×)")
    random.seed(7)
    for key, found in sorted(shown.items()):
        print(f"\n{key}: {examples} of {len(found)} at random (matched words · topic · text)")
        for why, topic, text in random.sample(found, min(examples, len(found))):
            print(f"  [{why}] · {topic or '—'} · {text}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--examples", type=int, default=5)
    args = parser.parse_args()
    print("$ .venv/bin/python benchmarks/flags.py " + " ".join(sys.argv[1:]))
    recall()
    surabaya(args.examples)


if __name__ == "__main__":
    main()
