"""Run the real service in a subprocess on a free loopback port, for end-to-end tests."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextmanager
def running_service(
    *args: str, env: dict[str, str] | None = None, output: Path | None = None
) -> Iterator[str]:
    """The service's base URL while it runs. Its stdout and stderr (the log lines) go to
    ``output`` (default: a temporary file), never to a pipe nobody reads: a chatty service
    would fill the pipe and stall. Stopped by its pid when the block ends."""
    port = free_port()
    with tempfile.TemporaryDirectory(prefix="service-output-") as scratch:
        log_path = output or Path(scratch) / "service.log"
        with log_path.open("wb") as sink:
            proc = subprocess.Popen(
                [
                    sys.executable,
                    "-m",
                    "eligibility_service.cli",
                    "serve",
                    "--port",
                    str(port),
                    *args,
                ],
                stdout=sink,
                stderr=subprocess.STDOUT,
                env=env,
            )
        base = f"http://127.0.0.1:{port}"
        try:
            deadline = time.monotonic() + 60
            while True:
                try:
                    if httpx.get(f"{base}/ready", timeout=1).status_code == 200:
                        break
                except httpx.TransportError:
                    pass
                if proc.poll() is not None or time.monotonic() > deadline:
                    out = log_path.read_text(errors="replace")
                    raise RuntimeError(f"service did not start:\n{out}")
                time.sleep(0.1)
            yield base
        finally:
            proc.terminate()
            try:
                proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.kill(proc.pid, 9)
                proc.wait(timeout=5)
