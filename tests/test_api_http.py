"""The API end to end over real HTTP (uvicorn in a subprocess, httpx as the client)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import date
from typing import Any

import httpx
import pytest

from eligibility_service.decisions.questions import QUESTIONS
from eligibility_service.rules.examples import iter_examples
from eligibility_service.rules.registry import load_registry

from .conftest import ROOT
from .server import running_service
from .tokens import bearer

URL = "/v1/decisions/new-hire-enrollment"
_REGISTRY = load_registry(ROOT, QUESTIONS)
EXAMPLES = [
    pytest.param(rs.id, rs.version, q, ex, id=f"{rs.id}@{rs.version}:{q}:{src.line}")
    for versions in _REGISTRY.rule_sets.values()
    for rs in versions.values()
    for q, ex, src in iter_examples(rs)
]


@pytest.fixture(scope="module")
def client() -> Iterator[httpx.Client]:
    with running_service() as base, httpx.Client(base_url=base, timeout=10, headers=bearer()) as c:
        yield c


def _jsonable(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _jsonable(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_jsonable(v) for v in value]
    if isinstance(value, date):
        return value.isoformat()
    return value


def state_case(**application: Any) -> dict[str, Any]:
    app = {
        "received_date": "2024-01-20",
        "signed": True,
        "coverage_level": "individual",
        "subscriber_has_ssn_or_itin": True,
    }
    app.update(application)
    return {
        "program": "state",
        "facts": {
            "employee": {
                "hire_date": "2024-01-15",
                "position_type": "regular",
                "is_teacher": False,
                "expected_annual_hours": 2080,
                "expected_to_last_one_year": True,
                "prior_state_wrs_service_months": 0,
            },
            "application": app,
        },
    }


@pytest.mark.parametrize(("program", "version", "question", "example"), EXAMPLES)
def test_worked_example_over_http(
    client: httpx.Client, program: str, version: str, question: str, example: Any
) -> None:
    body = {
        "program": program,
        "facts": _jsonable(example.facts),
        "options": {"policy_choices": example.policy_choices, "rule_set_version": version},
    }
    if example.as_of:
        body["options"]["as_of"] = example.as_of.isoformat()
    response = client.post(f"/v1/decisions/{QUESTIONS[question].slug}", json=body)
    assert response.status_code == 200, response.text
    decision = response.json()
    assert decision["question"] == question
    assert decision["outcome"] == example.expect.outcome
    for name, want in example.expect.dates.items():
        assert decision["dates"][name] == (want.isoformat() if want else None), name
    codes = [r["reason_code"] for r in decision["reasons"]]
    for code in example.expect.reasons:
        assert code in codes
    assert decision["rule_set"]["id"] == program
    assert decision["rule_set"]["version"] == version
    assert decision["rule_set"]["content_hash"].startswith("sha256:")
    for reason in decision["reasons"]:
        assert reason["citations"], f"{reason['rule_id']} has no citation"


def test_citations_resolve_to_provisions(client: httpx.Client) -> None:
    decision = client.post(URL, json=state_case()).json()
    ids = {c["id"] for r in decision["reasons"] for c in r["citations"]}
    ids |= {c["id"] for p in decision["policy_choices"] for c in p["citations"]}
    assert "wis-stat-40.51-2" in ids
    for pid in sorted(ids):
        got = client.get(f"/v1/provisions/{pid}")
        assert got.status_code == 200, pid
        record = got.json()
        assert record["citation"] and record["url"].startswith("http")
        assert record["summary"]


def test_decision_has_dates_choices_and_version(client: httpx.Client) -> None:
    decision = client.post(URL, json=state_case()).json()
    assert decision["as_of"] == "2024-01-20"  # defaults to the date received
    assert decision["dates"] == {
        "coverage_effective_date": "2024-02-01",
        "employer_contribution_start_date": "2024-04-01",
        "enrollment_deadline": "2024-02-14",
        "alternative_enrollment_deadline": "2024-04-01",
    }
    # 2026.2 dates the change of Wis. Stat. § 40.51(2) instead of offering a choice
    choices = {c["choice"]: c for c in decision["policy_choices"]}
    assert "newhire_effective_date" not in choices
    assert decision["rule_set"]["version"] == "2026.2"
    assert decision["trace"] is None


def test_policy_choice_selected_per_request(client: httpx.Client) -> None:
    body = state_case(received_date="2024-02-10")
    body["options"] = {
        "policy_choices": {"newhire_effective_date": "first_of_month_in_window"},
        "rule_set_version": "2026.1",  # the version that still offers the choice
    }
    decision = client.post(URL, json=body).json()
    assert decision["dates"]["coverage_effective_date"] == "2024-02-01"
    choice = next(c for c in decision["policy_choices"] if c["choice"] == "newhire_effective_date")
    assert choice["source"] == "request"
    assert any(c["id"] == "wis-stat-40.51-2" for c in choice["citations"])


def test_trace_on_request(client: httpx.Client) -> None:
    body = state_case()
    body["options"] = {"trace": True}
    decision = client.post(URL, json=body).json()
    steps = {s["rule_id"]: s for s in decision["trace"]}
    assert steps["NEWHIRE-WINDOW"]["status"] == "applied"
    assert steps["NEWHIRE-WINDOW"]["facts"]["employee.hire_date"] == "2024-01-15"
    assert steps["NEWHIRE-LATE"]["status"] == "not_applied"
    assert steps["ELIG-STATE-WRS-EMPLOYEE"]["values"]["wrs_hours_threshold"] == 1200
    assert steps["CONTRIB-STATE-WAIT-HIST"]["status"] == "not_applied"  # hired after 2011


def test_same_request_gives_identical_bytes(client: httpx.Client) -> None:
    body = state_case()
    body["options"] = {"trace": True}
    first = client.post(URL, json=body).content
    for _ in range(3):
        assert client.post(URL, json=body).content == first


def test_as_of_selects_law_of_that_date(client: httpx.Client) -> None:
    body = state_case()
    body["facts"]["employee"]["hire_date"] = "2010-03-15"
    body["facts"]["application"]["received_date"] = "2010-03-20"
    decision = client.post(URL, json=body).json()
    assert decision["as_of"] == "2010-03-20"
    assert decision["dates"]["employer_contribution_start_date"] == "2010-10-01"


def problem(response: httpx.Response, status: int) -> dict[str, Any]:
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    body = response.json()
    assert body["status"] == status and body["title"]
    return body


@pytest.mark.parametrize(
    ("mutate", "field"),
    [
        (
            lambda b: b["facts"]["employee"].update(hire_date="2023-02-30"),
            "facts.employee.hire_date",
        ),
        (
            lambda b: b["facts"]["employee"].update(hire_date="yesterday"),
            "facts.employee.hire_date",
        ),
        (
            lambda b: b["facts"]["employee"].update(expected_annual_hours="lots"),
            "facts.employee.expected_annual_hours",
        ),
        (
            lambda b: b["facts"]["employee"].update(expected_annual_hours=-5),
            "facts.employee.expected_annual_hours",
        ),
        (
            lambda b: b["facts"]["employee"].update(position_type="professor"),
            "facts.employee.position_type",
        ),
        (lambda b: b["facts"]["application"].update(signed="maybe"), "facts.application.signed"),
        (lambda b: b["facts"]["application"].update(signed=0.0), "facts.application.signed"),
        (
            lambda b: b["facts"]["employee"].update(expected_annual_hours="2080"),
            "facts.employee.expected_annual_hours",
        ),
        (lambda b: b["facts"]["employee"].update(hire_date=1705276800), "facts.employee.hire_date"),
        (
            lambda b: b["facts"]["employee"].update(hire_date="2024-01-15T10:00:00"),
            "facts.employee.hire_date",
        ),
        (
            lambda b: b["facts"]["employee"].update(hire_date="1850-01-01"),
            "facts.employee.hire_date",
        ),
        (
            lambda b: b["facts"]["application"].update(dependents="none"),
            "facts.application.dependents",
        ),
        (lambda b: b["facts"]["employee"].update(shoe_size=9), "facts.employee.shoe_size"),
        (lambda b: b.update(program="federal"), "program"),
        (lambda b: b.pop("program"), "program"),
        (lambda b: b.update(options={"as_of": "0001-01-01"}), "options.as_of"),
        (lambda b: b.update(options={"rule_set_version": "1999.9"}), "options.rule_set_version"),
        (
            lambda b: b.update(options={"policy_choices": {"day_count_convention": "whenever"}}),
            "options.policy_choices.day_count_convention",
        ),
        (
            lambda b: b.update(options={"policy_choices": {"coin_toss": "heads"}}),
            "options.policy_choices",  # not a choice of ours: its name is not repeated
        ),
    ],
)
def test_bad_input_names_the_field(client: httpx.Client, mutate: Any, field: str) -> None:
    body = state_case()
    mutate(body)
    found = problem(client.post(URL, json=body), 422)
    fields = [e["field"] for e in found["errors"]]
    assert field in fields, fields


def test_as_of_cannot_be_derived(client: httpx.Client) -> None:
    body = {"program": "state", "facts": {}}
    found = problem(client.post(URL, json=body), 422)
    assert found["errors"][0]["field"] == "options.as_of"


def test_not_json(client: httpx.Client) -> None:
    response = client.post(URL, content=b"{not json", headers={"content-type": "application/json"})
    found = problem(response, 400)  # as the OpenAPI document says
    assert found["errors"][0]["field"] == "(body)"
    assert "line 1, column 2" in found["errors"][0]["message"]


def test_huge_body_is_refused(client: httpx.Client) -> None:
    body = state_case()
    body["padding"] = "x" * (2 << 20)
    problem(
        client.post(
            URL, content=json.dumps(body).encode(), headers={"content-type": "application/json"}
        ),
        413,
    )


def test_huge_chunked_body_is_refused(client: httpx.Client) -> None:
    def chunks() -> Iterator[bytes]:
        yield b'{"program": "state", "padding": "'
        for _ in range(40):
            yield b"x" * 65536
        yield b'"}'

    response = client.post(URL, content=chunks(), headers={"content-type": "application/json"})
    problem(response, 413)


def test_too_many_dependents(client: httpx.Client) -> None:
    body = state_case(dependents=[{"relationship": "child"}] * 51)
    found = problem(client.post(URL, json=body), 422)
    assert found["errors"][0]["field"] == "facts.application.dependents"


def test_unknown_route_and_method(client: httpx.Client) -> None:
    problem(client.get("/v1/nothing-here"), 404)
    problem(client.get(URL), 405)


def test_read_only_endpoints(client: httpx.Client) -> None:
    sets = client.get("/v1/rule-sets").json()
    assert [s["id"] for s in sets] == ["local", "state"]
    detail = client.get("/v1/rule-sets/state/versions/2026.1").json()
    rules = {r["id"]: r for r in detail["rules"]}
    assert "wis-stat-40.51-2" in rules["NEWHIRE-WINDOW"]["implements"]
    params = {p["name"]: p for p in detail["parameters"]}
    assert [v["value"] for v in params["wrs_min_hours_nonteacher"]["values"]] == [600, 1200]
    assert params["wrs_min_hours_nonteacher"]["values"][1]["from"] == "2011-07-01"
    choice = next(c for c in detail["policy_choices"] if c["name"] == "newhire_effective_date")
    assert len(choice["alternatives"]) == 3
    problem(client.get("/v1/rule-sets/state/versions/1.0"), 404)
    problem(client.get("/v1/rule-sets/federal"), 404)
    problem(client.get("/v1/provisions/not-a-provision"), 404)
    assert client.get("/health").json()["status"] == "ok"
    assert client.get("/ready").json()["rule_sets"] == {
        "local": ["2026.1", "2026.2"],
        "state": ["2026.1", "2026.2", "2027.1"],  # 2026.2 and 2027.1 are drafts
    }


def test_errors_never_echo_submitted_values(client: httpx.Client) -> None:
    body = {
        "program": "state",
        "facts": {
            "employee": {"hire_date": "1987-02-30", "expected_annual_hours": "987654321x"},
            "application": {"received_date": "1987-13-01"},
        },
    }
    response = client.post(URL, json=body)
    problem(response, 422)
    for value in ("1987-02-30", "987654321x", "1987-13-01"):
        assert value not in response.text
