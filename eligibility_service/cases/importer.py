"""Import historical cases from JSON Lines or CSV, line by line.

Every line is validated on its own (the record format, the question's facts exactly as the
API would validate them, the dates the question answers); a bad line is reported with its
number and field and the good lines are imported. Lines are written in batches, so a file
of any size is imported in flat memory. A case id already in the store is not imported twice:
the line counts as *already stored* and the stored case is tagged into the suites asked for,
so importing the same file again changes nothing.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import IO, Any

import orjson
from pydantic import ValidationError

from ..decisions.questions import QUESTIONS
from ..decisions.requests import request_model
from ..decisions.stored_facts import fingerprint
from ..store.store import Store
from . import repository
from .csv_format import CellError, row_to_record
from .model import SUITE_NAME, CaseRecord

MAX_ERRORS_KEPT = 1000
SUITE_PATTERN = re.compile(SUITE_NAME)


@dataclass(frozen=True)
class LineError:
    line: int
    field: str
    message: str

    def as_dict(self) -> dict[str, Any]:
        return {"line": self.line, "field": self.field, "message": self.message}


@dataclass
class ImportReport:
    source: str
    read: int = 0
    imported: int = 0
    already_stored: int = 0
    rejected: int = 0
    errors: list[LineError] = field(default_factory=list)

    def reject(self, error: LineError) -> None:
        self.rejected += 1
        if len(self.errors) < MAX_ERRORS_KEPT:
            self.errors.append(error)

    def as_dict(self) -> dict[str, Any]:
        return {
            "source": self.source,
            "read": self.read,
            "imported": self.imported,
            "already_stored": self.already_stored,
            "rejected": self.rejected,
            "errors": [e.as_dict() for e in self.errors],
            "errors_truncated": self.rejected > len(self.errors),
        }


class InvalidLine(ValueError):
    def __init__(self, field: str, message: str) -> None:
        self.field = field
        super().__init__(message)


def _loc(loc: Iterable[Any]) -> str:
    return ".".join(str(p) for p in loc) or "(line)"


_BOM = b"\xef\xbb\xbf"
_NOT_UTF8 = "not UTF-8 text (save the file as UTF-8)"


def _is_utf8(raw: bytes) -> bool:
    try:
        raw.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def _text_lines(stream: IO[bytes], undecodable: set[int]) -> Iterator[str]:
    """The stream's physical lines as text; a line that is not UTF-8 is added to
    ``undecodable`` (by number) and given with replacement characters, so that the CSV reader
    keeps its place and the record it falls in is rejected, never imported altered."""
    for number, raw in enumerate(stream, start=1):
        if number == 1 and raw.startswith(_BOM):
            raw = raw[3:]
        try:
            yield raw.decode("utf-8")
        except UnicodeDecodeError:
            undecodable.add(number)
            yield raw.decode("utf-8", errors="replace")


def read_jsonl(stream: IO[bytes]) -> Iterator[tuple[int, dict[str, Any] | InvalidLine]]:
    """``(line number, record or why not)``; blank lines are skipped, numbers stay true."""
    for number, raw in enumerate(stream, start=1):
        text = raw.strip()
        if not text:
            continue
        if number == 1 and text.startswith(_BOM):
            text = text[3:]
        if not _is_utf8(text):
            yield number, InvalidLine("(line)", _NOT_UTF8)
            continue
        try:
            value = orjson.loads(text)
        except orjson.JSONDecodeError as exc:
            yield number, InvalidLine("(line)", f"not valid JSON: {exc}")
            continue
        if not isinstance(value, dict):
            yield number, InvalidLine("(line)", "expected a JSON object")
            continue
        yield number, value


def read_csv(stream: IO[bytes]) -> Iterator[tuple[int, dict[str, Any] | InvalidLine]]:
    """CSV rows as records (see :mod:`.csv_format`); numbers are physical line numbers."""
    undecodable: set[int] = set()
    reader = csv.DictReader(_text_lines(stream, undecodable))
    if reader.fieldnames is None:
        return
    if undecodable:  # the header is all before the first record
        yield 1, InvalidLine("(header)", _NOT_UTF8)
        return
    required = {"case_id", "question", "program", "outcome"}
    missing = required - set(reader.fieldnames)
    if missing:
        yield 1, InvalidLine("(header)", f"missing column(s): {', '.join(sorted(missing))}")
        return
    line = reader.line_num
    for row in reader:
        number = line + 1
        line = reader.line_num
        if any(n in undecodable for n in range(number, line + 1)):
            yield number, InvalidLine("(line)", _NOT_UTF8)
            continue
        if None in row:
            yield number, InvalidLine("(row)", "more cells than header columns")
            continue
        try:
            yield number, row_to_record(row)
        except CellError as exc:
            yield number, InvalidLine(exc.column, str(exc))


def validate(raw: dict[str, Any]) -> tuple[CaseRecord, bytes]:
    """The record and its canonical request JSON, or :class:`InvalidLine`."""
    try:
        record = CaseRecord.model_validate(raw)
    except ValidationError as exc:
        first = exc.errors()[0]
        raise InvalidLine(_loc(first["loc"]), first["msg"]) from None
    spec = QUESTIONS.get(record.question)
    if spec is None:
        raise InvalidLine("question", f"no such question (questions: {', '.join(QUESTIONS)})")
    body = {
        "program": record.program,
        "facts": record.facts,
        "options": {"policy_choices": record.policy_choices},
    }
    try:
        request = request_model(spec).model_validate(body)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = _loc(first["loc"]).replace("options.policy_choices", "policy_choices")
        raise InvalidLine(where, first["msg"]) from None
    for name in record.decision.dates or {}:
        if name not in spec.outputs:  # the name is not one of ours: not repeated
            raise InvalidLine(
                "decision.dates",
                f"{spec.name} answers no date of that name (it answers {', '.join(spec.outputs)})",
            )
    for suite in record.suites:
        if not SUITE_PATTERN.match(suite):
            raise InvalidLine("suites", "a suite name is letters, digits, . _ - (one is not)")
    payload = request.model_dump_json(include={"program", "facts", "options"}).encode()
    return record, payload


def _row(
    record: CaseRecord, payload: bytes, store: Store, source: str, line: int, now: datetime
) -> dict[str, Any]:
    decision = record.decision
    dates = (
        {k: v.isoformat() if v else None for k, v in decision.dates.items()}
        if decision.dates is not None
        else None
    )
    return {
        "case_key": record.case_id,
        "question": record.question,
        "program": record.program,
        "decided_on": record.decided_on,
        "as_of": record.as_of,
        "rule_set_version": record.rule_set_version,
        "recorded_outcome": decision.outcome,
        "recorded_dates": orjson.dumps(dates).decode(),
        "recorded_reason_codes": orjson.dumps(decision.reason_codes).decode(),
        "key_id": store.protector.key_id,
        "payload": store.protector.seal(payload, repository.TABLE),
        "facts_schema": fingerprint(QUESTIONS[record.question]),
        "source": source[:300],
        "source_line": line,
        "decision_id": None,
        "imported_at": now,
    }


def import_records(
    store: Store,
    lines: Iterable[tuple[int, dict[str, Any] | InvalidLine]],
    source: str,
    suites: Iterable[str] = (),
    batch_size: int = 1000,
    progress: Callable[[int], None] | None = None,
    extra_rows: Callable[[CaseRecord], dict[str, Any]] | None = None,
) -> ImportReport:
    """Validate and store records; ``suites`` tags every imported case, in addition to the
    suites a record names itself."""
    report = ImportReport(source)
    common = list(suites)
    for name in common:
        if not SUITE_PATTERN.match(name):
            raise ValueError("a suite name is letters, digits, . _ - (one is not)")
    seen: set[str] = set()
    pending: list[tuple[CaseRecord, dict[str, Any]]] = []
    now = datetime.now(UTC)

    def flush() -> None:
        if not pending:
            return
        with store.engine.begin() as connection:
            keys = [r.case_id for r, _ in pending]
            stored = repository.existing_keys(connection, keys)
            new_rows = [row for r, row in pending if r.case_id not in stored]
            ids = {**stored, **repository.insert_cases(connection, new_rows)}
            suite_ids = repository.ensure_suites(
                connection, {s for r, _ in pending for s in r.suites} | set(common)
            )
            repository.add_to_suites(
                connection,
                [
                    {"suite_id": suite_ids[s], "case_id": ids[r.case_id]}
                    for r, _ in pending
                    for s in dict.fromkeys([*common, *r.suites])
                ],
            )
        report.already_stored += len(stored)
        report.imported += len(new_rows)
        if progress is not None:
            progress(len(pending))
        pending.clear()

    for number, raw in lines:
        report.read += 1
        if isinstance(raw, InvalidLine):
            report.reject(LineError(number, raw.field, str(raw)))
            if progress is not None:
                progress(1)
            continue
        try:
            record, payload = validate(raw)
            if record.case_id in seen:
                raise InvalidLine("case_id", "the case id appears earlier in the file")
        except InvalidLine as exc:
            report.reject(LineError(number, exc.field, str(exc)))
            if progress is not None:
                progress(1)
            continue
        seen.add(record.case_id)
        row = _row(record, payload, store, source, number, now)
        if extra_rows is not None:
            row.update(extra_rows(record))
        pending.append((record, row))
        if len(pending) >= batch_size:
            flush()
    flush()
    return report


def detect_format(name: str) -> str:
    lower = name.lower()
    if lower.endswith(".csv"):
        return "csv"
    if lower.endswith((".jsonl", ".ndjson", ".json")):
        return "jsonl"
    raise ValueError("cannot tell the format from the file name (.csv, .jsonl, .ndjson, .json)")


def import_stream(
    store: Store,
    stream: IO[bytes],
    fmt: str,
    source: str,
    suites: Iterable[str] = (),
    progress: Callable[[int], None] | None = None,
) -> ImportReport:
    lines = read_csv(stream) if fmt == "csv" else read_jsonl(stream)
    return import_records(store, lines, source, suites, progress=progress)
