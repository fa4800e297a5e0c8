"""Which news items and posts are about a public-service problem (and so become complaints).

A lexicon kept as a data file (ingest/data/relevance_id.txt, replaceable per deployment): an item
is relevant when it uses a strong phrase ("jalan rusak", "pungli"), or names both a problem
("rusak", "mampet") and a service or place ("jalan", "saluran"). Every decision carries its reason,
so staff can see why an item was skipped and correct the lexicon.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

LEXICON = Path(__file__).resolve().parent / "data" / "relevance_id.txt"
_WORDS = re.compile(r"#?[^\W_]+(?:-[^\W_]+)*", re.UNICODE)


@dataclass(frozen=True)
class Relevance:
    relevant: bool
    reason: str


@dataclass(frozen=True)
class Lexicon:
    strong: tuple[str, ...]
    problem: tuple[str, ...]
    service: tuple[str, ...]

    @classmethod
    def load(cls, path: Path = LEXICON) -> Lexicon:
        sections: dict[str, list[str]] = {"strong": [], "problem": [], "service": []}
        current = None
        for number, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
            line = raw.strip().lower()
            if not line or line.startswith("# "):
                continue
            if line.startswith("[") and line.endswith("]"):
                current = line[1:-1]
                if current not in sections:
                    raise ValueError(f"{path}:{number}: unknown section {line} (known: strong, problem, service)")
                continue
            if current is None:
                raise ValueError(f"{path}:{number}: a term before the first [section]")
            sections[current].append(line)
        return cls(tuple(sections["strong"]), tuple(sections["problem"]), tuple(sections["service"]))


def _matcher(terms: tuple[str, ...]) -> re.Pattern[str]:
    alternatives = []
    for term in sorted(terms, key=len, reverse=True):
        stem = re.escape(term.rstrip("*")).replace(r"\ ", r"\s+")
        alternatives.append(stem + (r"\w*" if term.endswith("*") else ""))
    return re.compile(r"(?<![\w#])(?:" + "|".join(alternatives) + r")(?!\w)", re.IGNORECASE)


@lru_cache(maxsize=8)
def _compiled(lexicon: Lexicon) -> tuple[re.Pattern[str], re.Pattern[str], re.Pattern[str]]:
    return _matcher(lexicon.strong), _matcher(lexicon.problem), _matcher(lexicon.service)


@lru_cache(maxsize=1)
def default_lexicon() -> Lexicon:
    return Lexicon.load()


def judge(title: str, text: str, *, lexicon: Lexicon | None = None) -> Relevance:
    strong, problem, service = _compiled(lexicon or default_lexicon())
    content = f"{title}\n{text}"
    if not _WORDS.search(content):
        return Relevance(False, "no text")
    if found := strong.search(content):
        return Relevance(True, f"strong phrase: {found.group(0).lower()}")
    found_problem, found_service = problem.search(content), service.search(content)
    if found_problem and found_service:
        return Relevance(True, f"problem '{found_problem.group(0).lower()}' with service '{found_service.group(0).lower()}'")
    if found_problem:
        return Relevance(False, f"a problem word ('{found_problem.group(0).lower()}') but no public service named")
    if found_service:
        return Relevance(False, f"a public service ('{found_service.group(0).lower()}') but no problem named")
    return Relevance(False, "no public-service problem words")
