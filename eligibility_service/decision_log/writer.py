"""Write the decision log on a background thread, in batches, without ever failing a decision.

The request path appends a :class:`~.record.PendingDecision` to an in-memory queue and
returns. One thread per process turns pending decisions into rows (serialise, encrypt, hash)
and inserts them in batches. When the database cannot be written, the batch stays queued and
is retried with a growing pause; the attempt is counted and the last error kept for
``GET /v1/decision-log/status``. Only when the queue is full (``max_pending``), or when the
process stops while the database is still down, are records lost, and those are counted as
``dropped`` rather than hidden.

The same events move the process's Prometheus metrics (queue depth, written, write failures,
dropped) where they happen: each worker process has its own writer, and the metrics' files
are summed across workers at a scrape, which a collector reading this writer could not do.
"""

from __future__ import annotations

import logging
import threading
import time
from collections import deque
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import insert

from .. import metrics
from ..store.store import Store
from ..store.tables import DecisionLogEntry
from .record import PendingDecision, to_row

log = logging.getLogger(__name__)


@dataclass
class WriterStats:
    recorded: int = 0
    dropped: int = 0
    write_failures: int = 0
    last_error: str | None = None
    last_error_at: datetime | None = None
    last_write_at: datetime | None = None

    def as_dict(self, pending: int, enabled: bool) -> dict[str, Any]:
        return {
            "enabled": enabled,
            "durability": "after_answer",
            "healthy": self.last_error_at is None
            or (self.last_write_at is not None and self.last_write_at > self.last_error_at),
            "recorded": self.recorded,
            "pending": pending,
            "dropped": self.dropped,
            "write_failures": self.write_failures,
            "last_error": self.last_error,
            "last_error_at": self.last_error_at.isoformat() if self.last_error_at else None,
            "last_write_at": self.last_write_at.isoformat() if self.last_write_at else None,
        }


def describe_error(exc: BaseException) -> str:
    """The error without statement parameters (they could be anything a caller sent)."""
    orig = getattr(exc, "orig", None)
    text = str(orig if orig is not None else exc).splitlines()[0] if str(exc) else ""
    return f"{type(orig if orig is not None else exc).__name__}: {text}"[:300]


