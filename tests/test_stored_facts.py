"""Stored facts read back without validation equal the validated facts, for every example."""

from __future__ import annotations

from eligibility_service.decisions.questions import QUESTIONS
from eligibility_service.decisions.requests import request_model
from eligibility_service.decisions.stored_facts import date_paths, fingerprint, load_request
from eligibility_service.rules.examples import iter_examples
from eligibility_service.rules.registry import Registry


def test_every_worked_example_reads_back_as_validated(registry: Registry) -> None:
    seen = 0
    for versions in registry.rule_sets.values():
        for rs in versions.values():
            for question, example, _ in iter_examples(rs):
                spec = QUESTIONS[question]
                body = {
                    "program": rs.info.program,
                    "facts": example.facts,
                    "options": {"policy_choices": example.policy_choices},
                }
                request = request_model(spec).model_validate(body)
                stored = request.model_dump_json(include={"program", "facts", "options"})
                fast = load_request(spec, stored.encode())
                assert fast["facts"] == request.facts.model_dump(), example.name
                assert fast["program"] == request.program
                assert fast["options"]["policy_choices"] == example.policy_choices
                seen += 1
    assert seen > 1000


def test_date_paths_reach_into_lists_and_fingerprints_differ_by_question() -> None:
    paths = date_paths(QUESTIONS["dependent_eligibility"])
    assert ("dependent", "birth_date") in paths
    assert len({fingerprint(spec) for spec in QUESTIONS.values()}) == len(QUESTIONS)
