"""The last-resort 500, answered inside the request id, access log and security headers.

FastAPI answers an exception nothing else handled in its outermost layer, outside every
middleware the app adds: that answer would carry no request id and no security headers, and the
access log would see an exception instead of a status. This layer answers first.
"""

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from app.core.errors import unexpected_error


class ServerErrorsMiddleware:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = False

        async def send_tracking_start(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        try:
            await self.app(scope, receive, send_tracking_start)
        except Exception as error:
            if started:  # too late for a 500: the client already has a status
                raise
            response = unexpected_error(scope["method"], scope["path"], error)
            await response(scope, receive, send)
