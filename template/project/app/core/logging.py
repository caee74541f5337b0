"""One logging setup for the app and uvicorn, so every line has the same shape.

Every record carries the id of the request it was emitted in (`-` outside requests): the
request context middleware sets `REQUEST` for the request's whole run. `LOG_FORMAT=json` writes
one JSON object per line for log shippers; the default text format is for people.
"""

import json
import logging.config
import time
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
# The access record's own fields, written as keys of their own in JSON.
ACCESS_FIELDS = ("method", "path", "status", "duration_ms", "user_id")
access_logger = logging.getLogger("app.access")
TEXT_FORMAT = "%(asctime)s %(levelname)-8s %(name)s [%(request_id)s]: %(message)s"


_make_record = logging.getLogRecordFactory()


def _record_with_request_id(*args: Any, **kwargs: Any) -> logging.LogRecord:
    """Every record, whichever handler takes it (pytest's caplog too), knows its request."""
    record = _make_record(*args, **kwargs)
    context = REQUEST.get()
    record.request_id = context.request_id if context else "-"
    return record


# What every access record shares, taken from one LogRecord that LogRecord itself made, so
# that it has all the attributes this Python's records have (configure_logging fills it).
_ACCESS_RECORD: dict[str, Any] = {}


def _access_record(message: str, request_id: str) -> logging.LogRecord:
    """What our record factory would make, without LogRecord.__init__'s steps, which find a
    file and module name for a record that has none: half of an access record's cost."""
    record = logging.LogRecord.__new__(logging.LogRecord)
    now = time.time()
    since_template = (now - _ACCESS_RECORD["created"]) * 1000
    record.__dict__.update(
        _ACCESS_RECORD,
        msg=message,
        created=now,
        msecs=int((now - int(now)) * 1000) + 0.0,
        relativeCreated=_ACCESS_RECORD["relativeCreated"] + since_template,
        request_id=request_id,
    )
    return record


def log_access(
    method: str, path: str, status: int, duration_ms: float, user_id: int | None
) -> None:
    """The access record of one request, made for the cost of one record.

    `Logger.info` would also walk the stack to find its caller and check each `extra` key:
    work on every request that an access record, which has no source line, does not need.
    """
    if access_logger.isEnabledFor(logging.INFO):
        user = "-" if user_id is None else user_id
        message = f"{method} {path} {status} {duration_ms:.2f}ms user={user}"
        factory = logging.getLogRecordFactory()
        if factory is _record_with_request_id:
            context = REQUEST.get()
            record = _access_record(message, context.request_id if context else "-")
        else:  # another factory was installed over ours: it decides what a record holds
            record = factory(access_logger.name, logging.INFO, "", 0, message, None, None)
        record.__dict__.update(
            method=method, path=path, status=status, duration_ms=duration_ms, user_id=user_id
        )
        access_logger.handle(record)


class TextFormatter(logging.Formatter):
    """Lines for people; the date and time are formatted once a second, not once a line."""

    def __init__(self) -> None:
        super().__init__(TEXT_FORMAT)
        self._second = (-1, "")  # one tuple, so that threads never see half an update

    def format(self, record: logging.LogRecord) -> str:
        """A record without a traceback or stack in one step: Formatter's takes six calls."""
        if record.exc_info or record.exc_text or record.stack_info:
            return super().format(record)
        record.message = record.getMessage()
        record.asctime = self.formatTime(record)
        return TEXT_FORMAT % record.__dict__

    def formatTime(self, record: logging.LogRecord, datefmt: str | None = None) -> str:  # noqa: N802
        second, text = self._second
        if int(record.created) != second:
            second = int(record.created)
            text = time.strftime("%Y-%m-%d %H:%M:%S", self.converter(second))
            self._second = (second, text)
        return "%s,%03d" % (text, record.msecs)  # noqa: UP031 (faster than an f-string here)


class JsonFormatter(logging.Formatter):
    # One encoder for every line: json.dumps with an option builds a new one each call.
    _encode = json.JSONEncoder(default=str).encode

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
        return self._encode(entry)


def configure_logging(level: str, log_format: str = "text") -> None:
    logging.setLogRecordFactory(_record_with_request_id)
    # No line shows the thread or process that wrote it, so records do not look them up: in
    # an event loop the thread is always the same, and the process id is a system call.
    logging.logThreads = logging.logMultiprocessing = logging.logProcesses = False
    template = logging.LogRecord(access_logger.name, logging.INFO, "", 0, "", None, None)
    _ACCESS_RECORD.update(template.__dict__)
    logging.config.dictConfig(
        {
            "version": 1,
            "disable_existing_loggers": False,
            "formatters": {
                "text": {"()": TextFormatter},
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
