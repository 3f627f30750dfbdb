"""Request counts and latencies of this web process, labelled by route pattern (never the
raw path: ids and numbers stay out of the labels, and the label set stays small)."""

from __future__ import annotations

from prometheus_client import CollectorRegistry, Counter, Histogram

#: The registry of the per-process metrics (the database-derived ones are added per scrape).
REGISTRY = CollectorRegistry(auto_describe=True)

REQUESTS = Counter(
    "masar_http_requests",
    "HTTP requests answered, by method, route pattern and status.",
    ["method", "route", "status"],
    registry=REGISTRY,
)
LATENCY = Histogram(
    "masar_http_request_duration_seconds",
    "Time to answer an HTTP request, by method, route pattern and status.",
    ["method", "route", "status"],
    buckets=(0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0),
    registry=REGISTRY,
)


_METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"})


def request_observe(method: str, route: str, status: int, seconds: float) -> None:
    """Count one answered request (any other method is counted as "other")."""
    labels = (method if method in _METHODS else "other", route, str(status))
    REQUESTS.labels(*labels).inc()
    LATENCY.labels(*labels).observe(seconds)
