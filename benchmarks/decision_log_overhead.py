"""What the decision log costs a decision over HTTP: the same load with the log on and off.

Starts the service (2 uvicorn workers, embedded SQLite store in a temporary folder) once with
``ELIGIBILITY_DECISION_LOG=on`` and once ``off``, alternating, and drives the README's State
new-hire request at it with wrk. Prints requests per second and p50/p99 latency for each,
the ratio, and how many decisions the log holds afterwards (all of them, or it says not).

Run: ./scripts/uv run python -m benchmarks.decision_log_overhead [--seconds 8] [--repeats 3]
"""

from __future__ import annotations

import argparse
import os
import signal
import statistics
import subprocess
import tempfile
from pathlib import Path
from typing import Any

import httpx
from sqlalchemy import create_engine, func, select

from benchmarks.http_throughput import ROOT, bench_token, ensure_wrk, run_wrk, start_service
from eligibility_service.store.tables import DecisionLogEntry


def start(port: int, data_dir: Path, log: str, stderr: Any) -> subprocess.Popen[bytes]:
    return start_service(port, data_dir, {"ELIGIBILITY_DECISION_LOG": log}, stderr)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=int, default=8)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--connections", type=int, default=8)
    parser.add_argument("--port", type=int, default=18090)
    args = parser.parse_args()
    wrk = ensure_wrk()
    body = (ROOT / "examples" / "cases" / "state-new-hire.json").read_text()
    results: dict[str, list[dict[str, float]]] = {"on": [], "off": []}
    requests_on = 0
    with tempfile.TemporaryDirectory(prefix="log-bench-") as tmp:
        data_dir = Path(tmp)
        auth = bench_token(data_dir)
        for repeat in range(args.repeats):
            for n, log in enumerate(("on", "off")):
                port = args.port + 2 * repeat + n  # a fresh port: the last one may linger
                url = f"http://127.0.0.1:{port}/v1/decisions/new-hire-enrollment"
                server_log = (data_dir / f"server-{port}.log").open("wb")
                server = start(port, data_dir, log, server_log)
                try:
                    warm = run_wrk(wrk, url, body, args.connections, 2, auth)  # warm up
                    r = run_wrk(wrk, url, body, args.connections, args.seconds, auth)
                    results[log].append(r)
                    if log == "on":
                        requests_on += int(r["rps"] * args.seconds) + 1
                        status = httpx.get(f"http://127.0.0.1:{port}/ready").json()
                    if log == "on":  # the warm-up was answered and logged too
                        requests_on += int(warm["rps"] * 2)
                finally:
                    os.killpg(server.pid, signal.SIGTERM)
                    server.wait(timeout=60)
                    server_log.close()
                for line in (data_dir / f"server-{port}.log").read_text().splitlines():
                    if "decision log" in line or "store" in line:
                        print(f"server ({log}): {line}")
                if log == "on":  # one worker's view: each worker process has its own writer
                    print(f"log on, one worker's log status: {status['decision_log']}")
        engine = create_engine(f"sqlite:///{data_dir / 'eligibility.sqlite3'}")
        with engine.connect() as connection:
            logged = connection.execute(select(func.count()).select_from(DecisionLogEntry))
            rows = int(logged.scalar_one())
        engine.dispose()
    print(f"{'log':<5}{'req/s (median)':>16}{'p50 ms':>9}{'p99 ms':>9}")
    for log in ("on", "off"):
        rs = results[log]
        print(
            f"{log:<5}{statistics.median(r['rps'] for r in rs):>16,.0f}"
            f"{statistics.median(r['p50'] for r in rs):>9.2f}"
            f"{statistics.median(r['p99'] for r in rs):>9.2f}"
        )
    on = statistics.median(r["rps"] for r in results["on"])
    off = statistics.median(r["rps"] for r in results["off"])
    print(f"throughput with the log: {on / off:.0%} of without")
    print(f"decisions in the log afterwards: {rows:,} (about {requests_on:,} answered with it on)")


if __name__ == "__main__":
    main()
