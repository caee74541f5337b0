"""Prometheus metrics: request count and latency by route template, method and status.

Labels use the route's template (`/api/v1/users/{user_id}`), never the raw path, so ids cannot
grow the label set; requests no route matched count as `unmatched`.

Each app has its own registry. With several uvicorn workers every process counts only its own
requests and a scrape of /metrics reaches one of them; to see the sum, start every worker with
PROMETHEUS_MULTIPROC_DIR set to one empty directory (prometheus-client then keeps the counts in
files there, and /metrics adds up every process's), or scrape each worker on its own port.
"""

import os
import time

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
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from app.core.middleware.access_log import route_template

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

    def observe(self, method: str, route: str, status: int, seconds: float) -> None:
        labels = (method, route, str(status))
        self.requests.labels(*labels).inc()
        self.latency.labels(*labels).observe(seconds)

    def exposition(self) -> bytes:
        if os.environ.get(MULTIPROCESS_DIR):
            registry = CollectorRegistry()
            MultiProcessCollector(registry)  # type: ignore[no-untyped-call]
            return generate_latest(registry)
        return generate_latest(self.registry)


async def metrics_endpoint(request: Request) -> Response:
    metrics: Metrics = request.app.state.metrics
    return Response(metrics.exposition(), media_type=CONTENT_TYPE_LATEST)


class MetricsMiddleware:
    """Counts and times every request by method, route template and status."""

    def __init__(self, app: ASGIApp, *, metrics: Metrics) -> None:
        self.app = app
        self.metrics = metrics

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        start = time.perf_counter()
        status = 500  # what the client gets if nothing below answers

        async def send_with_status(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            await send(message)

        try:
            await self.app(scope, receive, send_with_status)
        finally:
            seconds = time.perf_counter() - start
            self.metrics.observe(scope["method"], route_template(scope), status, seconds)
