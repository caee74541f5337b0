"""The middleware stack of create_app: request ids, access records, security headers,
compression, metrics, the default rate limit, and the client address behind proxies."""

import gzip
import json
import logging
from collections.abc import AsyncIterator, Callable
from http import HTTPStatus
from typing import Any

import pytest
from fastapi import FastAPI
from httpx import ASGITransport, AsyncClient
from starlette.responses import PlainTextResponse, StreamingResponse
from starlette.types import ASGIApp, Receive, Scope, Send

from app.core.config import API_CONTENT_SECURITY_POLICY, Settings
from app.core.logging import RequestIdFilter, configure_logging
from app.core.middleware.compression import CompressionMiddleware, accepts_gzip
from app.core.middleware.security_headers import SecurityHeadersMiddleware
from app.core.middleware.server_errors import ServerErrorsMiddleware
from app.core.rate_limit import client_address, trusted_networks
from app.main import create_app

MakeApp = Callable[..., FastAPI]
# A route every project has that the default rate limit applies to (probes are exempt).
LIMITED = "/openapi.json"


@pytest.fixture
def make_app(settings: Settings) -> MakeApp:
    def make(**changes: Any) -> FastAPI:
        return create_app(settings.model_copy(update=changes))

    return make


def _gzipping(app: ASGIApp) -> AsyncClient:
    """A client of `app` under the compression layer alone."""
    app = CompressionMiddleware(app, minimum_size=1000)
    return AsyncClient(transport=ASGITransport(app=app), base_url="http://t")


@pytest.fixture
def records(caplog: pytest.LogCaptureFixture) -> pytest.LogCaptureFixture:
    """caplog, with the request id on each record as the app's own handler has it."""
    caplog.handler.addFilter(RequestIdFilter())
    return caplog


def _client(app: FastAPI) -> AsyncClient:
    transport = ASGITransport(app=app, raise_app_exceptions=False)
    return AsyncClient(transport=transport, base_url="http://test")


@pytest.fixture(scope="module")
def switched_off(settings: Settings) -> FastAPI:
    """One app with every optional layer off, for the tests that each look at one of them."""
    changes = {
        "access_log": False,
        "security_headers": False,
        "gzip_minimum_size": 0,
        "metrics_enabled": False,
    }
    return create_app(settings.model_copy(update=changes))


@pytest.fixture(scope="module")
def reconfigured(settings: Settings) -> FastAPI:
    """One app with every security header changed from its default."""
    changes = {
        "served_over_https": True,
        "hsts_max_age_seconds": 60,
        "frame_options": "SAMEORIGIN",
        "referrer_policy": "",
        "content_security_policy": "",
    }
    return create_app(settings.model_copy(update=changes))


@pytest.fixture(scope="module")
async def limited_app(settings: Settings) -> AsyncIterator[FastAPI]:
    """One app with a default limit for the module: building an app prepares every route."""
    app = create_app(
        settings.model_copy(update={"rate_limit_enabled": True, "rate_limit_default": "2/minute"})
    )
    yield app
    await app.state.database.dispose()  # the readiness probe connected to it


@pytest.fixture
async def limited(limited_app: FastAPI) -> AsyncIterator[AsyncClient]:
    """A client of `limited_app`, every counter back at zero."""
    await limited_app.state.rate_limiter.reset()
    async with _client(limited_app) as client:
        yield client


class TestRequestIds:
    async def test_a_request_without_one_gets_a_fresh_id(self, client: AsyncClient) -> None:
        first = await client.get("/health/live")
        second = await client.get("/health/live")

        assert len(first.headers["X-Request-ID"]) == 32
        assert first.headers["X-Request-ID"] != second.headers["X-Request-ID"]

    async def test_a_well_formed_id_is_kept(self, client: AsyncClient) -> None:
        response = await client.get("/health/live", headers={"X-Request-ID": "lb-1234.abc"})

        assert response.headers["X-Request-ID"] == "lb-1234.abc"

    @pytest.mark.parametrize("incoming", ["a b", "x" * 129, "<script>"])
    async def test_a_malformed_id_is_replaced(self, client: AsyncClient, incoming: str) -> None:
        response = await client.get("/health/live", headers={"X-Request-ID": incoming})

        assert response.headers["X-Request-ID"] != incoming
        assert len(response.headers["X-Request-ID"]) == 32


