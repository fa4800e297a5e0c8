"""Routers with a fixed answer, for tests of the intake path that should not depend on the model."""

from __future__ import annotations

from classifier import RoutingDecision, Suggestion


class FixedRouter:
    def __init__(self, agency_code: str | None, confidence: float = 0.97, suggestions: list[Suggestion] | None = None) -> None:
        self.decision = RoutingDecision(agency_code, confidence, suggestions or ([Suggestion(agency_code, confidence)] if agency_code else []))

    def route(self, text: str, *, title: str = "") -> RoutingDecision:
        return self.decision


class BrokenRouter:
    def route(self, text: str, *, title: str = "") -> RoutingDecision:
        raise RuntimeError("model file is corrupt")
