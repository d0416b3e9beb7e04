"""Client threads that post decisions at a real server while a test injects a fault.

Shared by the shutdown and decision-log fault tests: each counts every answer by status and
keeps the ``Decision-Id`` of every 2xx one, so the test can check the log for all of them.
Once ``signalled`` is set (the test is about to stop the server), a client stops at its
first connection error; before that, errors are counted and the client goes on (a killed
worker's connections fail while the other worker keeps answering).
"""

from __future__ import annotations

import json
import threading
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field

import httpx

from .conftest import ROOT

URL = "/v1/decisions/new-hire-enrollment"
CASE = json.loads((ROOT / "examples" / "cases" / "state-new-hire.json").read_text())
THREADS = 8


@dataclass
class Load:
    """What the client threads saw."""

    signalled: threading.Event = field(default_factory=threading.Event)
    stop: threading.Event = field(default_factory=threading.Event)
    lock: threading.Lock = field(default_factory=threading.Lock)
    decision_ids: list[str] = field(default_factory=list)
    answered_after_signal: int = 0
    statuses: Counter[int] = field(default_factory=Counter)
    errors_before_signal: Counter[str] = field(default_factory=Counter)
    errors_after_signal: Counter[str] = field(default_factory=Counter)


def _client(base: str, headers: dict[str, str], load: Load, deadline: float) -> None:
    with httpx.Client(base_url=base, headers=headers, timeout=30) as client:
        while not load.stop.is_set() and time.monotonic() < deadline:
            signalled = load.signalled.is_set()
            try:
                answer = client.post(URL, json=CASE)
            except httpx.TransportError as exc:
                with load.lock:
                    if signalled or load.signalled.is_set():
                        load.errors_after_signal[type(exc).__name__] += 1
                        return
                    load.errors_before_signal[type(exc).__name__] += 1
                time.sleep(0.01)
                continue
            with load.lock:
                load.statuses[answer.status_code] += 1
                if 200 <= answer.status_code < 300:
                    load.decision_ids.append(answer.headers["Decision-Id"])
                    if signalled:
                        load.answered_after_signal += 1


def under_load(
    base: str, headers: dict[str, str], during: Callable[[Load], None], seconds: float = 60
) -> Load:
    """Eight clients post decisions while ``during`` runs (it injects the fault); then they
    stop (or, once signalled, end at their first connection error)."""
    load = Load()
    deadline = time.monotonic() + seconds
    threads = [
        threading.Thread(target=_client, args=(base, headers, load, deadline))
        for _ in range(THREADS)
    ]
    for thread in threads:
        thread.start()
    try:
        during(load)
    finally:
        if not load.signalled.is_set():
            load.stop.set()
        for thread in threads:
            thread.join(timeout=max(deadline - time.monotonic(), 0) + 5)
    assert not any(t.is_alive() for t in threads), "client threads did not finish"
    return load
