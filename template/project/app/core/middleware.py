"""The middleware the app factory stacks; plain ASGI, so that each costs microseconds."""

import random
import re
import time
from collections.abc import Iterable

from starlette.middleware.gzip import GZipMiddleware
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from app.core.errors import TooManyRequests, error_response, unexpected_error
from app.core.logging import REQUEST, RequestContext, log_access
from app.core.metrics import Metrics
from app.core.rate_limit import Network, RateLimiter, client_address

# A well-formed incoming id is kept (so that a proxy's id follows the request), anything else
# is replaced: ids end up in logs, and a client must not be able to write into them.
REQUEST_ID = re.compile(r"[A-Za-z0-9._:-]{1,128}")
DOCS_PATHS = frozenset({"/docs", "/redoc"})


def _route(scope: Scope) -> str:
    """The route template that answered, for logs and metric labels: never an id from a path."""
    route = scope.get("route")
    if route is not None:
        return str(route.path)
    if "endpoint" in scope and not scope.get("path_params"):
        return str(scope["path"])  # a plain route without parameters (the docs, /metrics)
    return "unmatched"


class SecurityHeaders:
    """The protective headers every response carries; the docs pages get the policy they need."""

    def __init__(
        self,
        headers: Iterable[tuple[str, str]],
        *,
        content_security_policy: str,
        docs_content_security_policy: str,
    ) -> None:
        common = [(name.lower().encode(), value.encode()) for name, value in headers if value]
        self.api = self._with_policy(common, content_security_policy)
        self.docs = self._with_policy(common, docs_content_security_policy)

    @staticmethod
    def _with_policy(headers: list[tuple[bytes, bytes]], policy: str) -> list[tuple[bytes, bytes]]:
        return [*headers, (b"content-security-policy", policy.encode())] if policy else headers

    def for_path(self, path: str) -> list[tuple[bytes, bytes]]:
        return self.docs if path in DOCS_PATHS or path.startswith("/docs/") else self.api


class RequestContextMiddleware:
    """Request id, security headers, one access record, metrics, and the 500 for what escaped.

    Outermost, so it times and marks every response, including those the other layers make
    and its own last-resort 500. The headers go on in the one pass that adds the request id.
    """

    def __init__(
        self,
        app: ASGIApp,
        *,
        access_log: bool,
        metrics: Metrics | None,
        security_headers: SecurityHeaders | None,
    ) -> None:
        self.app = app
        self.access_log = access_log
        self.metrics = metrics
        self.security_headers = security_headers

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        start = time.perf_counter()
        incoming = next((v for k, v in scope["headers"] if k == b"x-request-id"), b"")
        request_id = incoming.decode("latin-1")
        if not REQUEST_ID.fullmatch(request_id):
            # An id to correlate logs, not a secret: no system call for randomness needed.
            request_id = f"{random.getrandbits(128):032x}"
        context = RequestContext(request_id)
        added = [(b"x-request-id", request_id.encode())]
        if self.security_headers is not None:
            added.extend(self.security_headers.for_path(scope["path"]))
        reset = REQUEST.set(context)
        status = 500
        started = False

        async def send_with_headers(message: Message) -> None:
            nonlocal status, started
            if message["type"] == "http.response.start":
                started = True
                status = message["status"]
                # A header the route set itself wins; ASGI header names are lower case.
                headers = list(message.get("headers", ()))
                present = {name for name, _ in headers}
                headers.extend(header for header in added if header[0] not in present)
                message["headers"] = headers
            await send(message)

        try:
            await self.app(scope, receive, send_with_headers)
        except Exception as error:
            if started:
                raise
            response = unexpected_error(scope["method"], scope["path"], error)
            await response(scope, receive, send_with_headers)
        finally:
            self._record(scope, status, time.perf_counter() - start, context)
            REQUEST.reset(reset)

    def _record(self, scope: Scope, status: int, seconds: float, context: RequestContext) -> None:
        route = _route(scope)
        method = scope["method"]
        if self.metrics is not None:
            self.metrics.observe(method, route, status, seconds)
        if self.access_log:
            log_access(method, route, status, round(seconds * 1000, 2), context.user_id)


class GzipWhenAcceptedMiddleware(GZipMiddleware):
    """Starlette's gzip, for clients that accept it and responses it may compress.

    Starlette's responder parses the headers of every response it sees, about a fifth of a
    bare request. Most answers are a single body under the minimum size, which it would send
    unchanged: this sends those on itself, and hands every other response to Starlette whole.
    """

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or not any(
            name == b"accept-encoding" and b"gzip" in value for name, value in scope["headers"]
        ):
            await self.app(scope, receive, send)
            return
        held: list[Message] = []  # the response start, until the first body decides
        onward: Send | None = None  # where the rest of the response goes, once decided

        async def hand_over(_: Scope, __: Receive, compress: Send) -> None:
            nonlocal onward
            onward = compress
            for part in held:
                await compress(part)

        async def send_small_unchanged(message: Message) -> None:
            nonlocal onward
            if onward is not None:
                await onward(message)
                return
            held.append(message)
            if message["type"] == "http.response.start":
                return
            small = (
                message["type"] == "http.response.body"
                and not message.get("more_body", False)
                and len(message.get("body", b"")) < self.minimum_size
            )
            if small:
                onward = send
                for part in held:
                    await send(part)
            else:
                gzip = GZipMiddleware(hand_over, self.minimum_size, self.compresslevel)
                await gzip(scope, receive, send)

        await self.app(scope, receive, send_small_unchanged)


class RateLimitMiddleware:
    """The default limit per client address (RATE_LIMIT_DEFAULT), for every request but probes.

    Health probes and metric scrapes are exempt: a load balancer that is refused its probe takes
    a healthy instance out of service.
    """

    def __init__(
        self,
        app: ASGIApp,
        *,
        limiter: RateLimiter,
        rate: str,
        trusted: tuple[Network, ...],
        exempt: frozenset[str],
    ) -> None:
        self.app = app
        self.limiter = limiter
        self.rate = rate
        self.trusted = trusted
        self.exempt = exempt

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and scope["path"] not in self.exempt:
            try:
                await self.limiter.hit(self.rate, "default", client_address(scope, self.trusted))
            except TooManyRequests as error:
                response = error_response(
                    error.status_code, error.code, error.message, headers=error.response_headers()
                )
                await response(scope, receive, send)
                return
        await self.app(scope, receive, send)
