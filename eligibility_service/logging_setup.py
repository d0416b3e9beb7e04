"""One log format for the whole process: structlog renders every line, stdlib's included.

The service's modules log with the standard ``logging`` module, and so do uvicorn, SQLAlchemy
and the rest. Instead of teaching each of them a format, the root logger gets one handler
whose :class:`LineFormatter` turns any record into an event and hands it to a structlog
renderer: JSON lines (``json``, for log shippers) or readable lines (``console``, the default
for ``make run``). structlog loggers are routed into stdlib logging (see
:func:`_route_structlog_to_stdlib`), so their events come out the same way.

Every line has ``timestamp`` (UTC, ISO 8601), ``level``, ``logger``, ``event`` and ``pid``
(``serve --workers N`` runs N processes writing to one stream); a line logged while a request
is being answered also has its ``request_id`` (from a context variable the request middleware
sets), so an error line can be joined to its access line. A record whose message is a dict
(the access line; structlog events) contributes its keys as fields.

Exceptions are rendered as their type and where they were raised, never with their message
or a full traceback: a message can quote what a caller sent (a birth date, an SSN), and the
rule for this service is that logs say where, never what.

Why not structlog's own ``ProcessorFormatter``: it copies every record and runs a generic
processor chain, about 60 microseconds a line on this project's machine, and the access line
is written once per decision; :class:`LineFormatter` does the same job in a fraction of that.
"""

from __future__ import annotations

import logging
import os
import sys
import threading
import time
import traceback
from collections.abc import Callable, MutableMapping
from contextvars import ContextVar
from types import TracebackType
from typing import Any, Literal, TextIO

import orjson
import structlog
from structlog.typing import EventDict

LogFormat = Literal["console", "json"]
LogLevel = Literal["debug", "info", "warning", "error"]

request_id_var: ContextVar[str | None] = ContextVar("request_id", default=None)
"""The id of the request being answered in this context (set by the request middleware)."""

_HANDLER_NAME = "eligibility-service"
_FRAMES = 5


def describe_exception(kind: type[BaseException], tb: TracebackType | None) -> str:
    """``KeyError at engine.py:120 in evaluate <- ...``: type and innermost frames only."""
    frames = traceback.extract_tb(tb)[-_FRAMES:] if tb is not None else []
    where = " <- ".join(
        f"{f.filename.rsplit('/', 1)[-1]}:{f.lineno} in {f.name}" for f in reversed(frames)
    )
    return f"{kind.__name__} at {where}" if where else kind.__name__


def _exception_of(exc_info: Any) -> BaseException | None:
    if isinstance(exc_info, BaseException):
        return exc_info
    if isinstance(exc_info, tuple):
        found = exc_info[1]
        return found if isinstance(found, BaseException) else None
    return sys.exc_info()[1] if exc_info else None  # True: the exception being handled


class _Clock:
    """``2026-12-07T22:08:04.299260Z`` from a record's time; the part up to the second is
    formatted once a second, not once a line."""

    def __init__(self) -> None:
        self.second = -1
        self.prefix = ""

    def iso(self, created: float) -> str:
        second = int(created)
        if second != self.second:
            self.prefix = time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(second))
            self.second = second
        return f"{self.prefix}.{int((created - second) * 1_000_000):06d}Z"


def _json_dumps(event: MutableMapping[str, Any], **_kw: Any) -> str:
    return orjson.dumps(event, default=str).decode()


def _no_traceback(_sio: TextIO, _exc_info: Any) -> None:
    """Console lines never carry a traceback either (the ``exception`` field says where)."""


class LineFormatter(logging.Formatter):
    """A record as an event (common fields first, then its own), rendered by structlog."""

    def __init__(self, fmt: LogFormat) -> None:
        super().__init__()
        self.renderer: Callable[[Any, str, EventDict], str | bytes] = (
            structlog.processors.JSONRenderer(serializer=_json_dumps)
            if fmt == "json"
            else structlog.dev.ConsoleRenderer(colors=False, exception_formatter=_no_traceback)
        )
        self.clock = _Clock()

    def format(self, record: logging.LogRecord) -> str:
        message = record.msg
        event: dict[str, Any] = {
            "timestamp": self.clock.iso(record.created),
            "level": _LEVEL_NAMES.get(record.levelno) or record.levelname.lower(),
            "logger": record.name,
        }
        exc_info: Any = record.exc_info
        if type(message) is dict:
            event.update(message)
            if "exc_info" in event:  # a structlog event: log.exception(...)
                exc_info = event.pop("exc_info") or exc_info
            if "event" not in event:
                event["event"] = ""
        else:
            event["event"] = record.getMessage()
        event["pid"] = record.process
        if "request_id" not in event:
            request_id = request_id_var.get()
            if request_id is not None:
                event["request_id"] = request_id
        if exc_info:
            exception = _exception_of(exc_info)
            if exception is not None:
                event["exception"] = describe_exception(type(exception), exception.__traceback__)
        rendered = self.renderer(None, event["level"], event)
        return rendered if isinstance(rendered, str) else rendered.decode()


