"""What observability costs a decision: the app before it and the app now, in one run.

Each variant runs in its own process, alternately, calling the ASGI app directly (no HTTP, no
client: the per-request work of the service alone, so the overhead is not hidden in network
time) with the README's State new-hire request, authentication off (the token check costs the
same in both and would only flatter the ratio), the decision log on:

- ``before``: the tree of ``--base-ref`` (default: the merge base with ``main``), exported
  with ``git archive`` into a temporary folder;
- ``after``: this tree, logging configured as ``serve`` does it (JSON lines at info, written
  to /dev/null) and metrics in the in-memory registry;
- ``after-mp``: the same in prometheus_client's multi-process mode (``serve``'s), values in
  memory-mapped files;
- ``after, no observer``: this tree without the request middleware (its share of the cost).

Prints microseconds per request (median of rounds) and the ratio to ``before``.

Run: ./scripts/uv run python -m benchmarks.observability_overhead [--requests 2000] [--rounds 5]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import statistics
import subprocess
import sys
import tarfile
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
PATH = "/v1/decisions/new-hire-enrollment"


# -- child: time one app ------------------------------------------------------------------
async def _time_requests(app: Any, body: bytes, n: int) -> float:
    """Mean microseconds per request over ``n`` decisions."""
    headers = [
        (b"host", b"bench"),
        (b"content-type", b"application/json"),
        (b"content-length", str(len(body)).encode()),
    ]
    message = {"type": "http.request", "body": body, "more_body": False}

    async def receive() -> dict[str, Any]:
        return message

    status: list[int] = []

    async def send(event: dict[str, Any]) -> None:
        if event["type"] == "http.response.start":
            status.append(event["status"])

    started = time.perf_counter()
    for _ in range(n):
        scope = {
            "type": "http",
            "asgi": {"version": "3.0"},
            "http_version": "1.1",
            "method": "POST",
            "scheme": "http",
            "path": PATH,
            "raw_path": PATH.encode(),
            "query_string": b"",
            "root_path": "",
            "headers": list(headers),
            "client": ("127.0.0.1", 50000),
            "server": ("127.0.0.1", 8000),
            "state": {},
        }
        await app(scope, receive, send)
    elapsed = time.perf_counter() - started
    assert set(status) == {200}, set(status)
    return elapsed / n * 1e6


def child(variant: str, requests: int, rounds: int) -> None:
    """Runs in a fresh interpreter whose ``eligibility_service`` is the variant's tree."""
    from eligibility_service.api.app import create_app

    if variant.startswith("after"):
        from eligibility_service.logging_setup import configure_logging

        configure_logging("json", "info", stream=open(os.devnull, "w"))  # noqa: SIM115
    app = create_app()
    if variant == "after-no-observer":
        from fastapi import FastAPI

        app.middleware_stack = FastAPI.build_middleware_stack(app)
    body = (ROOT / "examples" / "cases" / "state-new-hire.json").read_bytes()
    loop = asyncio.new_event_loop()
    loop.run_until_complete(_time_requests(app, body, max(requests // 5, 100)))  # warm up
    means = [loop.run_until_complete(_time_requests(app, body, requests)) for _ in range(rounds)]
    writer = app.state.decision_log
    if writer is not None:
        writer.close()
    print(json.dumps({"variant": variant, "means": means}))


# -- parent: run the variants alternately ---------------------------------------------------
def _export(ref: str, into: Path) -> Path:
    archive = into / "base.tar"
    subprocess.run(["git", "archive", "-o", str(archive), ref], cwd=ROOT, check=True)
    tree = into / "base"
    with tarfile.open(archive) as tar:
        tar.extractall(tree, filter="data")
    return tree


def _run(variant: str, tree: Path, requests: int, rounds: int, scratch: Path) -> list[float]:
    data_dir = tempfile.mkdtemp(prefix=f"{variant}-", dir=scratch)
    env = {
        **os.environ,
        "PYTHONPATH": str(tree),
        "ELIGIBILITY_DATA_DIR": data_dir,
        "ELIGIBILITY_AUTH": "off",
    }
    env.pop("PROMETHEUS_MULTIPROC_DIR", None)
    if variant == "after-mp":
        folder = Path(data_dir) / "metrics"
        folder.mkdir()
        env["PROMETHEUS_MULTIPROC_DIR"] = str(folder)
    out = subprocess.run(
        [sys.executable, __file__, "--child", variant, "--requests", str(requests),
         "--rounds", str(rounds)],
        env=env, cwd=tree, capture_output=True, text=True, check=False,
    )  # fmt: skip
    if out.returncode != 0:
        sys.exit(f"{variant} failed:\n{out.stderr[-3000:]}")
    result: list[float] = json.loads(out.stdout.strip().splitlines()[-1])["means"]
    return result


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--requests", type=int, default=2000, help="per round")
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--repeats", type=int, default=2, help="processes per variant")
    parser.add_argument("--base-ref", default=None, help="default: git merge-base HEAD main")
    parser.add_argument("--child", default=None, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args.child, args.requests, args.rounds)
        return
    ref = (
        args.base_ref
        or subprocess.run(
            ["git", "merge-base", "HEAD", "main"],
            cwd=ROOT,
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
    )
    variants = ["before", "after", "after-mp", "after-no-observer"]
    results: dict[str, list[float]] = {v: [] for v in variants}
    with tempfile.TemporaryDirectory(prefix="obs-bench-") as tmp:
        scratch = Path(tmp)
        base = _export(ref, scratch)
        for _ in range(args.repeats):
            for variant in variants:
                tree = base if variant == "before" else ROOT
                results[variant] += _run(variant, tree, args.requests, args.rounds, scratch)
    before = statistics.median(results["before"])
    print(f"base {ref[:12]}; {args.requests} decisions x {args.rounds} rounds x {args.repeats}")
    print(f"{'variant':<20}{'us/request':>12}{'min':>10}{'vs before':>11}")
    for variant in variants:
        median = statistics.median(results[variant])
        print(
            f"{variant:<20}{median:>12.1f}{min(results[variant]):>10.1f}{median / before:>10.3f}x"
        )


if __name__ == "__main__":
    main()
