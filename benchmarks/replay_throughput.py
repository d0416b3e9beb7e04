"""Replay throughput and memory, from SQLite and from PostgreSQL.

Generates ``--cases`` historical cases (every decision question, both programs, each month
from 2000 to 2026, from the questions' sweep generators), records the decision the current
rules give for each (one in 100 altered, so the report has differences to detail), imports
them into a fresh SQLite file and a fresh PostgreSQL database, then replays the suite in a
separate process per store and prints cases per second and the process's peak memory.
It also replays a fifth of the cases, so you can see memory does not grow with the suite.

Run: ./scripts/uv run python -m benchmarks.replay_throughput [--cases 100000]
     [--postgres postgresql://127.0.0.1:5432/test] [--no-postgres]
"""

from __future__ import annotations

import argparse
import itertools
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

from eligibility_service.decisions.questions import QUESTIONS
from eligibility_service.decisions.requests import request_model
from eligibility_service.decisions.schema import DecisionOptions
from eligibility_service.decisions.service import DecisionService
from eligibility_service.rules.registry import load_registry
from eligibility_service.settings import REPO_ROOT


def months() -> Iterator[date]:
    for year in range(2000, 2027):
        for month in range(1, 13):
            yield date(year, month, 1)


def generate(n: int, path: Path) -> None:
    service = DecisionService(load_registry(REPO_ROOT, QUESTIONS))
    written = 0
    with path.open("w") as out:
        for month in itertools.cycle(list(months())):
            for program in ("state", "local"):
                for spec in QUESTIONS.values():
                    assert spec.sweep_cases is not None
                    for facts in spec.sweep_cases(program, month):
                        model = request_model(spec)
                        request: Any = model.model_validate({"program": program, "facts": facts})
                        decision = service.decide(
                            spec.name, program, request.facts.model_dump(), DecisionOptions()
                        )
                        outcome = decision["outcome"]
                        if written % 100 == 99:  # a recorded decision that no longer holds
                            outcome = "denied" if outcome != "denied" else "approved"
                        record = {
                            "case_id": f"bench-{written}",
                            "question": spec.name,
                            "program": program,
                            "facts": request.facts.model_dump(mode="json"),
                            "decision": {
                                "outcome": outcome,
                                "dates": {
                                    k: v.isoformat() if v else None
                                    for k, v in decision["dates"].items()
                                },
                                "reason_codes": [r["reason_code"] for r in decision["reasons"]],
                            },
                            "rule_set_version": decision["rule_set"]["version"],
                        }
                        out.write(json.dumps(record, separators=(",", ":")) + "\n")
                        written += 1
                        if written >= n:
                            return


def import_into(
    url: str, data_dir: Path, path: Path, suite_all: str, suite_part: str, part: int
) -> float:
    from itertools import islice

    from eligibility_service.cases.importer import import_records, read_jsonl
    from eligibility_service.settings import Settings
    from eligibility_service.store.store import open_store

    store = open_store(Settings(data_dir=data_dir, database_url=url), auto_migrate=True)
    started = time.perf_counter()
    with path.open("rb") as stream:
        report = import_records(store, read_jsonl(stream), path.name, [suite_all])
    seconds = time.perf_counter() - started
    assert report.rejected == 0, report.errors[:3]
    with path.open("rb") as stream:
        import_records(store, islice(read_jsonl(stream), part), path.name, [suite_part])
    if store.engine.dialect.name == "postgresql":
        # what a DBA does after a bulk load; otherwise autovacuum competes with the replay
        with store.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as c:
            c.exec_driver_sql("VACUUM ANALYZE cases")
            c.exec_driver_sql("VACUUM ANALYZE case_suites")
            c.exec_driver_sql("VACUUM ANALYZE suites")
    store.close()
    return seconds


