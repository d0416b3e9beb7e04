"""Checking a bearer token: signature, issuer, audience, times, type; then who and what.

PyJWT does the checking (RFC 7519 claims, RFC 7515 signatures with ``cryptography``). On top
of it, this module refuses what RFC 9068 and RFC 8725 (JWT best practices) say a resource
server must: any algorithm not on the configured asymmetric list (so ``none`` and HS256
made with a public key as the secret both fail), a header ``typ`` other than ``at+jwt``, a
key the issuer does not publish.

A verified token is cached by its text until it expires, so the signature is checked once
per token rather than once per request; expiry is still checked on every use.
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from collections.abc import Callable

import jwt

from ..settings import Settings
from .key_sources import JwksKeys, KeySource, KeysUnavailable, LocalKeys, UnknownKey
from .local_issuer import LOCAL_ISSUER, LocalIssuer
from .principal import Principal
from .scopes import parse_scope_claim

_TYPES = frozenset({"at+jwt", "application/at+jwt"})
MAX_TOKEN_BYTES = 8192


class InvalidToken(Exception):
    """The token cannot be trusted; the message says why without repeating the token."""


class TokenVerifier:
    def __init__(
        self,
        issuer: str,
        audience: str,
        keys: KeySource,
        algorithms: tuple[str, ...],
        leeway_seconds: int,
        require_typ: bool,
        cache_size: int = 10_000,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.issuer = issuer
        self.audience = audience
        self.keys = keys
        self.algorithms = list(algorithms)
        self.leeway = leeway_seconds
        self.require_typ = require_typ
        self.cache_size = cache_size
        self.clock = clock
        self._cache: OrderedDict[str, Principal] = OrderedDict()
        self._lock = threading.Lock()

    @classmethod
    def from_settings(cls, settings: Settings) -> TokenVerifier:
        keys: KeySource
        if settings.auth_issuer is None:
            issuer = LOCAL_ISSUER
            keys = LocalKeys(LocalIssuer(settings.data_dir))
            algorithms: tuple[str, ...] = ("ES256",)
        else:
            issuer = settings.auth_issuer
            keys = JwksKeys(
                issuer,
                settings.auth_jwks_url,
                settings.auth_jwks_file,
                settings.auth_jwks_cache_seconds,
                settings.auth_jwks_refresh_cooldown_seconds,
            )
            algorithms = settings.auth_algorithms
        return cls(
            issuer,
            settings.auth_audience,
            keys,
            algorithms,
            settings.auth_clock_skew_seconds,
            settings.auth_require_typ,
        )

    def cached(self, token: str) -> Principal | None:
        """The caller of a token verified before, if it is still in date (no I/O, no
        signature check: safe to call on the event loop)."""
        with self._lock:
            cached = self._cache.get(token)
            if cached is None:
                return None
            self._cache.move_to_end(token)
        if self.clock() > cached.expires_at + self.leeway:
            with self._lock:
                self._cache.pop(token, None)
            raise InvalidToken("the token has expired")
        return cached

    def verify(self, token: str) -> Principal:
        """The caller the token speaks for; :class:`InvalidToken` if it cannot be trusted,
        :class:`KeysUnavailable` if the issuer's keys cannot be fetched. May fetch the
        issuer's keys: call it off the event loop when the token is not cached."""
        cached = self.cached(token)
        if cached is not None:
            return cached
        principal = self._check(token)
        with self._lock:
            self._cache[token] = principal
            while len(self._cache) > self.cache_size:
                self._cache.popitem(last=False)
        return principal

    def _check(self, token: str) -> Principal:
        if len(token) > MAX_TOKEN_BYTES:
            raise InvalidToken("the token is too long")
        try:
            header = jwt.get_unverified_header(token)
        except jwt.DecodeError:
            raise InvalidToken("the token is not a JWT") from None
        alg = header.get("alg")
        if alg not in self.algorithms:
            raise InvalidToken("the token's signing algorithm is not accepted")
        if self.require_typ and str(header.get("typ", "")).lower() not in _TYPES:
            raise InvalidToken('the token is not a JWT access token (typ "at+jwt")')
        kid = header.get("kid")
        try:
            key = self.keys.key_for(kid if isinstance(kid, str) else None)
        except UnknownKey:
            raise InvalidToken(
                "the token is signed with a key the issuer does not publish"
            ) from None
        try:
            claims = jwt.decode(
                token,
                key,
                algorithms=self.algorithms,
                audience=self.audience,
                issuer=self.issuer,
                leeway=self.leeway,
                options={"require": ["exp", "iss", "aud"]},
            )
        except jwt.ExpiredSignatureError:
            raise InvalidToken("the token has expired") from None
        except jwt.ImmatureSignatureError:
            raise InvalidToken("the token is not valid yet (nbf or iat in the future)") from None
        except jwt.InvalidAudienceError:
            raise InvalidToken("the token is not meant for this service (aud)") from None
        except jwt.InvalidIssuerError:
            raise InvalidToken("the token's issuer is not trusted (iss)") from None
        except jwt.MissingRequiredClaimError as exc:
            raise InvalidToken(f"the token has no {exc.claim} claim") from None
        except jwt.InvalidSignatureError:
            raise InvalidToken("the token's signature does not verify") from None
        except jwt.InvalidTokenError as exc:
            raise InvalidToken(f"the token is not valid ({type(exc).__name__})") from None
        client = claims.get("client_id") or claims.get("azp") or claims.get("sub")
        if not isinstance(client, str) or not client or len(client) > 200:
            raise InvalidToken("the token names no client (client_id, azp or sub)")
        scopes = parse_scope_claim(claims.get("scope", claims.get("scp")))
        jti = claims.get("jti")
        return Principal(
            client_id=client,
            subject=str(claims.get("sub", client)),
            issuer=self.issuer,
            scopes=scopes,
            token_id=jti if isinstance(jti, str) else None,
            expires_at=int(claims["exp"]),
        )


__all__ = ["InvalidToken", "KeysUnavailable", "TokenVerifier"]
