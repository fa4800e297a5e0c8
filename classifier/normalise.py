"""Normalising informal Indonesian before it is turned into features.

Complaints arrive as people type on phones: lower and upper case mixed, URLs, @mentions and
#hashtags, stretched letters ("rusaaak"), numbers of every kind, anonymisation tags such as
``[NIK]``, and abbreviations (yg, tdk, gk, ...). The abbreviation map is a data file,
``data/slang_id.tsv``, so a deployment can extend it without touching code. A map entry with an
empty right-hand side drops the word (greetings that say nothing about the problem).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import lru_cache
from importlib import resources

_URL = re.compile(r"https?://\S+|www\.\S+", re.IGNORECASE)
_MENTION = re.compile(r"@\w+")
_HASHTAG = re.compile(r"#(\w+)")
_TAG = re.compile(r"\[(NIK|TELEPON|EMAIL)\]", re.IGNORECASE)
_STRETCH = re.compile(r"([a-z])\1{2,}")
_NUMBER = re.compile(r"\d+(?:[.,:/-]\d+)*")
_REDUPLICATION = re.compile(r"\b([a-z]+)2\b")  # anak2 -> anak anak
_TOKEN = re.compile(r"[a-z]+(?:'[a-z]+)?|<[a-z]+>")
_MAX_CHARS = 20_000  # a complaint is at most 5,000 characters; anything longer is cut, not refused


@lru_cache
def slang_map() -> dict[str, str]:
    text = resources.files("classifier").joinpath("data/slang_id.tsv").read_text("utf-8")
    mapping: dict[str, str] = {}
    for line in text.splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        word, _, replacement = line.partition("\t")
        mapping[word.strip()] = replacement.strip()
    return mapping


def normalise(text: str) -> str:
    text = str(text)[:_MAX_CHARS]
    text = _TAG.sub(lambda m: f" <{m.group(1).lower()}> ", text)
    text = _URL.sub(" <url> ", text)
    text = _MENTION.sub(" <mention> ", text)
    text = _HASHTAG.sub(lambda m: " " + m.group(1) + " ", text)
    text = text.lower()
    text = _REDUPLICATION.sub(r"\1 \1", text)
    text = _NUMBER.sub(" <num> ", text)
    text = _STRETCH.sub(r"\1", text)
    mapping = slang_map()
    words: list[str] = []
    for token in _TOKEN.findall(text):
        replacement = mapping.get(token, token)
        if replacement:
            words.append(replacement)
    return " ".join(words)


def normalise_many(texts: Iterable[str]) -> list[str]:
    """The pipeline's first step (a module-level function, so the pipeline stays clonable and
    its saved form names a function that can be trusted on load)."""
    return [normalise(text) for text in texts]
