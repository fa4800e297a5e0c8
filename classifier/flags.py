"""Urgent and sensitive complaints, recognised at intake by a lexicon (``data/flags_id.tsv``).

Urgent: a fire, a flood that traps people, a landslide, a collapsing building or bridge, a fallen
tree, an accident with victims, a medical emergency, a missing child, a live wire down; it gets the
category the rule names, and the urgent SLA policy's calendar-hour clocks start at once. Sensitive:
an integrity complaint (unofficial fees, bribes, extortion, corruption, brokers, abuse by an
official); it is never auto-routed to the office it may be about.

A lexicon, not a model, by measurement: the Surabaya history holds a handful of emergencies among
10,809 complaints, too few to learn from, while the words for a fire or a bribe are few and stable;
a deployment reads and extends the rules. ``benchmarks/flags.py`` prints the recall on the cases of
``tests/classifier/test_flags.py`` and how many of the Surabaya complaints each rule marks.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

from classifier.normalise import normalise

URGENT, SENSITIVE = "urgent", "sensitive"
# words just before an urgent rule's match that make it a risk, a memory or a plan, not an
# emergency: "takut pohon tumbang" (afraid the tree falls), "sisa kebakaran" (what a fire left),
# "sering terjadi kecelakaan" (accidents happen often), "sosialisasi kebakaran" (a fire drill)
HEDGES = re.compile(
    r"\b(takut|takutnya|khawatir|khawatirnya|dikhawatirkan|ditakutkan|kuatir|was was|berdampak|berisiko|beresiko|berpotensi|potensi|rawan|risiko|resiko|mencegah|cegah|"
    r"antisipasi|pencegahan|agar tidak|supaya tidak|biar tidak|jangan sampai|bisa|dapat|sisa|bekas|pasca|setelah|"
    r"sering|kerap|ancaman|kemungkinan|simulasi|sosialisasi|pelatihan|pernah|seperti|mirip|rentan)\b")
HEDGE_WORDS = 4


@dataclass(frozen=True)
class Rule:
    kind: str
    category: str
    pattern: re.Pattern[str]
    what: str


@dataclass(frozen=True)
class Flags:
    """What the lexicon found: ``urgent`` is the category of the first urgent rule that matched
    (None: not urgent); ``sensitive`` the integrity topic; ``why`` the words that matched."""

    urgent: str | None = None
    urgent_why: str = ""
    sensitive: str | None = None
    sensitive_why: str = ""

    @property
    def any(self) -> bool:
        return self.urgent is not None or self.sensitive is not None


@lru_cache
def rules() -> tuple[Rule, ...]:
    text = resources.files("classifier").joinpath("data/flags_id.tsv").read_text("utf-8")
    found = []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip() or line.startswith("#"):
            continue
        parts = line.split("\t")
        if len(parts) != 4 or parts[0] not in (URGENT, SENSITIVE):
            raise ValueError(f"flags_id.tsv line {number}: kind, category, pattern, what (tab-separated)")
        kind, category, pattern, what = parts
        found.append(Rule(kind, category, re.compile(rf"\b(?:{pattern})\b"), what))
    return tuple(found)


def _hedged(normalised: str, start: int) -> bool:
    before = " ".join(normalised[:start].split()[-HEDGE_WORDS:])
    return HEDGES.search(before) is not None


def _first(rule: Rule, normalised: str) -> str | None:
    for match in rule.pattern.finditer(normalised):
        if rule.kind == SENSITIVE or not (_hedged(normalised, match.start()) or HEDGES.search(match.group(0))):
            return match.group(0)
    return None


def detect(text: str, *, title: str = "") -> Flags:
    normalised = normalise(f"{title}\n{text}" if title else text)
    urgent = sensitive = None
    for rule in rules():
        if rule.kind == URGENT and urgent is None or rule.kind == SENSITIVE and sensitive is None:
            found = _first(rule, normalised)
            if found is None:
                continue
            if rule.kind == URGENT:
                urgent = (rule.category, found)
            else:
                sensitive = (rule.category, found)
    return Flags(urgent=urgent[0] if urgent else None, urgent_why=urgent[1] if urgent else "",
                 sensitive=sensitive[0] if sensitive else None, sensitive_why=sensitive[1] if sensitive else "")
