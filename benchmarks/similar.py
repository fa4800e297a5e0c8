"""Near-duplicate decisions (cettar/complaint/similar.py) on pairs built from the Surabaya data.

    .venv/bin/python benchmarks/similar.py [--pairs 600]

Positives: a complaint and a rewording of it made here (sentences reordered, a fifth of the words
dropped, common words swapped for synonyms or slang, a greeting added) — how a second reporter or a
second outlet tells the same story. Negatives, the hard case: another complaint to the same agency
from the same district in the same ISO week (same topic, same place, a different problem — some are
in truth the same problem, so precision here is a lower bound). Reference: the word-overlap
(Jaccard) score the workbench used before, on the same pairs, in the same run. Numbers are kept
(a house or RT number tells two complaints apart) and two texts naming only different numbers are
never the same complaint. Each row is a
threshold: precision, recall and F1 of "same complaint".
"""

from __future__ import annotations

import argparse
import csv
import random
import re
import sys
import time
from collections import defaultdict
from datetime import datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from cettar.complaint.similar import THRESHOLD, _numbers_kept, different_places, scores, vectoriser  # noqa: E402
from classifier.normalise import normalise_many  # noqa: E402

DATA = ROOT.parent / "shared" / "data" / "surabaya_complaints_2022_2023q1.csv"
SWAPS = {"jalan": "jln", "tidak": "gak", "sudah": "udah", "yang": "yg", "rusak": "hancur", "mati": "padam",
         "sampah": "sampah2", "saluran": "got", "banjir": "tergenang", "mohon": "tolong", "segera": "cepat",
         "warga": "masyarakat", "lampu": "penerangan", "depan": "dpn", "dengan": "dgn", "untuk": "utk"}
GREETINGS = ("Selamat pagi, ", "Mohon bantuannya, ", "Lapor pak, ", "Assalamualaikum, ", "")
_WORD = re.compile(r"\w+", re.UNICODE)


def reword(text: str, rng: random.Random) -> str:
    sentences = [s.strip() for s in re.split(r"(?<=[.!?\n])\s+", text) if s.strip()]
    rng.shuffle(sentences)
    words = " ".join(sentences).split()
    kept = [SWAPS.get(w.lower(), w) if rng.random() < 0.5 else w for w in words if rng.random() > 0.2 or len(words) < 6]
    return rng.choice(GREETINGS) + " ".join(kept)


def jaccard(a: str, b: str) -> float:
    x, y = {w.lower() for w in _WORD.findall(a)}, {w.lower() for w in _WORD.findall(b)}
    return len(x & y) / len(x | y) if x and y else 0.0


def pairs(n: int, rng: random.Random) -> list[tuple[str, str, bool]]:
    rows = [r for r in csv.DictReader(DATA.open(encoding="utf-8")) if len(r["text"].split()) >= 8 and r["kecamatan"]]
    groups: dict[tuple[str, str, tuple[int, int]], list[str]] = defaultdict(list)
    for row in rows:
        week = datetime.fromisoformat(row["submitted_at"]).isocalendar()[:2]
        groups[(row["agency"], row["kecamatan"], week)].append(row["text"])
    crowded = [texts for texts in groups.values() if len(set(texts)) >= 2]
    built: list[tuple[str, str, bool]] = []
    for _ in range(n):
        texts = list(dict.fromkeys(rng.choice(crowded)))
        first, second = rng.sample(texts, 2)
        built.append((first, reword(first, rng), True))
        built.append((first, second, False))
    return built


def table(name: str, scored: list[tuple[float, bool]]) -> None:
    print(f"\n{name}\n  threshold  precision  recall    F1")
    for threshold in (0.2, 0.3, 0.4, 0.45, 0.5, 0.55, 0.6, 0.7):
        tp = sum(s >= threshold and same for s, same in scored)
        fp = sum(s >= threshold and not same for s, same in scored)
        fn = sum(s < threshold and same for s, same in scored)
        precision = tp / (tp + fp) if tp + fp else 1.0
        recall = tp / (tp + fn) if tp + fn else 0.0
        f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
        mark = "  <- CETTAR's threshold" if name.startswith("TF-IDF") and threshold == THRESHOLD else ""
        print(f"  {threshold:9.2f}  {precision:9.3f}  {recall:6.3f}  {f1:6.3f}{mark}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--pairs", type=int, default=600, help="positive pairs (as many negatives)")
    parser.add_argument("--seed", type=int, default=12)
    args = parser.parse_args()
    print("$ .venv/bin/python benchmarks/similar.py " + " ".join(sys.argv[1:]))
    if not DATA.exists():
        print(f"{DATA} is missing: the Surabaya texts are needed to build the pairs (they are not shipped)")
        return
    built = pairs(args.pairs, random.Random(args.seed))
    started = time.perf_counter()
    # as in production, the weights come from a pool of complaints (here every text of the pairs)
    texts = list(dict.fromkeys(t for a, b, _ in built for t in (a, b)))
    matrix = vectoriser().fit_transform(normalise_many([_numbers_kept(t) for t in texts]))
    row = {t: i for i, t in enumerate(texts)}
    tfidf = [(0.0 if different_places(a, b) else float(matrix[row[a]].multiply(matrix[row[b]]).sum()), same)
             for a, b, same in built]
    tfidf_seconds = time.perf_counter() - started
    started = time.perf_counter()
    words = [(jaccard(a, b), same) for a, b, same in built]
    jaccard_seconds = time.perf_counter() - started
    print(f"{len(built)} pairs ({args.pairs} reworded, {args.pairs} same agency + district + week)")
    table("TF-IDF over normalised words, cosine (cettar/complaint/similar.py)", tfidf)
    table("reference: word-set overlap (Jaccard), the workbench's score before", words)
    print(f"\ntime per pair: TF-IDF {1e3 * tfidf_seconds / len(built):.2f} ms (one fit on the pool), "
          f"Jaccard {1e3 * jaccard_seconds / len(built):.3f} ms")
    texts = texts[:2000]
    started = time.perf_counter()
    scores(texts[0], texts[1:])
    print(f"one new complaint against {len(texts) - 1} open ones (the candidate cap is 2000): "
          f"{1e3 * (time.perf_counter() - started):.0f} ms")


if __name__ == "__main__":
    main()
