"""The service's Prometheus metrics: defined once per process, scraped at ``GET /metrics``.

``eligibility serve --workers N`` runs N processes, and a scrape reaches one of them, so the
counts live in prometheus_client's multi-process mode: each process writes its values to
memory-mapped files in ``PROMETHEUS_MULTIPROC_DIR`` (set by ``serve`` before any worker
starts; see :mod:`.metrics_dir`) and the scraped process sums every process's files. Without
that variable (tests, a single in-process app) the ordinary in-memory registry is used.

Labels are small closed sets only: route *templates* (never a path with an id in it),
methods, status codes, question and program names, outcomes, run kinds and categories. The
request path caches each labelled child, because ``labels()`` costs a lock and a lookup on
every call and the decision path is measured in microseconds.

Values that can only be known where the scrape is answered (which rule-set versions are
loaded) are computed at scrape time by a collector, so a rule-set reload that replaces
``app.state.registry`` shows up without anyone having to record it.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING

from prometheus_client import REGISTRY, CollectorRegistry, Counter, Gauge, Histogram
from prometheus_client.exposition import choose_encoder
from prometheus_client.metrics_core import InfoMetricFamily, Metric
from prometheus_client.multiprocess import MultiProcessCollector, mark_process_dead

from .metrics_dir import process_alive

if TYPE_CHECKING:
    from .rules.registry import Registry

MULTIPROCESS_DIR: str | None = os.environ.get("PROMETHEUS_MULTIPROC_DIR") or None
"""Read once, as prometheus_client itself does when it is imported: the two must agree."""

LATENCY_BUCKETS = (
    0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0,
)  # fmt: skip
"""Seconds: decisions take about a millisecond, reconciliation uploads up to a minute."""
SIZE_BUCKETS = (256, 1024, 4096, 16384, 65536, 262144, 1 << 20, 4 << 20, 16 << 20, 64 << 20)
"""Bytes: decisions are a few kilobytes, reports and the rule book up to megabytes."""

DECISIONS = Counter(
    "eligibility_decisions",
    "Decisions answered, by question, program and outcome.",
    ["question", "program", "outcome"],
)
HTTP_REQUESTS = Counter(
    "eligibility_http_requests",
    "HTTP requests answered, by route template, method and status code.",
    ["route", "method", "status"],
)
HTTP_LATENCY = Histogram(
    "eligibility_http_request_duration_seconds",
    "Time from receiving a request to sending the last byte of its answer, by route.",
    ["route", "method"],
    buckets=LATENCY_BUCKETS,
)
HTTP_RESPONSE_SIZE = Histogram(
    "eligibility_http_response_size_bytes",
    "Bytes of response body sent, by route.",
    ["route", "method"],
    buckets=SIZE_BUCKETS,
)
DECISION_LOG_PENDING = Gauge(
    "eligibility_decision_log_pending",
    "Decisions queued for the decision log and not yet written (all processes).",
    multiprocess_mode="livesum",
)
DECISION_LOG_WRITTEN = Counter(
    "eligibility_decision_log_written", "Decisions written to the decision log."
)
DECISION_LOG_WRITE_FAILURES = Counter(
    "eligibility_decision_log_write_failures",
    "Failed attempts to write a batch of the decision log (the batch is retried).",
)
DECISION_LOG_DROPPED = Counter(
    "eligibility_decision_log_dropped",
    "Decisions never written to the decision log (queue full, or stopped while the "
    "database was down).",
)
RECONCILIATION_RUNS = Counter(
    "eligibility_reconciliation_runs",
    "Reconciliation runs over HTTP by kind (ffc, monthly) and result (ok, rejected input).",
    ["kind", "result"],
)
RECONCILIATION_EXCEPTIONS = Counter(
    "eligibility_reconciliation_exceptions",
    "Exceptions (discrepancies) reported by reconciliation runs, by kind and category.",
    ["kind", "category"],
)

_METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"})


class _RequestChildren:
    """The labelled children one request touches, looked up once per label set."""

    __slots__ = ("latency", "requests", "size")

    def __init__(self, route: str, method: str) -> None:
        self.latency = HTTP_LATENCY.labels(route, method)
        self.size = HTTP_RESPONSE_SIZE.labels(route, method)
        self.requests: dict[int, Counter] = {}


_request_children: dict[tuple[str, str], _RequestChildren] = {}
_decision_children: dict[tuple[str, str, str], Counter] = {}


def observe_request(route: str, method: str, status: int, seconds: float, size: int) -> None:
    """Count one answered request (called by the request middleware)."""
    if method not in _METHODS:
        method = "other"  # a client-chosen method must not mint label values
    key = (route, method)
    children = _request_children.get(key)
    if children is None:
        children = _request_children[key] = _RequestChildren(route, method)
    counter = children.requests.get(status)
    if counter is None:
        counter = children.requests[status] = HTTP_REQUESTS.labels(route, method, str(status))
    counter.inc()
    children.latency.observe(seconds)
    children.size.observe(size)


def count_decision(question: str, program: str, outcome: str) -> None:
    key = (question, program, outcome)
    child = _decision_children.get(key)
    if child is None:
        child = _decision_children[key] = DECISIONS.labels(question, program, outcome)
    child.inc()


def count_reconciliation(kind: str, categories: Iterable[str] | None) -> None:
    """One run of ``kind``; ``categories``: its exceptions' categories, None if the input
    was rejected."""
    if categories is None:
        RECONCILIATION_RUNS.labels(kind, "rejected").inc()
        return
    RECONCILIATION_RUNS.labels(kind, "ok").inc()
    counts: dict[str, int] = {}
    for category in categories:
        counts[category] = counts.get(category, 0) + 1
    for category, n in counts.items():
        RECONCILIATION_EXCEPTIONS.labels(kind, category).inc(n)


# -- scrape time -------------------------------------------------------------------------
class RuleSetCollector:
    """``eligibility_rule_set_info``: one series per loaded rule-set version, read from the
    registry the app holds when the scrape is answered."""

    def __init__(self, registry: Registry) -> None:
        self.registry = registry

    def collect(self) -> Iterator[Metric]:
        family = InfoMetricFamily(
            "eligibility_rule_set",
            "Rule-set versions loaded, with their status and content hash.",
            labels=["rule_set", "version", "status", "content_hash"],
        )
        for rule_set_id, versions in sorted(self.registry.rule_sets.items()):
            for version, compiled in sorted(versions.items()):
                family.add_metric(
                    [rule_set_id, version, compiled.manifest.status, compiled.content_hash], {}
                )
        yield family


class _ProcessRegistry:
    """The in-memory default registry, as a collector of a per-scrape registry."""

    def collect(self) -> Iterator[Metric]:
        yield from REGISTRY.collect()


_LIVE_FILE = re.compile(r"^gauge_live\w+?_(\d+)\.db$")


def forget_dead_workers(folder: str) -> None:
    """Remove the live-gauge files of worker processes that no longer exist, so a queue
    depth is not summed from a worker that died (``mark_process_dead``). A dead worker's
    counters stay: they are totals of what it did."""
    for name in os.listdir(folder):
        match = _LIVE_FILE.match(name)
        if match is not None and not process_alive(int(match.group(1))):
            mark_process_dead(int(match.group(1)), folder)  # type: ignore[no-untyped-call]


def exposition(registry: Registry, accept: str | None) -> tuple[bytes, str]:
    """The scrape: every process's metrics (or this process's) and the loaded rule sets,
    in the text format the scraper asked for (``Accept``)."""
    scrape = CollectorRegistry(auto_describe=False)
    if MULTIPROCESS_DIR is not None and Path(MULTIPROCESS_DIR).is_dir():
        forget_dead_workers(MULTIPROCESS_DIR)
        MultiProcessCollector(scrape, MULTIPROCESS_DIR)  # type: ignore[no-untyped-call]
    else:
        scrape.register(_ProcessRegistry())
    scrape.register(RuleSetCollector(registry))
    encode, content_type = choose_encoder(accept or "")
    return encode(scrape), content_type
