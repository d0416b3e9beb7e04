"""Decision endpoint over HTTP versus a trivial echo endpoint, under 2 uvicorn workers.

Both endpoints get the same State new-hire request body, at concurrency 8 and 64, in the same
run, from wrk (Debian package; installed by this script with apt-get when missing and the
user is root). Prints requests per second, p50 and p99 latency, and the decision endpoint's
share of the echo endpoint's throughput.

Run: ./scripts/uv run python -m benchmarks.http_throughput [--seconds 10] [--repeats 3]
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import httpx

ROOT = Path(__file__).resolve().parent.parent


def ensure_wrk() -> str:
    found = shutil.which("wrk")
    if found:
        return found
    if os.geteuid() == 0 and shutil.which("apt-get"):
        subprocess.run(["apt-get", "install", "-y", "-qq", "wrk"], check=False, capture_output=True)
        found = shutil.which("wrk")
        if found:
            return found
    sys.exit("wrk is needed: apt-get install wrk")


def bench_token(data_dir: Path) -> dict[str, str]:
    """An Authorization header for the embedded issuer of ``data_dir`` (decide scope)."""
    from eligibility_service.security.local_issuer import LocalIssuer

    token = LocalIssuer(data_dir).mint("benchmark", ["decide"], "etf-eligibility", 3600)
    return {"Authorization": f"Bearer {token}"}


def start_server(port: int, workers: int, data_dir: Path) -> subprocess.Popen[bytes]:
    env = {**os.environ, "ELIGIBILITY_DATA_DIR": str(data_dir)}
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "uvicorn",
            "benchmarks.echo_app:app",
            "--port",
            str(port),
            "--workers",
            str(workers),
            "--no-access-log",
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        env=env,
    )
    if not wait_ready(port, 60):
        proc.kill()
        sys.exit("server did not start")
    return proc


def start_service(
    port: int, data_dir: Path, settings: dict[str, str], stderr: Any
) -> subprocess.Popen[bytes]:
    """``eligibility serve`` with 2 workers, a data folder and settings of its own, in a
    session of its own (so a stop by its process group reaches the workers too)."""
    env = {**os.environ, "ELIGIBILITY_DATA_DIR": str(data_dir), **settings}
    serve = ("-m", "eligibility_service.cli", "serve", "--port", str(port), "--workers", "2")
    proc = subprocess.Popen(
        [sys.executable, *serve],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=stderr,
        start_new_session=True,
    )
    if wait_ready(port, 120):
        return proc
    os.killpg(proc.pid, signal.SIGKILL)
    sys.exit("server did not start")


def wait_ready(port: int, seconds: float) -> bool:
    """Poll ``/ready`` until the service answers 200 (True) or time runs out (False)."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"http://127.0.0.1:{port}/ready", timeout=1).status_code == 200:
                return True
        except httpx.TransportError:
            time.sleep(0.2)
    return False


def to_ms(value: str) -> float:
    number = float(re.sub(r"[a-z]+$", "", value))
    if value.endswith("us"):
        return number / 1000
    if value.endswith("ms"):
        return number
    return number * 1000


def run_wrk(
    wrk: str,
    url: str,
    body: str,
    connections: int,
    seconds: int,
    headers: dict[str, str] | None = None,
) -> dict[str, float]:
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as script:
        script.write(
            'wrk.method = "POST"\n'
            'wrk.headers["Content-Type"] = "application/json"\n'
            f"wrk.body = {json.dumps(body)}\n"
        )
        for name, value in (headers or {}).items():
            script.write(f"wrk.headers[{json.dumps(name)}] = {json.dumps(value)}\n")
    out = subprocess.run(
        [
            wrk,
            "-t",
            "1",
            "-c",
            str(connections),
            "-d",
            f"{seconds}s",
            "--latency",
            "-s",
            script.name,
            url,
        ],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    os.unlink(script.name)
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))  # type: ignore[union-attr]
    p50 = to_ms(re.search(r"^\s+50%\s+(\S+)", out, re.M).group(1))  # type: ignore[union-attr]
    p99 = to_ms(re.search(r"^\s+99%\s+(\S+)", out, re.M).group(1))  # type: ignore[union-attr]
    non2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    errors = int(non2xx.group(1)) if non2xx else 0
    return {"rps": rps, "p50": p50, "p99": p99, "errors": errors}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--port", type=int, default=18080)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    wrk = ensure_wrk()
    # the README's example: an approved State application with a full answer
    body = (ROOT / "examples" / "cases" / "state-new-hire.json").read_text()
    data_dir = Path(tempfile.mkdtemp(prefix="http-bench-"))
    auth = bench_token(data_dir)
    server = start_server(args.port, args.workers, data_dir)
    base = f"http://127.0.0.1:{args.port}"
    try:
        check = httpx.post(
            f"{base}/v1/decisions/new-hire-enrollment",
            content=body,
            headers={"content-type": "application/json", **auth},
        )
        assert check.status_code == 200, check.text
        print(
            f"request body {len(body)} bytes; decision response {len(check.content)} bytes; "
            f"outcome {check.json()['outcome']}"
        )
        for url in ("/v1/decisions/new-hire-enrollment", "/bench/echo"):  # warm up
            run_wrk(wrk, base + url, body, 8, 2, auth)
        print(f"{'endpoint':<12}{'conc.':>6}{'req/s':>10}{'p50 ms':>9}{'p99 ms':>9}{'non-2xx':>9}")
        for connections in (8, 64):
            results = {}
            for label, url in (
                ("decision", "/v1/decisions/new-hire-enrollment"),
                ("echo", "/bench/echo"),
            ):
                r = run_wrk(wrk, base + url, body, connections, args.seconds, auth)
                results[label] = r
                print(
                    f"{label:<12}{connections:>6}{r['rps']:>10,.0f}{r['p50']:>9.2f}"
                    f"{r['p99']:>9.2f}{r['errors']:>9.0f}"
                )
            share = results["decision"]["rps"] / results["echo"]["rps"]
            print(f"{'':<12}{connections:>6}  decision/echo throughput: {share:.0%}")
    finally:
        server.terminate()
        server.wait(timeout=10)
        shutil.rmtree(data_dir, ignore_errors=True)


if __name__ == "__main__":
    main()
