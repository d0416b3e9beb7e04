"""Access lines and the request id, in the JSON format operations read; and that no log line
carries what a caller sent (birth dates, SSNs, bodies, query values, tokens)."""

from __future__ import annotations

import io
import json
import logging
import re
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
import structlog
from fastapi import Request
from fastapi.testclient import TestClient

from eligibility_service.api.app import create_app
from eligibility_service.logging_setup import formatter
from eligibility_service.rules.registry import Registry
from eligibility_service.settings import Settings

from .tokens import bearer

CLIENT_LOGGERS = ("httpx", "httpcore")
Lines = Callable[[], list[dict[str, Any]]]
UUID_HEX = re.compile(r"[0-9a-f]{32}")
DECIDE = "/v1/decisions/dependent-eligibility"
# values no log line may ever show
SSN = "219-09-9999"
SSN_FIELD = "078-05-1120"
BIRTH = "2004-02-29"
PARENT_BIRTH = "1983-11-17"
BAD_BIRTH = "1961-02-30"
BOOM_BIRTH = "1958-08-08"
GRANDCHILD = {
    "program": "state",
    "facts": {
        "review": {"review_date": "2024-05-15"},
        "subscriber": {"coverage_level": "family"},
        "dependent": {
            "relationship": "grandchild",
            "birth_date": BIRTH,
            "parent_birth_date": PARENT_BIRTH,
            "parent_is_covered_dependent": True,
        },
    },
}


@contextmanager
def captured(fmt: str) -> Iterator[io.StringIO]:
    """Every logger's lines, from DEBUG up, as the service's formatter writes them; except
    the test's own HTTP client's (httpx logs the URLs it requests, on the caller's side)."""
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.addFilter(lambda record: not record.name.startswith(CLIENT_LOGGERS))
    handler.setFormatter(formatter(fmt))  # type: ignore[arg-type]
    root = logging.getLogger()
    level = root.level
    root.addHandler(handler)
    root.setLevel(logging.DEBUG)
    try:
        yield stream
    finally:
        root.removeHandler(handler)
        root.setLevel(level)


@pytest.fixture
def json_lines() -> Iterator[Lines]:
    with captured("json") as stream:

        def lines() -> list[dict[str, Any]]:
            return [json.loads(line) for line in stream.getvalue().splitlines()]

        yield lines


@pytest.fixture
def app(tmp_path: Path, registry: Registry) -> Any:
    app = create_app(Settings(data_dir=tmp_path), registry=registry)

    @app.get("/test/request-id", include_in_schema=False)
    async def echo_request_id(request: Request) -> dict[str, str]:
        return {"request_id": request.state.request_id}

    @app.get("/test/boom", include_in_schema=False)
    async def boom() -> None:
        raise RuntimeError(f"SSN {SSN} born {BOOM_BIRTH}")

    return app


@pytest.fixture
def client(app: Any, tmp_path: Path) -> Iterator[TestClient]:
    with TestClient(app, headers=bearer(tmp_path), raise_server_exceptions=False) as c:
        yield c


