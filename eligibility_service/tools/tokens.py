"""``eligibility token``: mint an access token from the embedded issuer (local use).

With no identity provider configured the service trusts tokens signed with the key in
``DATA_DIR/auth/``; this command signs one for the scopes asked for, so the README's curl
examples and a developer's tools can call the API. With an identity provider configured
(``ELIGIBILITY_AUTH_ISSUER``) the command refuses: tokens then come from the provider.
"""

from __future__ import annotations

import sys

import click

from ..security.local_issuer import MAX_TOKEN_SECONDS, LocalIssuer
from ..security.scopes import Scope
from ..settings import Settings, SettingsError

SCOPE_NAMES = [s.value for s in Scope]


def _settings() -> Settings:
    try:
        settings = Settings.from_env()
    except SettingsError as exc:
        click.echo(f"error: {exc}", err=True)
        sys.exit(2)
    if not settings.local_issuer:
        click.echo(
            "error: ELIGIBILITY_AUTH_ISSUER is set, so tokens come from that identity provider "
            "(client credentials), not from this command",
            err=True,
        )
        sys.exit(2)
    return settings


@click.command("token")
@click.option(
    "--scope",
    "scopes",
    multiple=True,
    required=True,
    type=click.Choice([*SCOPE_NAMES, "all"]),
    help="A scope to grant (repeat for several; 'all' grants every scope).",
)
@click.option("--client-id", default="local-cli", show_default=True, help="The client named.")
@click.option(
    "--lifetime",
    type=click.IntRange(1, MAX_TOKEN_SECONDS),
    default=3600,
    show_default=True,
    help="Seconds until the token expires.",
)
def token(scopes: tuple[str, ...], client_id: str, lifetime: int) -> None:
    """Print an access token signed by the embedded issuer (for local use)."""
    settings = _settings()
    granted = SCOPE_NAMES if "all" in scopes else list(scopes)
    issuer = LocalIssuer(settings.data_dir)
    click.echo(issuer.mint(client_id, granted, settings.auth_audience, lifetime))


@click.command("rotate-signing-key")
def rotate_signing_key() -> None:
    """Make a new signing key for the embedded issuer; tokens signed with the old one stay
    valid until they expire (at most a day), new tokens use the new key."""
    settings = _settings()
    key = LocalIssuer(settings.data_dir).rotate()
    click.echo(f"new signing key {key.kid} in {settings.data_dir / 'auth'}")


COMMANDS = [token, rotate_signing_key]
