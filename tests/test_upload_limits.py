"""Upload limits hold while the body streams: a body announced over the limit is refused
before it is read, and a chunked one is cut off as soon as it passes the limit, not after
it has been received and spooled whole."""

from __future__ import annotations

import asyncio
import json
import socket
import uuid
from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest

from eligibility_service.api.app import create_app
from eligibility_service.rules.registry import Registry
from eligibility_service.settings import Settings

from .server import running_service, service_env
from .tokens import bearer

LIMIT = 64 * 1024
CHUNK = 16 * 1024
BOUNDARY = "limit-test-boundary"


def _raw_response(sock: socket.socket) -> bytes:
    """Everything the server sends until it closes the connection (or 15 s pass)."""
    sock.settimeout(15)
    received = b""
    while True:
        try:
            data = sock.recv(65536)
        except TimeoutError:
            pytest.fail(f"no answer and no close within 15 s; got {received[:200]!r}")
        if not data:
            return received
        received += data


@pytest.mark.parametrize(
    ("path", "content_type"),
    [
        ("/v1/reconciliation/ffc", f"multipart/form-data; boundary={BOUNDARY}"),
        ("/v1/reconciliation/monthly", f"multipart/form-data; boundary={BOUNDARY}"),
        ("/v1/cases/import", "text/csv"),
    ],
)
def test_a_body_announced_over_the_limit_is_refused_before_it_is_sent(
    tmp_path: Path, path: str, content_type: str
) -> None:
    env = service_env(tmp_path, max_upload_bytes=str(LIMIT))
    with running_service(env=env) as base:
        port = int(base.rsplit(":", 1)[1])
        token = bearer(tmp_path)["Authorization"]
        head = (
            f"POST {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: {token}\r\n"
            f"Content-Type: {content_type}\r\nContent-Length: 200000000\r\n\r\n"
        )
        with socket.create_connection(("127.0.0.1", port)) as sock:
            sock.sendall(head.encode())  # the headers only: not one byte of the 200 MB body
            answer = _raw_response(sock)  # so an answer at all means the body was not awaited
    status, _, rest = answer.partition(b"\r\n")
    assert status.startswith(b"HTTP/1.1 413"), answer[:300]
    headers, _, body = rest.partition(b"\r\n\r\n")
    assert b"connection: close" in headers.lower()
    problem = json.loads(body)
    assert problem["status"] == 413
    assert problem["errors"] == [{"field": "(body)", "message": "too large"}]


def _multipart_head(field: str, filename: str) -> bytes:
    return (
        f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="{field}"; '
        f'filename="{filename}"\r\nContent-Type: application/octet-stream\r\n\r\n'
    ).encode()


async def _post_counted(
    app: object, path: str, head: bytes, chunks: int, headers: dict[str, str]
) -> tuple[httpx.Response, int]:
    """POST ``head`` then ``chunks`` chunks of CHUNK bytes, chunked (no Content-Length);
    returns the answer and how many bytes the application pulled from the body."""
    consumed = 0

    async def body() -> AsyncIterator[bytes]:
        nonlocal consumed
        consumed += len(head)
        yield head
        for _ in range(chunks):
            consumed += CHUNK
            yield b"A" * CHUNK

    transport = httpx.ASGITransport(app=app)  # type: ignore[arg-type]
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
        response = await client.post(path, content=body(), headers=headers)
    return response, consumed


def test_a_chunked_file_over_the_limit_is_cut_off_at_the_limit_plus_one_chunk(
    tmp_path: Path, registry: Registry
) -> None:
    app = create_app(Settings(data_dir=tmp_path, max_upload_bytes=LIMIT), registry=registry)
    headers = {
        **bearer(tmp_path),
        "content-type": f"multipart/form-data; boundary={BOUNDARY}",
    }
    # a private name in the file name must not come back in the answer
    head = _multipart_head("plan_file", f"DOE-JANE-{uuid.uuid4().hex}.834")
    response, consumed = asyncio.run(
        _post_counted(app, "/v1/reconciliation/ffc", head, 64, headers)  # 1 MiB of file
    )
    assert response.status_code == 413, response.text
    assert consumed <= len(head) + LIMIT + CHUNK, consumed
    assert response.json()["errors"] == [
        {"field": "plan_file", "message": f"the file plan_file exceeds {LIMIT} bytes"}
    ]
    assert "DOE-JANE" not in response.text
    assert response.headers["connection"] == "close"


def test_a_chunked_case_file_over_the_limit_is_cut_off_at_the_limit_plus_one_chunk(
    tmp_path: Path, registry: Registry
) -> None:
    app = create_app(Settings(data_dir=tmp_path, max_upload_bytes=LIMIT), registry=registry)
    headers = {**bearer(tmp_path), "content-type": "text/csv"}
    response, consumed = asyncio.run(_post_counted(app, "/v1/cases/import", b"", 64, headers))
    assert response.status_code == 413, response.text
    assert consumed <= LIMIT + CHUNK, consumed
    assert response.json()["errors"][0]["field"] == "(body)"


def test_files_each_under_the_limit_pass_though_the_form_is_larger(
    tmp_path: Path, registry: Registry
) -> None:
    """The limit is per file: an FFC's 834 and extract together may exceed it."""
    app = create_app(Settings(data_dir=tmp_path, max_upload_bytes=LIMIT), registry=registry)
    near = b"x" * (LIMIT - 100)
    files = {"plan_file": ("a.834", near), "sor_extract": ("b.jsonl", near)}

    async def post() -> httpx.Response:
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
            return await client.post(
                "/v1/reconciliation/ffc", files=files, headers=bearer(tmp_path)
            )

    response = asyncio.run(post())
    assert response.status_code == 422, response.text  # read whole: not usable, not too large
    assert response.json()["errors"][0]["field"] in ("plan_file", "sor_extract")


def test_the_default_limit_fits_a_250k_member_834_with_headroom() -> None:
    limit = Settings().max_upload_bytes
    measured_834, measured_extract = 63_367_396, 135_136_692  # see the setting's description
    assert limit == 256 << 20
    assert limit >= 2 * measured_834 and limit >= measured_extract
