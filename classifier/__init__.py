"""Routing complaints to the responsible agency. A library: no database, no web framework."""

from classifier.router import Router, RoutingDecision, Suggestion

__all__ = ["Router", "RoutingDecision", "Suggestion"]
