"""One logging setup for the app and uvicorn, so every line has the same shape.

Every record carries the id of the request it was emitted in (`-` outside requests), which
`RequestIdFilter` reads from asgi-correlation-id's context. `LOG_FORMAT=json` writes one JSON
object per line for log shippers (python-json-logger); the default text format is for people.
"""

import logging
import logging.config
import time
from contextvars import ContextVar
from dataclasses import dataclass

from asgi_correlation_id import correlation_id


@dataclass
class RequestContext:
    """What the access record learns while a request runs: the signed-in user, once known."""

    user_id: int | None = None


REQUEST: ContextVar[RequestContext | None] = ContextVar("request", default=None)
TEXT_FORMAT = "%(asctime)s %(levelname)-8s %(name)s [%(request_id)s]: %(message)s"
# The keys of a JSON line, after "time"; an access record adds method, route, path, status,
# duration_ms and user_id as keys of their own.
JSON_FORMAT = "%(levelname)s %(name)s %(message)s %(request_id)s"
JSON_KEYS = {"levelname": "level", "name": "logger", "exc_info": "exception"}


class UtcFormatter(logging.Formatter):
    """Times in UTC, the same on every host; gmtime also needs no lookup of the local zone."""

    @staticmethod
    def converter(seconds: float | None) -> time.struct_time:
        return time.gmtime(seconds)


class RequestIdFilter(logging.Filter):
    """Names the request a record was emitted in; a filter of the handler, so it sees them all."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = correlation_id.get() or "-"
        return True


def configure_logging(level: str, log_format: str = "text") -> None:
    logging.config.dictConfig(
        {
            "version": 1,
            "disable_existing_loggers": False,
            "filters": {"request_id": {"()": RequestIdFilter}},
            "formatters": {
                "text": {"()": UtcFormatter, "fmt": TEXT_FORMAT},
                "json": {
                    "()": "pythonjsonlogger.json.JsonFormatter",
                    "fmt": JSON_FORMAT,
                    "rename_fields": JSON_KEYS,
                    "timestamp": "time",  # ISO 8601 in UTC
                },
            },
            "handlers": {
                "console": {
                    "class": "logging.StreamHandler",
                    "formatter": log_format,
                    "filters": ["request_id"],
                },
            },
            "root": {"handlers": ["console"], "level": level},
            "loggers": {
                "uvicorn": {"handlers": [], "propagate": True},
                "uvicorn.error": {"handlers": [], "propagate": True},
                # The app writes one access record per request (app.access); uvicorn's would
                # repeat it with less in it.
                "uvicorn.access": {"handlers": [], "propagate": False, "level": "WARNING"},
            },
        }
    )
