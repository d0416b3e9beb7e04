"""Service settings from the environment, with embedded defaults that need no server."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent


@dataclass(frozen=True)
class Settings:
    """``ELIGIBILITY_ROOT``: folder holding rule_sets/, statutes/, contracts/, guidance/.
    ``ELIGIBILITY_MAX_BODY_BYTES``: largest request body accepted (default 1 MiB)."""

    root: Path = REPO_ROOT
    max_body_bytes: int = 1 << 20

    @classmethod
    def from_env(cls) -> Settings:
        return cls(
            root=Path(os.environ.get("ELIGIBILITY_ROOT", str(REPO_ROOT))),
            max_body_bytes=int(os.environ.get("ELIGIBILITY_MAX_BODY_BYTES", str(1 << 20))),
        )
