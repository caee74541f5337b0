"""Gzip for clients that accept it, by Starlette's GZipMiddleware.

Starlette decides by looking for the text "gzip" in Accept-Encoding, so `gzip;q=0` (which
refuses gzip) would still get it. This layer reads the header as HTTP defines it (names
without case, q-values) and calls Starlette's middleware only for a client that accepts gzip.
A client that accepts it only as `GZIP` or `*` passes that check but gets the body
uncompressed, since Starlette does not see the lower-case name: correct, if not smaller.
"""

from starlette.middleware.gzip import GZipMiddleware
from starlette.types import ASGIApp, Receive, Scope, Send


def accepts_gzip(accept_encoding: str) -> bool:
    """Whether an Accept-Encoding value accepts gzip (RFC 9110, section 12.5.3)."""
    accepted: dict[str, float] = {}
    for entry in accept_encoding.split(","):
        coding, *parameters = (part.strip() for part in entry.split(";"))
        quality = 1.0
        for parameter in parameters:
            name, _, value = parameter.partition("=")
            if name.strip().lower() == "q":
                try:
                    quality = float(value)
                except ValueError:
                    quality = 0.0
        if coding:
            accepted[coding.lower()] = quality
    return accepted.get("gzip", accepted.get("*", 0.0)) > 0


class CompressionMiddleware:
    def __init__(self, app: ASGIApp, *, minimum_size: int) -> None:
        self.app = app
        self.gzip = GZipMiddleware(app, minimum_size=minimum_size)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            values = [value for name, value in scope["headers"] if name == b"accept-encoding"]
            if values and accepts_gzip(b",".join(values).decode("latin-1")):
                await self.gzip(scope, receive, send)
                return
        await self.app(scope, receive, send)
