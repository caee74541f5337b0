"""Request bodies over MAX_REQUEST_BODY_BYTES answer 413 before the app reads or parses them."""

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from app.core.errors import PayloadTooLarge, error_response

# Methods whose bodies no route reads: a server drops whatever such a request sends.
BODILESS_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


class BodySizeLimitMiddleware:
    """Refuse a request body over `max_bytes` with 413, in the one error shape.

    A Content-Length over the limit is refused before a byte of the body is read. A body sent
    without one (chunked) is read here, at most `max_bytes` of it, and handed on whole; one
    byte more and it is refused. Either way the app never parses more than the limit.
    """

    def __init__(self, app: ASGIApp, *, max_bytes: int) -> None:
        self.app = app
        self.max_bytes = max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] in BODILESS_METHODS:
            await self.app(scope, receive, send)
            return
        length = next(
            (value for name, value in scope["headers"] if name == b"content-length"), None
        )
        if length is not None:
            # A malformed length is the server's to refuse (400); it never reaches an app.
            if length.isdigit() and int(length) > self.max_bytes:
                await self._refuse(scope, receive, send)
                return
            await self.app(scope, receive, send)
            return
        first, size = await self._read_whole_body(receive)
        if size > self.max_bytes:
            await self._refuse(scope, receive, send)
            return
        replayed = False

        async def replay() -> Message:
            nonlocal replayed
            if replayed:
                return await receive()
            replayed = True
            return first

        await self.app(scope, replay, send)

    async def _read_whole_body(self, receive: Receive) -> tuple[Message, int]:
        """The body as one message, or what ended it early; stops once over the limit."""
        chunks: list[bytes] = []
        size = 0
        while True:
            message = await receive()
            if message["type"] != "http.request":
                return message, size  # the client went away
            chunk: bytes = message.get("body", b"")
            size += len(chunk)
            if size > self.max_bytes:
                return message, size
            chunks.append(chunk)
            if not message.get("more_body", False):
                whole: Message = {"type": "http.request", "body": b"".join(chunks)}
                return whole, size

    async def _refuse(self, scope: Scope, receive: Receive, send: Send) -> None:
        error = PayloadTooLarge(f"The request body is larger than {self.max_bytes} bytes")
        response = error_response(error.status_code, error.code, error.message)
        await response(scope, receive, send)
