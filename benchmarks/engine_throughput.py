"""In-process throughput of new-hire decisions on one core (no trace).

Prints decisions per second and microseconds per decision for:
  - the engine alone (compiled State rule set, facts already a dict);
  - the full decision (version selection, evaluation, reasons with citations, response model);
  - the full decision serialised to JSON bytes, as the API sends it.

Run: ./scripts/uv run python -m benchmarks.engine_throughput [--cases 2000] [--rounds 5]
"""

from __future__ import annotations

import argparse
import os
import time
from datetime import date

from benchmarks.cases import state_cases
from eligibility_service.api.routes_decisions import NewHireRequest
from eligibility_service.decisions.questions import QUESTIONS
from eligibility_service.decisions.questions.new_hire import NEW_HIRE
from eligibility_service.decisions.service import DecisionService, to_json
from eligibility_service.rules.engine import DEFAULT_ENGINE
from eligibility_service.rules.registry import load_registry
from eligibility_service.settings import REPO_ROOT


def best_of(rounds: int, fn, n: int) -> float:  # type: ignore[no-untyped-def]
    best = float("inf")
    for _ in range(rounds):
        start = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - start)
    return best / n


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--cases", type=int, default=2000)
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {0})  # one core

    registry = load_registry(REPO_ROOT, QUESTIONS)
    service = DecisionService(registry)
    requests = [NewHireRequest.model_validate(c) for c in state_cases(args.cases)]
    prepared = [(r.program, r.facts.model_dump(), r.options) for r in requests]
    rule_set = registry.select("state", date(2024, 1, 1))
    n_rules = sum(len(q.rules) for q in rule_set.questions.values())
    engine_inputs = [
        (facts, date.fromisoformat(str(facts["application"]["received_date"])))
        for _, facts, _ in prepared
    ]

    def engine_only() -> None:
        for facts, as_of in engine_inputs:
            DEFAULT_ENGINE.evaluate(rule_set, NEW_HIRE.name, facts, as_of)

    def decisions() -> None:
        for program, facts, options in prepared:
            service.decide(NEW_HIRE.name, program, facts, options)  # type: ignore[arg-type]

    def decisions_json() -> None:
        for program, facts, options in prepared:
            to_json(service.decide(NEW_HIRE.name, program, facts, options))  # type: ignore[arg-type]

    outcomes: dict[str, int] = {}
    for program, facts, options in prepared:
        o = service.decide(NEW_HIRE.name, program, facts, options)["outcome"]  # type: ignore[arg-type]
        outcomes[o] = outcomes.get(o, 0) + 1

    print(f"State rule set {rule_set.version}: {n_rules} rules, {args.cases} generated cases")
    print(f"outcome mix: {dict(sorted(outcomes.items()))}")
    print(f"{'measure':<40}{'us/decision':>14}{'decisions/s':>14}")
    for label, fn in (
        ("engine only (evaluate)", engine_only),
        ("full decision (answer with citations)", decisions),
        ("full decision + JSON bytes", decisions_json),
    ):
        per = best_of(args.rounds, fn, len(prepared))
        print(f"{label:<40}{per * 1e6:>14.1f}{1 / per:>14,.0f}")


if __name__ == "__main__":
    main()
