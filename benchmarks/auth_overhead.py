"""What authentication costs a decision over HTTP: the same load with tokens checked and not.

Starts the service (2 uvicorn workers, decision log off so only authentication differs, a
throwaway data folder) alternately with ``ELIGIBILITY_AUTH=on`` (every request carries a
bearer token minted by the embedded issuer; the middleware checks it and the route's scope)
and ``off``, and drives the README's State new-hire request at it with wrk at concurrency 8.
Prints requests per second (min / median / max over the repeats) and p50/p99 latency for
each, the machine's load average before and after, and the ratio of the medians. A second
part times the token check itself in-process: the first sight of a token (signature checked)
and every later one (cached).

Run: ./scripts/uv run python -m benchmarks.auth_overhead [--seconds 8] [--repeats 3]
"""

from __future__ import annotations

import argparse
import os
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from benchmarks.http_throughput import ROOT, bench_token, ensure_wrk, run_wrk, start_service


def start(port: int, data_dir: Path, auth: str, stderr: Any) -> subprocess.Popen[bytes]:
    settings = {"ELIGIBILITY_DECISION_LOG": "off", "ELIGIBILITY_AUTH": auth}
    return start_service(port, data_dir, settings, stderr)


def token_check_timings(data_dir: Path, rounds: int = 2000) -> tuple[float, float]:
    """Microseconds per check: a new token (signature verified), a seen one (cache)."""
    from eligibility_service.security.local_issuer import LocalIssuer
    from eligibility_service.security.verifier import TokenVerifier
    from eligibility_service.settings import Settings

    verifier = TokenVerifier.from_settings(Settings(data_dir=data_dir))
    issuer = LocalIssuer(data_dir)
    tokens = [issuer.mint(f"c{i}", ["decide"], "etf-eligibility") for i in range(rounds)]
    started = time.perf_counter()
    for token in tokens:
        verifier.verify(token)
    fresh = (time.perf_counter() - started) / rounds * 1e6
    started = time.perf_counter()
    for token in tokens:
        verifier.verify(token)
    cached = (time.perf_counter() - started) / rounds * 1e6
    return fresh, cached


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=int, default=8)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--connections", type=int, default=8)
    parser.add_argument("--port", type=int, default=18190)
    args = parser.parse_args()
    wrk = ensure_wrk()
    body = (ROOT / "examples" / "cases" / "state-new-hire.json").read_text()
    results: dict[str, list[dict[str, float]]] = {"on": [], "off": []}
    load_before = os.getloadavg()
    with tempfile.TemporaryDirectory(prefix="auth-bench-") as tmp:
        data_dir = Path(tmp)
        header = bench_token(data_dir)
        for repeat in range(args.repeats):
            # alternate which goes first, so a machine that gets busier or quieter during
            # the run does not favour one side
            order = ("on", "off") if repeat % 2 == 0 else ("off", "on")
            for n, auth in enumerate(order):
                port = args.port + 2 * repeat + n  # a fresh port: the last one may linger
                url = f"http://127.0.0.1:{port}/v1/decisions/new-hire-enrollment"
                with (data_dir / f"server-{port}.log").open("wb") as server_log:
                    server = start(port, data_dir, auth, server_log)
                    try:
                        run_wrk(wrk, url, body, args.connections, 2, header)  # warm up
                        r = run_wrk(wrk, url, body, args.connections, args.seconds, header)
                        if r["errors"]:
                            sys.exit(f"auth {auth}: {r['errors']:.0f} answers were not 2xx")
                        results[auth].append(r)
                    finally:
                        os.killpg(server.pid, signal.SIGTERM)
                        server.wait(timeout=60)
        fresh, cached = token_check_timings(data_dir)
    load_after = os.getloadavg()
    print(f"load average before {load_before[0]:.2f}, after {load_after[0]:.2f} (1 min)")
    print(f"concurrency {args.connections}, {args.repeats} x {args.seconds} s each, 2 workers")
    print(f"{'auth':<5}{'req/s min':>11}{'median':>9}{'max':>9}{'p50 ms':>9}{'p99 ms':>9}")
    for auth in ("on", "off"):
        rs = results[auth]
        rps = [r["rps"] for r in rs]
        print(
            f"{auth:<5}{min(rps):>11,.0f}{statistics.median(rps):>9,.0f}{max(rps):>9,.0f}"
            f"{statistics.median(r['p50'] for r in rs):>9.2f}"
            f"{statistics.median(r['p99'] for r in rs):>9.2f}"
        )
    on = statistics.median(r["rps"] for r in results["on"])
    off = statistics.median(r["rps"] for r in results["off"])
    print(f"throughput with authentication: {on / off:.0%} of without (target: at least 90%)")
    print(f"token check in-process: first sight {fresh:.0f} us, cached {cached:.1f} us")


if __name__ == "__main__":
    main()
