"""What the decision log costs a decision over HTTP: the durable log, the log answered-first
and no log, on SQLite and on PostgreSQL, in one run.

Starts the service (2 uvicorn workers) for each mode, alternating the order each repeat, in
a temporary data folder, and drives the README's State new-hire request at it with wrk at
concurrency 8. Prints min / median / max requests per second, median p50 / p99 latency, the
machine's load before and after, the throughput of each mode as a share of "off", and how
many decisions the log holds afterwards against how many were answered with it on.

PostgreSQL: the machine's server (ELIGIBILITY_TEST_POSTGRES_URL, default the shared `test`
database on 127.0.0.1:5432); the benchmark's rows are deleted afterwards.

Run: ./scripts/uv run python -m benchmarks.decision_log_overhead [--seconds 6] [--repeats 3]
"""

from __future__ import annotations

import argparse
import os
import signal
import statistics
import subprocess
import tempfile
from pathlib import Path

from sqlalchemy import delete, func, select

from benchmarks.http_throughput import ROOT, bench_token, ensure_wrk, run_wrk, start_service
from eligibility_service.settings import Settings
from eligibility_service.store.store import open_store
from eligibility_service.store.tables import DecisionLogEntry

MODES = {
    "durable": {"ELIGIBILITY_DECISION_LOG": "on", "ELIGIBILITY_DECISION_LOG_DURABILITY": "durable"},
    "after": {
        "ELIGIBILITY_DECISION_LOG": "on",
        "ELIGIBILITY_DECISION_LOG_DURABILITY": "after_answer",
    },
    "off": {"ELIGIBILITY_DECISION_LOG": "off"},
}
POSTGRES = os.environ.get("ELIGIBILITY_TEST_POSTGRES_URL", "postgresql://127.0.0.1:5432/test")


def _count(settings: Settings) -> int:
    store = open_store(settings, auto_migrate=True)
    try:
        with store.engine.connect() as connection:
            return int(
                connection.execute(select(func.count()).select_from(DecisionLogEntry)).scalar_one()
            )
    finally:
        store.close()


def _bench(backend: str, args: argparse.Namespace, wrk: str, body: str) -> None:
    results: dict[str, list[dict[str, float]]] = {m: [] for m in MODES}
    answered_with_log = 0
    with tempfile.TemporaryDirectory(prefix="log-bench-") as tmp:
        data_dir = Path(tmp)
        extra = {} if backend == "sqlite" else {"ELIGIBILITY_DATABASE_URL": POSTGRES}
        settings = Settings(data_dir=data_dir, database_url=extra.get("ELIGIBILITY_DATABASE_URL"))
        before_rows = _count(settings)  # migrates; the shared database may hold other rows
        auth = bench_token(data_dir)
        port = args.port
        for repeat in range(args.repeats):
            order = list(MODES) if repeat % 2 == 0 else list(reversed(MODES))
            for mode in order:
                port += 1  # a fresh port: the last one may linger
                url = f"http://127.0.0.1:{port}/v1/decisions/new-hire-enrollment"
                server_log = (data_dir / f"server-{port}.log").open("wb")
                server: subprocess.Popen[bytes] = start_service(
                    port, data_dir, {**MODES[mode], **extra}, server_log
                )
                try:
                    warm = run_wrk(wrk, url, body, args.connections, 2, auth)
                    r = run_wrk(wrk, url, body, args.connections, args.seconds, auth)
                    results[mode].append(r)
                    if mode != "off":
                        answered_with_log += int((r["rps"] * args.seconds) + warm["rps"] * 2)
                finally:
                    os.killpg(server.pid, signal.SIGTERM)
                    server.wait(timeout=120)
                    server_log.close()
        rows = _count(settings) - before_rows
        if backend == "postgresql":  # leave the shared database as it was
            store = open_store(settings)
            with store.engine.begin() as connection:
                logged = select(DecisionLogEntry.id).order_by(DecisionLogEntry.id.desc())
                ids = [i for (i,) in connection.execute(logged.limit(rows))]
                connection.execute(delete(DecisionLogEntry).where(DecisionLogEntry.id.in_(ids)))
            store.close()
    print(
        f"\n{backend}: {args.repeats} repeats of {args.seconds} s, concurrency {args.connections}"
    )
    head = ("req/s min", "median", "max", "p50 ms", "p99 ms", "of off")
    print(f"{'mode':<9}{head[0]:>11}" + "".join(f"{h:>9}" for h in head[1:5]) + f"{head[5]:>8}")
    off = statistics.median(r["rps"] for r in results["off"])
    for mode, rs in results.items():
        rps = [r["rps"] for r in rs]
        print(
            f"{mode:<9}{min(rps):>11,.0f}{statistics.median(rps):>9,.0f}{max(rps):>9,.0f}"
            f"{statistics.median(r['p50'] for r in rs):>9.2f}"
            f"{statistics.median(r['p99'] for r in rs):>9.2f}"
            f"{statistics.median(rps) / off:>8.0%}"
        )
    print(
        f"decisions logged: {rows:,}; answered with a log on, about {answered_with_log:,} "
        "(wrk's counts are rounded; durable mode must not be below its share)"
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=int, default=6)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--connections", type=int, default=8)
    parser.add_argument("--port", type=int, default=18090)
    parser.add_argument("--backends", default="sqlite,postgresql")
    args = parser.parse_args()
    wrk = ensure_wrk()
    body = (ROOT / "examples" / "cases" / "state-new-hire.json").read_text()
    print(f"load average before: {os.getloadavg()}")
    for n, backend in enumerate(args.backends.split(",")):
        args.port += 100 * n
        _bench(backend, args, wrk, body)
    print(f"load average after: {os.getloadavg()}")


if __name__ == "__main__":
    main()
