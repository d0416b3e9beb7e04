"""Reading speed of the streaming 834 reader on a synthetic full-file audit 834.

Generates N members (deterministic from --seed) to a temporary file, then reads it back
--rounds times and prints members per second for the best round, with the peak Python heap
of one read (tracemalloc, measured in a separate round because tracing slows it down) and
the process's peak RSS. Add --trace-memory for the traced heap of one read.

Run: ./scripts/uv run python -m benchmarks.x12_read [--members 250000] [--families]
                                                  [--trace-memory]
"""

from __future__ import annotations

import argparse
import os
import resource
import tempfile
import time
import tracemalloc
from datetime import date
from pathlib import Path

from eligibility_service.reconciliation.synthetic import generate_families, write_834
from eligibility_service.reconciliation.x12 import X12Reader, iter_families


def read(path: Path, families: bool) -> tuple[int, int]:
    with open(path, "rb") as stream:
        reader = X12Reader(stream)
        count = 0
        if families:
            for family in iter_families(reader.members(), reader.findings):
                count += len(family.dependents) + (family.subscriber is not None)
        else:
            for _ in reader.members():
                count += 1
        return count, len(reader.findings)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--members", type=int, default=250_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--families", action="store_true", help="also group into families")
    parser.add_argument("--keep", type=Path, help="write the file here and keep it")
    parser.add_argument(
        "--trace-memory", action="store_true", help="one more read under tracemalloc (slow)"
    )
    args = parser.parse_args()

    as_of = date(2026, 1, 1)
    with tempfile.TemporaryDirectory() as tmp:
        path = args.keep or Path(tmp) / "synthetic.834"
        start = time.perf_counter()
        with open(path, "wb") as out:
            written = write_834(generate_families(args.seed, args.members, as_of), out, as_of=as_of)
        generate_s = time.perf_counter() - start
        print(
            f"generated {written.members:,} members in {written.families:,} families: "
            f"{written.segments:,} segments, {written.bytes / 1e6:.1f} MB in {generate_s:.2f} s"
        )
        best = float("inf")
        for _ in range(args.rounds):
            start = time.perf_counter()
            count, findings = read(path, args.families)
            best = min(best, time.perf_counter() - start)
        assert count == written.members and findings == 0, (count, findings)
        peak = 0
        if args.trace_memory:
            tracemalloc.start()
            read(path, args.families)
            _, peak = tracemalloc.get_traced_memory()
            tracemalloc.stop()
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(
        f"read{' + families' if args.families else ''}: best of {args.rounds} {best:.2f} s, "
        f"{count / best:,.0f} members/s, {written.bytes / best / 1e6:.0f} MB/s"
    )
    if peak:
        print(f"peak traced heap of one read: {peak / 1e6:.1f} MB")
    print(f"process peak RSS (generation included): {rss:.0f} MB")
    print(f"(pid {os.getpid()}, one process, no parallelism)")


if __name__ == "__main__":
    main()
