"""One client cannot run more heavy requests at once than its slots (429 and Retry-After,
before the body is read); another client is not held up by it."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from pathlib import Path

import httpx

from eligibility_service.api.app import create_app
from eligibility_service.api.heavy_limit import Slots, heavy_request
from eligibility_service.rules.registry import Registry
from eligibility_service.settings import Settings

from .tokens import bearer

CSV = {"content-type": "text/csv"}


async def _scenario(app: object, data: Path) -> tuple[httpx.Response, httpx.Response, int]:
    """A first upload of client ``a`` held open mid-body; meanwhile a second upload of
    ``a`` and one of ``b``. Returns the second's and ``b``'s answers, and the first's status."""
    release = asyncio.Event()
    first_started = asyncio.Event()

    async def held_body() -> AsyncIterator[bytes]:
        yield b"question,program\n"
        first_started.set()
        await release.wait()

    async def empty_body() -> AsyncIterator[bytes]:  # chunked: length unannounced, so heavy
        for _ in ():
            yield b""

    transport = httpx.ASGITransport(app=app)  # type: ignore[arg-type]
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
        a, b = bearer(data, client_id="client-a"), bearer(data, client_id="client-b")
        first = asyncio.create_task(
            client.post("/v1/cases/import", content=held_body(), headers={**a, **CSV})
        )
        await asyncio.wait_for(first_started.wait(), 10)
        second = await asyncio.wait_for(
            client.post("/v1/cases/import", content=empty_body(), headers={**a, **CSV}), 10
        )
        other = await asyncio.wait_for(
            client.post("/v1/cases/import", content=empty_body(), headers={**b, **CSV}), 10
        )
        release.set()
        first_answer = await asyncio.wait_for(first, 30)
    return second, other, first_answer.status_code


def test_a_second_heavy_request_of_one_client_gets_429_another_client_is_not_blocked(
    tmp_path: Path, registry: Registry
) -> None:
    app = create_app(Settings(data_dir=tmp_path, heavy_requests_per_client=1), registry=registry)
    second, other, first_status = asyncio.run(_scenario(app, tmp_path))
    assert second.status_code == 429, second.text
    assert second.headers["retry-after"] == "10"
    assert second.headers["content-type"] == "application/problem+json"
    assert second.json()["status"] == 429
    assert other.status_code == 422, other.text  # served (an empty file), not refused
    assert other.json()["errors"][0]["field"] == "(body)"
    assert first_status != 429  # the held request itself went through
    # and once the first has finished, client a has its slot back
    assert Slots(tmp_path / "heavy-requests", 1).take("client-a") is not None


def test_what_counts_as_heavy() -> None:
    heavy = heavy_request(("/v1/cases/import", "/v1/reconciliation/ffc"), 1024)

    def scope(path: str, query: bytes = b"", length: int | None = None) -> dict[str, object]:
        headers = [] if length is None else [(b"content-length", str(length).encode())]
        return {"method": "POST", "path": path, "query_string": query, "headers": headers}

    assert heavy(scope("/v1/replay", length=40))
    assert heavy(scope("/v1/reconciliation/ffc", b"validate=true", length=500))
    assert not heavy(scope("/v1/reconciliation/ffc", b"validate=false", length=500))
    assert heavy(scope("/v1/reconciliation/ffc", length=5000))  # a large upload
    assert heavy(scope("/v1/cases/import"))  # chunked: size unknown
    assert not heavy(scope("/v1/cases/import", length=100))
    assert not heavy(scope("/v1/decisions/new-hire-enrollment", length=5000))


def test_a_slot_is_held_across_processes_by_the_lock(tmp_path: Path) -> None:
    """Two workers are two processes: a slot one holds is taken for the other, and free again
    when the holder lets go (or dies: the kernel drops the lock with the descriptor)."""
    import multiprocessing

    slots = Slots(tmp_path, 1)
    held = slots.take("client-a")
    assert held is not None
    context = multiprocessing.get_context("spawn")
    with context.Pool(1) as pool:
        assert pool.apply(_try_take, (str(tmp_path), "client-a")) is False
        assert pool.apply(_try_take, (str(tmp_path), "client-b")) is True
        Slots.give_back(held)
        assert pool.apply(_try_take, (str(tmp_path), "client-a")) is True


def _try_take(folder: str, client: str) -> bool:
    fd = Slots(Path(folder), 1).take(client)
    if fd is None:
        return False
    Slots.give_back(fd)
    return True
