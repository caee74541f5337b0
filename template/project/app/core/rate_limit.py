"""Rate limits with the `limits` library: fixed windows, counted in memory or in Redis.

In memory, each process counts for itself, so N workers allow N times the limit; with
RATE_LIMIT_STORAGE_URL=redis://HOST:PORT/DB every worker and host shares one count.

A store that cannot be reached fails closed: limited requests answer 503 with Retry-After and
each refusal logs a warning, rather than letting logins through uncounted or answering 500.
"""

import ipaddress
import logging
import math
import time
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from functools import lru_cache

from limits import RateLimitItem, parse
from limits.aio.storage import Storage
from limits.aio.strategies import FixedWindowRateLimiter
from limits.errors import StorageError
from limits.storage import storage_from_string
from starlette.types import ASGIApp, Receive, Scope, Send

from app.core.errors import RateLimitUnavailable, TooManyRequests, error_response

logger = logging.getLogger(__name__)

# A Redis that does not answer must not hold requests for long: it is a refusal either way.
REDIS_TIMEOUT_SECONDS = 1.0

Network = ipaddress.IPv4Network | ipaddress.IPv6Network


@lru_cache(maxsize=32)
def _item(rate: str) -> RateLimitItem:
    return parse(rate)


class RateLimiter:
    """Counts hits per (name, key) against rates in the `limits` notation; "" never limits."""

    def __init__(self, storage_url: str, *, enabled: bool = True) -> None:
        self.enabled = enabled
        redis: dict[str, float | str | bool] = {
            "implementation": "redispy",
            "socket_connect_timeout": REDIS_TIMEOUT_SECONDS,
            "socket_timeout": REDIS_TIMEOUT_SECONDS,
        }
        storage = storage_from_string(
            f"async+{storage_url}",
            wrap_exceptions=True,  # the store's own errors arrive as limits' StorageError
            **(redis if storage_url.startswith("redis") else {}),
        )
        assert isinstance(storage, Storage)  # noqa: S101 (the async+ scheme makes it one)
        self.storage = storage
        self._limiter = FixedWindowRateLimiter(self.storage)

    def limits(self, rate: str) -> bool:
        return self.enabled and bool(rate)

    async def hit(self, rate: str, name: str, key: str) -> None:
        """Count one hit; raise TooManyRequests when it is over the rate."""
        if self.limits(rate):
            async with self._store(name):
                if not await self._limiter.hit(_item(rate), name, key):
                    raise await self._too_many(rate, name, key)

    async def check(self, rate: str, name: str, key: str) -> None:
        """Raise TooManyRequests when the rate is already used up, without counting a hit."""
        if self.limits(rate):
            async with self._store(name):
                if not await self._limiter.test(_item(rate), name, key):
                    raise await self._too_many(rate, name, key)

    async def slowdown(self, rate: str, name: str, key: str, *, max_seconds: float) -> float:
        """Seconds to wait before an attempt: none within `rate`, then 1 s doubling per hit past it.

        For bounds that span many clients (one account guessed from everywhere): waiting slows
        the guesses, where refusing would also keep out the account's owner.
        """
        if not self.limits(rate):
            return 0.0
        item = _item(rate)
        async with self._store(name):
            hits = await self.storage.get(item.key_for(name, key))
        if hits < item.amount:
            return 0.0
        return min(max_seconds, 2.0 ** min(hits - item.amount, 32))

    async def add(self, rate: str, name: str, key: str) -> None:
        """Count one hit against `rate` and never refuse it (see `slowdown`)."""
        if self.limits(rate):
            item = _item(rate)
            async with self._store(name):
                await self.storage.incr(item.key_for(name, key), item.get_expiry())

    @asynccontextmanager
    async def _store(self, name: str) -> AsyncIterator[None]:
        """Turn the store's failure into RateLimitUnavailable (503), with a warning logged."""
        try:
            yield
        except StorageError as error:
            logger.warning("rate limit %r not checked, its store failed: %s", name, error)
            raise RateLimitUnavailable("Rate limits cannot be checked; retry shortly") from error

    async def _too_many(self, rate: str, name: str, key: str) -> TooManyRequests:
        stats = await self._limiter.get_window_stats(_item(rate), name, key)
        return TooManyRequests(retry_after=max(1, math.ceil(stats.reset_time - time.time())))

    async def reset(self) -> None:
        await self.storage.reset()


def trusted_networks(entries: Sequence[str]) -> tuple[Network, ...]:
    return tuple(ipaddress.ip_network(entry, strict=False) for entry in entries)


def _trusted(address: str, networks: tuple[Network, ...]) -> bool:
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    return any(ip in network for network in networks)


def client_address(scope: Scope, trusted: tuple[Network, ...]) -> str:
    """The client's address: the peer's, unless the peer is a trusted proxy.

    Behind trusted proxies, X-Forwarded-For is read from the right (the nearest hop) and the
    first address no trusted proxy holds is the client: whatever a client writes further left
    is its own claim and is not believed.
    """
    client = scope.get("client")
    peer = str(client[0]) if client else "unknown"
    if not trusted or not _trusted(peer, trusted):
        return peer
    forwarded: list[str] = [
        value.decode("latin-1") for name, value in scope["headers"] if name == b"x-forwarded-for"
    ]
    hops = [hop.strip() for value in forwarded for hop in value.split(",") if hop.strip()]
    for hop in reversed(hops):
        if not _trusted(hop, trusted):
            return hop
    return hops[0] if hops else peer


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
