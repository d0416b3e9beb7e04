"""Run a suite of stored cases through the service again and compare with what was decided.

Cases stream from the store (see :func:`..cases.repository.stream_cases`), so memory stays
flat whatever the suite's size. Each case is decrypted, validated as the API would validate
it, decided without a trace, and compared; only a case that differs is decided a second
time with the trace on, for the report, so the common path costs one plain decision.

With ``workers > 1`` the cases are decided in forked worker processes, chunk by chunk, with
a bounded number of chunks in flight (memory stays flat) and results applied in the order
the cases were read, so the report is the same, byte for byte, whatever the worker count.
Forking shares the compiled rule sets with the workers without loading them again.
"""

from __future__ import annotations

import gc
import multiprocessing
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from contextlib import closing
from dataclasses import dataclass
from datetime import date
from itertools import islice
from typing import Any

from pydantic import BaseModel, ValidationError

from ..cases.model import StoredCase
from ..cases.repository import (
    TABLE,
    CaseRow,
    case_from_row,
    id_ranges,
    rows_between,
    stream_rows,
)
from ..decisions.questions import QUESTIONS
from ..decisions.requests import request_model
from ..decisions.schema import DecisionOptions
from ..decisions.service import DecisionInputError, DecisionService, PlainOptions
from ..decisions.stored_facts import fingerprint, load_request
from ..store.database import open_engine
from ..store.protection import Protector, StoreKeyError
from ..store.store import Store
from .compare import FieldDifference, compare, reason_codes
from .report import ReplayReport, ReplayTarget

CHUNK = 1000


def deciding_rules(decision: dict[str, Any]) -> list[tuple[str, str]]:
    """The rules that carried the outcome (those whose effect is the outcome; else all)."""
    reasons = decision["reasons"]
    carrying = [r for r in reasons if r["effect"] == decision["outcome"]] or reasons
    return [(r["rule_id"], r["reason_code"]) for r in carrying]


@dataclass(frozen=True, slots=True)
class Matched:
    question: str
    version: str


@dataclass(frozen=True, slots=True)
class Failed:
    case_id: str
    question: str
    where: str
    message: str


@dataclass(frozen=True, slots=True)
class Differed:
    question: str
    version: str
    fields: list[FieldDifference]
    carrying: list[tuple[str, str]]
    added: list[str]
    removed: list[str]
    detail: dict[str, Any] | None


Outcome = Matched | Failed | Differed


class _Replayer:
    """Decides one case at a time; lives in the parent or, forked, in each worker."""

    def __init__(self, service: DecisionService, protector: Protector, target: ReplayTarget):
        self.service = service
        self.protector = protector
        self.version = target.rule_set_version
        self.fixed_as_of = None if target.as_of == "case" else date.fromisoformat(target.as_of)
        self.models: dict[str, type[BaseModel]] = {
            name: request_model(spec) for name, spec in QUESTIONS.items()
        }

    def one(self, case: StoredCase, want_detail: bool) -> Outcome:
        model = self.models.get(case.question)
        if model is None:
            return Failed(case.case_id, case.question, "question", "unknown question")
        try:
            plain = self.protector.open(case.sealed_request, TABLE, case.key_id)
        except StoreKeyError as exc:
            return Failed(case.case_id, case.question, "(record)", str(exc))
        spec = QUESTIONS[case.question]
        if case.facts_schema is not None and case.facts_schema == fingerprint(spec):
            # validated on import against this very schema: only decode it
            stored = load_request(spec, plain)
            program, facts = stored["program"], stored["facts"]
            choices = stored["options"]["policy_choices"]
        else:
            try:
                request: Any = model.model_validate_json(plain)
            except ValidationError as exc:
                first = exc.errors()[0]
                where = ".".join(str(p) for p in first["loc"])
                return Failed(case.case_id, case.question, where, first["msg"])
            program, facts = request.program, request.facts.model_dump()
            choices = request.options.policy_choices
        options = PlainOptions(self.version, self.fixed_as_of or case.as_of, choices)
        try:
            decision = self.service.decide_brief(case.question, program, facts, options)
        except DecisionInputError as exc:
            return Failed(case.case_id, case.question, exc.field, str(exc))
        ref = decision["rule_set"]
        version = f"{ref['id']}@{ref['version']}"
        fields = compare(case.decision, decision)
        if not fields:
            return Matched(case.question, version)
        codes = case.decision.reason_codes
        old_codes = set(codes or ())
        new_codes = set(reason_codes(decision))
        carrying = deciding_rules(decision)
        detail = None
        if want_detail:
            traced = self.service.decide(
                case.question,
                program,
                facts,
                DecisionOptions(
                    rule_set_version=options.rule_set_version,
                    as_of=options.as_of,
                    policy_choices=dict(options.policy_choices),
                    trace=True,
                ),
            )
            detail = _detail(case, traced, fields, carrying)
        return Differed(
            case.question,
            version,
            fields,
            carrying,
            sorted(new_codes - old_codes) if codes is not None else [],
            sorted(old_codes - new_codes) if codes is not None else [],
            detail,
        )


