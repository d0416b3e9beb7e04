"""SIGTERM under load: every decision the server answered 200 is in the decision log.

The real server runs in a subprocess (uvicorn, one worker and two) with a SQLite store in a
folder of the test's own. Eight threads post decisions; SIGTERM goes to the server's pid in
the middle of it; the threads keep collecting answers until their connections fail. Once
the server has exited, the store must hold every ``Decision-Id`` of every 200 answer.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import time
from pathlib import Path

import httpx
import pytest

from eligibility_service.decision_log import queries
from eligibility_service.settings import Settings
from eligibility_service.store.store import open_store

from .load import CASE, URL, Load, under_load
from .server import Service, service_env, started_service, stop
from .tokens import bearer

LOAD_SECONDS_BEFORE_SIGNAL = 2.0
DEADLINE_SECONDS = 60.0


def _sigterm_under_load(service: Service, data_dir: Path) -> Load:
    def sigterm(load: Load) -> None:
        time.sleep(LOAD_SECONDS_BEFORE_SIGNAL)
        load.signalled.set()
        os.kill(service.process.pid, signal.SIGTERM)

    load = under_load(service.base, bearer(data_dir, "decide"), sigterm, DEADLINE_SECONDS)
    try:
        service.wait(timeout=60)
    except subprocess.TimeoutExpired:
        stop(service.process, timeout=1)
        raise AssertionError(f"no exit after SIGTERM:\n{service.output()}") from None
    return load


@pytest.mark.parametrize("workers", [1, 2])
def test_sigterm_under_load_loses_no_answered_decision(tmp_path: Path, workers: int) -> None:
    with started_service(env=service_env(tmp_path), workers=workers) as service:
        load = _sigterm_under_load(service, tmp_path)
        output = service.output()
    assert not load.errors_before_signal, load.errors_before_signal
    assert set(load.statuses) == {200}, load.statuses
    assert len(load.decision_ids) > 50, "too little load to show anything"
    store = open_store(Settings(data_dir=tmp_path))
    try:
        missing = [i for i in load.decision_ids if queries.get(store, i) is None]
    finally:
        store.engine.dispose()
    print(
        f"workers={workers}: {len(load.decision_ids)} answered, "
        f"{load.answered_after_signal} after SIGTERM, errors after: "
        f"{dict(load.errors_after_signal)}, missing: {len(missing)}"
    )
    assert not missing, f"{len(missing)} answered decisions not in the log:\n{output}"
    # every worker ran its shutdown (the flush) and none was lost or restarted on the way
    assert output.count("decision log closed") == workers, output
    assert "not written" not in output, output
    assert "died" not in output, output


def test_a_stalled_request_holds_shutdown_no_longer_than_the_graceful_timeout(
    tmp_path: Path,
) -> None:
    """A caller that stops sending half-way through its body would keep uvicorn's default
    shutdown waiting for ever (and an orchestrator would kill the process, log unwritten);
    with ``graceful_shutdown_seconds`` it is cancelled and the log is still flushed."""
    env = service_env(tmp_path, graceful_shutdown_seconds="2")
    with started_service(env=env) as service:
        headers = bearer(tmp_path, "decide")
        answered = httpx.post(service.base + URL, json=CASE, headers=headers, timeout=30)
        assert answered.status_code == 200
        port = int(service.base.rsplit(":", 1)[1])
        with socket.create_connection(("127.0.0.1", port), timeout=30) as stalled:
            stalled.sendall(
                f"POST {URL} HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                f"Authorization: {headers['Authorization']}\r\n"
                "Content-Type: application/json\r\nContent-Length: 100000\r\n\r\n{".encode()
            )
            time.sleep(0.5)  # the request is in flight, waiting for the rest of its body
            signalled = time.monotonic()
            os.kill(service.process.pid, signal.SIGTERM)
            try:
                service.wait(timeout=60)
            except subprocess.TimeoutExpired:
                stop(service.process, timeout=1)
                raise AssertionError(f"no exit:\n{service.output()}") from None
            took = time.monotonic() - signalled
        output = service.output()
    assert took < 30, output
    assert "timeout graceful shutdown exceeded" in output, output
    assert "decision log closed" in output, output
    store = open_store(Settings(data_dir=tmp_path))
    try:
        assert queries.get(store, answered.headers["Decision-Id"]) is not None
    finally:
        store.engine.dispose()
