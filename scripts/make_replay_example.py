"""Write examples/cases/replay-new-hire.jsonl and .csv: synthetic 'historical' cases.

The facts are the impact example's (examples/cases/impact-new-hire.jsonl); the recorded
decision of each is what state@2026.1 decides, except that every 25th case carries a
recorded coverage date one month later, standing in for a historical clerical error, so a
replay against 2026.1 itself shows what a difference looks like. Run again after changing
the impact cases: ``./scripts/uv run python scripts/make_replay_example.py``.
"""

from __future__ import annotations

import csv
import json
from pathlib import Path

from eligibility_service.decisions.questions import QUESTIONS
from eligibility_service.decisions.requests import request_model
from eligibility_service.decisions.schema import DecisionOptions
from eligibility_service.decisions.service import DecisionService
from eligibility_service.rules import dates
from eligibility_service.rules.registry import load_registry
from eligibility_service.settings import REPO_ROOT

SOURCE = REPO_ROOT / "examples" / "cases" / "impact-new-hire.jsonl"
OUT = REPO_ROOT / "examples" / "cases" / "replay-new-hire"


def flatten(prefix: str, value: object, out: dict[str, str]) -> None:
    if isinstance(value, dict):
        for k, v in value.items():
            flatten(f"{prefix}.{k}", v, out)
    elif isinstance(value, list):
        for i, v in enumerate(value):
            flatten(f"{prefix}.{i}", v, out)
    elif value is not None:
        out[prefix] = str(value).lower() if isinstance(value, bool) else str(value)


def main() -> None:
    service = DecisionService(load_registry(REPO_ROOT, QUESTIONS))
    records = []
    for n, line in enumerate(SOURCE.read_text().splitlines(), start=1):
        raw = json.loads(line)
        spec = QUESTIONS[raw["question"]]
        request = request_model(spec).model_validate(
            {k: raw[k] for k in ("program", "facts", "options")}
        )
        decision = service.decide(
            spec.name,
            request.program,
            request.facts.model_dump(),
            DecisionOptions(rule_set_version="2026.1"),
        )
        recorded = {k: v.isoformat() if v else None for k, v in decision["dates"].items()}
        if n % 25 == 0 and recorded.get("coverage_effective_date"):
            shifted = dates.add_months(decision["dates"]["coverage_effective_date"], 1)
            recorded["coverage_effective_date"] = shifted.isoformat()
        received = raw["facts"]["application"]["received_date"]
        records.append(
            {
                "case_id": f"hist-{raw['id']}",
                "question": spec.name,
                "program": raw["program"],
                "facts": raw["facts"],
                "decision": {
                    "outcome": decision["outcome"],
                    "dates": recorded,
                    "reason_codes": [r["reason_code"] for r in decision["reasons"]],
                },
                "decided_on": received,
                "rule_set_version": "2026.1",
            }
        )
    with Path(f"{OUT}.jsonl").open("w") as out:
        for record in records:
            out.write(json.dumps(record, separators=(",", ":")) + "\n")
    rows = []
    for record in records:
        row = {k: str(record[k]) for k in ("case_id", "question", "program", "decided_on")}
        row["rule_set_version"] = record["rule_set_version"]
        row["outcome"] = record["decision"]["outcome"]
        row["reason_codes"] = ";".join(record["decision"]["reason_codes"])
        for name, value in record["decision"]["dates"].items():
            row[f"date.{name}"] = value if value is not None else "null"
        flatten("fact", record["facts"], row)
        rows.append(row)
    columns = list(dict.fromkeys(k for row in rows for k in row))
    with Path(f"{OUT}.csv").open("w", newline="") as out:
        writer = csv.DictWriter(out, columns)
        writer.writeheader()
        writer.writerows(rows)
    print(f"wrote {OUT}.jsonl and {OUT}.csv: {len(records)} cases")


if __name__ == "__main__":
    main()
