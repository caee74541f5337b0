"""The middleware the app factory stacks; plain ASGI, so that each costs microseconds."""

import random
import re
import time
from collections.abc import Iterable

from starlette.middleware.gzip import GZipMiddleware
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from app.core.errors import (
    RateLimitUnavailable,
    TooManyRequests,
    error_response,
    unexpected_error,
)
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
        self.names = frozenset(name for name, _ in (*self.api, *self.docs))

    @staticmethod
    def _with_policy(headers: list[tuple[bytes, bytes]], policy: str) -> list[tuple[bytes, bytes]]:
        return [*headers, (b"content-security-policy", policy.encode())] if policy else headers

    def for_path(self, path: str) -> list[tuple[bytes, bytes]]:
        return self.docs if path in DOCS_PATHS or path.startswith("/docs/") else self.api


def _single_small_body(message: Message, minimum_size: int) -> bool:
    return (
        message["type"] == "http.response.body"
        and not message.get("more_body", False)
        and len(message.get("body", b"")) < minimum_size
    )


class RequestContextMiddleware:
    """Request id, security headers, gzip, one access record, metrics, the 500 for what escaped.

    Outermost, so it times and marks every response, including those the other layers make
    and its own last-resort 500. It is one layer, not one per piece: each ASGI layer costs a
    call and a wrapped send per message, and the pieces all look at the same response start.
    """

    def __init__(
        self,
        app: ASGIApp,
        *,
        access_log: bool,
        metrics: Metrics | None,
        security_headers: SecurityHeaders | None,
        gzip_minimum_size: int = 0,
    ) -> None:
        self.app = app
        self.access_log = access_log
        self.metrics = metrics
        self.security_headers = security_headers
        self.gzip_minimum_size = gzip_minimum_size  # 0: never gzip
        # Every name this layer may add, so that the usual response, which sets none of them
        # itself, takes its headers whole without a check of each.
        names = security_headers.names if security_headers is not None else frozenset()
        self.added_names = names | {b"x-request-id"}

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        start = time.perf_counter()
        incoming = b""
        gzip = False
        for name, value in scope["headers"]:
            if name == b"x-request-id" and not incoming:
                incoming = value
            elif name == b"accept-encoding" and b"gzip" in value:
                gzip = self.gzip_minimum_size > 0
        request_id = incoming.decode("latin-1")
        if not REQUEST_ID.fullmatch(request_id):
            # An id to correlate logs, not a secret: no system call for randomness needed.
            request_id = f"{random.getrandbits(128):032x}"
        context = RequestContext(request_id)
        added = [(b"x-request-id", request_id.encode())]
        if self.security_headers is not None:
            added += self.security_headers.for_path(scope["path"])
        reset = REQUEST.set(context)
        status = 500
        started = False  # the response start has gone on: too late for a 500
        held: Message | None = None  # a start held back until its first body decides on gzip
        onward = send  # the client, or Starlette's gzip once a response is worth compressing

        async def send_marked(message: Message) -> None:
            nonlocal status, started, held, onward
            if held is not None:
                response_start, held = held, None
                started = True
                if _single_small_body(message, self.gzip_minimum_size):
                    await send(response_start)  # what Starlette would do, without its parsing
                else:
                    onward = await self._gzip(response_start, scope, receive, send)
            elif message["type"] == "http.response.start":
                status = message["status"]
                # A header the route set itself wins; ASGI header names are lower case.
                headers = message.get("headers", ())
                present = dict(headers)
                if self.added_names.isdisjoint(present):
                    message["headers"] = [*headers, *added]
                else:
                    message["headers"] = [*headers, *(h for h in added if h[0] not in present)]
                if gzip:
                    held = message
                    return
                started = True
            await onward(message)

        try:
            await self.app(scope, receive, send_marked)
        except Exception as error:
            if started:
                raise
            held = None  # a start held back never reached the client: the 500 replaces it
            response = unexpected_error(scope["method"], scope["path"], error)
            await response(scope, receive, send_marked)
        finally:
            self._record(scope, status, time.perf_counter() - start, context)
            REQUEST.reset(reset)

    async def _gzip(
        self, response_start: Message, scope: Scope, receive: Receive, send: Send
    ) -> Send:
        """Hand a response that has begun to Starlette's gzip; the send its rest goes through."""
        sender: list[Send] = []

        async def begun(_: Scope, __: Receive, compress: Send) -> None:
            sender.append(compress)
            await compress(response_start)

        await GZipMiddleware(begun, self.gzip_minimum_size)(scope, receive, send)
        return sender[0]

    def _record(self, scope: Scope, status: int, seconds: float, context: RequestContext) -> None:
        route = _route(scope)
        method = scope["method"]
        if self.metrics is not None:
            self.metrics.observe(method, route, status, seconds)
        if self.access_log:
            log_access(method, route, status, round(seconds * 1000, 2), context.user_id)


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
            except (TooManyRequests, RateLimitUnavailable) as error:
                response = error_response(
                    error.status_code, error.code, error.message, headers=error.response_headers()
                )
                await response(scope, receive, send)
                return
        await self.app(scope, receive, send)
