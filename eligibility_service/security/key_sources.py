"""Where the keys that sign trusted tokens come from.

- :class:`LocalKeys`: the embedded issuer's key folder (re-read every few seconds, and at
  once when a token names a key not yet read and the key file has changed, so a rotation
  by one worker or by ``eligibility rotate-signing-key`` reaches every worker).
- :class:`JwksKeys`: an identity provider's JSON Web Key Set, from a URL (given, or the
  ``jwks_uri`` of the issuer's OpenID discovery document) or a file. PyJWT's ``PyJWKClient``
  fetches and caches it and fetches again when a token names a ``kid`` it does not know
  (the provider has rotated its keys).
"""

from __future__ import annotations

import threading
import time
from pathlib import Path
from typing import Any, Protocol

import httpx
from jwt import PyJWK, PyJWKClient, PyJWKClientConnectionError, PyJWKClientError, PyJWKSet

from .local_issuer import LocalIssuer


class UnknownKey(Exception):
    """No trusted key has the token's ``kid``."""


class KeysUnavailable(Exception):
    """The identity provider's keys could not be fetched (a service problem, not the
    caller's)."""


class KeySource(Protocol):
    def key_for(self, kid: str | None) -> Any:
        """The verification key for ``kid`` (a public key or a :class:`jwt.PyJWK`)."""


class LocalKeys:
    def __init__(self, issuer: LocalIssuer, reread_seconds: float = 5.0) -> None:
        self.issuer = issuer
        self.reread_seconds = reread_seconds
        self._keys: dict[str, Any] = {}
        self._read_at = float("-inf")
        self._key_file_stamp: int | None = None
        self._lock = threading.Lock()

    def key_for(self, kid: str | None) -> Any:
        now = time.monotonic()
        with self._lock:
            age = now - self._read_at
            if age > self.reread_seconds or (
                kid not in self._keys and (age > 1.0 or self._rotated())
            ):
                self._key_file_stamp = self._stamp()
                self._keys = {k: v.public_key for k, v in self.issuer.verification_keys().items()}
                self._read_at = now
            key = self._keys.get(kid or "")
        if key is None:
            raise UnknownKey(kid)
        return key

    def _stamp(self) -> int | None:
        try:
            return self.issuer.current_file.stat().st_mtime_ns
        except OSError:
            return None

    def _rotated(self) -> bool:
        """Whether the signing key file has changed since the keys were read (a rotation
        by any process): a token naming a new key is then checked against it at once,
        instead of being refused until the next read. One stat() per unknown key id."""
        return self._stamp() != self._key_file_stamp


class JwksKeys:
    def __init__(
        self,
        issuer: str,
        jwks_url: str | None,
        jwks_file: Path | None,
        cache_seconds: int,
        refresh_cooldown_seconds: float = 10.0,
        timeout: float = 5.0,
    ) -> None:
        self.issuer = issuer
        self.jwks_url = jwks_url
        self.cache_seconds = cache_seconds
        self.refresh_cooldown_seconds = refresh_cooldown_seconds
        self.timeout = timeout
        self._file_keys: PyJWKSet | None = (
            PyJWKSet.from_json(jwks_file.read_text(encoding="utf-8")) if jwks_file else None
        )
        self._client: PyJWKClient | None = None
        self._lock = threading.Lock()

    def _jwks_client(self) -> PyJWKClient:
        with self._lock:
            if self._client is None:
                url = self.jwks_url or discover(self.issuer, self.timeout).get("jwks_uri")
                if not isinstance(url, str):
                    raise KeysUnavailable("the discovery document names no jwks_uri")
                # PyJWKClient fetches again when a kid is unknown, at most once per cooldown
                self._client = PyJWKClient(
                    url,
                    cache_keys=False,
                    lifespan=self.cache_seconds,
                    timeout=self.timeout,
                    cooldown_duration=self.refresh_cooldown_seconds,
                )
            return self._client

    def key_for(self, kid: str | None) -> PyJWK:
        if self._file_keys is not None:
            for key in self._file_keys.keys:
                if key.key_id == kid:
                    return key
            raise UnknownKey(kid)
        if kid is None:
            raise UnknownKey(kid)
        try:
            return self._jwks_client().get_signing_key(kid)
        except PyJWKClientConnectionError as exc:
            raise KeysUnavailable(str(exc)) from None
        except PyJWKClientError:
            raise UnknownKey(kid) from None


def discover(issuer: str, timeout: float = 5.0) -> dict[str, Any]:
    """The issuer's OpenID Provider configuration (OpenID Connect Discovery 1.0 § 4)."""
    url = issuer.rstrip("/") + "/.well-known/openid-configuration"
    try:
        response = httpx.get(url, timeout=timeout)
        response.raise_for_status()
        document = response.json()
    except (httpx.HTTPError, ValueError) as exc:
        raise KeysUnavailable(f"discovery document {url}: {type(exc).__name__}") from None
    if not isinstance(document, dict) or document.get("issuer") != issuer:
        raise KeysUnavailable(f"discovery document {url} is for another issuer")
    return document
