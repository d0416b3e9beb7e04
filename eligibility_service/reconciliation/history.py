"""Remember every exception across runs, so next quarter's repeat is recognised and counted.

A discrepancy's stable id (:attr:`..discrepancy.Discrepancy.id`) does not depend on the
values found, so the same problem found in the next file has the same id. The store keeps,
per id, when it was first and last seen (as file as-of dates) and how many files showed it;
comparing the same file twice does not count twice. The id is stored as a keyed hash: the
history holds no contract or member id in clear.
"""

from __future__ import annotations

import uuid
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime

import orjson
from sqlalchemy import insert, select, update

from ..store.store import Store
from ..store.tables import ExceptionHistory, ReconciliationRun
from .discrepancy import Discrepancy


@dataclass(frozen=True, slots=True)
class Seen:
    first_seen: date
    times_seen: int


def record_run(
    store: Store,
    source: str,
    plan: str,
    as_of: date,
    input_name: str,
    discrepancies: Sequence[Discrepancy],
) -> tuple[str, dict[str, Seen]]:
    """Store the run and update the history; ``(run id, history by discrepancy id)``."""
    run_id = uuid.uuid4().hex
    digest = store.protector.digest
    keys = {d.id: digest(d.id.encode()) for d in discrepancies}
    seen: dict[str, Seen] = {}
    counts = Counter(f"{d.category}/{d.severity}" for d in discrepancies)
    with store.engine.begin() as connection:
        connection.execute(
            insert(ReconciliationRun).values(
                run_id=run_id,
                source=source,
                plan=plan[:64],
                as_of=as_of,
                input_name=input_name[:300],
                started_at=datetime.now(UTC),
                counts=orjson.dumps(dict(sorted(counts.items()))).decode(),
            )
        )
        by_key = {keys[d.id]: d for d in discrepancies}
        key_list = list(by_key)
        existing: dict[str, tuple[date, date, int]] = {}
        for i in range(0, len(key_list), 900):
            rows = connection.execute(
                select(
                    ExceptionHistory.exception_key,
                    ExceptionHistory.first_seen,
                    ExceptionHistory.last_seen,
                    ExceptionHistory.times_seen,
                ).where(ExceptionHistory.exception_key.in_(key_list[i : i + 900]))
            )
            for key, first, last, times in rows:
                existing[key] = (first, last, times)
        new_rows = []
        for key, d in by_key.items():
            found = existing.get(key)
            if found is None:
                new_rows.append(
                    {
                        "exception_key": key,
                        "source": source,
                        "plan": plan[:64],
                        "category": d.category,
                        "severity": d.severity,
                        "first_seen": as_of,
                        "last_seen": as_of,
                        "times_seen": 1,
                        "last_run_id": run_id,
                    }
                )
                seen[d.id] = Seen(as_of, 1)
                continue
            first, last, times = found
            if as_of != last:  # a new file showing it again; the same file again is no repeat
                times += 1
            first = min(first, as_of)
            connection.execute(
                update(ExceptionHistory)
                .where(ExceptionHistory.exception_key == key)
                .values(
                    first_seen=first,
                    last_seen=max(last, as_of),
                    times_seen=times,
                    last_run_id=run_id,
                    severity=d.severity,
                )
            )
            seen[d.id] = Seen(first, times)
        if new_rows:
            connection.execute(insert(ExceptionHistory), new_rows)
    return run_id, seen
