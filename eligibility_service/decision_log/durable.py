"""The durable decision log: a caller gets its answer only once the log record is on disk.

Contract (the default, ``ELIGIBILITY_DECISION_LOG_DURABILITY=durable``): when a response
leaves the service, the decision's log record is either in the database or in the local
spool (:mod:`.spool`), written and fsync'd. Two threads per worker:

- the **commit** thread takes every decision waiting, seals them (:func:`~.record.to_row`:
  serialise, encrypt), appends them to this worker's spool segment and fsyncs once for all
  of them (group commit, as databases do for their write-ahead logs); then each waiting
  request answers. Concurrent requests share the fsync, so its cost is spread.
- the **drain** thread copies spooled records into the database in batches, oldest first
  (``ON CONFLICT DO NOTHING`` on the decision id), deletes segments once they are in, and
  takes over the segments of workers that died. When the database is down it backs off
  (capped exponential with jitter) and logs once when the state changes, not per attempt;
  the spool grows meanwhile, bounded by ``max_spool_bytes``.

When the spool is full (or cannot be written) a decision is refused with 503 instead of
answered without a record; ``/ready`` turns 503 at 80 % of the bound, before refusals start.
"""

from __future__ import annotations

import asyncio
import logging
import random
import threading
import time
from collections import deque
from concurrent.futures import Future
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy.dialects import postgresql, sqlite

from .. import metrics
from ..store.store import Store
from ..store.tables import DecisionLogEntry
from .record import PendingDecision, to_row
from .spool import Segment, Spool, decode, delete, encode, frames
from .writer import describe_error

log = logging.getLogger(__name__)

READY_SHARE = 0.8  # /ready says 503 from this share of the spool bound


class LogUnavailable(Exception):
    """The decision cannot be made durable (spool full or unwritable): do not answer it."""


@dataclass
class DurableStats:
    recorded: int = 0  # rows this worker copied to the database
    spooled: int = 0  # records this worker made durable in its spool
    refused: int = 0  # decisions refused because they could not be made durable
    write_failures: int = 0
    database_down_since: datetime | None = None
    last_error: str | None = None
    last_error_at: datetime | None = None
    last_write_at: datetime | None = None
    spool_error: str | None = None
    backlog: tuple[int, int] = (0, 0)  # (segments, bytes) in the spool, every worker's
    orphans_taken: int = 0
    extra: dict[str, Any] = field(default_factory=dict)


