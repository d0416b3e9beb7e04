"""Telling every worker of a server to reload, and the thread that listens.

An admin request reaches one worker process; the others must end up on the same rule sets.
The worker that reloaded successfully writes a new token to a small file in the data folder
(``rule-sets.generation``); every worker's :class:`ReloadWatcher` thread reads that file once
a second (a read of a few bytes, off the request path) and reloads when the token is not the
one it last saw. A refused reload announces nothing, so the others keep their good set. The
supervisor of a multi-worker server announces on SIGHUP the same way.

The same thread does the reload SIGHUP asks for in its own process: the signal handler only
sets a flag, and the loading (seconds of CPU) happens here, never in the event loop.
"""

from __future__ import annotations

import logging
import os
import secrets
import threading
import time
from pathlib import Path

from .rule_reload import ReloadRefused, RuleSetReloader

log = logging.getLogger(__name__)
GENERATION_FILE = "rule-sets.generation"


class ReloadAnnouncements:
    """The generation file: whoever reloads successfully writes a new token to it."""

    def __init__(self, data_dir: Path) -> None:
        self.path = data_dir / GENERATION_FILE

    def current(self) -> str | None:
        try:
            return self.path.read_text(encoding="utf-8").strip() or None
        except FileNotFoundError:
            return None
        except OSError as exc:
            log.warning("cannot read %s: %s", self.path.name, exc)
            return None

    def announce(self, token: str | None = None) -> str:
        """Write a new token (atomically: a reader sees the old one or the new one)."""
        token = token or new_token()
        self.path.parent.mkdir(parents=True, exist_ok=True)
        partial = self.path.with_name(f".{self.path.name}.{os.getpid()}.tmp")
        partial.write_text(token + "\n", encoding="utf-8")
        os.replace(partial, self.path)
        return token


def new_token() -> str:
    return f"{time.time_ns()}-{os.getpid()}-{secrets.token_hex(4)}"


class ReloadWatcher:
    """One thread per worker process: reloads on SIGHUP and on another worker's
    announcement.

    ``seen`` is the token read before the process loaded its rule sets, so an announcement
    made while it was starting is not missed. ``interval`` 0 checks for announcements never
    (SIGHUP still works)."""

    def __init__(
        self,
        reloader: RuleSetReloader,
        announcements: ReloadAnnouncements,
        seen: str | None,
        interval: float,
    ) -> None:
        self.reloader = reloader
        self.announcements = announcements
        self.interval = interval
        self._seen = seen
        self._lock = threading.Lock()
        self._wake = threading.Event()
        self._requested = False
        self._stopping = False
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        if self._thread is None:
            self._stopping = False
            self._thread = threading.Thread(target=self._run, name="rule-set-reload", daemon=True)
            self._thread.start()

    def stop(self, timeout: float = 5.0) -> None:
        thread, self._thread = self._thread, None
        if thread is not None:
            self._stopping = True
            self._wake.set()
            thread.join(timeout)

    def request(self) -> None:
        """Ask for a reload of this process (called from the event loop on SIGHUP)."""
        self._requested = True
        self._wake.set()

    def announce(self) -> str:
        """Tell the other workers to reload (this one has: it will not reload again)."""
        with self._lock:
            token = new_token()
            self._seen = token
            return self.announcements.announce(token)

    def check(self) -> bool:
        """Whether another process has announced a reload since this one last looked (it
        is then taken as seen)."""
        with self._lock:
            now = self.announcements.current()
            if now == self._seen:
                return False
            self._seen = now
            return now is not None

    def _run(self) -> None:
        while True:
            self._wake.wait(self.interval if self.interval > 0 else None)
            self._wake.clear()
            if self._stopping:
                return
            if self._requested:
                self._requested = False
                self.check()  # a SIGHUP to the whole process group also made an announcement
                self._reload("SIGHUP")
            elif self.interval > 0 and self.check():
                self._reload("announced reload")

    def _reload(self, trigger: str) -> None:
        try:
            self.reloader.reload(trigger)
        except ReloadRefused:
            pass  # reload() has logged every problem; the good set stays in service
        except Exception as exc:  # the thread must outlive a loader bug
            log.error("rule-set reload failed (%s): %s: %s", trigger, type(exc).__name__, exc)
