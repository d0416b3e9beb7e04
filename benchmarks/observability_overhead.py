"""What observability costs a decision: the app before it and the app now, in one process.

The tree of ``--base-ref`` (default: the merge base with ``main``) is exported with ``git
archive`` and imported under another package name (``eligibility_service_base``; the package
imports itself relatively), so the old app and the new one run side by side in one process
and take turns, round after round: on a shared machine, load changes from one minute to the
next, and comparing separate runs measured mostly that.

Each round calls an ASGI app directly (no HTTP and no client: the service's own per-request
work, so the overhead is not hidden in network time) with the README's State new-hire
request, authentication off (the token check costs the same in both and would only flatter
the ratio) and the decision log on. Variants:

- ``before``: the app of the base tree;
- ``after``: this tree, logging as ``serve`` sets it up (JSON lines at info, to /dev/null);
- ``after-warn``: the same app with the access logger at warning (no access lines): what
  the access line costs;
- ``after-no-observer``: this tree without the request middleware (its share of the cost).

``--multiprocess`` runs everything with prometheus_client in multi-process mode (values in
memory-mapped files, as under ``serve``). Time is the process's CPU time per request (all
threads, the decision log writers' included). Prints the median and best round of each
variant and the median of the per-round ratios to ``before``.

Run: ./scripts/uv run python -m benchmarks.observability_overhead [--multiprocess]
"""

from __future__ import annotations

import argparse
import asyncio
import importlib
import logging
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
BASE_PACKAGE = "eligibility_service_base"


async def time_requests(app: Any, body: bytes, n: int) -> float:
    """Mean CPU microseconds per request over ``n`` decisions."""
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

    started = time.process_time()
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
    elapsed = time.process_time() - started
    assert set(status) == {200}, set(status)
    return elapsed / n * 1e6


def export_base(ref: str, into: Path) -> Path:
    """The base tree under ``into``, its package renamed to :data:`BASE_PACKAGE`."""
    archive = into / "base.tar"
    subprocess.run(["git", "archive", "-o", str(archive), ref], cwd=ROOT, check=True)
    tree = into / "base"
    with tarfile.open(archive) as tar:
        tar.extractall(tree, filter="data")
    (tree / "eligibility_service").rename(tree / BASE_PACKAGE)
    return tree


def make_apps(base_tree: Path, scratch: Path) -> dict[str, Any]:
    from fastapi import FastAPI

    from eligibility_service.api.app import create_app
    from eligibility_service.logging_setup import configure_logging
    from eligibility_service.settings import Settings

    configure_logging("json", "info", stream=open(os.devnull, "w"))  # noqa: SIM115
    sys.path.insert(0, str(base_tree))
    old_app = importlib.import_module(f"{BASE_PACKAGE}.api.app")
    old_settings = importlib.import_module(f"{BASE_PACKAGE}.settings")

    def folder(name: str) -> Path:
        return Path(tempfile.mkdtemp(prefix=f"{name}-", dir=scratch))

    before = old_app.create_app(old_settings.Settings(data_dir=folder("before"), auth=False))
    after = create_app(Settings(data_dir=folder("after"), auth=False))
    plain = create_app(Settings(data_dir=folder("plain"), auth=False))
    plain.middleware_stack = FastAPI.build_middleware_stack(plain)
    return {"before": before, "after": after, "after-warn": after, "after-no-observer": plain}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--requests", type=int, default=300, help="per variant and round")
    parser.add_argument("--rounds", type=int, default=30)
    parser.add_argument("--base-ref", default=None, help="default: git merge-base HEAD main")
    parser.add_argument("--multiprocess", action="store_true")
    args = parser.parse_args()
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
    with tempfile.TemporaryDirectory(prefix="obs-bench-") as tmp:
        scratch = Path(tmp)
        if args.multiprocess and "prometheus_client" not in sys.modules:
            (scratch / "metrics").mkdir()
            os.environ["PROMETHEUS_MULTIPROC_DIR"] = str(scratch / "metrics")
        apps = make_apps(export_base(ref, scratch), scratch)
        access = logging.getLogger("eligibility_service.access")
        body = (ROOT / "examples" / "cases" / "state-new-hire.json").read_bytes()
        loop = asyncio.new_event_loop()
        for app in apps.values():  # warm up
            loop.run_until_complete(time_requests(app, body, args.requests))
        results: dict[str, list[float]] = {name: [] for name in apps}
        names = list(apps)
        for round_ in range(args.rounds):
            for name in names[round_ % len(names) :] + names[: round_ % len(names)]:
                access.setLevel(logging.WARNING if name == "after-warn" else logging.NOTSET)
                loop.run_until_complete(time_requests(apps[name], body, 3))  # after the switch
                results[name].append(
                    loop.run_until_complete(time_requests(apps[name], body, args.requests))
                )
        for app in apps.values():
            writer = app.state.decision_log
            if writer is not None:
                writer.close()
    mode = "multi-process" if args.multiprocess else "in-memory"
    print(
        f"base {ref[:12]}; metrics {mode}; {args.requests} decisions x {args.rounds} rounds "
        "per variant, CPU time"
    )
    print(f"{'variant':<20}{'median us':>11}{'best us':>9}{'ratio':>8}")
    for name, times in results.items():
        ratios = [t / b for t, b in zip(times, results["before"], strict=True)]
        print(
            f"{name:<20}{statistics.median(times):>11.1f}{min(times):>9.1f}"
            f"{statistics.median(ratios):>8.3f}"
        )


if __name__ == "__main__":
    main()