class DurableDecisionLog:
    def __init__(
        self,
        store: Store,
        spool_folder: Path,
        max_spool_bytes: int = 1024 * 1024 * 1024,
        batch_size: int = 500,
        segment_bytes: int = 8 * 1024 * 1024,
        max_backoff_seconds: float = 8.0,
        orphan_scan_seconds: float = 5.0,
    ) -> None:
        self.store = store
        self.max_spool_bytes = max_spool_bytes
        self.batch_size = batch_size
        self.max_backoff_seconds = max_backoff_seconds
        self.orphan_scan_seconds = orphan_scan_seconds
        self.spool = Spool(spool_folder, segment_bytes)
        self.stats = DurableStats(backlog=self.spool.usage())
        self._waiting: deque[tuple[PendingDecision, Future[None]]] = deque()
        self._cond = threading.Condition()
        self._spool_lock = threading.Lock()  # appends and rotation of this worker's segment
        self._drain_wake = threading.Event()
        self._sealed: list[Segment] = []  # this worker's full segments and claimed orphans
        self._offsets: dict[Path, int] = {}
        self._closing = False
        self._stop_drain = threading.Event()
        dialect = store.engine.dialect.name
        module = postgresql if dialect == "postgresql" else sqlite
        self._insert = module.insert(DecisionLogEntry).on_conflict_do_nothing(
            index_elements=["decision_id"]
        )
        self._commit_thread = threading.Thread(
            target=self._commit_loop, name="decision-log-commit", daemon=True
        )
        self._drain_thread = threading.Thread(
            target=self._drain_loop, name="decision-log-drain", daemon=True
        )
        self._commit_thread.start()
        self._drain_thread.start()

    # request path ---------------------------------------------------------------------------
    async def record(self, pending: PendingDecision) -> None:
        """Return once the decision's record is durable; raise :class:`LogUnavailable` when it
        cannot be (the caller must then not get the answer)."""
        if self.stats.backlog[1] >= self.max_spool_bytes:
            self.stats.refused += 1
            raise LogUnavailable("the decision log's spool is full")
        done: Future[None] = Future()
        with self._cond:
            if self._closing:
                raise LogUnavailable("the decision log is closing")
            self._waiting.append((pending, done))
            metrics.DECISION_LOG_PENDING.inc()
            self._cond.notify()
        await asyncio.wrap_future(done)

    def ready(self) -> tuple[bool, str | None]:
        """Whether new decisions can be made durable with room to spare, and if not, why."""
        if self.stats.spool_error is not None:
            return False, f"the spool cannot be written: {self.stats.spool_error}"
        used = self.stats.backlog[1]
        if used >= READY_SHARE * self.max_spool_bytes:
            return False, f"the spool holds {used} of at most {self.max_spool_bytes} bytes"
        return True, None

    def status(self, enabled: bool = True) -> dict[str, Any]:
        stats = self.stats
        ok, why = self.ready()
        segments, size = stats.backlog
        return {
            "enabled": enabled,
            "durability": "durable",
            "healthy": ok and stats.database_down_since is None,
            "ready": ok,
            "not_ready_because": why,
            "recorded": stats.recorded,
            "pending": len(self._waiting),
            "dropped": 0,
            "refused": stats.refused,
            "write_failures": stats.write_failures,
            "spool_segments": segments,
            "spool_bytes": size,
            "spool_limit_bytes": self.max_spool_bytes,
            "database_down_since": _iso(stats.database_down_since),
            "last_error": stats.last_error,
            "last_error_at": _iso(stats.last_error_at),
            "last_write_at": _iso(stats.last_write_at),
        }

    # commit thread ----------------------------------------------------------------------------
    def _commit_loop(self) -> None:
        while True:
            with self._cond:
                while not self._waiting and not self._closing:
                    self._cond.wait()
                if not self._waiting and self._closing:
                    return
                n = min(len(self._waiting), self.batch_size)
                batch = [self._waiting.popleft() for _ in range(n)]
            try:
                data = [encode(to_row(p, self.store.protector)) for p, _ in batch]
                with self._spool_lock:
                    self.spool.append(data)
                self.stats.spool_error = None
                segments, size = self.stats.backlog  # the drainer recounts it exactly
                self.stats.backlog = (segments, size + sum(len(d) for d in data))
            except Exception as exc:  # disk full, permissions: refuse rather than lie
                message = describe_error(exc)
                if self.stats.spool_error != message:
                    log.error("decision log: the spool cannot be written: %s", message)
                self.stats.spool_error = message
                self.stats.refused += len(batch)
                for _, done in batch:
                    done.set_exception(LogUnavailable("the decision log cannot be written"))
                metrics.DECISION_LOG_PENDING.dec(len(batch))
                continue
            self.stats.spooled += len(batch)
            metrics.DECISION_LOG_PENDING.dec(len(batch))
            for _, done in batch:
                done.set_result(None)
            self._drain_wake.set()

    # drain thread -----------------------------------------------------------------------------
    def _drain_loop(self) -> None:
        failures = 0
        next_scan = 0.0
        while not self._stop_drain.is_set():
            if time.monotonic() >= next_scan:
                self._take_orphans()
                next_scan = time.monotonic() + self.orphan_scan_seconds
            try:
                moved = self._drain_once()
            except Exception as exc:
                failures += 1
                self._database_failed(exc)
                pause = min(0.25 * 2**failures, self.max_backoff_seconds)
                self._stop_drain.wait(random.uniform(pause / 2, pause))
                continue
            if failures or self.stats.database_down_since is not None:
                self._database_back()
            failures = 0
            self.stats.backlog = self.spool.usage()
            if not moved:
                self._drain_wake.wait(0.2)
                self._drain_wake.clear()

    def _drain_once(self) -> int:
        """Copy one batch of spooled records to the database; returns how many."""
        with self._spool_lock:
            self._sealed.extend(self.spool.take_sealed())  # full ones, oldest first
            current = self.spool.current
            end = current.size
        for segment in list(self._sealed):
            moved = self._copy(segment, segment.path.stat().st_size)
            if moved:
                return moved
            self._sealed.remove(segment)
            self._offsets.pop(segment.path, None)
            delete(segment)
        moved = self._copy(current, end)
        if not moved and end >= 1024 * 1024:
            with self._spool_lock:  # drained and large: start a fresh one, delete this one
                if self.spool.current is current and current.size == end:
                    self.spool.rotate()
        return moved

    def _copy(self, segment: Segment, end: int) -> int:
        start = self._offsets.get(segment.path, 0)
        if start >= end:
            return 0
        rows: list[dict[str, Any]] = []
        offset = start
        for offset, body in frames(segment.path, start):
            rows.append(decode(body))
            if len(rows) >= self.batch_size or offset >= end:
                break
        if not rows:
            return 0
        with self.store.engine.begin() as connection:
            connection.execute(self._insert, rows)
        self._offsets[segment.path] = offset
        self.stats.recorded += len(rows)
        self.stats.last_write_at = datetime.now(UTC)
        metrics.DECISION_LOG_WRITTEN.inc(len(rows))
        return len(rows)

    def _take_orphans(self) -> None:
        orphans = self.spool.claim_orphans()
        if orphans:
            log.warning(
                "decision log: taking over %d spool segment(s) of stopped workers", len(orphans)
            )
            self.stats.orphans_taken += len(orphans)
            self._sealed[:0] = orphans  # oldest first

    def _database_failed(self, exc: BaseException) -> None:
        message = describe_error(exc)
        self.stats.write_failures += 1
        self.stats.last_error = message
        self.stats.last_error_at = datetime.now(UTC)
        metrics.DECISION_LOG_WRITE_FAILURES.inc()
        if self.stats.database_down_since is None:
            self.stats.database_down_since = self.stats.last_error_at
            log.warning("decision log: the database cannot be written, spooling: %s", message)
        self.stats.backlog = self.spool.usage()

    def _database_back(self) -> None:
        if self.stats.database_down_since is not None:
            log.warning(
                "decision log: the database is written again (down since %s)",
                self.stats.database_down_since.isoformat(),
            )
        self.stats.database_down_since = None

    # lifecycle --------------------------------------------------------------------------------
    def flush(self, timeout: float = 10.0) -> bool:
        """Wait until everything spooled so far is in the database (or ``timeout``)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            with self._spool_lock:
                current = self.spool.current
                end = current.size
            idle = not self._waiting and not self._sealed and not self.spool.sealed
            if idle and self._offsets.get(current.path, 0) >= end:
                return True
            self._drain_wake.set()
            time.sleep(0.02)
        return False

    def close(self, timeout: float = 10.0) -> int:
        """Stop: commit what is waiting, drain what the database takes within ``timeout``;
        returns how many records stay in the spool for the next start (none are lost)."""
        with self._cond:
            if self._closing:
                return 0  # closed already
            self._closing = True
            self._cond.notify_all()
        self._commit_thread.join(timeout)
        drained = self.flush(timeout)
        self._stop_drain.set()
        self._drain_wake.set()
        self._drain_thread.join(timeout)
        left = 0
        self._sealed.extend(self.spool.take_sealed())
        for segment in [*self._sealed, self.spool.current]:
            start = self._offsets.get(segment.path, 0)
            left += sum(1 for _ in frames(segment.path, start))
        if drained and left == 0:
            delete(self.spool.current)
            for segment in self._sealed:
                delete(segment)
            log.info("decision log closed: every record is in the database")
        else:
            log.warning(
                "decision log closed with %d records still in the spool (%s); they are "
                "written to the database at the next start",
                left,
                self.stats.last_error or "the database was too slow",
            )
        return left


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value else None


__all__ = ["DurableDecisionLog", "LogUnavailable"]
