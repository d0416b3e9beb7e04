"""Receive a large request body as a stream into a spooled temporary file.

Uploads (case files, 834 files) can be far larger than the JSON limit of the decision
endpoints: the body is copied chunk by chunk into memory up to a few megabytes and to a
temporary file beyond that, never held whole, and refused with 413 past the upload limit
(which :mod:`.upload_limit` has already enforced as the body arrived; this is defence in depth).
"""

from __future__ import annotations

import tempfile
from typing import IO

from fastapi import Request

from .upload_limit import UploadTooLarge

SPOOL_BYTES = 8 << 20


async def spool_body(request: Request, max_bytes: int) -> IO[bytes]:
    declared = request.headers.get("content-length")
    if declared and declared.isdigit() and int(declared) > max_bytes:
        raise UploadTooLarge("(body)", max_bytes)
    spool = tempfile.SpooledTemporaryFile(max_size=SPOOL_BYTES)  # noqa: SIM115 - returned
    size = 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > max_bytes:
            spool.close()
            raise UploadTooLarge("(body)", max_bytes)
        spool.write(chunk)
    spool.seek(0)
    return spool
