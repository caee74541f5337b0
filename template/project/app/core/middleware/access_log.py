"""One access record per request, written when the response is done."""

import logging
import time

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from app.core.logging import REQUEST, RequestContext

access_logger = logging.getLogger("app.access")


def route_template(scope: Scope) -> str:
    """The route that answered (`/api/v1/orders/{order_id}`): a bounded name, unlike the path."""
    route = scope.get("route")
    if route is not None:
        return str(route.path)
    if "endpoint" in scope and not scope.get("path_params"):
        return str(scope["path"])  # a plain route without parameters (the docs, /metrics)
    return "unmatched"


class AccessLogMiddleware:
    """Logs method, route, path (without the query string), status, duration and user."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        start = time.perf_counter()
        context = RequestContext()
        reset = REQUEST.set(context)  # whatever identifies the caller fills in the user
        status = 500  # what the client gets if nothing below answers

        async def send_with_status(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            await send(message)

        try:
            await self.app(scope, receive, send_with_status)
        finally:
            REQUEST.reset(reset)
            duration_ms = round((time.perf_counter() - start) * 1000, 2)
            method, route, path = scope["method"], route_template(scope), scope["path"]
            user = "-" if context.user_id is None else context.user_id
            access_logger.info(
                "%s %s %d %.2fms route=%s user=%s",
                method,
                path,
                status,
                duration_ms,
                route,
                user,
                extra={
                    "method": method,
                    "route": route,
                    "path": path,
                    "status": status,
                    "duration_ms": duration_ms,
                    "user_id": context.user_id,
                },
            )
