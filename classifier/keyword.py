"""A keyword router: the placeholder the trained classifier replaces.

It counts which agency's phrases a complaint mentions and routes only when one agency clearly
leads; everything else goes to the triage desk with the best guesses as suggestions.
"""

from __future__ import annotations

import json
import re
from importlib import resources
from pathlib import Path

from classifier.router import RoutingDecision, Suggestion

_WORD = re.compile(r"[a-z0-9-]+")


def _load_default() -> dict[str, list[str]]:
    text = resources.files("classifier").joinpath("data/keywords_surabaya.json").read_text("utf-8")
    return dict(json.loads(text))


class KeywordRouter:
    def __init__(self, keywords: dict[str, list[str]] | None = None, *, margin: float = 2.0) -> None:
        self.keywords = keywords if keywords is not None else _load_default()
        self.margin = margin
        self._patterns = {
            code: [re.compile(r"(?<![a-z0-9])" + re.escape(phrase.lower()) + r"(?![a-z0-9])") for phrase in phrases]
            for code, phrases in self.keywords.items()
        }

    @classmethod
    def from_file(cls, path: Path) -> KeywordRouter:
        return cls(json.loads(path.read_text("utf-8")))

    def route(self, text: str, *, title: str = "") -> RoutingDecision:
        haystack = " ".join(_WORD.findall(f"{title} {text}".lower()))
        scores = {
            code: sum(1 for pattern in patterns if pattern.search(haystack))
            for code, patterns in self._patterns.items()
        }
        ranked = sorted(((score, code) for code, score in scores.items() if score > 0), reverse=True)
        total = sum(score for score, _ in ranked)
        suggestions = [Suggestion(code, round(score / (total + 1), 3)) for score, code in ranked[:3]]
        if not ranked:
            return RoutingDecision(None, 0.0, [])
        best = ranked[0][0]
        runner_up = ranked[1][0] if len(ranked) > 1 else 0
        confidence = suggestions[0].confidence
        if best >= self.margin * runner_up:
            return RoutingDecision(ranked[0][1], confidence, suggestions)
        return RoutingDecision(None, confidence, suggestions)
