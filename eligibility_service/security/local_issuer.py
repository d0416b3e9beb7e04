"""The embedded identity provider: a signing key under the data folder, and tokens from it.

With no identity provider configured (``ELIGIBILITY_AUTH_ISSUER`` unset) the service trusts
tokens it signed itself, so ``make run`` needs nothing else installed. On first use it creates
an EC P-256 key (ES256) in ``DATA_DIR/auth/signing-key.pem`` with mode 0600, under a lock,
since server workers start together. ``eligibility token --scope decide`` mints a token with
that key. Rotation moves the current key to ``auth/retired/`` and makes a new one; retired
keys keep verifying the tokens they signed until those can no longer be valid
(:data:`MAX_TOKEN_SECONDS` after rotation), then they are ignored.

Key generation, serialisation and signing are the ``cryptography`` package's and PyJWT's.
"""

from __future__ import annotations

import base64
import fcntl
import hashlib
import os
import time
import uuid
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import jwt
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec

LOCAL_ISSUER = "urn:etf-eligibility:local-issuer"
"""The ``iss`` of locally minted tokens (a URN: this issuer has no URL to discover)."""

ALGORITHM = "ES256"
MAX_TOKEN_SECONDS = 24 * 3600
"""Longest lifetime of a locally minted token; retired keys are trusted this long."""


@dataclass(frozen=True)
class SigningKey:
    kid: str
    private_key: ec.EllipticCurvePrivateKey
    retired_at: float | None = None

    @property
    def public_key(self) -> ec.EllipticCurvePublicKey:
        return self.private_key.public_key()


def key_id(public_key: ec.EllipticCurvePublicKey) -> str:
    """A short, stable id of a public key (SHA-256 of its SubjectPublicKeyInfo)."""
    der = public_key.public_bytes(
        serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    return base64.urlsafe_b64encode(hashlib.sha256(der).digest()[:12]).decode().rstrip("=")


class LocalIssuer:
    """The key folder of the embedded issuer: the current key and recently retired ones."""

    def __init__(self, data_dir: Path) -> None:
        self.folder = data_dir / "auth"
        self.current_file = self.folder / "signing-key.pem"
        self.retired_folder = self.folder / "retired"

    # keys ----------------------------------------------------------------------------------
    def current(self) -> SigningKey:
        """The signing key, created on first use."""
        if not self.current_file.exists():
            with self._locked():
                if not self.current_file.exists():
                    self._write_new_key()
        return _read_key(self.current_file)

    def verification_keys(self, now: float | None = None) -> dict[str, SigningKey]:
        """Keys whose tokens may still be valid: the current one and those retired less
        than :data:`MAX_TOKEN_SECONDS` ago."""
        now = time.time() if now is None else now
        keys = {}
        if self.retired_folder.is_dir():
            for path in sorted(self.retired_folder.glob("*.pem")):
                key = _read_key(path, retired_at=path.stat().st_mtime)
                if key.retired_at is not None and now - key.retired_at < MAX_TOKEN_SECONDS:
                    keys[key.kid] = key
        current = self.current()
        keys[current.kid] = current
        return keys

    def rotate(self) -> SigningKey:
        """Retire the current key (it keeps verifying its tokens for a day) and make a new
        one; returns the new key."""
        with self._locked():
            if self.current_file.exists():
                old = _read_key(self.current_file)
                self.retired_folder.mkdir(mode=0o700, parents=True, exist_ok=True)
                # copied, then replaced: at no moment is there no current key file for a
                # reader that does not take the lock (a verifier in another worker); the
                # retirement time is the copy's modification time
                _write_private(
                    self.retired_folder / f"{old.kid}.pem", self.current_file.read_bytes()
                )
            self._write_new_key()
        return _read_key(self.current_file)

    # tokens --------------------------------------------------------------------------------
    def mint(
        self,
        client_id: str,
        scopes: Sequence[str],
        audience: str,
        lifetime_seconds: int = 3600,
        now: float | None = None,
    ) -> str:
        """An RFC 9068 access token for ``client_id`` with ``scopes``."""
        if not 0 < lifetime_seconds <= MAX_TOKEN_SECONDS:
            raise ValueError(f"a token lives between 1 and {MAX_TOKEN_SECONDS} seconds")
        key = self.current()
        issued = int(time.time() if now is None else now)
        claims = {
            "iss": LOCAL_ISSUER,
            "sub": client_id,
            "client_id": client_id,
            "aud": audience,
            "iat": issued,
            "nbf": issued,
            "exp": issued + lifetime_seconds,
            "jti": uuid.uuid4().hex,
            "scope": " ".join(sorted(set(scopes))),
        }
        return jwt.encode(
            claims, key.private_key, algorithm=ALGORITHM, headers={"kid": key.kid, "typ": "at+jwt"}
        )

    # files ---------------------------------------------------------------------------------
    @contextmanager
    def _locked(self) -> Iterator[None]:
        self.folder.mkdir(mode=0o700, parents=True, exist_ok=True)
        with (self.folder / ".lock").open("w") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(lock, fcntl.LOCK_UN)

    def _write_new_key(self) -> None:
        private = ec.generate_private_key(ec.SECP256R1())
        pem = private.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
        _write_private(self.current_file, pem)


def _write_private(path: Path, content: bytes) -> None:
    """Write a key file with mode 0600, atomically (a reader sees the old file or the new)."""
    partial = path.with_suffix(".tmp")
    fd = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "wb") as out:
        out.write(content)
    os.replace(partial, path)


def _read_key(path: Path, retired_at: float | None = None) -> SigningKey:
    private = serialization.load_pem_private_key(path.read_bytes(), password=None)
    if not isinstance(private, ec.EllipticCurvePrivateKey):
        raise ValueError(f"{path}: not an EC private key")
    return SigningKey(key_id(private.public_key()), private, retired_at)
