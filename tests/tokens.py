"""Access tokens for tests, minted by the embedded issuer of the data folder the app uses."""

from __future__ import annotations

import os
from pathlib import Path

from eligibility_service.security.local_issuer import LocalIssuer
from eligibility_service.security.scopes import Scope

AUDIENCE = "etf-eligibility"
ALL_SCOPES = tuple(s.value for s in Scope)


def token(data_dir: Path | str | None = None, *scopes: str, client_id: str = "tests") -> str:
    folder = Path(data_dir or os.environ["ELIGIBILITY_DATA_DIR"])
    return LocalIssuer(folder).mint(client_id, scopes or ALL_SCOPES, AUDIENCE)


def bearer(
    data_dir: Path | str | None = None, *scopes: str, client_id: str = "tests"
) -> dict[str, str]:
    """An Authorization header; every scope unless ``scopes`` names some."""
    return {"Authorization": f"Bearer {token(data_dir, *scopes, client_id=client_id)}"}
