"""System-of-record extract files: ETF's enrollment contracts, read and written as a stream.

The Full File Compare needs ETF's side as a file it can read next to the plan's 834. Two
formats carry the same :class:`~.record.SorContract` records, so an extract can come from
whatever tool produced it:

**JSON Lines** (``.jsonl``): one contract per line, members nested, subscriber first::

    {"contract_id": "100000001", "program": "state", "employer_id": "0042",
     "group_number": "ETF-STATE", "plan_code": "S03", "insurance_line": "HLT",
     "coverage_level": "FAM", "employee_type": "active", "medicare": "E",
     "program_option": "", "effective_date": "2019-03-01", "end_date": null,
     "validated_months": ["2026-09"],
     "members": [{"member_id": "100000001-01", "relationship": "18", "ssn": "900012345",
                  "last_name": "OLSON", "first_name": "MARY", "middle_name": "A",
                  "birth_date": "1970-05-04", "gender": "F", "student": false,
                  "disabled": false, "coverage_begin": "2019-03-01", "coverage_end": null}]}

**CSV** (``.csv``): one row per member with a header row. The contract columns
(:data:`CONTRACT_COLUMNS`) are repeated on every member row, followed by the member columns
(:data:`MEMBER_COLUMNS`, prefixed ``member_``/kept as named there). The rows of one contract
are consecutive, subscriber first; a contract is the run of rows with the same
``contract_id`` and ``insurance_line``. ``validated_months`` is space-separated ``YYYY-MM``;
booleans are ``Y``/``N``; dates ``YYYY-MM-DD``; an empty cell is "none".

A contract is keyed by ``contract_id`` *and* ``insurance_line``: health and dental are two
contracts of the same subscriber with the same contract id (the plan sees one ``REF*0F``).

Readers stream: they yield each good contract as soon as it is complete and record each bad
line as a :class:`LineError` (line number, field, message) in the caller's list; a bad line is
skipped and reading goes on (the house style of :mod:`eligibility_service.cases.importer`).
Error messages never quote the values (they may be PHI).

Speed (250,000 members, 140,000 contracts, 135 MB of JSON Lines, 2 cores): a JSON line is
decoded by msgspec straight into the records (:mod:`.record` declares the schema), 0.7-1.1 s
for the whole extract, where orjson to dicts and then Python constructors took 2.4-2.7 s
(0.7 s decoding, 1.7 s building). Only a line msgspec refuses is decoded again by orjson and
checked field by field, so the errors and the lax forms accepted are those of that path.
Decoding line by line rather than with ``decode_lines`` over chunks costs about 0.1 s but
keeps "one JSON value per line" and the line numbers without further work. The CSV rows
(52 MB) are read by :mod:`csv` (0.5 s) and built positionally, a contract from its first
row's cells without an intermediate dict: 1.2 s for the extract, where 2.5-2.7 s before.
Both were checked against the previous readers on 5,000 randomly damaged extracts: the same
contracts and the same errors.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date
from typing import IO, Any, cast

import msgspec
import orjson

from .record import EMPLOYEE_TYPES, SorContract, SorMember

CONTRACT_COLUMNS = (
    "contract_id", "program", "employer_id", "group_number", "plan_code", "insurance_line",
    "coverage_level", "employee_type", "medicare", "program_option", "effective_date",
    "end_date", "validated_months",
)  # fmt: skip
MEMBER_COLUMNS = (
    "member_id", "relationship", "ssn", "last_name", "first_name", "middle_name",
    "birth_date", "gender", "student", "disabled", "coverage_begin", "coverage_end",
)  # fmt: skip
CSV_COLUMNS = CONTRACT_COLUMNS + MEMBER_COLUMNS
MAX_ERRORS_KEPT = 1000


@dataclass(frozen=True, slots=True)
class LineError:
    """A line that could not be read: 1-based line number, the field at fault, why."""

    line: int
    field: str
    message: str

    def as_dict(self) -> dict[str, Any]:
        return {"line": self.line, "field": self.field, "message": self.message}


class InvalidRecord(ValueError):
    def __init__(self, field: str, message: str) -> None:
        self.field = field
        super().__init__(message)


# A full extract repeats a few thousand distinct dates: parse each once.
_DATES: dict[str, date] = {}


def _date(value: Any, name: str, required: bool = False) -> date | None:
    if value is None or value == "":
        if required:
            raise InvalidRecord(name, "required date is missing")
        return None
    if not isinstance(value, str):
        raise InvalidRecord(name, "date must be a YYYY-MM-DD string")
    d = _DATES.get(value)
    if d is None:
        try:
            d = date.fromisoformat(value)
        except ValueError:
            raise InvalidRecord(name, "not a YYYY-MM-DD date") from None
        if len(_DATES) < 100_000:
            _DATES[value] = d
    return d


def _str(raw: dict[str, Any], name: str, required: bool = False) -> str:
    value = raw.get(name)
    if value is None:
        value = ""
    if not isinstance(value, str):
        raise InvalidRecord(name, "must be a string")
    if required and not value:
        raise InvalidRecord(name, "required value is missing")
    return value


def _bool(value: Any, name: str) -> bool:
    if isinstance(value, bool):
        return value
    if value in ("Y", "y", "true", "1"):
        return True
    if value in (None, "", "N", "n", "false", "0"):
        return False
    raise InvalidRecord(name, "must be a boolean (true/false or Y/N)")


_GENDERS = frozenset({"M", "F", "U"})


def member_from_dict(raw: dict[str, Any]) -> SorMember:
    """A member from its JSON/CSV form; raises :class:`InvalidRecord` naming the field.

    The fast path takes a well-formed record with one type check per field; anything unusual
    goes through the checking path. (A well-formed JSON line no longer comes here: msgspec
    decodes it, see :func:`read_sor_jsonl`; a lax one and a CSV row in a lax form do.)
    """
    try:
        member_id = raw["member_id"]
        relationship = raw["relationship"]
        ssn = raw["ssn"]
        last = raw["last_name"]
        first = raw["first_name"]
        middle = raw["middle_name"]
        gender = raw["gender"]
        student = raw["student"]
        disabled = raw["disabled"]
        b, cb, ce = raw["birth_date"], raw["coverage_begin"], raw["coverage_end"]
    except KeyError:
        return _member_checked(raw)
    if (
        type(member_id) is str
        and member_id
        and type(relationship) is str
        and relationship
        and type(ssn) is str
        and type(last) is str
        and type(first) is str
        and type(middle) is str
        and type(gender) is str
        and gender in _GENDERS
        and type(student) is bool
        and type(disabled) is bool
    ):
        birth = _date(b, "birth_date") if b else None
        begin = _date(cb, "coverage_begin") if cb else None
        end = _date(ce, "coverage_end") if ce else None
        return SorMember(member_id, relationship, ssn, last, first, middle, birth, gender,
                         student, disabled, begin, end)  # fmt: skip
    return _member_checked(raw)


def _member_checked(raw: dict[str, Any]) -> SorMember:
    gender = _str(raw, "gender")
    if gender not in ("M", "F", "U", ""):
        raise InvalidRecord("gender", "must be M, F or U")
    return SorMember(
        member_id=_str(raw, "member_id", True),
        relationship=_str(raw, "relationship", True),
        ssn=_str(raw, "ssn"),
        last_name=_str(raw, "last_name"),
        first_name=_str(raw, "first_name"),
        middle_name=_str(raw, "middle_name"),
        birth_date=_date(raw.get("birth_date"), "birth_date"),
        gender=gender or "U",
        student=_bool(raw.get("student"), "student"),
        disabled=_bool(raw.get("disabled"), "disabled"),
        coverage_begin=_date(raw.get("coverage_begin"), "coverage_begin"),
        coverage_end=_date(raw.get("coverage_end"), "coverage_end"),
    )


_CONTRACT_STR = (
    "contract_id", "program", "employer_id", "group_number", "plan_code", "insurance_line",
    "coverage_level", "medicare", "program_option",
)  # fmt: skip
_CONTRACT_REQUIRED = ("contract_id", "program", "plan_code", "insurance_line", "coverage_level")


def _contract_fields(raw: dict[str, Any]) -> dict[str, Any]:
    # Fast path: every text field present as a string, the required ones non-empty.
    try:
        fields = {k: raw[k] for k in _CONTRACT_STR}
        effective = raw["effective_date"]
        end = raw["end_date"]
        months = raw["validated_months"]
        employee_type = raw["employee_type"]
    except KeyError:
        return _contract_checked(raw)
    if (
        all(type(v) is str for v in fields.values())
        and all(fields[k] for k in _CONTRACT_REQUIRED)
        and employee_type in EMPLOYEE_TYPES
        and (type(months) is str or (type(months) is list and all(type(m) is str for m in months)))
        and type(effective) is str
    ):
        start = _DATES.get(effective) or _date(effective, "effective_date")
        stop = _date(end, "end_date") if end else None
        if start is not None and (stop is None or stop >= start):
            fields["employee_type"] = employee_type
            fields["effective_date"] = start
            fields["end_date"] = stop
            fields["validated_months"] = tuple(months.split() if type(months) is str else months)
            return fields
    return _contract_checked(raw)


def _contract_checked(raw: dict[str, Any]) -> dict[str, Any]:
    employee_type = _str(raw, "employee_type", True)
    if employee_type not in EMPLOYEE_TYPES:
        raise InvalidRecord("employee_type", "must be active, retiree or continuant")
    months = raw.get("validated_months") or ()
    if isinstance(months, str):
        months = months.split()
    if not isinstance(months, (list, tuple)) or not all(isinstance(m, str) for m in months):
        raise InvalidRecord("validated_months", "must be a list of YYYY-MM")
    effective = _date(raw.get("effective_date"), "effective_date", True)
    assert effective is not None
    end = _date(raw.get("end_date"), "end_date")
    if end is not None and end < effective:
        raise InvalidRecord("end_date", "ends before the effective date")
    return {
        "contract_id": _str(raw, "contract_id", True),
        "program": _str(raw, "program", True),
        "employer_id": _str(raw, "employer_id"),
        "group_number": _str(raw, "group_number"),
        "plan_code": _str(raw, "plan_code", True),
        "insurance_line": _str(raw, "insurance_line", True),
        "coverage_level": _str(raw, "coverage_level", True),
        "employee_type": employee_type,
        "medicare": _str(raw, "medicare"),
        "program_option": _str(raw, "program_option"),
        "effective_date": effective,
        "end_date": end,
        "validated_months": tuple(months),
    }


def _check_members(members: tuple[SorMember, ...]) -> None:
    if not members:
        raise InvalidRecord("members", "a contract needs at least its subscriber")
    if members[0].relationship != "18":
        raise InvalidRecord("members", "the first member must be the subscriber (18)")


def contract_from_dict(raw: dict[str, Any]) -> SorContract:
    if not isinstance(raw, dict):
        raise InvalidRecord("(line)", "a contract must be a JSON object")
    fields = _contract_fields(raw)
    items = raw.get("members")
    if not isinstance(items, list):
        raise InvalidRecord("members", "must be a list")
    members: list[SorMember] = []
    for i, m in enumerate(items):
        if not isinstance(m, dict):
            raise InvalidRecord(f"members.{i}", "a member must be a JSON object")
        try:
            members.append(member_from_dict(m))
        except InvalidRecord as exc:
            raise InvalidRecord(f"members.{i}.{exc.field}", str(exc)) from None
    _check_members(tuple(members))
    return SorContract(members=tuple(members), **fields)


def _iso(d: date | None) -> str | None:
    return d.isoformat() if d is not None else None


def member_to_dict(m: SorMember) -> dict[str, Any]:
    return {
        "member_id": m.member_id,
        "relationship": m.relationship,
        "ssn": m.ssn,
        "last_name": m.last_name,
        "first_name": m.first_name,
        "middle_name": m.middle_name,
        "birth_date": _iso(m.birth_date),
        "gender": m.gender,
        "student": m.student,
        "disabled": m.disabled,
        "coverage_begin": _iso(m.coverage_begin),
        "coverage_end": _iso(m.coverage_end),
    }


def contract_to_dict(c: SorContract) -> dict[str, Any]:
    return {
        "contract_id": c.contract_id,
        "program": c.program,
        "employer_id": c.employer_id,
        "group_number": c.group_number,
        "plan_code": c.plan_code,
        "insurance_line": c.insurance_line,
        "coverage_level": c.coverage_level,
        "employee_type": c.employee_type,
        "medicare": c.medicare,
        "program_option": c.program_option,
        "effective_date": c.effective_date.isoformat(),
        "end_date": _iso(c.end_date),
        "validated_months": list(c.validated_months),
        "members": [member_to_dict(m) for m in c.members],
    }


def _record(errors: list[LineError], error: LineError) -> None:
    if len(errors) < MAX_ERRORS_KEPT:
        errors.append(error)


# -- JSON Lines ----------------------------------------------------------------------------


# The whole line decoded into the records in C: the record types declare the schema (see
# :mod:`.record`); what they cannot declare is checked after. Anything else (a bad line, or
# a good one in a laxer form: ``null`` for "", ``"Y"`` for true, months as one string, ...)
# takes the checking path, which accepts or rejects it exactly as before.
_DECODE = msgspec.json.Decoder(SorContract).decode


def read_sor_jsonl(stream: IO[bytes], errors: list[LineError]) -> Iterator[SorContract]:
    """Contracts from a JSON Lines extract; blank lines are ignored, bad ones recorded."""
    decode = _DECODE
    for number, line in enumerate(stream, start=1):
        try:
            contract = decode(line)
        except msgspec.DecodeError:  # ValidationError included
            pass
        else:
            end = contract.end_date
            if contract.members[0].relationship == "18" and (
                end is None or end >= contract.effective_date
            ):
                yield contract
                continue
        if not line.strip():
            continue
        try:
            raw = orjson.loads(line)
        except orjson.JSONDecodeError as exc:
            _record(errors, LineError(number, "(line)", f"not JSON: {type(exc).__name__}"))
            continue
        try:
            yield contract_from_dict(raw)
        except InvalidRecord as exc:
            _record(errors, LineError(number, exc.field, str(exc)))


def write_sor_jsonl(contracts: Iterable[SorContract], out: IO[bytes]) -> int:
    """Write one contract per line; returns the number written."""
    n = 0
    buffer: list[bytes] = []
    for c in contracts:
        buffer.append(orjson.dumps(contract_to_dict(c)))
        buffer.append(b"\n")
        n += 1
        if len(buffer) >= 4000:
            out.write(b"".join(buffer))
            buffer = []
    out.write(b"".join(buffer))
    return n


# -- CSV -----------------------------------------------------------------------------------


def read_sor_csv(stream: IO[bytes], errors: list[LineError]) -> Iterator[SorContract]:
    """Contracts from a CSV extract (one row per member, rows of a contract consecutive).

    A bad member row is skipped on its own; a row whose contract columns differ from the
    first row of its contract is skipped too (the contract is whatever its first row says).
    A contract whose first good row is not the subscriber is dropped, reported at that row.
    Line numbers count the header as line 1 (rows with embedded newlines are not expected).
    """
    text = io.TextIOWrapper(stream, encoding="utf-8-sig", newline="")
    try:
        yield from _read_csv_rows(csv.reader(text), errors)
    finally:
        text.detach()  # leave the caller's stream open


def _read_csv_rows(reader: Iterator[list[str]], errors: list[LineError]) -> Iterator[SorContract]:
    header = next(reader, None)
    if header is None:
        return
    missing = [c for c in CSV_COLUMNS if c not in header]
    if missing:
        _record(errors, LineError(1, missing[0], "column missing from the header"))
        return
    index = [header.index(c) for c in CSV_COLUMNS]
    in_order = header == list(CSV_COLUMNS)  # as the writer makes it: no reordering needed
    width = len(header)
    contract_cols = len(CONTRACT_COLUMNS)

    head: list[str] | None = None  # the contract columns of the current contract's first row
    fields: _CsvContract | None = None  # its contract's fields
    first_line = 0
    members: list[SorMember] = []

    for number, row in enumerate(reader, start=2):
        if len(row) != width:  # a header has every column: a blank row is never this wide
            if row and (len(row) != 1 or row[0].strip()):
                _record(
                    errors, LineError(number, "(line)", f"{len(row)} columns, expected {width}")
                )
            continue
        values = row if in_order else [row[i] for i in index]
        key = values[:contract_cols]
        if head is None or key[0] != head[0] or key[5] != head[5]:
            if fields is not None:
                done = _finish(fields, members, first_line, errors)
                if done is not None:
                    yield done
                head = fields = None
            try:
                contract = _contract_from_row(key)
                member = _member_from_row(values[contract_cols:])
            except InvalidRecord as exc:
                _record(errors, LineError(number, exc.field, str(exc)))
                continue
            head, fields, first_line, members = key, contract, number, [member]
            continue
        if key != head:
            _record(errors, LineError(number, "(contract)", "contract columns differ from the "
                                      "contract's first row"))  # fmt: skip
            continue
        try:
            members.append(_member_from_row(values[contract_cols:]))
        except InvalidRecord as exc:
            _record(errors, LineError(number, exc.field, str(exc)))
    if fields is not None:
        done = _finish(fields, members, first_line, errors)
        if done is not None:
            yield done


def _finish(
    fields: _CsvContract, members: list[SorMember], line: int, errors: list[LineError]
) -> SorContract | None:
    try:
        _check_members(tuple(members))
    except InvalidRecord as exc:
        _record(errors, LineError(line, exc.field, str(exc)))
        return None
    head, months = fields
    return SorContract(*head, tuple(members), months)


# A SorContract's fields before its members, and its validated months.
_Head = tuple[str, str, str, str, str, str, str, str, str, str, date, date | None]
_CsvContract = tuple[_Head, tuple[str, ...]]


def _contract_from_row(cells: list[str]) -> _CsvContract:
    """A contract's fields from its CSV cells (:data:`CONTRACT_COLUMNS` order, which is the
    record's but for the members); the fast path takes the form the writer produces, anything
    else goes through the dict path the JSON reader uses."""
    cid, program, employer, group, plan, line, level, etype, medicare, option, b, e, months = cells
    if cid and program and plan and line and level and etype in EMPLOYEE_TYPES and b:
        begin = _DATES.get(b) or _date(b, "effective_date")
        end = (_DATES.get(e) or _date(e, "end_date")) if e else None
        if begin is not None and (end is None or end >= begin):
            return (cid, program, employer, group, plan, line, level, etype, medicare, option,
                    begin, end), tuple(months.split())  # fmt: skip
    d = _contract_fields(dict(zip(CONTRACT_COLUMNS, cells, strict=True)))
    return cast(_Head, tuple(d[k] for k in CONTRACT_COLUMNS[:-1])), d["validated_months"]


_YN = {"Y": True, "N": False}


def _member_from_row(cells: list[str]) -> SorMember:
    """A member from its CSV cells (in :data:`MEMBER_COLUMNS` order); the fast path takes
    the form the writer produces, anything else goes through :func:`member_from_dict`."""
    mid, rel, ssn, last, first, middle, b, gender, student, disabled, cb, ce = cells
    st = _YN.get(student)
    di = _YN.get(disabled)
    if mid and rel and gender in _GENDERS and st is not None and di is not None:
        dates = _DATES
        birth = (dates.get(b) or _date(b, "birth_date")) if b else None
        begin = (dates.get(cb) or _date(cb, "coverage_begin")) if cb else None
        end = (dates.get(ce) or _date(ce, "coverage_end")) if ce else None
        return SorMember(mid, rel, ssn, last, first, middle, birth, gender, st, di, begin, end)
    return member_from_dict(dict(zip(MEMBER_COLUMNS, cells, strict=True)))


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "Y" if value else "N"
    if isinstance(value, list):
        return " ".join(value)
    return str(value)


def write_sor_csv(contracts: Iterable[SorContract], out: IO[bytes]) -> int:
    """Write one row per member with the contract columns repeated; returns contracts."""
    text = io.TextIOWrapper(out, encoding="utf-8", newline="", write_through=False)
    writer = csv.writer(text, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    n = 0
    for c in contracts:
        d = contract_to_dict(c)
        head = [_cell(d[k]) for k in CONTRACT_COLUMNS]
        for m in d["members"]:
            writer.writerow(head + [_cell(m[k]) for k in MEMBER_COLUMNS])
        n += 1
    text.flush()
    text.detach()
    return n


def read_sor(path_or_stream: IO[bytes], fmt: str, errors: list[LineError]) -> Iterator[SorContract]:
    """Dispatch on ``fmt`` (``jsonl`` or ``csv``)."""
    if fmt == "jsonl":
        return read_sor_jsonl(path_or_stream, errors)
    if fmt == "csv":
        return read_sor_csv(path_or_stream, errors)
    raise ValueError(f"unknown system-of-record format {fmt!r} (jsonl or csv)")
