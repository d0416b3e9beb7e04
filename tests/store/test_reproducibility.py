"""Every worked example, decided through the API with the log on, reproduces byte for byte
from the log; and logged decisions turned into cases replay without a difference."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient

from eligibility_service.api.app import create_app
from eligibility_service.cases.from_log import cases_from_log
from eligibility_service.cases.repository import count_cases, stream_cases
from eligibility_service.decision_log import queries
from eligibility_service.decision_log.reproduce import reproduce
from eligibility_service.decisions.questions import QUESTIONS
from eligibility_service.decisions.service import DecisionService
from eligibility_service.replay.report import ReplayTarget
from eligibility_service.replay.runner import replay_cases
from eligibility_service.rules.examples import iter_examples
from eligibility_service.rules.registry import Registry
from eligibility_service.settings import Settings
from eligibility_service.store.store import Store

from ..tokens import bearer


def _requests(registry: Registry) -> list[tuple[str, dict[str, Any]]]:
    found = []
    for versions in registry.rule_sets.values():
        for rs in versions.values():
            for question, example, _source in iter_examples(rs):
                spec = QUESTIONS[question]
                facts = spec.facts_model.model_validate(example.facts).model_dump(mode="json")
                found.append(
                    (
                        spec.slug,
                        {
                            "program": rs.info.program,
                            "facts": facts,
                            "options": {
                                "rule_set_version": rs.version,
                                "as_of": example.as_of.isoformat() if example.as_of else None,
                                "policy_choices": example.policy_choices,
                            },
                        },
                    )
                )
    return found


@pytest.fixture
def logged(store: Store, store_settings: Settings, registry: Registry) -> int:
    """Decide every worked example through the API; the number logged."""
    app = create_app(store_settings, registry=registry, store=store)
    requests = _requests(registry)
    assert len(requests) > 1000
    with TestClient(app, headers=bearer(app.state.settings.data_dir)) as client:
        for slug, body in requests:
            answer = client.post(f"/v1/decisions/{slug}", json=body)
            assert answer.status_code == 200, (slug, answer.text)
        assert app.state.decision_log.flush(60)
        status = client.get("/v1/decision-log/status").json()
    assert status["recorded"] == len(requests) and status["dropped"] == 0
    return len(requests)


def test_every_worked_example_reproduces_identically_from_the_log(
    logged: int, store: Store, registry: Registry
) -> None:
    service = DecisionService(registry)
    seen = 0
    for entry in queries.stream(store):
        result = reproduce(service, entry)
        assert result.identical, (entry.decision_id, entry.question, result.explanation)
        seen += 1
    assert seen == logged


def test_logged_decisions_become_cases_that_replay_without_difference(
    logged: int, store: Store, registry: Registry
) -> None:
    report = cases_from_log(store, "production")
    assert (report.imported, report.rejected) == (logged, 0)
    again = cases_from_log(store, "production")
    assert (again.imported, again.already_stored) == (0, logged)
    assert count_cases(store, "production") == logged
    # replayed with the version each was logged under: the recorded decisions come back
    by_version: dict[str | None, int] = {}
    for case in stream_cases(store, "production"):
        by_version[case.rule_set_version] = by_version.get(case.rule_set_version, 0) + 1
    service = DecisionService(registry)
    total = 0
    for version in by_version:
        cases = (c for c in stream_cases(store, "production") if c.rule_set_version == version)
        result = replay_cases(
            service, store.protector, cases, ReplayTarget("production", version, "case")
        )
        assert result.differed == 0 and result.errors == 0, result.differences[:1]
        total += result.cases
    assert total == logged
