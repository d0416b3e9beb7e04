"""What the served app does when it starts and stops, beyond answering requests.

Start: the rule-set reload thread runs and SIGHUP asks it for a reload of this process.
Stop (uvicorn runs the lifespan's shutdown once requests in flight have finished or
``graceful_shutdown_seconds`` has run out): reloads stop, SIGHUP is ignored from then on,
and the decision log writes everything queued (``shutdown_log_flush_seconds``), logging the
number of decisions it could not write, if any.

The rules in service live in one attribute, ``app.state.decisions`` (a
:class:`DecisionService`, which holds its registry); a reload replaces it in one
assignment. ``app.state.registry`` follows it, for code that reads the registry alone; code
that needs both reads ``app.state.decisions`` once and takes ``.registry`` from it.
"""

from __future__ import annotations

import asyncio
import logging
import signal
import threading
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI

from ..decision_log.durable import DurableDecisionLog
from ..decision_log.writer import DecisionLogWriter
from ..decisions.service import DecisionService
from ..runtime.announcements import ReloadAnnouncements, ReloadWatcher
from ..runtime.rule_reload import RuleSetReloader
from ..settings import Settings

logger = logging.getLogger("eligibility_service.api")


def announced_reload(settings: Settings) -> str | None:
    """The last reload announced to this server's workers; read before the rule sets are
    loaded, so one announced while this process was starting is not missed."""
    return ReloadAnnouncements(settings.data_dir).current()


def install(app: FastAPI, settings: Settings, announced: str | None) -> None:
    """Give the app its reloader and reload thread (started by :func:`running`)."""

    def put_in_service(service: DecisionService) -> None:
        app.state.decisions = service
        app.state.registry = service.registry

    reloader = RuleSetReloader(settings.root, app.state.decisions, put_in_service)
    app.state.rule_reloader = reloader
    app.state.reload_watcher = ReloadWatcher(
        reloader,
        ReloadAnnouncements(settings.data_dir),
        announced,
        settings.reload_watch_seconds,
    )


@asynccontextmanager
async def running(app: FastAPI) -> AsyncIterator[None]:
    """The lifespan: open the decision log, start the reload thread and listen for SIGHUP;
    at shutdown, stop both and close the log (it drains its spool as far as it can)."""
    settings: Settings = app.state.settings
    watcher: ReloadWatcher = app.state.reload_watcher
    app.state.decision_log = app.state.open_decision_log()
    watcher.start()
    hup = _listen_for_sighup(watcher)
    try:
        yield
    finally:
        if hup:
            asyncio.get_running_loop().remove_signal_handler(signal.SIGHUP)
            signal.signal(signal.SIGHUP, signal.SIG_IGN)  # not the default: that would kill
        watcher.stop()
        writer: DurableDecisionLog | DecisionLogWriter | None = app.state.decision_log
        app.state.decision_log = None
        if writer is not None:
            writer.close(settings.shutdown_log_flush_seconds)


def _listen_for_sighup(watcher: ReloadWatcher) -> bool:
    """SIGHUP reloads this process's rule sets (only a server's main thread can listen:
    an app run by a test client does not)."""
    if threading.current_thread() is not threading.main_thread():
        return False
    try:
        asyncio.get_running_loop().add_signal_handler(signal.SIGHUP, watcher.request)
    except (NotImplementedError, RuntimeError, ValueError) as exc:
        logger.warning("SIGHUP will not reload rule sets here: %s", exc)
        return False
    return True
