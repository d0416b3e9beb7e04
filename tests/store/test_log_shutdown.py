"""The decision log at shutdown: close() writes what is queued, and counts (and logs) what
it could not write instead of losing it silently."""

from __future__ import annotations

import json
import logging
import time
import uuid
from datetime import UTC, datetime
from pathlib import Path

import pytest

from eligibility_service.decision_log import queries
from eligibility_service.decision_log.record import PendingDecision
from eligibility_service.decision_log.writer import DecisionLogWriter
from eligibility_service.decisions.questions import QUESTIONS
from eligibility_service.decisions.requests import request_model
from eligibility_service.decisions.service import DecisionService, to_json
from eligibility_service.rules.registry import Registry
from eligibility_service.settings import Settings
from eligibility_service.store.store import Store, open_store

CASE = Path(__file__).resolve().parents[2] / "examples" / "cases" / "state-new-hire.json"


def _pending(registry: Registry, count: int) -> list[PendingDecision]:
    spec = QUESTIONS["new_hire_enrollment"]
    request = request_model(spec).model_validate(json.loads(CASE.read_text()))
    facts = request.facts.model_dump()  # type: ignore[attr-defined]
    decision = DecisionService(registry).decide(
        spec.name,
        request.program,  # type: ignore[attr-defined]
        facts,
        request.options,  # type: ignore[attr-defined]
    )
    body = {"question": spec.name, "program": "state", "facts": facts, "options": {}}
    return [
        PendingDecision(
            uuid.uuid4().hex, datetime.now(UTC), "tests", None, body, decision, to_json(decision), 1
        )
        for _ in range(count)
    ]


def test_close_writes_everything_queued(store: Store, registry: Registry) -> None:
    writer = DecisionLogWriter(store, flush_seconds=60)  # only a full batch or close() writes
    pending = _pending(registry, 1234)
    for p in pending:
        writer.record(p)
    assert writer.close(timeout=30) == 0
    status = writer.status()
    assert (status["recorded"], status["pending"], status["dropped"]) == (1234, 0, 0)
    assert all(queries.get(store, p.decision_id) is not None for p in pending[::37])
    assert queries.get(store, pending[-1].decision_id) is not None


def test_close_counts_and_logs_what_the_database_would_not_take(
    tmp_path: Path, registry: Registry, caplog: pytest.LogCaptureFixture
) -> None:
    # nothing listens on port 1: every write fails
    settings = Settings(data_dir=tmp_path, database_url="postgresql://127.0.0.1:1/test")
    writer = DecisionLogWriter(open_store(settings), flush_seconds=60)
    for p in _pending(registry, 3):
        writer.record(p)
    started = time.monotonic()
    with caplog.at_level(logging.ERROR, logger="eligibility_service.decision_log"):
        lost = writer.close(timeout=1.0)
    assert time.monotonic() - started < 10  # bounded by the timeout (and one connect attempt)
    assert lost == 3
    assert writer.status()["dropped"] == 3
    assert writer.status()["pending"] == 0
    messages = [r.getMessage() for r in caplog.records]
    assert any("3 decisions not written at shutdown" in m for m in messages), messages
    assert any("OperationalError" in m for m in messages), messages


def test_a_decision_recorded_after_close_is_counted(store: Store, registry: Registry) -> None:
    writer = DecisionLogWriter(store)
    assert writer.close(timeout=5) == 0
    assert writer.close(timeout=5) == 0  # a second close is harmless
    writer.record(_pending(registry, 1)[0])
    assert writer.status()["dropped"] == 1
