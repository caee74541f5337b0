"""Protective response headers; the docs pages get the content policy they need to load."""

from collections.abc import Iterable

from starlette.types import ASGIApp, Message, Receive, Scope, Send

DOCS_PATHS = ("/docs", "/redoc")
Header = tuple[bytes, bytes]


class SecurityHeadersMiddleware:
    """Adds each header to every response, unless the route set it itself."""

    def __init__(
        self,
        app: ASGIApp,
        *,
        headers: Iterable[tuple[str, str]],
        content_security_policy: str,
        docs_content_security_policy: str,
    ) -> None:
        self.app = app
        common = [(name, value) for name, value in headers if value]
        self.api = self._encoded(common, content_security_policy)
        self.docs = self._encoded(common, docs_content_security_policy)

    @staticmethod
    def _encoded(headers: list[tuple[str, str]], policy: str) -> list[Header]:
        """As ASGI carries them, encoded once: names in lower case, values in latin-1."""
        with_policy = [*headers, ("Content-Security-Policy", policy)] if policy else headers
        return [(name.lower().encode(), value.encode("latin-1")) for name, value in with_policy]

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        added = self.docs if scope["path"].startswith(DOCS_PATHS) else self.api

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", ()))
                present = {name.lower() for name, _ in headers}
                message["headers"] = headers + [h for h in added if h[0] not in present]
            await send(message)

        await self.app(scope, receive, send_with_headers)
