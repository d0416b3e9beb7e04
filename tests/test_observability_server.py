"""Metrics and logs of the real service with two worker processes (uvicorn in a
subprocess on loopback, stopped by its pid when the test ends)."""

from __future__ import annotations

import json
import os
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import httpx

from .server import started_service
from .test_metrics import value
from .test_request_log import BIRTH, GRANDCHILD, PARENT_BIRTH, SSN, SSN_FIELD
from .tokens import bearer

DECIDE = "/v1/decisions/dependent-eligibility"


def _lines(log: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in log.read_text().splitlines() if line.strip()]


def _decision_pids(log: Path) -> set[int]:
    return {
        line["pid"]
        for line in _lines(log)
        if line.get("logger") == "eligibility_service.access" and line.get("route") == DECIDE
    }


def test_two_workers_are_counted_together_and_log_json() -> None:
    data_dir = Path(os.environ["ELIGIBILITY_DATA_DIR"])
    env = {**os.environ, "ELIGIBILITY_LOG_FORMAT": "json", "ELIGIBILITY_LOG_LEVEL": "debug"}
    headers = bearer()

    def decide(_: int) -> str:
        # a new connection each time, so either worker may accept it
        answer = httpx.post(
            base + DECIDE, json=GRANDCHILD, headers={**headers, "X-Subject-Id": SSN}, timeout=30
        )
        assert answer.status_code == 200, answer.text
        return str(answer.json()["outcome"])

    with started_service(env=env, workers=2) as service:
        base, log = service.base, service.output_file
        outcomes: list[str] = []
        deadline = time.monotonic() + 60
        with ThreadPoolExecutor(8) as pool:
            while True:
                outcomes.extend(pool.map(decide, range(16)))
                if len(_decision_pids(log)) >= 2 or time.monotonic() > deadline:
                    break
        assert len(_decision_pids(log)) == 2, "both workers answered decisions"
        invalid = json.loads(json.dumps(GRANDCHILD))
        invalid["facts"]["dependent"]["ssn"] = SSN_FIELD
        refused = httpx.post(base + DECIDE, json=invalid, headers=headers)
        assert refused.status_code == 422
        assert httpx.get(base + "/metrics").status_code == 401
        scraped = httpx.get(base + "/metrics", headers=headers)
        assert scraped.status_code == 200
        text = scraped.text
        parent = next(
            line["pid"] for line in _lines(log) if "Started parent process" in line["event"]
        )
        folder = data_dir / "metrics" / str(parent)
        files = {p.name for p in folder.iterdir()}
        assert len({name.rsplit("_", 1)[1] for name in files if name.endswith(".db")}) >= 2
        service.process.terminate()
        service.wait(timeout=60)
        lines = _lines(log)  # every line of the service's output is JSON
        raw = log.read_text()

    sent = len(outcomes)
    (outcome,) = set(outcomes)  # one case, one outcome (its parent is over 18: denied)
    labels = {"question": "dependent_eligibility", "program": "state", "outcome": outcome}
    assert value(text, "eligibility_decisions_total", **labels) == sent
    assert value(text, "eligibility_decisions_total") == sent
    latency = "eligibility_http_request_duration_seconds_count"
    assert value(text, latency, route=DECIDE, method="POST") == sent + 1  # and the 422
    requests = "eligibility_http_requests_total"
    assert value(text, requests, route=DECIDE, status="422") == 1
    assert value(text, requests, route="/metrics", status="401") == 1
    assert value(text, "eligibility_rule_set_info", rule_set="state", version="2026.1") == 1
    assert not folder.exists(), "the run's metrics folder is removed when it stops"

    events = " ".join(line["event"] for line in lines)
    assert "Started parent process" in events and "Application startup complete" in events
    assert "decision log closed" in events  # the workers' own shutdown lines, in JSON too
    for secret in (SSN, SSN_FIELD, BIRTH, PARENT_BIRTH, headers["Authorization"].split()[1]):
        assert secret not in raw, secret
    accesses = [line for line in lines if line.get("logger") == "eligibility_service.access"]
    assert sum(line.get("route") == DECIDE for line in accesses) == sent + 1
    decided = [line for line in accesses if line["route"] == DECIDE]
    assert all(line["request_id"] and line["caller"] == "tests" for line in decided)


def test_one_worker_counts_in_its_run_folder_and_removes_it() -> None:
    """The default ``serve`` (one process): the metrics folder is named before
    prometheus_client is imported in that same process, and removed on SIGTERM."""
    data_dir = Path(os.environ["ELIGIBILITY_DATA_DIR"])
    headers = bearer()
    with started_service(env=dict(os.environ)) as service:
        base, log = service.base, service.output_file
        outcomes = [
            httpx.post(base + DECIDE, json=GRANDCHILD, headers=headers).json()["outcome"]
            for _ in range(3)
        ]
        text = httpx.get(base + "/metrics", headers=headers).text
        runs = {p.name for p in (data_dir / "metrics").iterdir()}
        lines = [line for line in log.read_text().splitlines() if "pid=" in line]
        pids = {line.rsplit("pid=", 1)[1].split()[0] for line in lines}
        (pid,) = pids & runs
        files = [p.name for p in (data_dir / "metrics" / pid).iterdir()]
        assert f"counter_{pid}.db" in files
        service.process.terminate()
        assert service.wait(timeout=60) == 0
    assert value(text, "eligibility_decisions_total", outcome=outcomes[0]) == 3
    assert not (data_dir / "metrics" / pid).exists()
