"""One log format for the whole process: structlog renders every line, stdlib's included.

The service's modules log with the standard ``logging`` module, and so do uvicorn, SQLAlchemy
and the rest. Instead of teaching each of them a format, the root logger gets one handler
whose formatter is structlog's :class:`~structlog.stdlib.ProcessorFormatter`: a stdlib record
and a structlog event go through the same processors and come out alike, as JSON lines
(``json``, for log shippers) or readable lines (``console``, the default for ``make run``).

Every line has ``timestamp`` (UTC, ISO 8601), ``level``, ``logger``, ``event`` and ``pid``
(``serve --workers N`` runs N processes writing to one stream); a line
logged while a request is being answered also has its ``request_id`` (from a context
variable the request middleware sets), so an error line can be joined to its access line.

Exceptions are rendered as their type and where they were raised, never with their message
or a full traceback: a message can quote what a caller sent (a birth date, an SSN), and the
rule for this service is that logs say where, never what.
"""

from __future__ import annotations

import logging
import os
import sys
import traceback
from collections.abc import MutableMapping
from contextvars import ContextVar
from types import TracebackType
from typing import Any, Literal, TextIO

import orjson
import structlog
from structlog.typing import EventDict, Processor, WrappedLogger

LogFormat = Literal["console", "json"]
LogLevel = Literal["debug", "info", "warning", "error"]

request_id_var: ContextVar[str | None] = ContextVar("request_id", default=None)
"""The id of the request being answered in this context (set by the request middleware)."""

_HANDLER_NAME = "eligibility-service"
_FRAMES = 5


def add_request_id(_logger: WrappedLogger, _method: str, event: EventDict) -> EventDict:
    """Put the current request's id on lines logged while answering it."""
    if "request_id" not in event:
        request_id = request_id_var.get()
        if request_id is not None:
            event["request_id"] = request_id
    return event


def add_pid(_logger: WrappedLogger, _method: str, event: EventDict) -> EventDict:
    """The process id: ``serve --workers N`` runs N processes writing to one stream."""
    event["pid"] = os.getpid()
    return event


def safe_exception(_logger: WrappedLogger, _method: str, event: EventDict) -> EventDict:
    """Replace ``exc_info`` by the exception's type and its last frames (file:line in
    function); the message is dropped because it may quote request data."""
    exc_info = event.pop("exc_info", None)
    if not exc_info:
        return event
    exc: BaseException | None
    if isinstance(exc_info, BaseException):
        exc = exc_info
    elif isinstance(exc_info, tuple):
        exc = exc_info[1]
    else:  # True: the exception being handled
        exc = sys.exc_info()[1]
    if exc is not None:
        event["exception"] = describe_exception(exc.__class__, exc.__traceback__)
    return event


def describe_exception(kind: type[BaseException], tb: TracebackType | None) -> str:
    """``KeyError at engine.py:120 in evaluate <- ...``: type and innermost frames only."""
    frames = traceback.extract_tb(tb)[-_FRAMES:] if tb is not None else []
    where = " <- ".join(
        f"{f.filename.rsplit('/', 1)[-1]}:{f.lineno} in {f.name}" for f in reversed(frames)
    )
    return f"{kind.__name__} at {where}" if where else kind.__name__


_FIRST = ("timestamp", "level", "logger", "event")


def _json_dumps(event: MutableMapping[str, Any], **_kw: Any) -> str:
    """One line; the common keys first, so a person reading the raw lines finds them."""
    ordered = {key: event.pop(key) for key in _FIRST if key in event}
    ordered.update(event)
    return orjson.dumps(ordered, default=str).decode()


_SHARED: list[Processor] = [
    structlog.stdlib.add_log_level,
    structlog.stdlib.add_logger_name,
    structlog.processors.TimeStamper(fmt="iso", utc=True, key="timestamp"),
    add_request_id,
    add_pid,
]


def formatter(fmt: LogFormat) -> logging.Formatter:
    """The formatter of every handler: JSON lines or readable console lines."""
    renderer: Processor = (
        structlog.processors.JSONRenderer(serializer=_json_dumps)
        if fmt == "json"
        else structlog.dev.ConsoleRenderer(colors=False, exception_formatter=_no_traceback)
    )
    return structlog.stdlib.ProcessorFormatter(
        foreign_pre_chain=_SHARED,
        processors=[
            structlog.stdlib.ProcessorFormatter.remove_processors_meta,
            safe_exception,
            renderer,
        ],
    )


def _no_traceback(_sio: TextIO, _exc_info: Any) -> None:
    """Console lines never carry a traceback either (``safe_exception`` says where)."""


def _route_structlog_to_stdlib() -> None:
    """structlog loggers hand their events to stdlib logging, which owns levels and
    handlers; done at import so a structlog logger used anywhere (tests included) never
    prints on its own."""
    structlog.configure(
        processors=[
            structlog.stdlib.filter_by_level,
            *_SHARED,
            structlog.stdlib.ProcessorFormatter.wrap_for_formatter,
        ],
        logger_factory=structlog.stdlib.LoggerFactory(),
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
