"""One logging setup for the app and uvicorn, so every line has the same shape.

Every record carries the id of the request it was emitted in (`-` outside requests): the
request context middleware sets `REQUEST` for the request's whole run. `LOG_FORMAT=json` writes
one JSON object per line for log shippers; the default text format is for people.
"""

import json
import logging.config
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any


@dataclass
class RequestContext:
    """What the logs know about the request being served; the user, once known."""

    request_id: str
    user_id: int | None = None


REQUEST: ContextVar[RequestContext | None] = ContextVar("request", default=None)
# Fields the access log passes with `extra=`, written as keys of their own in JSON.
ACCESS_FIELDS = ("method", "path", "status", "duration_ms", "user_id")


_make_record = logging.getLogRecordFactory()


def _record_with_request_id(*args: Any, **kwargs: Any) -> logging.LogRecord:
    """Every record, whichever handler takes it (pytest's caplog too), knows its request."""
    record = _make_record(*args, **kwargs)
    context = REQUEST.get()
    record.request_id = context.request_id if context else "-"
    return record


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            "request_id": getattr(record, "request_id", "-"),
        }
        for field in ACCESS_FIELDS:
            if field in record.__dict__:
                entry[field] = record.__dict__[field]
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return json.dumps(entry, default=str)


def configure_logging(level: str, log_format: str = "text") -> None:
    logging.setLogRecordFactory(_record_with_request_id)
    logging.config.dictConfig(
        {
            "version": 1,
            "disable_existing_loggers": False,
            "formatters": {
                "text": {
                    "format": "%(asctime)s %(levelname)-8s %(name)s [%(request_id)s]: %(message)s"
                },
                "json": {"()": JsonFormatter},
            },
            "handlers": {
                "console": {
                    "class": "logging.StreamHandler",
                    "formatter": log_format,
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
