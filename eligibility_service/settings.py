"""Service settings from the environment, with embedded defaults that need no server."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent


def _flag(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    if value.lower() in ("1", "true", "yes", "on"):
        return True
    if value.lower() in ("0", "false", "no", "off"):
        return False
    raise ValueError(f"{name}={value!r}: expected on or off")


@dataclass(frozen=True)
class Settings:
    """Where things are and what is switched on.

    ``ELIGIBILITY_ROOT``: folder holding rule_sets/, statutes/, contracts/, guidance/.
    ``ELIGIBILITY_MAX_BODY_BYTES``: largest request body accepted (default 1 MiB).
    ``ELIGIBILITY_MAX_UPLOAD_BYTES``: largest uploaded file (case files; default 4 GiB).
    ``ELIGIBILITY_DATA_DIR``: where the embedded SQLite database and key file live
    (default ``var/`` in the repository).
    ``ELIGIBILITY_DATABASE_URL``: SQLAlchemy URL of the store (default: SQLite in the data
    folder; ``postgresql://...`` uses psycopg 3).
    ``ELIGIBILITY_DECISION_LOG``: ``on`` (default) records every decision; ``off`` does not.
    ``ELIGIBILITY_STORE_KEY`` / ``ELIGIBILITY_STORE_KEY_FILE``: the key that encrypts
    payloads (see :mod:`eligibility_service.store.protection`).
    """

    root: Path = REPO_ROOT
    max_body_bytes: int = 1 << 20
    max_upload_bytes: int = 4 << 30
    data_dir: Path = REPO_ROOT / "var"
    database_url: str | None = None
    decision_log: bool = True
    store_key: str | None = None
    store_key_file: Path | None = None

    @property
    def store_url(self) -> str:
        return self.database_url or f"sqlite:///{self.data_dir / 'eligibility.sqlite3'}"

    @property
    def key_file(self) -> Path:
        return self.store_key_file or self.data_dir / "store.key"

    @classmethod
    def from_env(cls) -> Settings:
        key_file = os.environ.get("ELIGIBILITY_STORE_KEY_FILE")
        return cls(
            root=Path(os.environ.get("ELIGIBILITY_ROOT", str(REPO_ROOT))),
            max_body_bytes=int(os.environ.get("ELIGIBILITY_MAX_BODY_BYTES", str(1 << 20))),
            max_upload_bytes=int(os.environ.get("ELIGIBILITY_MAX_UPLOAD_BYTES", str(4 << 30))),
            data_dir=Path(os.environ.get("ELIGIBILITY_DATA_DIR", str(REPO_ROOT / "var"))),
            database_url=os.environ.get("ELIGIBILITY_DATABASE_URL") or None,
            decision_log=_flag("ELIGIBILITY_DECISION_LOG", True),
            store_key=os.environ.get("ELIGIBILITY_STORE_KEY") or None,
            store_key_file=Path(key_file) if key_file else None,
        )
