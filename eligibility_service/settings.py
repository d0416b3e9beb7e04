"""Service settings: one typed object from the environment and an optional settings file.

Every setting is an ``ELIGIBILITY_<NAME>`` environment variable (the README has the table);
``ELIGIBILITY_SETTINGS_FILE`` may name a dotenv-style file of the same variables, which the
environment overrides. A bad value stops the service at start-up with the variable's name,
never half-way through a request. pydantic-settings does the reading and converting, so the
rules (``on``/``off``, numbers, paths, URLs) are the same for every setting.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import Field, ValidationError, field_validator, model_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

REPO_ROOT = Path(__file__).resolve().parent.parent
ENV_PREFIX = "ELIGIBILITY_"

SIGNING_ALGORITHMS = ("RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256", "ES384")
"""Asymmetric JWS algorithms only: a shared-secret (HS*) or ``none`` token is never accepted,
which is what rules out algorithm confusion (a public key used as an HMAC secret)."""


class SettingsError(ValueError):
    """A setting has a bad value; the message names the environment variable."""


class Settings(BaseSettings):
    """Where things are, what is switched on, and whom to trust for tokens."""

    model_config = SettingsConfigDict(
        env_prefix=ENV_PREFIX, frozen=True, extra="forbid", validate_default=True
    )

    # -- where things are --------------------------------------------------------------------
    root: Path = Field(
        REPO_ROOT, description="Folder holding rule_sets/, statutes/, contracts/, guidance/."
    )
    data_dir: Path = Field(
        REPO_ROOT / "var",
        description="Embedded SQLite database, store key and local token-signing key.",
    )
    database_url: str | None = Field(
        None,
        description="SQLAlchemy URL of the store (default SQLite in the data folder; "
        "postgresql://... uses psycopg 3).",
    )
    store_key: str | None = Field(
        None, description="Key that encrypts stored payloads (urlsafe base64 of 32 bytes)."
    )
    store_key_file: Path | None = Field(
        None, description="File holding the store key (default DATA_DIR/store.key)."
    )

    # -- limits and switches -----------------------------------------------------------------
    max_body_bytes: Annotated[int, Field(ge=1024)] = Field(
        1 << 20, description="Largest JSON request body accepted, in bytes."
    )
    max_upload_bytes: Annotated[int, Field(ge=1024)] = Field(
        256 << 20,
        description="Largest uploaded file (case files, 834s, monthly reports, extracts), in "
        "bytes; refused with 413 as it arrives. Default 256 MiB: measured, a synthetic 834 of "
        "250,000 members (`eligibility ffc-sample`, 2.5 times ETF's largest plan) is 63.4 MB "
        "and its ETF extract 135.1 MB (JSON Lines).",
    )
    heavy_requests_per_client: Annotated[int, Field(ge=1, le=64)] = Field(
        1,
        description="Heavy requests (replay, FFC with validate=true, an upload larger than "
        "MAX_BODY_BYTES or of unannounced length) one client may have running at once, across "
        "all workers; one more is refused with 429 and Retry-After before its body is read.",
    )
    decision_log: bool = Field(True, description="Record every decision answered over HTTP.")
    decision_log_durability: Literal["durable", "after_answer"] = Field(
        "durable",
        description="durable: a decision is answered only once its log record is fsync'd in "
        "the local spool (DATA_DIR/decision-log-spool) or in the database, and refused with "
        "503 when it cannot be; after_answer: answer first and log from memory, which a "
        "crashed worker loses (faster; not for production).",
    )
    decision_log_spool_max_bytes: Annotated[int, Field(ge=1 << 20)] = Field(
        1 << 30,
        description="Most bytes the decision-log spool may hold while the database is "
        "behind or down; /ready says 503 from 80 % of it, decisions get 503 at 100 %.",
    )

    # -- authentication and authorization ------------------------------------------------------
    auth: bool = Field(
        True,
        description="Require bearer tokens. off is for benchmarks on a closed machine only: "
        "the service then logs a warning at start and treats every caller as anonymous.",
    )
    auth_issuer: str | None = Field(
        None,
        description="Issuer (iss) of accepted tokens: an identity provider's URL. Unset: the "
        "service is its own local issuer with a key in DATA_DIR/auth/.",
    )
    auth_audience: str = Field(
        "etf-eligibility", min_length=1, description="Audience (aud) tokens must name."
    )
    auth_jwks_url: str | None = Field(
        None,
        description="The identity provider's JWKS URL (default: jwks_uri of the issuer's "
        "OpenID discovery document).",
    )
    auth_jwks_file: Path | None = Field(
        None, description="A JWKS file to trust instead of fetching one."
    )
    auth_token_url: str | None = Field(
        None,
        description="The identity provider's token endpoint, offered by /docs' Authorize "
        "dialog (client credentials).",
    )
    auth_algorithms: Annotated[tuple[str, ...], NoDecode] = Field(
        ("RS256", "PS256", "ES256"),
        description="JWS algorithms accepted (comma-separated; asymmetric ones only).",
    )
    auth_clock_skew_seconds: Annotated[int, Field(ge=0, le=300)] = Field(
        30, description="Leeway for exp, nbf and iat, in seconds."
    )
    auth_require_typ: bool = Field(True, description='Require the RFC 9068 header typ "at+jwt".')
    auth_jwks_cache_seconds: Annotated[int, Field(ge=10, le=86_400)] = Field(
        300, description="How long fetched signing keys are kept before refetching."
    )
    auth_jwks_refresh_cooldown_seconds: Annotated[float, Field(ge=0, le=3600)] = Field(
        10,
        description="Least time between two fetches of the JWKS forced by unknown key ids "
        "(a flood of made-up kids cannot turn into a flood of fetches).",
    )
    public_rules: bool = Field(
        True,
        description="Law and rules (rule sets, versions, diff, provisions, rule book) need no "
        "token; off: they need the rules:read scope.",
    )
    public_metrics: bool = Field(
        False, description="GET /metrics without a token (off: the metrics scope)."
    )

    # -- operations ----------------------------------------------------------------------------
    log_format: Literal["console", "json"] = Field(
        "console", description="console: readable lines; json: one JSON object per line."
    )
    log_level: Literal["debug", "info", "warning", "error"] = Field(
        "info", description="Least severe log level written."
    )
    graceful_shutdown_seconds: Annotated[int, Field(ge=1, le=3600)] = Field(
        15,
        description="After SIGTERM, how long requests in flight may take to finish before "
        "they are cancelled; the decision log is flushed after that. Keep this plus "
        "ELIGIBILITY_SHUTDOWN_LOG_FLUSH_SECONDS below the orchestrator's kill timeout.",
    )
    shutdown_log_flush_seconds: Annotated[float, Field(gt=0, le=3600)] = Field(
        10.0,
        description="At shutdown, how long the decision log may take to copy its spool into "
        "the database; what is left stays in the spool for the next start (durable), or is "
        "counted as dropped and logged (after_answer).",
    )
    worker_healthcheck_seconds: Annotated[int, Field(ge=5, le=600)] = Field(
        30,
        description="With several workers: how long a worker may leave the supervisor's "
        "health check unanswered (start-up included) before it is replaced.",
    )
    reload_watch_seconds: Annotated[float, Field(ge=0, le=3600)] = Field(
        1.0,
        description="How often each worker checks whether another one has announced a "
        "rule-set reload (POST /v1/admin/reload, SIGHUP to the supervisor); 0: never.",
    )

    @field_validator("auth_algorithms", mode="before")
    @classmethod
    def _split_algorithms(cls, value: Any) -> Any:
        if isinstance(value, str):
            return tuple(part.strip() for part in value.split(",") if part.strip())
        return value

    @field_validator("auth_algorithms")
    @classmethod
    def _asymmetric_only(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        bad = [a for a in value if a not in SIGNING_ALGORITHMS]
        if bad or not value:
            raise ValueError(f"accepted algorithms are {', '.join(SIGNING_ALGORITHMS)}")
        return value

    @model_validator(mode="after")
    def _trust_is_configured(self) -> Settings:
        if self.auth_issuer is None and (self.auth_jwks_url or self.auth_jwks_file):
            raise ValueError(
                "ELIGIBILITY_AUTH_JWKS_URL and ELIGIBILITY_AUTH_JWKS_FILE need "
                "ELIGIBILITY_AUTH_ISSUER"
            )
        return self

    @property
    def store_url(self) -> str:
        return self.database_url or f"sqlite:///{self.data_dir / 'eligibility.sqlite3'}"

    @property
    def key_file(self) -> Path:
        return self.store_key_file or self.data_dir / "store.key"

    @property
    def local_issuer(self) -> bool:
        """True when the service signs and trusts its own tokens (the embedded default)."""
        return self.auth_issuer is None

    @classmethod
    def from_env(cls, **overrides: Any) -> Settings:
        """Settings from the environment (and ``ELIGIBILITY_SETTINGS_FILE``); a bad value
        raises :class:`SettingsError` naming the variable."""
        env_file = os.environ.get(f"{ENV_PREFIX}SETTINGS_FILE") or None
        if env_file is not None and not Path(env_file).is_file():
            raise SettingsError(f"{ENV_PREFIX}SETTINGS_FILE: no such file")
        try:
            return cls(_env_file=env_file, **overrides)
        except ValidationError as exc:
            raise SettingsError(describe_validation(exc)) from None

    def with_changes(self, **changes: Any) -> Settings:
        """A copy with some settings changed, validated like the original."""
        return type(self).model_validate({**self.model_dump(), **changes})


def describe_validation(exc: ValidationError) -> str:
    """Each bad setting as ``ELIGIBILITY_NAME: message``; the value itself is not repeated
    (it may be a key)."""
    lines = []
    for error in exc.errors():
        name = str(error["loc"][0]) if error["loc"] else "settings"
        lines.append(f"{ENV_PREFIX}{name.upper()}: {error['msg']}")
    return "; ".join(lines)
