"""A rate-limit store that is down: limited requests answer 503 with Retry-After, never 500.

Failing closed keeps logins from going uncounted while Redis is away; each refusal is logged.
"""

import socket
from http import HTTPStatus

import pytest
from httpx import ASGITransport, AsyncClient

from app.core.config import Settings
from app.core.errors import RateLimitUnavailable
from app.core.rate_limit import RateLimiter
from app.main import create_app


@pytest.fixture(scope="module")
def closed_port() -> int:
    """A port nothing listens on: bound for a moment, then released."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
    return port


async def test_the_limiter_refuses_with_503_and_logs_it(
    closed_port: int, caplog: pytest.LogCaptureFixture
) -> None:
    limiter = RateLimiter(f"redis://127.0.0.1:{closed_port}/0")

    with pytest.raises(RateLimitUnavailable) as refused:
        await limiter.hit("5/minute", "login", "203.0.113.1")
    with pytest.raises(RateLimitUnavailable):
        await limiter.check("5/minute", "login_failures", "someone@example.com")
    with pytest.raises(RateLimitUnavailable):
        await limiter.slowdown("5/minute", "failures", "someone@example.com", max_seconds=1)

    assert refused.value.status_code == HTTPStatus.SERVICE_UNAVAILABLE
    assert refused.value.response_headers() == {"Retry-After": "5"}
    assert "rate limit 'login' not checked" in caplog.text


async def test_limited_routes_answer_503_and_probes_still_answer(
    settings: Settings, closed_port: int
) -> None:
    changes = {
        "rate_limit_enabled": True,
        "rate_limit_default": "100/minute",
        "rate_limit_storage_url": f"redis://127.0.0.1:{closed_port}/0",
    }
    app = create_app(settings.model_copy(update=changes))
    transport = ASGITransport(app=app, raise_app_exceptions=False)
    try:
        async with AsyncClient(transport=transport, base_url="http://test") as client:
            limited = await client.get("/openapi.json")
            probe = await client.get("/health/ready")
    finally:
        await app.state.database.dispose()

    assert limited.status_code == HTTPStatus.SERVICE_UNAVAILABLE
    assert limited.json()["error"]["code"] == "rate_limit_unavailable"
    assert limited.headers["Retry-After"] == "5"
    assert probe.status_code == HTTPStatus.OK


async def test_a_slowdown_doubles_past_its_rate_up_to_its_cap() -> None:
    limiter = RateLimiter("memory://")
    waits = []
    for _ in range(6):
        waits.append(await limiter.slowdown("2/minute", "failures", "a", max_seconds=4))
        await limiter.add("2/minute", "failures", "a")

    assert waits == [0, 0, 1, 2, 4, 4]
    assert await limiter.slowdown("2/minute", "failures", "b", max_seconds=4) == 0
