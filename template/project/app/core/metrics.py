"""Prometheus metrics: request count and latency by route template, method and status.

Labels use the route's template (`/api/v1/users/{user_id}`), never the raw path, so ids cannot
grow the label set; requests no route matched count as `unmatched`.

Each app has its own registry. With several uvicorn workers every process counts only its own
requests and a scrape of /metrics reaches one of them; to see the sum, start every worker with
PROMETHEUS_MULTIPROC_DIR set to one empty directory (prometheus-client then keeps the counts in
files there, and /metrics adds up every process's), or scrape each worker on its own port.
"""

import os

from prometheus_client import (
    CONTENT_TYPE_LATEST,
    CollectorRegistry,
    Counter,
    Histogram,
    generate_latest,
)
from prometheus_client.multiprocess import MultiProcessCollector
from starlette.requests import Request
from starlette.responses import Response

# Up to 10 s: slower requests are outages, and their count is what matters then.
BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)
MULTIPROCESS_DIR = "PROMETHEUS_MULTIPROC_DIR"


class Metrics:
    def __init__(self) -> None:
        self.registry = CollectorRegistry()
        labels = ("method", "route", "status")
        self.requests = Counter(
            "http_requests", "Requests answered.", labels, registry=self.registry
        )
        self.latency = Histogram(
            "http_request_duration_seconds",
            "Time to answer a request.",
            labels,
            buckets=BUCKETS,
            registry=self.registry,
        )
        # The labelled children, looked up once per label set rather than on every request:
        # as bounded as the label set itself (route templates x methods x statuses).
        self._children: dict[tuple[str, str, int], tuple[Counter, Histogram]] = {}

    def observe(self, method: str, route: str, status: int, seconds: float) -> None:
        children = self._children.get((method, route, status))
        if children is None:
            labels = (method, route, str(status))
            children = (self.requests.labels(*labels), self.latency.labels(*labels))
            self._children[method, route, status] = children
        count, latency = children
        count.inc()
        latency.observe(seconds)

    def exposition(self) -> bytes:
        if os.environ.get(MULTIPROCESS_DIR):
            registry = CollectorRegistry()
            MultiProcessCollector(registry)  # type: ignore[no-untyped-call]
            return generate_latest(registry)
        return generate_latest(self.registry)


async def metrics_endpoint(request: Request) -> Response:
    metrics: Metrics = request.app.state.metrics
    return Response(metrics.exposition(), media_type=CONTENT_TYPE_LATEST)
