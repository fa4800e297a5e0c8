"""The interface the intake worker routes through."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Protocol


@dataclass(frozen=True)
class Suggestion:
    agency_code: str
    confidence: float


@dataclass(frozen=True)
class RoutingDecision:
    """``agency_code`` is set only when the router is sure enough to route without a person;
    otherwise the complaint goes to the triage desk with ``suggestions`` shown."""

    agency_code: str | None
    confidence: float
    suggestions: list[Suggestion] = field(default_factory=list)

    @property
    def auto_routed(self) -> bool:
        return self.agency_code is not None


class Router(Protocol):
    """What the intake worker routes through. A router may also offer
    ``route_many(items: Sequence[tuple[str, str]]) -> list[RoutingDecision]`` ((text, title) pairs),
    which the batch job then calls once per batch instead of ``route`` once per complaint."""

    def route(self, text: str, *, title: str = "") -> RoutingDecision: ...
