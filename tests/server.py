"""Run the real service in a subprocess on a free loopback port, for end-to-end tests."""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


STARTED = "Application startup complete."
"""What uvicorn logs once a worker's app has started."""


@dataclass
class Service:
    """A started server: its base URL, its process (signal it by ``process.pid``) and the
    file its output goes to (a file, not a pipe: a pipe nobody reads can fill and stall it)."""

    base: str
    process: subprocess.Popen[bytes]
    output_file: Path

    def output(self) -> str:
        return self.output_file.read_text(encoding="utf-8", errors="replace")

    def wait(self, timeout: float) -> int:
        return self.process.wait(timeout=timeout)


@contextmanager
def started_service(
    *args: str, env: dict[str, str] | None = None, workers: int = 1, ready_timeout: float = 90
) -> Iterator[Service]:
    """The service with ``workers`` workers, started (each one) and answering /ready;
    stopped (by its pid) on the way out if the test did not stop it itself."""
    port = free_port()
    out_dir = Path(tempfile.mkdtemp(prefix="eligibility-server-"))
    output_file = out_dir / "output.log"
    with output_file.open("wb") as out:
        proc = subprocess.Popen(
            [
                *(sys.executable, "-m", "eligibility_service.cli", "serve"),
                *("--port", str(port), "--workers", str(workers), *args),
            ],
            stdout=out,
            stderr=subprocess.STDOUT,
            env=env,
        )
    service = Service(f"http://127.0.0.1:{port}", proc, output_file)
    try:
        deadline = time.monotonic() + ready_timeout
        while True:
            try:
                ready = httpx.get(f"{service.base}/ready", timeout=1).status_code == 200
            except httpx.TransportError:
                ready = False
            if ready and service.output().count(STARTED) >= workers:
                break
            if proc.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"service did not start:\n{service.output()}")
            time.sleep(0.1)
        yield service
    finally:
        stop(proc)
        shutil.rmtree(out_dir, ignore_errors=True)


def _start_time(pid: int) -> str | None:
    """The process's start time (field 22 of /proc/PID/stat): with the pid, it names one
    process, so a pid reused by an unrelated process is never signalled."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    return stat.rsplit(")", 1)[1].split()[19]


def children(pid: int) -> dict[int, str]:
    """The processes ``pid`` started (uvicorn's workers) and their start times, from /proc."""
    found: dict[int, str] = {}
    for task in Path(f"/proc/{pid}/task").glob("*"):
        try:
            pids = [int(c) for c in (task / "children").read_text().split()]
        except OSError:
            continue
        for child in pids:
            if (started := _start_time(child)) is not None:
                found[child] = started
    return found


def stop(proc: subprocess.Popen[bytes], timeout: float = 30) -> None:
    """Stop a server the test left running: SIGTERM to it; if it does not exit in time,
    SIGKILL to it and to each of its workers still alive, every one by its pid."""
    if proc.poll() is not None:
        return
    workers = children(proc.pid)
    proc.terminate()
    try:
        proc.wait(timeout=timeout)
        return
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait(timeout=10)
    for pid, started in workers.items():
        if _start_time(pid) == started:
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)


@contextmanager
def running_service(*args: str, env: dict[str, str] | None = None) -> Iterator[str]:
    with started_service(*args, env=env) as service:
        yield service.base


def service_env(data_dir: Path, **settings: str) -> dict[str, str]:
    """The test process's environment with the data folder (and other settings) replaced."""
    env = {**os.environ, "ELIGIBILITY_DATA_DIR": str(data_dir)}
    env.update({f"ELIGIBILITY_{k.upper()}": v for k, v in settings.items()})
    return env
