"""The middleware the app factory stacks; plain ASGI, so that each costs microseconds."""

import logging
import re
import time
import uuid
from collections.abc import Iterable

from starlette.datastructures import MutableHeaders
from starlette.middleware.gzip import GZipMiddleware
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from app.core.errors import TooManyRequests, error_response, unexpected_error
from app.core.logging import REQUEST, RequestContext
from app.core.metrics import Metrics
from app.core.rate_limit import Network, RateLimiter, client_address

access_logger = logging.getLogger("app.access")
# A well-formed incoming id is kept (so that a proxy's id follows the request), anything else
# is replaced: ids end up in logs, and a client must not be able to write into them.
REQUEST_ID = re.compile(r"[A-Za-z0-9._:-]{1,128}")
DOCS_PATHS = frozenset({"/docs", "/redoc"})


def _route(scope: Scope) -> str:
    route = scope.get("route")
    return getattr(route, "path", "unmatched") if route is not None else "unmatched"


class RequestContextMiddleware:
    """Request id, one access record, metrics, and the 500 for anything that escaped.

    Outermost, so it times and sees every response, including those the other layers make.
    """

    def __init__(self, app: ASGIApp, *, access_log: bool, metrics: Metrics | None) -> None:
        self.app = app
        self.access_log = access_log
        self.metrics = metrics

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        start = time.perf_counter()
        incoming = next((v for k, v in scope["headers"] if k == b"x-request-id"), b"")
        request_id = incoming.decode("latin-1")
        if not REQUEST_ID.fullmatch(request_id):
            request_id = uuid.uuid4().hex
        context = RequestContext(request_id)
        reset = REQUEST.set(context)
        status = 500
        started = False

        async def send_with_id(message: Message) -> None:
            nonlocal status, started
            if message["type"] == "http.response.start":
                started = True
                status = message["status"]
                message.setdefault("headers", [])
                MutableHeaders(scope=message).append("X-Request-ID", request_id)
            await send(message)

        try:
            await self.app(scope, receive, send_with_id)
        except Exception as error:
            if started:
                raise
            response = unexpected_error(scope["method"], scope["path"], error)
            await response(scope, receive, send_with_id)
        finally:
            self._record(scope, status, time.perf_counter() - start, context)
            REQUEST.reset(reset)

    def _record(self, scope: Scope, status: int, seconds: float, context: RequestContext) -> None:
        route = _route(scope)
        method = scope["method"]
        if self.metrics is not None:
            self.metrics.observe(method, route, status, seconds)
        if self.access_log:
            duration_ms = round(seconds * 1000, 2)
            access_logger.info(
                "%s %s %d %.2fms user=%s",
                method,
                route,
                status,
                duration_ms,
                context.user_id if context.user_id is not None else "-",
                extra={
                    "method": method,
                    "path": route,
                    "status": status,
                    "duration_ms": duration_ms,
                    "user_id": context.user_id,
                },
            )


class SecurityHeadersMiddleware:
    """The same protective headers on every response; the docs pages get the policy they need."""

    def __init__(
        self,
        app: ASGIApp,
        *,
        headers: Iterable[tuple[str, str]],
        content_security_policy: str,
        docs_content_security_policy: str,
    ) -> None:
        self.app = app
        common = [(name.lower().encode(), value.encode()) for name, value in headers if value]
        self.api_headers = self._with_policy(common, content_security_policy)
        self.docs_headers = self._with_policy(common, docs_content_security_policy)

    @staticmethod
    def _with_policy(headers: list[tuple[bytes, bytes]], policy: str) -> list[tuple[bytes, bytes]]:
        return [*headers, (b"content-security-policy", policy.encode())] if policy else headers

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        path: str = scope["path"]
        docs = path in DOCS_PATHS or path.startswith("/docs/")
        added = self.docs_headers if docs else self.api_headers

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                present = {name.lower() for name, _ in message.get("headers", ())}
                message["headers"] = [
                    *message.get("headers", ()),
                    *(header for header in added if header[0] not in present),
                ]
            await send(message)

        await self.app(scope, receive, send_with_headers)


class GzipWhenAcceptedMiddleware(GZipMiddleware):
    """Starlette's gzip, entered only by clients that accept gzip: the rest pay nothing."""

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and any(
            name == b"accept-encoding" and b"gzip" in value for name, value in scope["headers"]
        ):
            await super().__call__(scope, receive, send)
        else:
            await self.app(scope, receive, send)


class RateLimitMiddleware:
    """The default limit per client address, for every request (RATE_LIMIT_DEFAULT)."""

    def __init__(
        self, app: ASGIApp, *, limiter: RateLimiter, rate: str, trusted: tuple[Network, ...]
    ) -> None:
        self.app = app
        self.limiter = limiter
        self.rate = rate
        self.trusted = trusted

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            try:
                await self.limiter.hit(self.rate, "default", client_address(scope, self.trusted))
            except TooManyRequests as error:
                response = error_response(
                    error.status_code, error.code, error.message, headers=error.response_headers()
                )
                await response(scope, receive, send)
                return
        await self.app(scope, receive, send)