class TestAccessLog:
    async def test_one_record_per_request_with_route_template_and_path(
        self, client: AsyncClient, records: pytest.LogCaptureFixture
    ) -> None:
        with records.at_level(logging.INFO, logger="app.access"):
            response = await client.get("/health/live?probe=1", headers={"X-Request-ID": "req-1"})
            await client.get("/no/such/page")

        first, second = [r for r in records.records if r.name == "app.access"]
        keys = ("method", "route", "path", "status", "request_id", "user_id")
        assert {key: first.__dict__[key] for key in keys} == {
            "method": "GET",
            "route": "/health/live",
            "path": "/health/live",  # never the query string, which may carry secrets
            "status": response.status_code,
            "request_id": "req-1",
            "user_id": None,
        }
        assert first.__dict__["duration_ms"] >= 0
        assert (second.__dict__["route"], second.__dict__["path"]) == ("unmatched", "/no/such/page")
        assert second.__dict__["status"] == HTTPStatus.NOT_FOUND

    async def test_plain_routes_are_named_by_their_path(
        self, client: AsyncClient, caplog: pytest.LogCaptureFixture
    ) -> None:
        with caplog.at_level(logging.INFO, logger="app.access"):
            await client.get("/openapi.json")

        [record] = [r for r in caplog.records if r.name == "app.access"]
        assert (record.__dict__["route"], record.__dict__["status"]) == ("/openapi.json", 200)

    def test_json_lines_carry_the_fields_log_shippers_read(
        self, settings: Settings, capsys: pytest.CaptureFixture[str]
    ) -> None:
        configure_logging("INFO", "json")
        try:
            fields = {"method": "GET", "route": "/x", "path": "/x", "status": 200}
            logging.getLogger("app.access").info("GET /x", extra={**fields, "duration_ms": 1.5})
            line = json.loads(capsys.readouterr().err.strip().splitlines()[-1])
        finally:
            configure_logging(settings.log_level, settings.log_format)

        keys = {"time", "level", "logger", "message", "request_id", *fields, "duration_ms"}
        assert keys <= set(line)
        assert (line["message"], line["level"], line["status"]) == ("GET /x", "INFO", 200)
        assert line["request_id"] == "-"

    def test_uvicorn_does_not_repeat_the_access_line(self, settings: Settings) -> None:
        configure_logging("INFO", "json")
        try:
            uvicorn_access = logging.getLogger("uvicorn.access")
            assert not uvicorn_access.isEnabledFor(logging.INFO)
            assert not uvicorn_access.propagate
        finally:
            configure_logging(settings.log_level, settings.log_format)

    async def test_switched_off_nothing_is_logged(
        self, switched_off: FastAPI, caplog: pytest.LogCaptureFixture
    ) -> None:
        caplog.set_level(logging.INFO)
        async with _client(switched_off) as client:
            await client.get("/health/live")

        assert [r for r in caplog.records if r.name == "app.access"] == []


class TestSecurityHeaders:
    async def test_every_response_carries_them(self, client: AsyncClient) -> None:
        for response in (await client.get("/health/live"), await client.get("/nowhere")):
            assert response.headers["X-Content-Type-Options"] == "nosniff"
            assert response.headers["X-Frame-Options"] == "DENY"
            assert response.headers["Referrer-Policy"] == "no-referrer"
            assert response.headers["Content-Security-Policy"] == API_CONTENT_SECURITY_POLICY
            assert "Strict-Transport-Security" not in response.headers

    @pytest.mark.parametrize("page", ["/docs", "/redoc"])
    async def test_the_docs_pages_get_a_policy_that_lets_them_load(
        self, client: AsyncClient, page: str
    ) -> None:
        response = await client.get(page)

        assert response.status_code == HTTPStatus.OK
        policy = response.headers["Content-Security-Policy"]
        assert "https://cdn.jsdelivr.net" in policy
        assert "'unsafe-inline'" in policy

    async def test_a_header_the_route_sets_itself_wins(self) -> None:
        own = PlainTextResponse("x", headers={"X-Frame-Options": "SAMEORIGIN"})
        headers = [("X-Frame-Options", "DENY"), ("X-Content-Type-Options", "nosniff")]
        app = SecurityHeadersMiddleware(
            own, headers=headers, content_security_policy="", docs_content_security_policy=""
        )
        async with AsyncClient(transport=ASGITransport(app=app), base_url="http://t") as client:
            response = await client.get("/")

        assert response.headers.get_list("X-Frame-Options") == ["SAMEORIGIN"]
        assert response.headers["X-Content-Type-Options"] == "nosniff"

    async def test_hsts_only_when_served_over_https(self, reconfigured: FastAPI) -> None:
        async with _client(reconfigured) as client:
            response = await client.get("/health/live")

        assert response.headers["Strict-Transport-Security"] == "max-age=60; includeSubDomains"

    async def test_each_is_configurable(self, reconfigured: FastAPI, switched_off: FastAPI) -> None:
        async with _client(reconfigured) as client:
            response = await client.get("/health/live")
        async with _client(switched_off) as client:
            bare = await client.get("/health/live")

        assert response.headers["X-Frame-Options"] == "SAMEORIGIN"
        assert "Referrer-Policy" not in response.headers
        assert "Content-Security-Policy" not in response.headers
        assert "X-Content-Type-Options" not in bare.headers


