"""Case files that are not UTF-8: the lines that cannot be read are rejected by number (over
HTTP a 422 when nothing could be imported, in the CLI FILE:LINE), never a 500 or a traceback,
and never with the bytes in the answer or the log."""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner
from fastapi.testclient import TestClient

from eligibility_service.api.app import create_app
from eligibility_service.cases import repository
from eligibility_service.cli import main
from eligibility_service.rules.registry import Registry
from eligibility_service.settings import Settings
from eligibility_service.store.store import Store

from ..tokens import bearer

EXAMPLES = Path(__file__).resolve().parents[2] / "examples" / "cases"
LATIN1 = "Müller".encode("latin-1")  # a name in another encoding: not UTF-8
CSV_LINES = (EXAMPLES / "replay-new-hire.csv").read_bytes().splitlines(keepends=True)
JSONL_LINES = (EXAMPLES / "replay-new-hire.jsonl").read_bytes().splitlines(keepends=True)


@pytest.fixture
def client(store: Store, store_settings: Settings, registry: Registry) -> Iterator[TestClient]:
    app = create_app(store_settings, registry=registry, store=store)
    with TestClient(app, headers=bearer(app.state.settings.data_dir)) as c:
        yield c


def _spoil(line: bytes) -> bytes:
    return line.replace(b",", b"," + LATIN1, 1) if b"{" not in line[:1] else LATIN1 + line


@pytest.mark.parametrize(("fmt", "lines"), [("csv", CSV_LINES), ("jsonl", JSONL_LINES)])
def test_an_undecodable_line_is_rejected_by_number_and_the_rest_imported(
    client: TestClient, store: Store, fmt: str, lines: list[bytes], caplog: pytest.LogCaptureFixture
) -> None:
    bad = 2 if fmt == "csv" else 1  # a record line (CSV line 1 is the header)
    body = b"".join(_spoil(x) if n == bad else x for n, x in enumerate(lines, start=1))
    with caplog.at_level(logging.INFO):
        answer = client.post(f"/v1/cases/import?format={fmt}&suite=enc-{fmt}", content=body)
    assert answer.status_code == 200, answer.text
    report = answer.json()
    assert [(e["line"], e["field"]) for e in report["errors"]] == [(bad, "(line)")]
    assert "UTF-8" in report["errors"][0]["message"]
    assert report["imported"] == len(lines) - 1 - (fmt == "csv")
    assert repository.count_cases(store, f"enc-{fmt}") == report["imported"]
    assert "Müller" not in answer.text and "M\\ufffd" not in answer.text
    assert "Traceback" not in caplog.text and "UnicodeDecodeError" not in caplog.text


@pytest.mark.parametrize("fmt", ["csv", "jsonl"])
def test_a_file_of_nothing_but_undecodable_bytes_is_a_422_naming_the_line(
    client: TestClient, fmt: str
) -> None:
    answer = client.post(f"/v1/cases/import?format={fmt}", content=b"\xff\xfe\x00" + LATIN1 + b"\n")
    assert answer.status_code == 422, answer.text
    assert answer.headers["content-type"] == "application/problem+json"
    fields = [e["field"] for e in answer.json()["errors"]]
    assert fields == [f"line 1: {'(header)' if fmt == 'csv' else '(line)'}"]
    assert "UTF-8" in answer.text


def test_a_csv_header_that_is_not_utf8_is_one_error(store: Store) -> None:
    from io import BytesIO

    from eligibility_service.cases.importer import import_stream

    spoiled = [LATIN1 + CSV_LINES[0], *CSV_LINES[1:]]
    report = import_stream(store, BytesIO(b"".join(spoiled)), "csv", "upload")
    assert [(e.line, e.field) for e in report.errors] == [(1, "(header)")]
    assert report.imported == 0


def test_cli_names_file_and_line(store_settings: Settings, store: Store, tmp_path: Path) -> None:
    path = tmp_path / "cases.csv"
    path.write_bytes(b"".join(_spoil(x) if n == 3 else x for n, x in enumerate(CSV_LINES, 1)))
    args = ["cases", "import", str(path), "--database-url", store_settings.store_url]
    result = CliRunner().invoke(
        main, args, env={"ELIGIBILITY_DATA_DIR": str(store_settings.data_dir)}
    )
    assert result.exit_code == 1, result.output
    assert f"{path}:3: (line): not UTF-8 text" in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)
    assert json.dumps("Müller")[1:-1] not in result.output