def access_lines(lines: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [line for line in lines if line.get("logger") == "eligibility_service.access"]


def test_access_line_names_route_caller_and_rule_set(client: TestClient, json_lines: Lines) -> None:
    answer = client.post(DECIDE, json=GRANDCHILD)
    assert answer.status_code == 200, answer.text
    request_id = answer.headers["x-request-id"]
    assert UUID_HEX.fullmatch(request_id)
    (line,) = [a for a in access_lines(json_lines()) if a["request_id"] == request_id]
    assert line["event"] == "request" and line["level"] == "info"
    assert line["method"] == "POST" and line["route"] == DECIDE and line["status"] == 200
    assert line["caller"] == "tests"
    assert line["rule_set"] == "state@2026.2"
    assert line["decision_id"] == answer.headers["decision-id"]
    assert line["bytes"] == len(answer.content)
    assert isinstance(line["duration_ms"], float) and 0 < line["duration_ms"] < 60_000
    assert datetime.fromisoformat(line["timestamp"]).utcoffset() is not None


def test_a_refusal_for_want_of_scope_names_the_refused_client(
    client: TestClient, json_lines: Lines, tmp_path: Path
) -> None:
    wrong = bearer(tmp_path, "reconcile", client_id="reconciliation-job")
    answer = client.post(DECIDE, json=GRANDCHILD, headers=wrong)
    assert answer.status_code == 403
    request_id = answer.headers["x-request-id"]
    (line,) = [a for a in access_lines(json_lines()) if a["request_id"] == request_id]
    assert line["caller"] == "reconciliation-job" and line["status"] == 403
    # without a token nobody is named
    missing = client.post(DECIDE, json=GRANDCHILD, headers={"Authorization": ""})
    assert missing.status_code == 401


def test_route_template_not_path_in_access_line(client: TestClient, json_lines: Lines) -> None:
    decision_id = "0123456789abcdef0123456789abcdef"
    answer = client.get(f"/v1/decision-log/decisions/{decision_id}?detail=full")
    assert answer.status_code == 404
    (line,) = access_lines(json_lines())
    assert line["route"] == "/v1/decision-log/decisions/{decision_id}"
    assert decision_id not in json.dumps(json_lines())
    assert "detail=full" not in json.dumps(json_lines())


def test_incoming_request_id_is_kept_and_reachable_by_routes(
    client: TestClient, json_lines: Lines
) -> None:
    for sane in ("req-42", "a.b_c:d-E9", "x" * 128):
        answer = client.get("/test/request-id", headers={"X-Request-Id": sane})
        assert answer.headers["x-request-id"] == sane
        assert answer.json() == {"request_id": sane}
    assert [a["request_id"] for a in access_lines(json_lines())] == [
        "req-42",
        "a.b_c:d-E9",
        "x" * 128,
    ]


@pytest.mark.parametrize("bad", ["x" * 129, "two words", "<script>", "id;drop", "", "semi\u00e9"])
def test_unsafe_incoming_request_id_is_replaced(
    client: TestClient, json_lines: Lines, bad: str
) -> None:
    answer = client.get("/test/request-id", headers=[("X-Request-Id", bad.encode("latin-1"))])
    made = answer.headers["x-request-id"]
    assert made != bad and UUID_HEX.fullmatch(made)
    assert answer.json() == {"request_id": made}
    (line,) = access_lines(json_lines())
    assert line["request_id"] == made
    if bad:
        assert bad not in json.dumps(json_lines())


def test_every_request_gets_its_own_id_and_one_access_line(
    client: TestClient, json_lines: Lines
) -> None:
    answers = [client.get("/health") for _ in range(5)]
    ids = [a.headers["x-request-id"] for a in answers]
    assert len(set(ids)) == 5
    assert [a["request_id"] for a in access_lines(json_lines())] == ids


def test_no_phi_in_any_log_line(app: Any, client: TestClient, json_lines: Lines) -> None:
    """A decision with birth dates, a 422 naming an SSN-like field, and a 500 whose message
    quotes an SSN: every line is JSON, the access lines carry the ids the answers echoed,
    and none of the values (nor the token, nor query values) appears anywhere."""
    token = client.headers["authorization"].split()[1]
    decided = client.post(f"{DECIDE}?ssn={SSN}", json=GRANDCHILD, headers={"X-Subject-Id": SSN})
    assert decided.status_code == 200, decided.text
    invalid_case: dict[str, Any] = json.loads(json.dumps(GRANDCHILD))
    invalid_case["facts"]["dependent"]["ssn"] = SSN_FIELD
    invalid_case["facts"]["dependent"]["birth_date"] = BAD_BIRTH
    invalid = client.post(DECIDE, json=invalid_case)
    assert invalid.status_code == 422
    fields = {e["field"] for e in invalid.json()["errors"]}
    assert {"facts.dependent.ssn", "facts.dependent.birth_date"} <= fields
    failed = client.get("/test/boom")
    assert failed.status_code == 500
    answers = [decided, invalid, failed]

    lines = json_lines()  # parses every line as JSON (a non-JSON line fails here)
    text = "\n".join(json.dumps(line) for line in lines)
    for secret in (SSN, SSN_FIELD, BIRTH, PARENT_BIRTH, BAD_BIRTH, BOOM_BIRTH, token):
        assert secret not in text, secret
    assert "grandchild" not in text  # no fact at all, not even a harmless one
    accesses = access_lines(lines)
    assert [a["request_id"] for a in accesses] == [a.headers["x-request-id"] for a in answers]
    assert [a["status"] for a in accesses] == [200, 422, 500]
    assert accesses[2]["level"] == "error" and accesses[2]["route"] == "/test/boom"
    # the 500 is logged where it happened (type and place), with its request id
    (error,) = [line for line in lines if line.get("logger") == "eligibility_service.api"]
    assert "RuntimeError" in error["event"] and error["request_id"] == accesses[2]["request_id"]


def test_exceptions_are_logged_as_type_and_place_only(json_lines: Lines) -> None:
    """What uvicorn does with an exception from the app (logger.exception): the JSON line
    keeps the type and frames and drops the message."""
    try:
        raise ValueError(f"member {SSN} born {BIRTH}")
    except ValueError:
        logging.getLogger("uvicorn.error").exception("Exception in ASGI application")
    (line,) = json_lines()
    assert line["level"] == "error" and line["event"] == "Exception in ASGI application"
    assert line["exception"].startswith("ValueError at test_request_log.py:")
    assert SSN not in json.dumps(line) and BIRTH not in json.dumps(line)
    assert "exc_info" not in line and "Traceback" not in json.dumps(line)


def test_console_format_is_readable_and_keeps_the_fields(client: TestClient) -> None:
    with captured("console") as stream:
        answer = client.get("/health", headers={"X-Request-Id": "console-1"})
        assert answer.status_code == 200
        out = stream.getvalue()
    line = next(li for li in out.splitlines() if "request_id=console-1" in li)
    assert not line.startswith("{")
    assert "request" in line and "route=/health" in line and "status=200" in line


def test_structlog_loggers_write_through_the_same_format(json_lines: Lines) -> None:
    structlog.get_logger("eligibility_service.example").warning("hello", answer=42)
    (line,) = json_lines()
    assert line["event"] == "hello" and line["answer"] == 42
    assert line["logger"] == "eligibility_service.example" and line["level"] == "warning"
    assert {"timestamp", "pid"} <= set(line)


def test_access_records_are_ordinary_records(
    client: TestClient, caplog: pytest.LogCaptureFixture
) -> None:
    """The access line's record (made from a template, see make_record) is what any other
    handler expects: the right time, level, logger and every attribute logging sets."""
    before = time.time()
    with caplog.at_level(logging.INFO, logger="eligibility_service.access"):
        client.get("/health")
    (record,) = [r for r in caplog.records if r.name == "eligibility_service.access"]
    reference = logging.getLogger("x").makeRecord("x", logging.INFO, "f", 1, "m", (), None)
    assert set(vars(reference)) <= set(vars(record))
    assert record.levelname == "INFO" and record.levelno == logging.INFO
    assert before <= record.created <= time.time()
    assert record.msg["route"] == "/health" and record.msg["status"] == 200


def test_a_request_id_given_in_front_of_the_app_is_kept(app: Any, tmp_path: Path) -> None:
    """An ASGI layer in front of the app (a gateway's) may set the id itself: it stands."""

    async def gateway(scope: Any, receive: Any, send: Any) -> None:
        scope.setdefault("state", {})["request_id"] = "from-gateway"
        await app(scope, receive, send)

    client = TestClient(gateway, headers={"X-Request-Id": "from-caller"})
    answer = client.get("/test/request-id")
    assert answer.json() == {"request_id": "from-gateway"}
    assert answer.headers["x-request-id"] == "from-gateway"
