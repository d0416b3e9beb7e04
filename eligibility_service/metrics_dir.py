"""The folder where worker processes keep their metrics (prometheus_client multi-process).

Each ``eligibility serve`` gets a folder of its own, ``DATA_DIR/metrics/<pid of serve>``,
emptied when it starts: counts of an earlier run must not be added to this one's, and two
services sharing a data folder (tests do) must not add up or wipe each other's. Folders of
earlier runs whose process is gone are removed on the way; this run's is removed when it
stops.

This module must not import prometheus_client: the variable it sets decides, at that import,
whether prometheus_client keeps values in memory or in files.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

ENV = "PROMETHEUS_MULTIPROC_DIR"


def prepare(data_dir: Path, pid: int | None = None) -> Path:
    """Create this run's empty folder, remove dead runs' folders, and set ``ENV`` so the
    worker processes (which inherit the environment) write their metrics there."""
    pid = os.getpid() if pid is None else pid
    parent = data_dir / "metrics"
    parent.mkdir(parents=True, exist_ok=True)
    for old in parent.iterdir():
        if old.is_dir() and old.name.isdigit() and not process_alive(int(old.name)):
            shutil.rmtree(old, ignore_errors=True)
    folder = parent / str(pid)
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir()
    os.environ[ENV] = str(folder)
    return folder


def remove(folder: Path) -> None:
    shutil.rmtree(folder, ignore_errors=True)


def process_alive(pid: int) -> bool:
    """Whether a process with this id exists (signal 0 checks without sending anything)."""
    try:
        os.kill(pid, 0)
    except (ProcessLookupError, OverflowError):  # gone, or never a process id
        return False
    except PermissionError:
        return True
    return True
