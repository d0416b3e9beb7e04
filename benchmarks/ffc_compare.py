"""Full File Compare at scale: read a plan's 834, read ETF's extract, compare them.

Generates N members (deterministic from --seed) with about --rate of the families altered
(every FFC category), writes the 834 and the SoR extract (--format jsonl or csv) to a
temporary directory, then runs each phase **in its own subprocess** so that each peak RSS
(``ru_maxrss``) belongs to that phase alone (tracemalloc would slow the reads several-fold):

(a) read the 834 (members/s);
(b) read the SoR extract into contracts (members/s);
(c) end to end: read the SoR into a list and index it (as ``run_ffc`` does: building the
    index while decoding measured 0.3 s slower than decoding, then indexing), stream the
    834 through the compare; the time of each step, the total, and the process's peak RSS.

The end-to-end run checks that the discrepancies found are exactly the injected ones.

Run: ./scripts/uv run python -m benchmarks.ffc_compare [--members 250000] [--format csv]
"""

from __future__ import annotations

import argparse
import gc
import json
import resource
import subprocess
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

from eligibility_service.reconciliation.ffc import SorIndex, compare
from eligibility_service.reconciliation.sor_io import (
    LineError,
    read_sor,
    write_sor_csv,
    write_sor_jsonl,
)
from eligibility_service.reconciliation.synthetic import write_834
from eligibility_service.reconciliation.synthetic_sor import (
    Expected,
    families_834,
    scenario,
)
from eligibility_service.reconciliation.x12 import X12Reader

AS_OF = date(2026, 10, 1)


def _rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def phase(name: str, tmp: Path, fmt: str, expected_path: Path) -> dict[str, object]:
    """One phase, run in a fresh process; returns its figures."""
    path_834 = tmp / "plan.834"
    path_sor = tmp / f"etf.{fmt}"
    out: dict[str, object] = {"phase": name}
    if name == "read834":
        start = time.perf_counter()
        with open(path_834, "rb") as stream:
            n = sum(1 for _ in X12Reader(stream).members())
        out.update(seconds=time.perf_counter() - start, members=n)
    elif name == "readsor":
        errors: list[LineError] = []
        start = time.perf_counter()
        gc.freeze()
        gc.disable()
        with open(path_sor, "rb") as stream:
            contracts = list(read_sor(stream, fmt, errors))
        out.update(
            seconds=time.perf_counter() - start,
            contracts=len(contracts),
            members=sum(len(c.members) for c in contracts),
            errors=len(errors),
        )
    else:
        start = time.perf_counter()
        errors = []
        with open(path_sor, "rb") as stream:
            contracts = list(read_sor(stream, fmt, errors))  # as run_ffc reads it
        index = SorIndex(contracts)  # gc paused while building
        indexed = time.perf_counter()
        gc.freeze()  # the index is long-lived: keep the collector off it
        with open(path_834, "rb") as stream:
            result = compare(X12Reader(stream), index)
        done = time.perf_counter()
        found = {(d.category, d.contract_id, d.member_id, d.field) for d in result.discrepancies}
        expected = {tuple(e) for e in json.loads(expected_path.read_text())}
        out.update(
            sor_seconds=indexed - start,
            compare_seconds=done - indexed,
            seconds=done - start,
            members=result.members,
            sor_people=result.sor_people,
            discrepancies=len(result.discrepancies),
            summary=result.summary,
            exact=found == expected,
        )
    out["peak_rss_mb"] = _rss_mb()
    return out


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--members", type=int, default=250_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--rate", type=float, default=0.01, help="share of families altered")
    parser.add_argument("--format", choices=("jsonl", "csv"), default="jsonl")
    parser.add_argument("--phase", help=argparse.SUPPRESS)
    parser.add_argument("--dir", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()

    if args.phase:
        print(json.dumps(phase(args.phase, args.dir, args.format, args.dir / "expected.json")))
        return

    with tempfile.TemporaryDirectory() as name:
        tmp = Path(name)
        start = time.perf_counter()
        with open(tmp / "plan.834", "wb") as out:
            items = scenario(args.seed, args.members, AS_OF, rate=args.rate)
            written = write_834(families_834(items), out, as_of=AS_OF)
        writer = write_sor_jsonl if args.format == "jsonl" else write_sor_csv
        expected: list[Expected] = []
        with open(tmp / f"etf.{args.format}", "wb") as out:
            items = scenario(args.seed, args.members, AS_OF, rate=args.rate)
            contracts = writer(
                (c for i in items for c in (expected.extend(i.expected) or i.contracts)), out
            )
        (tmp / "expected.json").write_text(
            json.dumps([[e.category, e.contract_id, e.member_id, e.field] for e in expected])
        )
        sizes = {p.name: p.stat().st_size / 1e6 for p in tmp.iterdir()}
        print(
            f"generated in {time.perf_counter() - start:.1f} s: 834 {written.members:,} "
            f"members ({sizes['plan.834']:.0f} MB), SoR {contracts:,} contracts "
            f"({sizes[f'etf.{args.format}']:.0f} MB {args.format}), "
            f"{len(expected):,} injected discrepancies"
        )
        figures = {}
        for name_ in ("read834", "readsor", "compare"):
            cmd = [sys.executable, "-m", "benchmarks.ffc_compare", "--phase", name_,
                   "--dir", str(tmp), "--format", args.format]  # fmt: skip
            run = subprocess.run(cmd, check=True, capture_output=True, text=True)
            figures[name_] = json.loads(run.stdout)

    a, b, c = figures["read834"], figures["readsor"], figures["compare"]
    print(
        f"(a) read 834:     {a['seconds']:.2f} s, {a['members'] / a['seconds']:,.0f} members/s, "
        f"peak RSS {a['peak_rss_mb']:.0f} MB"
    )
    print(
        f"(b) read SoR:     {b['seconds']:.2f} s, {b['members'] / b['seconds']:,.0f} members/s "
        f"({b['contracts']:,} contracts held), peak RSS {b['peak_rss_mb']:.0f} MB"
    )
    print(
        f"(c) end to end:   SoR read + index {c['sor_seconds']:.2f} s, 834 read + compare "
        f"{c['compare_seconds']:.2f} s, total {c['seconds']:.2f} s "
        f"({c['members'] / c['seconds']:,.0f} 834 members/s), peak RSS {c['peak_rss_mb']:.0f} MB"
    )
    print(
        f"    {c['discrepancies']:,} discrepancies, exactly the injected ones: {c['exact']}; "
        f"{c['summary']}"
    )


if __name__ == "__main__":
    main()
