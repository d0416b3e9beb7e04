"""Operators' endpoints: reload the rule sets without a restart; rotate the embedded
issuer's signing key. Both need the ``admin`` scope.

A reload is checked completely before it replaces anything (see
:mod:`..runtime.rule_reload`); a refused one answers 409 with every problem as
``file:line`` and the service goes on answering with the set it had. A successful one is
announced to the server's other workers, which follow within ``reload_watch_seconds``.
"""

from __future__ import annotations

import logging
from dataclasses import asdict
from typing import Any, Literal

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field
from starlette.concurrency import run_in_threadpool

from ..runtime.announcements import ReloadWatcher
from ..runtime.rule_reload import ReloadRefused, RuleSetReloader
from ..security.local_issuer import ALGORITHM, MAX_TOKEN_SECONDS, LocalIssuer
from ..security.scopes import Scope
from ..settings import Settings
from .auth import require
from .problems import FieldError, Problem, problem

logger = logging.getLogger("eligibility_service.api")
router = APIRouter(prefix="/v1/admin", tags=["operations"])


class LoadedVersionView(BaseModel):
    rule_set: str
    version: str
    status: str
    content_hash: str


class ReloadAnswer(BaseModel):
    status: Literal["reloaded", "unchanged"] = Field(
        description="unchanged: the files are byte for byte those of the last reload, so "
        "nothing was loaded (the set in service is listed all the same)."
    )
    versions: list[LoadedVersionView] = Field(description="Every version now in service.")
    added: list[str] = Field(description="Versions (id@version) that were not in service.")
    removed: list[str] = Field(description="Drafts no longer in service.")
    changed: list[str] = Field(description="Versions whose content hash changed.")
    provisions: int
    examples_checked: int = Field(
        description="Worked examples run (by the last load that ran), all passing."
    )
    seconds: float
    other_workers_within_seconds: float | None = Field(
        description="The server's other workers load the same files within this many "
        "seconds (null: they do not watch; reload_watch_seconds is 0)."
    )


class RotatedKey(BaseModel):
    kid: str = Field(description="Key id of the new signing key (the kid of new tokens).")
    algorithm: str
    previous_key_trusted_for_seconds: int = Field(
        description="Tokens signed with the retired key stay valid until they expire; the "
        "retired key is trusted this long."
    )


_RELOAD_REFUSED: dict[int | str, dict[str, Any]] = {
    409: {
        "model": Problem,
        "description": "The rule sets on disk are not good; errors[].field is file:line. "
        "The service goes on answering with the rule sets it had.",
    }
}
_NOT_LOCAL: dict[int | str, dict[str, Any]] = {
    409: {
        "model": Problem,
        "description": "Tokens come from an identity provider, which rotates its own keys.",
    }
}


@router.post(
    "/reload",
    response_model=ReloadAnswer,
    responses=_RELOAD_REFUSED,
    dependencies=[require(Scope.ADMIN)],
)
async def reload_rule_sets(request: Request) -> Any:
    """Load the rule sets from disk again, check them completely (strict load, published
    content hashes, every worked example) and put them in service without a restart."""
    reloader: RuleSetReloader = request.app.state.rule_reloader
    watcher: ReloadWatcher = request.app.state.reload_watcher
    try:
        report = await run_in_threadpool(reloader.reload, "POST /v1/admin/reload")
    except ReloadRefused as refused:
        return problem(
            409,
            "The rule sets were not reloaded",
            f"{refused}\nThe service goes on answering with the rule sets it had.",
            [
                FieldError(
                    field=f"{p.file}:{p.line}" if p.line else p.file,
                    message=p.message,
                )
                for p in refused.problems
            ],
            request.url.path,
        )
    watcher.announce()
    return ReloadAnswer(
        status="unchanged" if report.unchanged else "reloaded",
        versions=[LoadedVersionView(**asdict(v)) for v in report.versions],
        added=list(report.added),
        removed=list(report.removed),
        changed=list(report.changed),
        provisions=report.provisions,
        examples_checked=report.examples_checked,
        seconds=report.seconds,
        other_workers_within_seconds=watcher.interval or None,
    )


@router.post(
    "/signing-key/rotate",
    response_model=RotatedKey,
    responses=_NOT_LOCAL,
    dependencies=[require(Scope.ADMIN)],
)
def rotate_signing_key(request: Request) -> Any:
    """Retire the embedded issuer's signing key and make a new one. Tokens already issued
    keep working until they expire; new tokens are signed with the new key."""
    settings: Settings = request.app.state.settings
    if not settings.local_issuer:
        return _not_local(request, settings)
    key = LocalIssuer(settings.data_dir).rotate()  # every worker's verifier sees it at once
    logger.info("signing key rotated: new key %s", key.kid)
    return RotatedKey(
        kid=key.kid,
        algorithm=ALGORITHM,
        previous_key_trusted_for_seconds=MAX_TOKEN_SECONDS,
    )


def _not_local(request: Request, settings: Settings) -> JSONResponse:
    return problem(
        409,
        "Signing keys belong to the identity provider",
        f"tokens are issued by {settings.auth_issuer}, which rotates its own signing keys; "
        "the service picks up new keys from its JWKS",
        None,
        request.url.path,
    )
