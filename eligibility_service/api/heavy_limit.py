"""At most N heavy requests of one client at a time, across every worker of the service.

A replay, a Full File Compare validated against the implementation guide, or a large upload
takes seconds to minutes of CPU; a caller that sends several at once would take every core
and stall everyone's decisions. Each client (the token's client id) gets
``heavy_requests_per_client`` slots; a heavy request beyond them is refused at once with 429
and ``Retry-After``, before its body is read, and the caller retries later.

The slots are ``flock`` locks on small files in the data folder, one file per slot per client
(named by a hash of the client id): the workers are separate processes, and a lock is released
by the kernel when the request ends or its process dies, so a killed worker never leaks a slot.
"""

from __future__ import annotations

import fcntl
import hashlib
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from ..security.principal import ANONYMOUS, Principal
from .problems import FieldError, problem
from .upload_limit import content_length

RETRY_AFTER_SECONDS = 10
TOO_MANY: dict[int | str, dict[str, Any]] = {
    429: {
        "description": "This client already runs as many heavy requests as it may; retry later",
        "headers": {
            "Retry-After": {"description": "Seconds to wait", "schema": {"type": "integer"}}
        },
    }
}
"""The OpenAPI response of a route that can be heavy."""
TRUE = ("1", "true", "on", "yes", "t", "y")  # what FastAPI reads as a true bool query value


def heavy_request(uploads: tuple[str, ...], small_body: int) -> Callable[[Scope], bool]:
    """Whether a request is heavy: a replay, a validated FFC, or an upload to one of
    ``uploads`` that is larger than ``small_body`` bytes or of unannounced length."""

    def heavy(scope: Scope) -> bool:
        if scope["method"] != "POST":
            return False
        path = scope["path"].rstrip("/")
        if path == "/v1/replay":
            return True
        if path == "/v1/reconciliation/ffc":
            query = parse_qs(scope.get("query_string", b"").decode("latin-1"))
            if any(v.lower() in TRUE for v in query.get("validate", ())):
                return True
        if path in uploads:
            length = content_length(scope)
            return length is None or length > small_body
        return False

    return heavy


class Slots:
    """``per_client`` slots for each client, as lock files under ``folder``."""

    def __init__(self, folder: Path, per_client: int) -> None:
        self.folder = folder
        self.per_client = per_client

    def take(self, client_id: str) -> int | None:
        """An open descriptor holding one of the client's slots, or None if all are taken."""
        self.folder.mkdir(mode=0o700, parents=True, exist_ok=True)
        name = hashlib.sha256(client_id.encode()).hexdigest()[:32]
        for slot in range(self.per_client):
            fd = os.open(self.folder / f"{name}.{slot}", os.O_RDWR | os.O_CREAT, 0o600)
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                os.close(fd)
                continue
            return fd
        return None

    @staticmethod
    def give_back(fd: int) -> None:
        os.close(fd)  # closing the descriptor releases its lock


class HeavyRequestLimitMiddleware:
    """Runs after the access check (it needs the caller's client id), before any body is
    read."""

    def __init__(self, app: ASGIApp, is_heavy: Callable[[Scope], bool], slots: Slots) -> None:
        self.app = app
        self.is_heavy = is_heavy
        self.slots = slots

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or not self.is_heavy(scope):
            await self.app(scope, receive, send)
            return
        principal: Principal = scope.get("state", {}).get("principal") or ANONYMOUS
        held = self.slots.take(principal.client_id)
        if held is None:
            await _too_many(scope, send, self.slots.per_client)
            return
        try:
            await self.app(scope, receive, send)
        finally:
            self.slots.give_back(held)


async def _too_many(scope: Scope, send: Send, per_client: int) -> None:
    response = problem(
        429,
        "Too many heavy requests",
        f"this client already has {per_client} heavy request(s) running (replay, validated "
        "compare or large upload); retry after the one running has finished",
        [FieldError(field="(request)", message="too many at once for this client")],
        scope["path"],
        # close: the server must not go on receiving a large body nobody will read
        {"Retry-After": str(RETRY_AFTER_SECONDS), "Connection": "close"},
    )

    async def nothing() -> Message:
        return {"type": "http.disconnect"}

    await response(scope, nothing, send)
