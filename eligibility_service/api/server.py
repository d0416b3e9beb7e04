"""Run the API under uvicorn, with this service's shutdown and reload behaviour.

- SIGTERM: uvicorn stops accepting, lets requests in flight finish for up to
  ``graceful_shutdown_seconds`` (uvicorn's default is to wait for ever, and an orchestrator
  then kills the process before the decision log is flushed), then runs the app's shutdown,
  which flushes the decision log (``shutdown_log_flush_seconds``). With several workers the
  supervisor passes SIGTERM to each worker and waits for them.
- SIGHUP to a one-process server: it reloads its rule sets in place. SIGHUP to the supervisor
  of several workers: uvicorn would restart every worker; this supervisor instead announces
  a reload (:mod:`..runtime.announcements`) and each worker reloads in place within
  ``reload_watch_seconds`` (or, with watching off, passes the signal on to each worker).
- A worker may take ``worker_healthcheck_seconds`` to answer the supervisor's health check:
  starting one (imports, compiling the rule sets) takes several seconds on a busy machine,
  and uvicorn's 5 s default had the supervisor killing and restarting workers that were
  only slow to start.
- Logging is set up before uvicorn starts (:mod:`..logging_setup`: one format for every
  logger, uvicorn's included; each worker sets it up again when it imports the app), and
  uvicorn is told to leave it alone.
- The workers' metrics go to a fresh folder of this run's, named in
  ``PROMETHEUS_MULTIPROC_DIR`` before any worker imports prometheus_client
  (:mod:`..metrics_dir`), and removed when the server stops.
"""

from __future__ import annotations

import logging
import os
import signal
from types import FrameType
from typing import Any

import uvicorn
from uvicorn.supervisors.multiprocess import Multiprocess

from .. import metrics_dir
from ..logging_setup import configure_logging
from ..runtime.announcements import ReloadAnnouncements
from ..settings import Settings

APP = "eligibility_service.api.asgi:app"
logger = logging.getLogger("uvicorn.error")


def serve(host: str, port: int, workers: int, settings: Settings) -> None:
    configure_logging(settings.log_format, settings.log_level)
    folder = metrics_dir.prepare(settings.data_dir)
    options: dict[str, Any] = {
        "host": host,
        "port": port,
        "workers": workers,
        "access_log": False,  # the service writes its own access lines (request_log.py)
        "log_level": settings.log_level,
        "log_config": None,  # keep the handler configure_logging installed
        "timeout_graceful_shutdown": settings.graceful_shutdown_seconds,
        "timeout_worker_healthcheck": settings.worker_healthcheck_seconds,
    }
    # one process: uvicorn stops gracefully on SIGTERM, then raises it again with the
    # handler it found; the default one would end the process before the folder is removed
    signal.signal(signal.SIGTERM, _exit_on_sigterm)
    try:
        if workers <= 1:
            uvicorn.run(APP, **options)
            return
        config = uvicorn.Config(APP, **options)
        Supervisor(config, [config.bind_socket()], settings).run()
    finally:
        metrics_dir.remove(folder)


def _exit_on_sigterm(_signum: int, _frame: FrameType | None) -> None:
    """A stop asked for is a clean exit: unwind, so ``finally`` blocks run."""
    raise SystemExit(0)


class Supervisor(Multiprocess):
    """uvicorn's supervisor of several workers, except for SIGHUP (see the module)."""

    def __init__(self, config: uvicorn.Config, sockets: list[Any], settings: Settings) -> None:
        super().__init__(config, sockets)
        self.settings = settings

    def handle_hup(self) -> None:
        if self.settings.reload_watch_seconds > 0:
            ReloadAnnouncements(self.settings.data_dir).announce()
            logger.info(
                "Received SIGHUP: every worker reloads its rule sets within %g s.",
                self.settings.reload_watch_seconds,
            )
            return
        logger.info("Received SIGHUP: passing it on to each worker to reload its rule sets.")
        for process in self.processes:
            if process.pid is not None and process.exitcode is None:
                os.kill(process.pid, signal.SIGHUP)
