"""The application factory: `uvicorn app.main:app`."""

import re
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from uuid import uuid4

from asgi_correlation_id import CorrelationIdMiddleware
from fastapi import APIRouter, FastAPI
from fastapi.middleware.cors import CORSMiddleware
from fastapi.routing import APIRoute
from starlette.middleware import Middleware

from app import features
from app.core import health
from app.core.config import Settings, get_settings
from app.core.db import Database
from app.core.errors import (
    PayloadTooLarge,
    RateLimitUnavailable,
    TooManyRequests,
    Unprocessable,
    error_responses,
    register_error_handlers,
)
from app.core.logging import configure_logging
from app.core.metrics import Metrics, MetricsMiddleware, metrics_endpoint
from app.core.middleware.access_log import AccessLogMiddleware
from app.core.middleware.body_limit import BodySizeLimitMiddleware
from app.core.middleware.compression import CompressionMiddleware
from app.core.middleware.security_headers import SecurityHeadersMiddleware
from app.core.middleware.server_errors import ServerErrorsMiddleware
from app.core.rate_limit import RateLimiter, RateLimitMiddleware, trusted_networks

# A well-formed incoming id is kept, so that a proxy's id follows the request; anything else is
# replaced: ids end up in logs, and a client must not be able to write into them.
REQUEST_ID = re.compile(r"[A-Za-z0-9._:-]{1,128}")


def well_formed_request_id(value: str) -> bool:
    return REQUEST_ID.fullmatch(value) is not None


def operation_id(route: APIRoute) -> str:
    """`orders-create`: the route's tag and name, which clients generated from OpenAPI use."""
    return f"{route.tags[0]}-{route.name}" if route.tags else route.name


def security_headers(settings: Settings) -> list[tuple[str, str]]:
    headers = [
        ("X-Content-Type-Options", "nosniff"),
        ("X-Frame-Options", settings.frame_options),
        ("Referrer-Policy", settings.referrer_policy),
    ]
    if settings.served_over_https:
        hsts = f"max-age={settings.hsts_max_age_seconds}; includeSubDomains"
        headers.append(("Strict-Transport-Security", hsts))
    return headers


def middleware(
    settings: Settings, limiter: RateLimiter, metrics: Metrics | None
) -> list[Middleware]:
    """The whole stack, outermost first: each layer sees what every layer after it answers.

    The request id comes first, so that every log record of the request names it; the access
    record and metrics then see every response, refusals and the last-resort 500 included; the
    security headers and compression apply to all of those; the 500 for what escaped the app is
    answered inside them all; a body over MAX_REQUEST_BODY_BYTES is a 413 before anything reads
    it; CORS answers preflights before the rate limit counts them, and the rate limit refuses
    before any route work is done. Optional layers are left out, not switched off, so that a
    layer that is off costs nothing.
    """
    stack = [
        Middleware(
            CorrelationIdMiddleware,
            header_name="X-Request-ID",
            update_request_header=False,  # the id is read from its context, not the request
            validator=well_formed_request_id,
            generator=lambda: uuid4().hex,
        )
    ]
    if settings.access_log:
        stack.append(Middleware(AccessLogMiddleware))
    if metrics is not None:
        stack.append(Middleware(MetricsMiddleware, metrics=metrics))
    if settings.security_headers:
        stack.append(
            Middleware(
                SecurityHeadersMiddleware,
                headers=security_headers(settings),
                content_security_policy=settings.content_security_policy,
                docs_content_security_policy=settings.docs_content_security_policy,
            )
        )
    if settings.gzip_minimum_size:
        stack.append(Middleware(CompressionMiddleware, minimum_size=settings.gzip_minimum_size))
    stack.append(Middleware(ServerErrorsMiddleware))
    stack.append(Middleware(BodySizeLimitMiddleware, max_bytes=settings.max_request_body_bytes))
    if settings.cors_origins:
        stack.append(
            Middleware(
                CORSMiddleware,
                allow_origins=settings.cors_origins,
                allow_credentials=True,
                allow_methods=["*"],
                allow_headers=["*"],
            )
        )
    if limiter.limits(settings.rate_limit_default):
        stack.append(
            Middleware(
                RateLimitMiddleware,
                limiter=limiter,
                rate=settings.rate_limit_default,
                trusted=trusted_networks(settings.trusted_proxies),
                exempt=frozenset({*health.PATHS, "/metrics"}),
            )
        )
    return stack


def create_app(settings: Settings | None = None, database: Database | None = None) -> FastAPI:
    settings = settings or get_settings()
    database = database or Database.from_url(settings.database_url, echo=settings.database_echo)
    configure_logging(settings.log_level, settings.log_format)
    limiter = RateLimiter(settings.rate_limit_storage_url, enabled=settings.rate_limit_enabled)
    metrics = Metrics() if settings.metrics_enabled else None

    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        yield
        await database.dispose()

    app = FastAPI(
        title=settings.app_name,
        lifespan=lifespan,
        middleware=middleware(settings, limiter, metrics),
        generate_unique_id_function=operation_id,
        # Every route can refuse its input, or a client over its rate (or while the rate-limit
        # store is down), in the one error shape.
        responses=error_responses(
            PayloadTooLarge, Unprocessable, TooManyRequests, RateLimitUnavailable
        ),
    )
    app.state.settings = settings
    app.state.database = database
    app.state.rate_limiter = limiter
    app.state.trusted_proxies = trusted_networks(settings.trusted_proxies)
    app.state.metrics = metrics
    register_error_handlers(app)
    routers = [health.router, *features.routers()]
    for router in routers:
        app.include_router(router)
    # For the Allow header of a 405, which names every method of the path.
    app.state.allowed_methods = allowed_methods(routers)
    if metrics is not None:
        app.add_route("/metrics", metrics_endpoint, include_in_schema=False)
    return app


def allowed_methods(routers: list[APIRouter]) -> dict[str, set[str]]:
    allowed: dict[str, set[str]] = {}
    for router in routers:
        for route in router.routes:
            if isinstance(route, APIRoute):
                allowed.setdefault(route.path, set()).update(route.methods or ())
    return allowed


app = create_app()
