"""Refuse an upload over its limit as it arrives, never after it has been received.

The upload endpoints (an 834, a monthly report, an extract, a case file) take files far larger
than a JSON body, so they are exempt from :mod:`.body_limit`; this middleware is their limit.
A body is refused with 413:

- from ``Content-Length``, when the caller announces more than the endpoint can take, before
  a byte of it is read (the server then closes the connection rather than drain the body);
- else by counting while it streams (chunked bodies): the receive channel raises as soon as
  the count passes the limit, so the route stops reading there, at most one chunk beyond it.

The limit is per file (``max_upload_bytes``). A multipart body is watched part by part with
python-multipart's own parser as it streams past (the route's parser still does the real
parsing), so one file over the limit is cut off as it arrives, not after the whole form has
been spooled; the body as a whole may carry each of the endpoint's files plus a small
allowance for its text fields. Answers name the form field, never what the caller sent.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from python_multipart.exceptions import MultipartParseError
from python_multipart.multipart import MultipartParser, parse_options_header
from starlette.exceptions import HTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from .problems import FieldError, problem


@dataclass(frozen=True)
class Upload:
    """An upload endpoint: its path and the names of its file fields (none: the file is the
    whole body, as for a case import)."""

    path: str
    files: tuple[str, ...] = ()

    @property
    def file_count(self) -> int:
        return max(1, len(self.files))


class UploadTooLarge(HTTPException):
    """413 naming the field that is too large; the connection is closed after the answer so
    the server does not go on receiving the rest of the body."""

    def __init__(self, field: str, limit: int) -> None:
        what = "the body" if field == "(body)" else f"the file {field}"
        super().__init__(413, f"{what} exceeds {limit} bytes", headers={"Connection": "close"})
        self.field = field


class PartCounter:
    """The size of each part of a multipart body, counted as the body streams past."""

    def __init__(self, boundary: bytes, names: tuple[str, ...], limit: int) -> None:
        self.names = names
        self.limit = limit
        self.size = 0
        self.field = "(body)"
        self.over: str | None = None
        self._header_name = b""
        self._header_value = b""
        self._parser: MultipartParser | None = MultipartParser(
            boundary,
            {
                "on_part_begin": self._begin,
                "on_part_data": self._data,
                "on_header_field": self._header_field,
                "on_header_value": self._header_value_part,
                "on_header_end": self._header_end,
            },
        )

    def feed(self, chunk: bytes) -> None:
        """Count ``chunk``; a body python-multipart cannot parse is left to the route's parser
        to refuse (the total limit still holds)."""
        if self._parser is None:
            return
        try:
            self._parser.write(chunk)
        except MultipartParseError:
            self._parser = None

    def _begin(self) -> None:
        self.size = 0
        self.field = "(body)"

    def _data(self, data: bytes, start: int, end: int) -> None:
        self.size += end - start
        if self.size > self.limit and self.over is None:
            self.over = self.field

    def _header_field(self, data: bytes, start: int, end: int) -> None:
        self._header_name += data[start:end]

    def _header_value_part(self, data: bytes, start: int, end: int) -> None:
        self._header_value += data[start:end]

    def _header_end(self) -> None:
        if self._header_name.lower() == b"content-disposition":
            _, options = parse_options_header(self._header_value)
            name = options.get(b"name", b"").decode("latin-1")
            self.field = name if name in self.names else "(body)"  # never echo another name
        self._header_name = b""
        self._header_value = b""


class UploadLimitMiddleware:
    """Per-file upload limits on the endpoints in ``uploads``; other paths pass untouched.
    ``form_allowance``: bytes a multipart body may carry besides its files (text fields,
    part headers)."""

    def __init__(
        self, app: ASGIApp, uploads: tuple[Upload, ...], max_bytes: int, form_allowance: int
    ) -> None:
        self.app = app
        self.uploads: Mapping[str, Upload] = {u.path: u for u in uploads}
        self.max_bytes = max_bytes
        self.form_allowance = form_allowance

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        upload = self.uploads.get(scope["path"].rstrip("/")) if scope["type"] == "http" else None
        if upload is None:
            await self.app(scope, receive, send)
            return
        allowed = upload.file_count * self.max_bytes + (self.form_allowance if upload.files else 0)
        declared = content_length(scope)
        if declared is not None and declared > allowed:
            await _refuse(scope, send, UploadTooLarge("(body)", allowed))
            return
        counter = _part_counter(scope, upload, self.max_bytes)
        received = 0

        async def counted() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                chunk = message.get("body", b"")
                received += len(chunk)
                if received > allowed:
                    raise UploadTooLarge("(body)", allowed)
                if counter is not None:
                    counter.feed(chunk)
                    if counter.over is not None:
                        raise UploadTooLarge(counter.over, self.max_bytes)
            return message

        await self.app(scope, counted, send)


def content_length(scope: Scope) -> int | None:
    for name, value in scope.get("headers", ()):
        if name == b"content-length":
            try:
                return int(value)
            except ValueError:
                return None  # the server refuses a malformed length before we are called
    return None


def _part_counter(scope: Scope, upload: Upload, limit: int) -> PartCounter | None:
    """A counter for a multipart body with a boundary; None for any other body (its total
    is its one file)."""
    if not upload.files:
        return None
    for name, value in scope.get("headers", ()):
        if name == b"content-type":
            kind, options = parse_options_header(value)
            boundary = options.get(b"boundary")
            if kind == b"multipart/form-data" and boundary:
                return PartCounter(boundary, upload.files, limit)
    return None


async def _refuse(scope: Scope, send: Send, error: UploadTooLarge) -> None:
    """Answer before reading the body (problem details, as the route's handler would)."""
    response = problem(
        413,
        "Request body too large",
        str(error.detail),
        [FieldError(field=error.field, message="too large")],
        scope["path"],
        dict(error.headers or {}),
    )

    async def nothing() -> Message:
        return {"type": "http.disconnect"}

    await response(scope, nothing, send)
