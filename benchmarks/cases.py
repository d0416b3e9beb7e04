"""Benchmark inputs: realistic new-hire cases generated from a fixed seed (repeatable)."""

from __future__ import annotations

import random
from datetime import date, timedelta
from typing import Any


def state_cases(n: int, seed: int = 20261127) -> list[dict[str, Any]]:
    """``n`` State new-hire requests spread over 2005-2026, mostly complete and approved."""
    rng = random.Random(seed)
    cases = []
    for _ in range(n):
        hire = date(2005, 1, 1) + timedelta(days=rng.randrange(0, 365 * 21))
        received = hire + timedelta(days=rng.choice([0, 3, 10, 25, 29, 30, 31, 45, 70]))
        position = rng.choices(
            ["regular", "limited_term", "elected_official", "graduate_assistant"], [80, 10, 3, 7]
        )[0]
        dependents = [
            {
                "relationship": rng.choice(["spouse", "child", "stepchild"]),
                "name_provided": True,
                "birth_date_provided": True,
                "has_ssn_or_itin": rng.random() > 0.05,
                "ssn_affidavit_filed": False,
            }
            for _ in range(rng.choice([0, 0, 1, 2, 3]))
        ]
        cases.append(
            {
                "program": "state",
                "facts": {
                    "employee": {
                        "hire_date": hire.isoformat(),
                        "position_type": position,
                        "is_teacher": rng.random() < 0.15,
                        "expected_annual_hours": rng.choice([520, 900, 1040, 1300, 1560, 2080]),
                        "expected_to_last_one_year": rng.random() > 0.05,
                        "prior_state_wrs_service_months": rng.choice([0, 0, 0, 1, 6, 24]),
                    },
                    "employer": {},
                    "application": {
                        "received_date": received.isoformat(),
                        "signed": rng.random() > 0.03,
                        "coverage_level": "family" if dependents else "individual",
                        "subscriber_has_ssn_or_itin": True,
                        "dependents": dependents,
                    },
                },
            }
        )
    return cases