class TestCompression:
    async def test_large_responses_are_gzipped(self, client: AsyncClient) -> None:
        response = await client.get("/openapi.json", headers={"Accept-Encoding": "gzip"})

        assert response.headers["Content-Encoding"] == "gzip"
        assert response.json()["openapi"]  # httpx decompressed it

    async def test_small_responses_are_not(self, client: AsyncClient) -> None:
        response = await client.get("/health/live", headers={"Accept-Encoding": "gzip"})

        assert "Content-Encoding" not in response.headers

    async def test_switched_off(self, switched_off: FastAPI) -> None:
        async with _client(switched_off) as client:
            response = await client.get("/openapi.json", headers={"Accept-Encoding": "gzip"})

        assert "Content-Encoding" not in response.headers
        assert gzip.compress(response.content)  # plain JSON came back

    @pytest.mark.parametrize("chunks", [[b"x" * 5000], [b"x" * 600, b"y" * 600, b""]])
    async def test_bodies_over_the_minimum_are_gzipped_whole_or_streamed(
        self, chunks: list[bytes]
    ) -> None:
        async def stream() -> AsyncIterator[bytes]:
            for chunk in chunks:
                yield chunk

        async with _gzipping(StreamingResponse(stream(), media_type="text/plain")) as client:
            response = await client.get("/", headers={"Accept-Encoding": "gzip"})

        assert response.headers["Content-Encoding"] == "gzip"
        assert response.content == b"".join(chunks)  # httpx decompressed it

    async def test_a_small_body_passes_unchanged(self) -> None:
        async with _gzipping(PlainTextResponse("small")) as client:
            response = await client.get("/", headers={"Accept-Encoding": "gzip"})

        assert response.content == b"small"
        assert "Content-Encoding" not in response.headers
        assert response.headers["Content-Length"] == "5"

    @pytest.mark.parametrize(
        ("accept_encoding", "gzipped"),
        [
            ("gzip", True),
            ("deflate, gzip;q=0.5", True),
            ("br;q=1.0, gzip; q=0.8", True),
            ("gzip;q=0", False),
            ("gzip;q=0.0, deflate", False),
            ("*;q=0", False),
            ("identity", False),
        ],
    )
    async def test_accept_encoding_is_read_with_its_q_values(
        self, accept_encoding: str, gzipped: bool
    ) -> None:
        async with _gzipping(PlainTextResponse("x" * 5000)) as client:
            response = await client.get("/", headers={"Accept-Encoding": accept_encoding})

        assert ("Content-Encoding" in response.headers) is gzipped
        assert response.text == "x" * 5000

    @pytest.mark.parametrize(
        ("value", "accepted"),
        [("GZIP", True), ("*", True), ("Gzip;Q=0", False), ("gzip;q=junk", False), ("", False)],
    )
    def test_coding_names_and_q_are_read_without_case(self, value: str, accepted: bool) -> None:
        assert accepts_gzip(value) is accepted


class TestServerErrors:
    """The 500 itself, with its request id and headers, is tested in tests/test_errors.py."""

    async def test_an_error_after_the_response_began_is_left_to_the_server(self) -> None:
        async def fails_after_its_start(scope: Scope, receive: Receive, send: Send) -> None:
            await send({"type": "http.response.start", "status": 200, "headers": []})
            raise RuntimeError("the body never came")

        app = ServerErrorsMiddleware(fails_after_its_start)
        async with AsyncClient(transport=ASGITransport(app=app), base_url="http://t") as client:
            with pytest.raises(RuntimeError, match="the body never came"):
                await client.get("/")


