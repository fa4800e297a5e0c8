"""The counters a process keeps for ``/metrics`` (``cettar.operations``), made once, on first use:
prometheus-client is imported only by the processes that count."""

from __future__ import annotations

from typing import Any

_made: tuple[Any, Any, Any] | None = None


def prometheus() -> Any:
    import prometheus_client

    return prometheus_client


def instruments() -> tuple[Any, Any, Any]:
    """(requests by route, method and status; request latency by route; routing-job latency)."""
    global _made
    if _made is None:
        prom = prometheus()
        _made = (prom.Counter("cettar_http_requests", "HTTP requests answered", ["route", "method", "status"]),
                 prom.Histogram("cettar_http_request_seconds", "Time to answer a request", ["route"]),
                 prom.Histogram("cettar_routing_seconds", "Time a routing job took for its batch",
                                buckets=(0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10)))
    return _made