def _apply(report: ReplayReport, outcome: Outcome) -> None:
    if isinstance(outcome, Matched):
        report.add_matches(outcome.question, outcome.version, 1)
    elif isinstance(outcome, Failed):
        report.add_error(outcome.case_id, outcome.question, outcome.where, outcome.message)
    else:
        keep = report.add_difference(
            outcome.question,
            outcome.version,
            outcome.fields,
            outcome.carrying,
            outcome.added,
            outcome.removed,
        )
        if keep and outcome.detail is not None:
            report.keep(outcome.detail)


# the worker's replayer: set in the parent just before forking, inherited by the workers
_WORKER: _Replayer | None = None

ChunkResult = tuple[dict[tuple[str, str], int], list[Outcome]]


def _work(chunk: Sequence[CaseRow | StoredCase], want_detail: bool) -> ChunkResult:
    """Decide a chunk; matches come back as counts, the rest in order (results are pickled
    back to the parent: keeping them small keeps the parent free)."""
    assert _WORKER is not None
    matched: dict[tuple[str, str], int] = {}
    others: list[Outcome] = []
    for item in chunk:
        case = case_from_row(item) if isinstance(item, tuple) else item
        outcome = _WORKER.one(case, want_detail)
        if isinstance(outcome, Matched):
            key = (outcome.question, outcome.version)
            matched[key] = matched.get(key, 0) + 1
        else:
            others.append(outcome)
    return matched, others


def replay_cases(
    service: DecisionService,
    protector: Protector,
    cases: Iterable[StoredCase | CaseRow],
    target: ReplayTarget,
    max_detailed: int = 200,
    progress: Callable[[int], None] | None = None,
    workers: int = 1,
) -> ReplayReport:
    """Replay ``cases`` (decoded, or rows from :func:`..cases.repository.stream_rows`)."""
    report = ReplayReport(target, max_detailed)
    replayer = _Replayer(service, protector, target)
    if workers <= 1:
        for n, item in enumerate(cases, start=1):
            case = case_from_row(item) if isinstance(item, tuple) else item
            want = len(report.differences) < max_detailed
            _apply(report, replayer.one(case, want))
            if progress is not None and n % 500 == 0:
                progress(500)
        if progress is not None and report.cases % 500:
            progress(report.cases % 500)
        return report
    return _replay_parallel(replayer, cases, report, progress, workers)


_STORE_URL: str | None = None
_WORKER_STORE: Store | None = None


def _work_range(suite: str | None, first: int, last: int, want_detail: bool) -> ChunkResult:
    """A worker reads its own run of cases from the store, then decides them."""
    global _WORKER_STORE
    assert _WORKER is not None and _STORE_URL is not None
    if _WORKER_STORE is None:
        # the parent's connections were inherited across fork: never use them here
        _WORKER_STORE = Store(open_engine(_STORE_URL), _WORKER.protector)
    return _work(rows_between(_WORKER_STORE, suite, first, last), want_detail)