def replay_worker(url: str, data_dir: str, suite: str) -> None:
    """Runs in its own process, so its peak memory is the replay's alone."""
    from eligibility_service.replay.report import ReplayTarget
    from eligibility_service.replay.runner import replay_suite
    from eligibility_service.settings import Settings
    from eligibility_service.store.store import open_store

    service = DecisionService(load_registry(REPO_ROOT, QUESTIONS))
    store = open_store(Settings(data_dir=Path(data_dir), database_url=url), auto_migrate=False)
    baseline = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    started = time.perf_counter()
    report = replay_suite(
        service,
        store,
        ReplayTarget(suite, None, "case"),
        workers=int(os.environ.get("REPLAY_WORKERS", os.cpu_count() or 1)),
    )
    seconds = time.perf_counter() - started
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    workers_peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    print(
        json.dumps(
            {
                "cases": report.cases,
                "differed": report.differed,
                "errors": report.errors,
                "seconds": seconds,
                "peak_mib": peak / 1024,
                "growth_mib": (peak - baseline) / 1024,
                "worker_peak_mib": workers_peak / 1024,
            }
        )
    )


def run_replay(url: str, data_dir: Path, suite: str) -> dict[str, Any]:
    out = subprocess.run(
        [
            sys.executable,
            "-m",
            "benchmarks.replay_throughput",
            "--worker",
            url,
            str(data_dir),
            suite,
        ],
        check=False,
        capture_output=True,
        text=True,
    )
    if out.returncode != 0:
        raise SystemExit(f"replay worker failed:\n{out.stderr}")
    result: dict[str, Any] = json.loads(out.stdout.strip().splitlines()[-1])
    return result


def fresh_postgres(admin_url: str) -> tuple[str, str]:
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    from eligibility_service.store.database import normalise_url

    name = f"eligibility_bench_{os.getpid()}"
    admin = create_engine(normalise_url(admin_url), isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    url = make_url(normalise_url(admin_url)).set(database=name)
    return url.render_as_string(hide_password=False), name


def drop_postgres(admin_url: str, name: str) -> None:
    from sqlalchemy import create_engine, text

    from eligibility_service.store.database import normalise_url

    admin = create_engine(normalise_url(admin_url), isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


def main() -> None:
    if len(sys.argv) > 1 and sys.argv[1] == "--worker":
        replay_worker(*sys.argv[2:5])
        return
    parser = argparse.ArgumentParser()
    parser.add_argument("--cases", type=int, default=100_000)
    parser.add_argument("--postgres", default="postgresql://127.0.0.1:5432/test")
    parser.add_argument("--no-postgres", action="store_true")
    parser.add_argument("--no-sqlite", action="store_true")
    args = parser.parse_args()
    part = max(1, args.cases // 5)
    with tempfile.TemporaryDirectory(prefix="replay-bench-") as tmp:
        work = Path(tmp)
        cases = work / "cases.jsonl"
        started = time.perf_counter()
        generate(args.cases, cases)
        print(
            f"generated {args.cases:,} cases ({cases.stat().st_size / 2**20:.0f} MiB JSONL) "
            f"in {time.perf_counter() - started:.1f} s"
        )
        stores: list[tuple[str, str, str | None]] = []
        if not args.no_sqlite:
            stores.append(("SQLite", f"sqlite:///{work / 'bench.sqlite3'}", None))
        if not args.no_postgres:
            url, name = fresh_postgres(args.postgres)
            stores.append(("PostgreSQL", url, name))
        try:
            for label, url, _ in stores:
                seconds = import_into(url, work, cases, "all", "fifth", part)
                print(
                    f"{label}: imported {args.cases:,} cases in {seconds:.1f} s "
                    f"({args.cases / seconds:,.0f} cases/s)"
                )
                for suite in ("fifth", "all"):
                    r = run_replay(url, work, suite)
                    print(
                        f"{label}: replayed {r['cases']:>7,} cases in {r['seconds']:5.1f} s "
                        f"= {r['cases'] / r['seconds']:>6,.0f} cases/s; "
                        f"{r['differed']:,} differ, {r['errors']} errors; "
                        f"peak memory {r['peak_mib']:.0f} MiB "
                        f"(+{r['growth_mib']:.0f} MiB during the replay), "
                        f"largest worker {r['worker_peak_mib']:.0f} MiB"
                    )
        finally:
            for _label, _url, name in stores:
                if name:
                    drop_postgres(args.postgres, name)


if __name__ == "__main__":
    main()
