"""The application factory: `uvicorn app.main:app`."""

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI
from fastapi.middleware.cors import CORSMiddleware
from starlette.middleware import Middleware

from app import features
from app.core import health
from app.core.body_limit import BodySizeLimitMiddleware
from app.core.config import API_PREFIX, Settings, get_settings
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
from app.core.metrics import Metrics, metrics_endpoint
from app.core.middleware import (
    RateLimitMiddleware,
    RequestContextMiddleware,
    SecurityHeaders,
)
from app.core.rate_limit import RateLimiter, trusted_networks
from app.core.routing import add_routes


def security_headers(settings: Settings) -> SecurityHeaders | None:
    if not settings.security_headers:
        return None
    headers = [
        ("X-Content-Type-Options", "nosniff"),
        ("X-Frame-Options", settings.frame_options),
        ("Referrer-Policy", settings.referrer_policy),
    ]
    if settings.served_over_https:
        hsts = f"max-age={settings.hsts_max_age_seconds}; includeSubDomains"
        headers.append(("Strict-Transport-Security", hsts))
    return SecurityHeaders(
        headers,
        content_security_policy=settings.content_security_policy,
        docs_content_security_policy=settings.docs_content_security_policy,
    )


def middleware(
    settings: Settings, limiter: RateLimiter, metrics: Metrics | None
) -> list[Middleware]:
    """The whole stack, outermost first; each layer sees what the layers below it answer.

    1. Request context: the request id, the security headers, gzip, the access record and
       the metrics see every response, refusals and its own last-resort 500 included, and
       time all of it. One layer for all of these: every layer costs each request a call.
    2. The body size limit: a body over MAX_REQUEST_BODY_BYTES is a 413 before it is read.
    3. CORS: answers preflights itself, and marks the responses below.
    4. The default rate limit: refuses before any route work is done, probes and scrapes
       excepted. The stricter limits of login, registration and refresh are dependencies of
       those routes.
    """
    context = Middleware(
        RequestContextMiddleware,
        access_log=settings.access_log,
        metrics=metrics,
        security_headers=security_headers(settings),
        gzip_minimum_size=settings.gzip_minimum_size,
    )
    stack = [
        context,
        Middleware(BodySizeLimitMiddleware, max_bytes=settings.max_request_body_bytes),
    ]
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
        trusted = trusted_networks(settings.trusted_proxies)
        stack.append(
            Middleware(
                RateLimitMiddleware,
                limiter=limiter,
                rate=settings.rate_limit_default,
                trusted=trusted,
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
    add_routes(app, health.router)
    if metrics is not None:
        app.add_route("/metrics", metrics_endpoint, include_in_schema=False)
    for router in features.routers():
        add_routes(app, router, prefix=API_PREFIX)
    return app


app = create_app()
