"""Request bodies over MAX_REQUEST_BODY_BYTES are a 413 in the one error shape, never parsed."""

from collections.abc import AsyncIterator
from http import HTTPStatus

from httpx import ASGITransport, AsyncClient
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.types import Receive, Scope, Send

from app.core.middleware.body_limit import BodySizeLimitMiddleware

LIMIT = 10


async def echo_length(scope: Scope, receive: Receive, send: Send) -> None:
    body = await Request(scope, receive).body()
    await JSONResponse({"length": len(body)})(scope, receive, send)


def limited_client() -> AsyncClient:
    app = BodySizeLimitMiddleware(echo_length, max_bytes=LIMIT)
    return AsyncClient(transport=ASGITransport(app=app), base_url="http://test")


async def chunks(*parts: bytes) -> AsyncIterator[bytes]:
    for part in parts:
        yield part


async def test_a_body_within_the_limit_passes_whole() -> None:
    async with limited_client() as client:
        sized = await client.post("/", content=b"x" * LIMIT)
        chunked = await client.post("/", content=chunks(b"x" * 4, b"y" * 6))

    assert sized.json() == {"length": LIMIT}
    assert chunked.json() == {"length": LIMIT}


async def test_a_declared_length_over_the_limit_is_refused() -> None:
    async with limited_client() as client:
        response = await client.post("/", content=b"x" * (LIMIT + 1))

    assert response.status_code == HTTPStatus.REQUEST_ENTITY_TOO_LARGE
    assert response.json()["error"]["code"] == "payload_too_large"


async def test_a_chunked_body_over_the_limit_is_refused() -> None:
    """No Content-Length: the body is read up to the limit, and refused one byte beyond."""
    async with limited_client() as client:
        response = await client.post("/", content=chunks(b"x" * 6, b"y" * 6, b"z" * 100))

    assert response.status_code == HTTPStatus.REQUEST_ENTITY_TOO_LARGE
    assert response.json()["error"]["code"] == "payload_too_large"


async def test_the_app_refuses_a_body_over_its_setting(client: AsyncClient) -> None:
    """Before routing: no route, not even a missing one, gets to read it."""
    response = await client.post("/anything", content=b"x" * (1_048_576 + 1))

    assert response.status_code == HTTPStatus.REQUEST_ENTITY_TOO_LARGE
    assert response.json()["error"]["code"] == "payload_too_large"
    assert "X-Request-ID" in response.headers
