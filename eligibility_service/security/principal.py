"""The authenticated caller, as established from a verified access token."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Principal:
    """Who is calling. ``client_id`` is what the decision log and access records name: the
    token's ``client_id`` claim (RFC 9068), else ``azp``, else ``sub``; never a header the
    caller wrote itself."""

    client_id: str
    subject: str
    issuer: str
    scopes: frozenset[str]
    token_id: str | None = None
    expires_at: int = 0

    def has(self, scope: str) -> bool:
        return scope in self.scopes


ANONYMOUS = Principal(client_id="anonymous", subject="anonymous", issuer="none", scopes=frozenset())
"""The caller of an open endpoint, or of any endpoint when authentication is switched off."""