def replay_suite(
    service: DecisionService,
    store: Store,
    target: ReplayTarget,
    max_detailed: int = 200,
    progress: Callable[[int], None] | None = None,
    workers: int = 1,
) -> ReplayReport:
    """Replay a suite from the store. With several workers, each reads its runs of cases
    from the database itself, so the parent only hands out id ranges and merges results."""
    if workers <= 1:
        with closing(stream_rows(store, target.suite)) as rows:
            return replay_cases(service, store.protector, rows, target, max_detailed, progress)
    global _WORKER, _STORE_URL
    report = ReplayReport(target, max_detailed)
    _WORKER = _Replayer(service, store.protector, target)
    _STORE_URL = store.engine.url.render_as_string(hide_password=False)
    gc.collect()
    gc.freeze()
    context = multiprocessing.get_context("fork")
    in_flight: deque[tuple[int, Future[ChunkResult]]] = deque()
    try:
        with ProcessPoolExecutor(workers, mp_context=context) as pool:
            for first, last, count in id_ranges(store, target.suite, CHUNK):
                want = len(report.differences) < max_detailed
                future = pool.submit(_work_range, target.suite, first, last, want)
                in_flight.append((count, future))
                if len(in_flight) >= 3 * workers:
                    _merge(report, *in_flight.popleft(), progress)
            while in_flight:
                _merge(report, *in_flight.popleft(), progress)
    finally:
        _WORKER = None
        _STORE_URL = None
    return report


def _merge(
    report: ReplayReport,
    size: int,
    future: Future[ChunkResult],
    progress: Callable[[int], None] | None,
) -> None:
    matched, others = future.result()
    # the same as one process: each difference in its place, matches as counts
    for outcome in others:
        _apply(report, outcome)
    for (question, version), n in matched.items():
        report.add_matches(question, version, n)
    if progress is not None:
        progress(size)


def _chunks(cases: Iterable[StoredCase | CaseRow]) -> Iterator[list[StoredCase | CaseRow]]:
    it = iter(cases)
    while chunk := list(islice(it, CHUNK)):
        yield chunk


def _replay_parallel(
    replayer: _Replayer,
    cases: Iterable[StoredCase | CaseRow],
    report: ReplayReport,
    progress: Callable[[int], None] | None,
    workers: int,
) -> ReplayReport:
    global _WORKER
    _WORKER = replayer
    # objects alive now are shared with the workers; keep the collector from touching
    # (and so copying) them in every worker
    gc.collect()
    gc.freeze()
    context = multiprocessing.get_context("fork")
    in_flight: deque[tuple[int, Future[ChunkResult]]] = deque()
    try:
        with ProcessPoolExecutor(workers, mp_context=context) as pool:
            for chunk in _chunks(cases):
                # details are wanted while the report has room; a few extra are harmless
                want = len(report.differences) < report.max_detailed
                in_flight.append((len(chunk), pool.submit(_work, chunk, want)))
                if len(in_flight) >= 3 * workers:
                    _merge(report, *in_flight.popleft(), progress)
            while in_flight:
                _merge(report, *in_flight.popleft(), progress)
    finally:
        _WORKER = None
    return report


def _detail(
    case: StoredCase,
    decision: dict[str, Any],
    fields: list[FieldDifference],
    carrying: list[tuple[str, str]],
) -> dict[str, Any]:
    recorded = case.decision
    return {
        "case_id": case.case_id,
        "question": case.question,
        "program": case.program,
        "as_of": decision["as_of"].isoformat(),
        "fields": [f.as_dict() for f in fields],
        "recorded": {
            "outcome": recorded.outcome,
            "dates": recorded.dates,
            "reason_codes": recorded.reason_codes,
            "decided_on": case.decided_on.isoformat() if case.decided_on else None,
            "rule_set_version": case.rule_set_version,
        },
        "replayed": {
            "outcome": decision["outcome"],
            "dates": {k: v.isoformat() if v else None for k, v in decision["dates"].items()},
            "reason_codes": reason_codes(decision),
            "rule_set": decision["rule_set"],
            "missing_facts": decision["missing_facts"],
            "reasons": [
                {
                    "rule_id": r["rule_id"],
                    "reason_code": r["reason_code"],
                    "effect": r["effect"],
                    "message": r["message"],
                    "citations": [c["citation"] for c in r["citations"]],
                }
                for r in decision["reasons"]
            ],
        },
        "deciding_rules": [{"rule_id": r, "reason_code": c} for r, c in carrying],
        "trace": [step for step in decision["trace"] or [] if step["status"] != "not_in_force"],
    }