def make_record(logger: logging.Logger, level: int, message: Any) -> logging.LogRecord:
    """A record for ``logger``, as ``logger.makeRecord`` would make it, for a line written on
    every request (the access line). ``LogRecord.__init__`` works out the same file, module,
    thread and process names for every one of them and was a third of the line's cost; here
    a record made once per logger, process and thread is copied, and only the time, level
    and message are set."""
    key = (logger.name, os.getpid(), threading.get_ident())
    template = _TEMPLATES.get(key)
    if template is None:
        made = logger.makeRecord(logger.name, logging.INFO, __file__, 0, "", (), None)
        template = _TEMPLATES[key] = dict(made.__dict__)
    record = logging.LogRecord.__new__(logging.LogRecord)
    fields = record.__dict__
    fields.update(template)
    now = time.time_ns()
    fields["created"] = created = now / 1e9
    fields["msecs"] = (now % 1_000_000_000) // 1_000_000 + 0.0
    fields["relativeCreated"] = template["relativeCreated"] + (created - template["created"]) * 1e3
    fields["levelno"] = level
    fields["levelname"] = logging.getLevelName(level)
    fields["msg"] = message
    return record


_TEMPLATES: dict[tuple[str, int, int], dict[str, Any]] = {}
_LEVEL_NAMES = {
    logging.DEBUG: "debug",
    logging.INFO: "info",
    logging.WARNING: "warning",
    logging.ERROR: "error",
    logging.CRITICAL: "critical",
}


def formatter(fmt: LogFormat) -> logging.Formatter:
    """The formatter of every handler: JSON lines or readable console lines."""
    return LineFormatter(fmt)


def _stdlib_logger(*args: Any) -> logging.Logger:
    """The stdlib logger a structlog logger writes to. Not ``structlog.stdlib.LoggerFactory``:
    that one swaps the class of every stdlib logger created afterwards for one whose
    ``findCaller`` walks the stack for structlog's frames, which made each line of the
    service's own (stdlib) loggers cost about a third more."""
    return logging.getLogger(str(args[0]) if args else None)


def _route_structlog_to_stdlib() -> None:
    """structlog loggers hand their events to stdlib logging, which owns levels, handlers
    and the format; done at import so a structlog logger used anywhere (tests included)
    never prints on its own."""
    structlog.configure(
        processors=[
            structlog.stdlib.filter_by_level,
            structlog.stdlib.ProcessorFormatter.wrap_for_formatter,
        ],
        logger_factory=_stdlib_logger,
        wrapper_class=structlog.stdlib.BoundLogger,
        cache_logger_on_first_use=True,
    )


_route_structlog_to_stdlib()


def configure_logging(
    fmt: LogFormat = "console", level: LogLevel = "info", stream: TextIO | None = None
) -> None:
    """Send every logger's lines to ``stream`` (stderr) in ``fmt``, from ``level`` up.

    Idempotent: called by ``eligibility serve`` and again by the ASGI module in each worker
    process; a second call replaces this module's handler and leaves any other (a test
    harness's) alone. uvicorn's loggers lose their own handlers and propagate to the root,
    so its start-up and error lines come out in the same format.
    """
    root = logging.getLogger()
    for existing in list(root.handlers):
        if existing.get_name() == _HANDLER_NAME:
            root.removeHandler(existing)
    handler = logging.StreamHandler(stream or sys.stderr)
    handler.set_name(_HANDLER_NAME)
    handler.setFormatter(formatter(fmt))
    root.addHandler(handler)
    root.setLevel(level.upper())
    for name in ("uvicorn", "uvicorn.error", "uvicorn.asgi"):
        uvicorn_logger = logging.getLogger(name)
        uvicorn_logger.handlers.clear()
        uvicorn_logger.propagate = True
    access = logging.getLogger("uvicorn.access")  # replaced by our own access lines
    access.handlers.clear()
    access.propagate = False
