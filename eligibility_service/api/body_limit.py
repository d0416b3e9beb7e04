"""Reject request bodies over a size limit before the application sees them.

A pure ASGI middleware: it checks Content-Length up front, then reads the (possibly chunked)
body itself, up to the limit, and hands the application one buffered message. A body over the
limit is answered with 413 without ever being held whole, however it was sent.
"""

from __future__ import annotations

import json

from starlette.types import ASGIApp, Message, Receive, Scope, Send


class BodyLimitMiddleware:
    """``streamed``: path prefixes of upload endpoints, which read their body as a stream
    and enforce their own (larger) limit; their bodies are passed through unbuffered."""

    def __init__(self, app: ASGIApp, max_bytes: int, streamed: tuple[str, ...] = ()) -> None:
        self.app = app
        self.max_bytes = max_bytes
        self.streamed = streamed

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or (self.streamed and scope["path"].startswith(self.streamed)):
            await self.app(scope, receive, send)
            return
        for name, value in scope.get("headers", ()):
            if name == b"content-length":
                try:
                    declared = int(value)
                except ValueError:
                    declared = 0
                if declared > self.max_bytes:
                    await self._reject(send)
                    return
        chunks: list[bytes] = []
        size = 0
        while True:
            message = await receive()
            if message["type"] != "http.request":
                # client went away: let the app see the disconnect as usual
                await self.app(scope, _replay([message], receive), send)
                return
            body = message.get("body", b"")
            size += len(body)
            if size > self.max_bytes:
                await self._reject(send)
                return
            chunks.append(body)
            if not message.get("more_body", False):
                break
        buffered: Message = {"type": "http.request", "body": b"".join(chunks), "more_body": False}
        await self.app(scope, _replay([buffered], receive), send)

    async def _reject(self, send: Send) -> None:
        body = json.dumps(
            {
                "type": "https://etf-eligibility.example/problems/413",
                "title": "Request body too large",
                "status": 413,
                "detail": f"The body exceeds {self.max_bytes} bytes.",
                "instance": None,
                "errors": [{"field": "(body)", "message": "too large"}],
            }
        ).encode()
        await send(
            {
                "type": "http.response.start",
                "status": 413,
                "headers": [
                    (b"content-type", b"application/problem+json"),
                    (b"content-length", str(len(body)).encode()),
                    (b"connection", b"close"),
                ],
            }
        )
        await send({"type": "http.response.body", "body": body})


def _replay(messages: list[Message], receive: Receive) -> Receive:
    pending = list(messages)

    async def replay() -> Message:
        if pending:
            return pending.pop(0)
        return await receive()

    return replay