class TestMetrics:
    async def test_requests_are_counted_by_route_template(self, make_app: MakeApp) -> None:
        async with _client(make_app()) as client:
            await client.get("/health/live")
            await client.get("/health/live")
            await client.get("/no/such/page/12345")
            response = await client.get("/metrics")

        text = response.text
        assert response.status_code == HTTPStatus.OK
        assert 'http_requests_total{method="GET",route="/health/live",status="200"} 2.0' in text
        assert 'route="unmatched",status="404"} 1.0' in text
        assert "12345" not in text
        assert "http_request_duration_seconds_bucket" in text

    async def test_settings_turn_them_off(self, switched_off: FastAPI) -> None:
        async with _client(switched_off) as client:
            response = await client.get("/metrics")

        assert response.status_code == HTTPStatus.NOT_FOUND


class TestDefaultRateLimit:
    async def test_is_off_unless_configured(self, client: AsyncClient) -> None:
        for _ in range(5):
            assert (await client.get(LIMITED)).status_code == HTTPStatus.OK

    async def test_refuses_with_429_retry_after_and_the_error_shape(
        self, limited: AsyncClient
    ) -> None:
        statuses = [(await limited.get(LIMITED)).status_code for _ in range(2)]
        refused = await limited.get(LIMITED)

        assert statuses == [HTTPStatus.OK, HTTPStatus.OK]
        assert refused.status_code == HTTPStatus.TOO_MANY_REQUESTS
        assert refused.json()["error"]["code"] == "rate_limited"
        assert 1 <= int(refused.headers["Retry-After"]) <= 60
        assert refused.headers["X-Content-Type-Options"] == "nosniff"
        assert "X-Request-ID" in refused.headers

    async def test_never_refuses_probes_or_scrapes(self, limited: AsyncClient) -> None:
        for path in ("/health/live", "/health/ready", "/metrics"):
            statuses = {(await limited.get(path)).status_code for _ in range(3)}

            assert statuses == {HTTPStatus.OK}, path

    async def test_counts_each_client_apart(self, make_app: MakeApp) -> None:
        app = make_app(
            rate_limit_enabled=True, rate_limit_default="1/minute", trusted_proxies=["127.0.0.1"]
        )
        async with _client(app) as client:
            first = await client.get(LIMITED, headers={"X-Forwarded-For": "203.0.113.1"})
            other = await client.get(LIMITED, headers={"X-Forwarded-For": "203.0.113.2"})
            again = await client.get(LIMITED, headers={"X-Forwarded-For": "203.0.113.1"})

        assert [first.status_code, other.status_code] == [HTTPStatus.OK, HTTPStatus.OK]
        assert again.status_code == HTTPStatus.TOO_MANY_REQUESTS


class TestClientAddress:
    @staticmethod
    def scope(peer: str, forwarded: str | None = None) -> dict[str, Any]:
        headers = [(b"x-forwarded-for", forwarded.encode())] if forwarded else []
        return {"client": (peer, 1234), "headers": headers}

    def test_is_the_peer_without_trusted_proxies(self) -> None:
        scope = self.scope("198.51.100.7", "203.0.113.1")

        assert client_address(scope, trusted_networks([])) == "198.51.100.7"

    def test_an_untrusted_peer_cannot_claim_another_address(self) -> None:
        scope = self.scope("198.51.100.7", "203.0.113.1")

        assert client_address(scope, trusted_networks(["10.0.0.0/8"])) == "198.51.100.7"

    def test_behind_trusted_proxies_is_the_first_untrusted_hop_from_the_right(self) -> None:
        trusted = trusted_networks(["10.0.0.0/8"])
        scope = self.scope("10.0.0.2", "1.2.3.4, 203.0.113.9, 10.0.0.1")

        assert client_address(scope, trusted) == "203.0.113.9"
        assert client_address(self.scope("10.0.0.2", "10.0.0.3"), trusted) == "10.0.0.3"
        assert client_address(self.scope("10.0.0.2"), trusted) == "10.0.0.2"
        assert client_address(self.scope("10.0.0.2", "junk"), trusted) == "junk"
        assert client_address({"headers": []}, trusted) == "unknown"
