"""Small labelled data made up for the tests (no real complaint text), and the shared data when
it is there."""

from __future__ import annotations

import csv
import random
from pathlib import Path

import pytest

from classifier.data import Examples


TOPICS = {
    "DISHUB": ["lampu jalan mati", "lampu pju padam", "parkir liar di trotoar", "rambu lalu lintas roboh", "traffic light rusak"],
    "DLH": ["sampah menumpuk", "tps penuh bau", "pohon tumbang", "ranting pohon perlu dipangkas", "limbah pabrik"],
    "DSDABM": ["jalan berlubang", "aspal rusak", "saluran got tersumbat", "banjir setiap hujan", "gorong gorong ambrol"],
    "DINSOS": ["bantuan sosial belum cair", "data dtks salah", "lansia terlantar", "pengemis di perempatan", "bansos tidak tepat"],
}
PLACES = ["jl kenjeran", "gang 3 rt 5", "depan pasar", "dekat masjid", "kelurahan gubeng", "sebelah sekolah"]
FILLER = ["mohon segera ditindaklanjuti", "sudah seminggu", "tolong pak", "warga resah", "terima kasih", "sudah lapor"]


def made_up(n: int = 400, seed: int = 7, labels: tuple[str, ...] = tuple(TOPICS)) -> Examples:
    rng = random.Random(seed)
    texts, out_labels, times = [], [], []
    for i in range(n):
        label = labels[i % len(labels)]
        words = [rng.choice(TOPICS[label]), rng.choice(PLACES), rng.choice(FILLER)]
        if rng.random() < 0.15:  # some noise: another topic's words too
            words.append(rng.choice(TOPICS[rng.choice(labels)]))
        rng.shuffle(words)
        texts.append(" ".join(words) + f" no {i}")
        out_labels.append(label)
        times.append(f"2022-{1 + i * 12 // n:02d}-{1 + i % 28:02d} 10:00:00")
    return Examples(texts, out_labels, times, [])


def write_csv(examples: Examples, path: Path) -> Path:
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["id", "submitted_at", "text", "agency"])
        for i, (text, label, time) in enumerate(zip(examples.texts, examples.labels, examples.times, strict=True)):
            writer.writerow([i, time, text, label])
    return path


@pytest.fixture(scope="session")
def small_model():  # type: ignore[no-untyped-def]
    from classifier.train import train_model

    return train_model(made_up(), min_examples=5)
