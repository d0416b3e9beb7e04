"""Rule-set reload against the real server in a subprocess: SIGHUP to one process, and a
two-worker server where a reload reaches one worker and every worker must follow.

Each worker logs each reload (and each refusal) with its process id, which is how these
tests know that every worker, not just the one a request happened to reach, has the new
set. Every wait is bounded.
"""

from __future__ import annotations

import json
import os
import re
import signal
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx

from .conftest import ROOT
from .rule_files import DRAFT_MODULE, WINDOW_MESSAGE, copy_root, edit, line_of
from .server import Service, service_env, started_service
from .tokens import bearer

CASE = json.loads((ROOT / "examples" / "cases" / "state-new-hire.json").read_text())
DRAFT_CASE = {**CASE, "options": {"rule_set_version": "2027.1"}}
DECIDE = "/v1/decisions/new-hire-enrollment"
RELOADED = re.compile(r"rule sets reloaded \((?P<trigger>[^,]+), process (?P<pid>\d+)\)")
REFUSED = re.compile(r"rule sets NOT reloaded \((?P<trigger>[^,]+), process (?P<pid>\d+)\)")
WAIT_SECONDS = 90.0
BROKEN = ("  - id: NEWHIRE-WINDOW\n", "  - id: NEWHIRE-WINDOW\n    colour: blue\n")


def _wait_for(what: str, condition: Callable[[], bool], service: Service) -> None:
    deadline = time.monotonic() + WAIT_SECONDS
    while not condition():
        assert service.process.poll() is None, f"the server exited:\n{service.output()}"
        assert time.monotonic() < deadline, f"no {what} in {WAIT_SECONDS} s:\n{service.output()}"
        time.sleep(0.2)


def _pids(pattern: re.Pattern[str], service: Service, since: int = 0) -> set[int]:
    return {int(m["pid"]) for m in pattern.finditer(service.output()[since:])}


def _message(service: Service, data_dir: Path) -> str:
    """The first reason's message of the draft's answer, over a fresh connection (so
    the kernel may hand it to any worker)."""
    answer = httpx.post(
        service.base + DECIDE, json=DRAFT_CASE, headers=bearer(data_dir, "decide"), timeout=30
    )
    assert answer.status_code == 200, answer.text
    message: str = answer.json()["reasons"][0]["message"]
    return message


def _setup(tmp_path: Path) -> tuple[Path, Path, dict[str, str]]:
    root = copy_root(tmp_path / "root")
    data_dir = tmp_path / "data"
    return root, data_dir, service_env(data_dir, root=str(root))


def test_sighup_reloads_a_one_process_server_and_refuses_a_broken_set(tmp_path: Path) -> None:
    root, data_dir, env = _setup(tmp_path)
    with started_service(env=env) as service:
        pid = service.process.pid
        assert _message(service, data_dir).startswith(WINDOW_MESSAGE)

        edit(root, DRAFT_MODULE, WINDOW_MESSAGE, "Reloaded by SIGHUP. " + WINDOW_MESSAGE)
        os.kill(pid, signal.SIGHUP)
        _wait_for("reload", lambda: _pids(RELOADED, service) == {pid}, service)
        assert _message(service, data_dir).startswith("Reloaded by SIGHUP. ")
        good: dict[str, Any] = {"message": _message(service, data_dir)}

        edit(root, DRAFT_MODULE, *BROKEN)
        line = line_of(root, DRAFT_MODULE, "colour: blue")
        os.kill(pid, signal.SIGHUP)
        _wait_for("refusal", lambda: _pids(REFUSED, service) == {pid}, service)
        assert f"{DRAFT_MODULE}:{line}: " in service.output()
        assert _message(service, data_dir) == good["message"]  # the last good set answers
        assert service.process.poll() is None


def test_every_worker_follows_a_reload_and_a_sighup_to_the_supervisor(tmp_path: Path) -> None:
    root, data_dir, env = _setup(tmp_path)
    with started_service(env=env, workers=2) as service:
        # an admin request reaches one worker; the other follows its announcement
        edit(root, DRAFT_MODULE, WINDOW_MESSAGE, "Reloaded by the endpoint. " + WINDOW_MESSAGE)
        answer = httpx.post(
            service.base + "/v1/admin/reload", headers=bearer(data_dir, "admin"), timeout=60
        )
        assert answer.status_code == 200, answer.text
        assert answer.json()["changed"] == ["state@2027.1"]
        _wait_for("reload in both workers", lambda: len(_pids(RELOADED, service)) == 2, service)
        triggers = sorted(m["trigger"] for m in RELOADED.finditer(service.output()))
        assert triggers == ["POST /v1/admin/reload", "announced reload"]
        workers = _pids(RELOADED, service)
        assert service.process.pid not in workers
        for _ in range(10):
            assert _message(service, data_dir).startswith("Reloaded by the endpoint. ")

        # SIGHUP to the supervisor: every worker reloads in place (no restart)
        mark = len(service.output())
        edit(root, DRAFT_MODULE, "Reloaded by the endpoint. ", "Reloaded by SIGHUP. ")
        os.kill(service.process.pid, signal.SIGHUP)
        _wait_for("SIGHUP reloads", lambda: _pids(RELOADED, service, mark) == workers, service)
        for _ in range(10):
            assert _message(service, data_dir).startswith("Reloaded by SIGHUP. ")

        # a broken set: every worker refuses it and keeps answering with the last good one
        mark = len(service.output())
        edit(root, DRAFT_MODULE, *BROKEN)
        line = line_of(root, DRAFT_MODULE, "colour: blue")
        os.kill(service.process.pid, signal.SIGHUP)
        _wait_for("refusals", lambda: _pids(REFUSED, service, mark) == workers, service)
        assert service.output()[mark:].count(f"{DRAFT_MODULE}:{line}: ") == 2
        for _ in range(10):
            assert _message(service, data_dir).startswith("Reloaded by SIGHUP. ")
        assert "died" not in service.output()
