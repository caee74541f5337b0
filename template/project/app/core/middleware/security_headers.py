"""Protective response headers; the docs pages get the content policy they need to load."""

from collections.abc import Iterable

from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

DOCS_PATHS = ("/docs", "/redoc")


class SecurityHeadersMiddleware:
    """Adds each header unless the route set it itself."""

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
        self.api = self._with_policy(common, content_security_policy)
        self.docs = self._with_policy(common, docs_content_security_policy)

    @staticmethod
    def _with_policy(headers: list[tuple[str, str]], policy: str) -> list[tuple[str, str]]:
        return [*headers, ("Content-Security-Policy", policy)] if policy else headers

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        path = scope["path"]
        added = self.docs if path.startswith(DOCS_PATHS) else self.api

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                for name, value in added:
                    headers.setdefault(name, value)
            await send(message)

        await self.app(scope, receive, send_with_headers)
