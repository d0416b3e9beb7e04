"""Faults under load: every decision answered 2xx is in the decision log afterwards.

Real servers in subprocesses, real databases (SQLite in the test's folder; PostgreSQL as a
throwaway cluster on a port of its own, which the test stops and starts), eight client
threads for a bounded time. Each scenario counts the ``Decision-Id`` of every 2xx answer
and asserts that each one is in the log table, byte for byte reproducible: none sampled.

(a) one of two workers is killed with SIGKILL; (b) the database is stopped and started;
(c) SIGTERM while the database is down, then the database comes back and the service
restarts.
"""

from __future__ import annotations

import os
import signal
import subprocess
import time
from collections.abc import Callable
from pathlib import Path

import httpx

from eligibility_service.decision_log import queries
from eligibility_service.decision_log.reproduce import reproduce
from eligibility_service.decisions.questions import QUESTIONS
from eligibility_service.decisions.service import DecisionService
from eligibility_service.rules.registry import load_registry
from eligibility_service.settings import Settings
from eligibility_service.store.store import open_store

from . import pg_cluster
from .conftest import ROOT
from .load import Load, under_load
from .server import Service, children, service_env, started_service, stop
from .tokens import bearer


def _under_load(service: Service, data_dir: Path, during: Callable[[], None]) -> Load:
    return under_load(service.base, bearer(data_dir, "decide"), lambda _load: during())


def _missing(settings: Settings, ids: list[str], wait_seconds: float) -> list[str]:
    """The answered ids not in the log table, after waiting up to ``wait_seconds`` for the
    spool to drain; each one found is also reproduced byte for byte."""
    store = open_store(settings)
    try:
        deadline = time.monotonic() + wait_seconds
        missing = list(ids)
        while True:
            missing = [i for i in missing if queries.get(store, i) is None]
            if not missing or time.monotonic() > deadline:
                break
            time.sleep(0.5)
        service = DecisionService(load_registry(ROOT, QUESTIONS))
        for decision_id in ids:
            logged = queries.get(store, decision_id)
            if logged is not None:
                assert reproduce(service, logged).identical, decision_id
        return missing
    finally:
        store.engine.dispose()


def _report(name: str, load: Load, missing: list[str]) -> None:
    print(
        f"{name}: {len(load.decision_ids)} answered 2xx, statuses {dict(load.statuses)}, "
        f"transport errors {dict(load.errors_before_signal + load.errors_after_signal)}, "
        f"missing from the log: {len(missing)}"
    )


def test_sigkill_of_one_worker_loses_no_answered_decision(tmp_path: Path) -> None:
    env = service_env(tmp_path)
    killed: list[int] = []
    with started_service(env=env, workers=2) as service:

        def kill_one_worker() -> None:
            time.sleep(2.0)
            workers = [
                pid
                for pid in children(service.process.pid)
                if b"spawn_main" in Path(f"/proc/{pid}/cmdline").read_bytes()
            ]
            assert len(workers) == 2, workers
            os.kill(workers[0], signal.SIGKILL)
            killed.append(workers[0])
            time.sleep(3.0)

        load = _under_load(service, tmp_path, kill_one_worker)
        # the surviving worker takes the dead one's spool over and drains it
        missing = _missing(Settings(data_dir=tmp_path), load.decision_ids, wait_seconds=30)
        output = service.output()
    _report("SIGKILL one of two workers", load, missing)
    assert len(load.decision_ids) > 100, "too little load to show anything"
    assert not missing, f"{len(missing)} answered decisions not in the log:\n{output[-3000:]}"
    assert killed and not Path(f"/proc/{killed[0]}").exists()  # the worker is gone
    assert "taking over" in output, output[-3000:]


def _migrated(cluster: pg_cluster.Cluster, data_dir: Path) -> None:
    open_store(Settings(data_dir=data_dir, database_url=cluster.url), auto_migrate=True).close()


def test_a_database_outage_under_load_loses_no_answered_decision(tmp_path: Path) -> None:
    with pg_cluster.throwaway_postgres() as cluster:
        env = service_env(tmp_path, database_url=cluster.url)
        _migrated(cluster, tmp_path)
        with started_service(env=env) as service:
            seen: dict[str, object] = {}

            def outage() -> None:
                time.sleep(1.5)
                cluster.stop()
                time.sleep(3.0)
                status = httpx.get(f"{service.base}/ready", timeout=10)
                seen["ready"] = status.status_code
                seen["log"] = status.json()["decision_log"]
                cluster.start()
                time.sleep(1.5)

            load = _under_load(service, tmp_path, outage)
            settings = Settings(data_dir=tmp_path, database_url=cluster.url)
            missing = _missing(settings, load.decision_ids, wait_seconds=60)
            output = service.output()
    _report("database stopped and started", load, missing)
    assert set(load.statuses) == {200}, load.statuses  # answered throughout the outage
    log = seen["log"]
    assert isinstance(log, dict) and log["database_down_since"] is not None
    assert seen["ready"] == 200  # spooling, far from the bound: still ready
    assert not missing, f"{len(missing)} answered decisions not in the log:\n{output[-3000:]}"
    # one warning when the outage starts and one when it ends, not one per attempt
    assert output.count("the database cannot be written") == 1, output[-3000:]
    assert output.count("the database is written again") == 1, output[-3000:]


def test_sigterm_with_the_database_down_then_restart_loses_nothing(tmp_path: Path) -> None:
    with pg_cluster.throwaway_postgres() as cluster:
        env = service_env(tmp_path, database_url=cluster.url, shutdown_log_flush_seconds="2")
        _migrated(cluster, tmp_path)
        with started_service(env=env) as service:

            def outage_then_sigterm() -> None:
                time.sleep(1.5)
                cluster.stop()
                time.sleep(1.5)
                os.kill(service.process.pid, signal.SIGTERM)
                try:
                    service.wait(timeout=60)
                except subprocess.TimeoutExpired:
                    stop(service.process, timeout=1)
                    raise AssertionError(f"no exit:\n{service.output()}") from None

            load = _under_load(service, tmp_path, outage_then_sigterm)
            first_output = service.output()
        assert "records still in the spool" in first_output, first_output[-3000:]
        cluster.start()
        with started_service(env=env) as again:  # takes the spool over at start
            settings = Settings(data_dir=tmp_path, database_url=cluster.url)
            missing = _missing(settings, load.decision_ids, wait_seconds=30)
            second_output = again.output()
    _report("SIGTERM with the database down, then restart", load, missing)
    assert len(load.decision_ids) > 50, "too little load to show anything"
    assert not missing, f"{len(missing)} not in the log:\n{second_output[-3000:]}"
