"""Near-duplicates: open complaints of the last 14 days that say the same thing in other words.

TF-IDF over the words of the normalised text (``classifier.normalise``: slang expanded, so "yg"
and "yang" are one word; numbers folded), cosine similarity, fitted on the candidates and the new
text together (the rarer a word among them — a street, a school — the more it counts). Chosen with
``benchmarks/similar.py`` on reworded pairs built from the Surabaya data against complaints of the
same agency, district and week: at 0.6, precision 0.934 and recall 0.997 (F1 0.965); character
3–5-grams did no better and fit ten times slower; word-set overlap (Jaccard, the workbench's score
before) reaches nearly the same F1 at its best threshold (0.962 at 0.45) on these pairs, so the gain
is less in the figures than in the weighting: words every complaint shares ("mohon", "bapak", "jalan") count for
little, a street or a school's name for much.
"""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from functools import lru_cache
from typing import Any

from sqlmodel import Session, col, select

from cettar.complaint.models import OPEN_STATUSES, Complaint, Privacy

WINDOW = timedelta(days=14)
MAX_CANDIDATES = 2000  # the newest open complaints compared with; a province's fortnight of one agency fits
THRESHOLD = 0.6  # "the same complaint" for staff, ingest and the public form (benchmarks/similar.py)


def vectoriser() -> Any:
    from sklearn.feature_extraction.text import TfidfVectorizer

    return TfidfVectorizer(sublinear_tf=True, token_pattern=r"(?u)\b\w\w+\b|<[a-z]+>")


_DIGITS = re.compile(r"\d+")
_AS_LETTERS = str.maketrans("0123456789", "abcdefghij")


def _numbers_kept(text: str) -> str:
    """House, gang and RT numbers tell two complaints apart ("gang 3" is not "gang 5"): spelt as a
    word of letters, so the normaliser, which folds numbers for routing, keeps them here."""
    return _DIGITS.sub(lambda m: f" q{m.group(0).translate(_AS_LETTERS)} ", text)


@lru_cache(maxsize=20_000)
def _normalised(text: str) -> str:
    """A complaint's text never changes, and the same open complaints are compared again and again
    (every staff page, every keystroke pause on the form): each is normalised once per process."""
    from classifier.normalise import normalise

    return normalise(_numbers_kept(text))


def scores(text: str, others: list[str]) -> list[float]:
    """The cosine similarity of ``text`` with each of ``others`` (0 … 1)."""
    if not others or not text.strip():
        return [0.0] * len(others)
    documents = [_normalised(t) for t in (text, *others)]
    try:
        matrix = vectoriser().fit_transform(documents)
    except ValueError:  # nothing but stop characters
        return [0.0] * len(others)
    similarity = (matrix[1:] @ matrix[0].T).toarray().ravel()
    return [0.0 if different_places(text, other) else float(score) for other, score in zip(others, similarity, strict=True)]


@lru_cache(maxsize=20_000)
def _numbers(text: str) -> frozenset[str]:
    return frozenset(_DIGITS.findall(text))


def different_places(a: str, b: str) -> bool:
    """Both name numbers and none in common (gang 3 and gang 5, RT 02 and RT 07): not one complaint."""
    ours, theirs = _numbers(a), _numbers(b)
    return bool(ours and theirs and not ours & theirs)


def open_candidates(session: Session, *, now: datetime, agency_id: int | None = None, public_only: bool = False,
                    exclude_id: int | None = None, region_code: str | None = None, channel: str | None = None,
                    limit: int = MAX_CANDIDATES) -> list[Complaint]:
    """The newest open complaints of the last 14 days (not merged into another), filtered in the
    query, so that ``limit`` counts only complaints that could match."""
    query: Any = select(Complaint).where(col(Complaint.status).in_(sorted(OPEN_STATUSES)),
                                         col(Complaint.received_at) >= now - WINDOW,
                                         col(Complaint.duplicate_of_id).is_(None))
    if agency_id is not None:
        query = query.where(Complaint.agency_id == agency_id)
    if region_code:
        query = query.where(Complaint.region_code == region_code)
    if channel:
        query = query.where(Complaint.channel == channel)
    if public_only:
        query = query.where(Complaint.privacy != Privacy.CONFIDENTIAL)
    if exclude_id is not None:
        query = query.where(Complaint.id != exclude_id)
    return list(session.exec(query.order_by(col(Complaint.received_at).desc()).limit(limit)))


def most_similar(text: str, candidates: list[Complaint], *, threshold: float = THRESHOLD,
                 limit: int = 5) -> list[tuple[Complaint, float]]:
    found = scores(text, [_as_text(c) for c in candidates])
    ranked = sorted(((c, round(s, 2)) for c, s in zip(candidates, found, strict=True) if s >= threshold),
                    key=lambda pair: -pair[1])
    return ranked[:limit]


def _as_text(complaint: Complaint) -> str:
    return f"{complaint.title}\n{complaint.text}" if complaint.title else complaint.text


class StoryIndex:
    """A feed poll's new texts against the open complaints they may retell, and against each other,
    fitted once for the poll (one TF-IDF over the candidates and all the new texts) instead of once
    per new text: ``retold(n, among)`` is what ``most_similar`` would say of text ``n`` if the texts
    in ``among`` had already been filed."""

    def __init__(self, candidates: list[Complaint], texts: list[str]) -> None:
        self.candidates = candidates
        self.texts = texts
        self._others = [_as_text(c) for c in candidates]
        self._similarity: Any = None
        documents = [_normalised(t) for t in (*self._others, *texts)]
        if texts and any(d.strip() for d in documents[len(candidates):]):
            try:
                matrix = vectoriser().fit_transform(documents)
            except ValueError:  # nothing but stop characters
                return
            self._similarity = (matrix[len(candidates):] @ matrix.T).tocsr()

    def retold(self, n: int, among: list[int]) -> tuple[Complaint | None, int | None, float] | None:
        """The best match of text ``n`` at or above ``THRESHOLD``: (candidate, None, score) for an
        open complaint, (None, position, score) for one of the texts ``among``; None when none."""
        if self._similarity is None or not self.texts[n].strip():
            return None
        row = self._similarity.getrow(n).toarray().ravel()
        text, offset = self.texts[n], len(self.candidates)
        best: tuple[Complaint | None, int | None, float] | None = None
        for i in (row[:offset] >= THRESHOLD).nonzero()[0]:
            score = float(row[i])
            if (best is None or score > best[2]) and not different_places(text, self._others[i]):
                best = (self.candidates[i], None, score)
        for position in among:  # the texts filed before this one, in the poll's order
            score = float(row[offset + position])
            if score >= THRESHOLD and (best is None or score > best[2]) and not different_places(text, self.texts[position]):
                best = (None, position, score)
        return best
