"""Turn logged decisions into cases, so yesterday's production traffic becomes a suite.

Each logged decision becomes a case whose recorded decision is the one the service gave
(outcome, every date, reason codes), decided on the log date, by the logged version, under
the logged as-of date; the case id is ``log-<decision id>`` so doing it twice adds nothing.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import closing
from datetime import datetime
from typing import Any

import orjson

from ..decision_log import queries
from ..decision_log.record import LoggedDecision
from ..store.store import Store
from .importer import ImportReport, InvalidLine, import_records


def _record(logged: LoggedDecision) -> dict[str, Any]:
    response = orjson.loads(logged.response)
    request = logged.request
    return {
        "case_id": f"log-{logged.decision_id}",
        "question": logged.question,
        "program": logged.program,
        "facts": request["facts"],
        "policy_choices": request["options"].get("policy_choices") or {},
        "decision": {
            "outcome": response["outcome"],
            "dates": response["dates"],
            "reason_codes": [r["reason_code"] for r in response["reasons"]],
        },
        "decided_on": logged.logged_at.date().isoformat(),
        "as_of": logged.as_of.isoformat(),
        "rule_set_version": logged.rule_set_version,
    }


def cases_from_log(
    store: Store,
    suite: str,
    question: str | None = None,
    since: datetime | None = None,
    until: datetime | None = None,
    progress: Callable[[int], None] | None = None,
) -> ImportReport:
    decision_ids: dict[str, str] = {}

    logged_decisions = queries.stream(store, question, since, until)

    def lines() -> Iterator[tuple[int, dict[str, Any] | InvalidLine]]:
        for number, logged in enumerate(logged_decisions, 1):
            record = _record(logged)
            decision_ids[record["case_id"]] = logged.decision_id
            yield number, record

    # closing() returns the log's database connection even if the import fails half-way
    with closing(logged_decisions):
        return import_records(
            store,
            lines(),
            "decision-log",
            [suite],
            progress=progress,
            extra_rows=lambda r: {"decision_id": decision_ids.pop(r.case_id, None)},
        )