class DecisionLogWriter:
    def __init__(
        self,
        store: Store,
        batch_size: int = 500,
        flush_seconds: float = 0.2,
        max_pending: int = 100_000,
        max_backoff_seconds: float = 30.0,
    ) -> None:
        self.store = store
        self.batch_size = batch_size
        self.flush_seconds = flush_seconds
        self.max_pending = max_pending
        self.max_backoff_seconds = max_backoff_seconds
        self.stats = WriterStats()
        self._queue: deque[PendingDecision] = deque()
        self._cond = threading.Condition()
        self._closing = False
        """close() has begun: write what is queued without waiting, until the deadline."""
        self._closed = False
        """close() has ended: nothing more will be written."""
        self._deadline = float("inf")
        self._in_flight = 0
        """Decisions taken off the queue and not yet known to be written."""
        self._thread = threading.Thread(target=self._run, name="decision-log", daemon=True)
        self._thread.start()

    # request path -----------------------------------------------------------------------
    def record(self, pending: PendingDecision) -> None:
        """Queue a decision; never blocks on the database, never raises."""
        with self._cond:
            if self._closed or len(self._queue) >= self.max_pending:
                self.stats.dropped += 1
                metrics.DECISION_LOG_DROPPED.inc()
                if self._closed:
                    log.error("decision log: a decision arrived after the log was closed")
                return
            self._queue.append(pending)
            metrics.DECISION_LOG_PENDING.inc()
            if len(self._queue) >= self.batch_size or self._closing:
                self._cond.notify()

    def status(self, enabled: bool = True) -> dict[str, Any]:
        with self._cond:
            return self.stats.as_dict(len(self._queue) + self._in_flight, enabled)

    # lifecycle --------------------------------------------------------------------------
    def flush(self, timeout: float = 10.0) -> bool:
        """Wait until everything queued so far is written (or ``timeout``); True if it was."""
        deadline = time.monotonic() + timeout
        with self._cond:
            self._cond.notify()
            while self._queue or self._in_flight:
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    return False
                self._cond.wait(min(remaining, 0.05))
                self._cond.notify()
        return True

    def close(self, timeout: float = 10.0) -> int:
        """Write everything queued (decisions still arriving included) within ``timeout``
        seconds, then stop; returns how many decisions were not written.

        Called at shutdown, once the server has stopped taking requests: every decision
        answered so far is in the queue, and this is the last chance to write it. What is
        still queued at the deadline, or was being written and not confirmed, is counted
        as dropped and logged with its number (never silently lost)."""
        with self._cond:
            if self._closing:
                return 0
            queued = len(self._queue) + self._in_flight
            self._closing = True
            self._deadline = time.monotonic() + timeout
            self._cond.notify_all()
        self._thread.join(timeout=max(self._deadline - time.monotonic(), 0.0))
        with self._cond:
            self._closed = True
            lost = len(self._queue) + self._in_flight
            self._queue.clear()
            self.stats.dropped += lost
            metrics.DECISION_LOG_DROPPED.inc(lost)
            metrics.DECISION_LOG_PENDING.dec(lost)
            last_error = self.stats.last_error
            self._cond.notify_all()
        if lost:
            log.error(
                "decision log: %d decisions not written at shutdown (within %.1f s; last "
                "error: %s)",
                lost,
                timeout,
                last_error or "none, the database was too slow",
            )
        else:
            log.info("decision log closed: %d queued decisions written at shutdown", queued)
        return lost

    # writer thread ----------------------------------------------------------------------
    def _take(self) -> list[PendingDecision] | None:
        with self._cond:
            if not self._queue and not self._closing:
                self._cond.wait(self.flush_seconds)
            if self._closing and (not self._queue or time.monotonic() >= self._deadline):
                return None  # all written, or out of time: close() counts what is left
            n = min(len(self._queue), self.batch_size)
            batch = [self._queue.popleft() for _ in range(n)]
            self._in_flight = n
            return batch

    def _run(self) -> None:
        failures_in_a_row = 0
        while True:
            batch = self._take()
            if batch is None:
                return
            if not batch:
                continue
            try:
                rows = [to_row(p, self.store.protector) for p in batch]
                with self.store.engine.begin() as connection:
                    connection.execute(insert(DecisionLogEntry), rows)
            except Exception as exc:
                failures_in_a_row += 1
                self._failed(batch, exc)
                pause = min(0.25 * 2**failures_in_a_row, self.max_backoff_seconds)
                with self._cond:
                    if self._closing:  # keep trying until close()'s deadline, not past it
                        pause = min(pause, 1.0, max(self._deadline - time.monotonic(), 0.0))
                    if pause > 0:
                        self._cond.wait(pause)
                continue
            failures_in_a_row = 0
            with self._cond:
                if not self._closed:  # after close() it was counted as not written
                    metrics.DECISION_LOG_WRITTEN.inc(len(batch))
                    metrics.DECISION_LOG_PENDING.dec(len(batch))
                    self.stats.recorded += len(batch)
                    self.stats.last_write_at = datetime.now(UTC)
                    self._in_flight = 0
                self._cond.notify_all()

    def _failed(self, batch: list[PendingDecision], exc: BaseException) -> None:
        message = describe_error(exc)
        log.warning("decision log: writing %d decisions failed: %s", len(batch), message)
        with self._cond:
            self.stats.write_failures += 1
            self.stats.last_error = message
            self.stats.last_error_at = datetime.now(UTC)
            self._in_flight = 0
            metrics.DECISION_LOG_WRITE_FAILURES.inc()
            if self._closed:
                return  # close() has counted these as not written
            room = self.max_pending - len(self._queue)
            keep = batch[:room] if room > 0 else []
            self.stats.dropped += len(batch) - len(keep)
            self._queue.extendleft(reversed(keep))
            metrics.DECISION_LOG_DROPPED.inc(len(batch) - len(keep))
            metrics.DECISION_LOG_PENDING.dec(len(batch) - len(keep))
