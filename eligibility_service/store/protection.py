"""Protect health information at rest: AES-256-GCM for payloads, keyed hashes for identifiers.

What is protected and how (the README's "Decision log and PHI" repeats this):

- Facts, whole requests and whole responses may hold birth dates (and a caller could send
  anything in a free-text field), so they are stored **encrypted** (AES-256-GCM, a fresh
  96-bit nonce per record, the table name as associated data so a payload cannot be moved
  to another table unnoticed). Replay needs the facts themselves, which rules out hashing
  them.
- Identifiers of the person decided about (a member id or SSN the caller passes in the
  ``X-Subject-Id`` header) are stored only as a **keyed hash** (HMAC-SHA-256 with a key
  derived from the store key), so an auditor holding the identifier can find the decisions
  made about that person, and nobody can go from the hash back to the identifier.
- Every other column is in clear and carries no PHI: codes, outcomes, rule-set references,
  as-of dates (the date whose law applied), the caller's system name and timings. The clear
  columns can be shared with testers as they are.

The key comes from ``ELIGIBILITY_STORE_KEY`` (urlsafe base64 of 32 bytes), or the file named
by ``ELIGIBILITY_STORE_KEY_FILE``, or else a key file created on first use beside the default
SQLite database (mode 0600). Each record names the key it was sealed with (``key_id``, a
fingerprint, never the key), so a wrong key is reported as such rather than as corrupt data.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
from dataclasses import dataclass, field
from pathlib import Path

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

KEY_BYTES = 32
NONCE_BYTES = 12


class StoreKeyError(ValueError):
    """The store key is missing, malformed, or not the one a record was sealed with."""


def _derive(key: bytes, purpose: bytes) -> bytes:
    return hmac.new(key, b"eligibility-service/" + purpose, hashlib.sha256).digest()


@dataclass(frozen=True)
class Protector:
    """Seals and opens payloads, and hashes identifiers, with one store key."""

    key: bytes = field(repr=False)
    key_id: str = field(init=False)
    _aead: AESGCM = field(init=False, repr=False)
    _subject_key: bytes = field(init=False, repr=False)
    _digest_key: bytes = field(init=False, repr=False)

    def __post_init__(self) -> None:
        if len(self.key) != KEY_BYTES:
            raise StoreKeyError(f"the store key must be {KEY_BYTES} bytes, got {len(self.key)}")
        object.__setattr__(self, "key_id", hashlib.sha256(self.key).hexdigest()[:16])
        object.__setattr__(self, "_aead", AESGCM(self.key))
        object.__setattr__(self, "_subject_key", _derive(self.key, b"subject-ref/v1"))
        object.__setattr__(self, "_digest_key", _derive(self.key, b"request-digest/v1"))

    def seal(self, plaintext: bytes, table: str) -> bytes:
        nonce = os.urandom(NONCE_BYTES)
        return nonce + self._aead.encrypt(nonce, plaintext, table.encode())

    def open(self, sealed: bytes, table: str, key_id: str) -> bytes:
        if key_id != self.key_id:
            raise StoreKeyError(
                f"record sealed with store key {key_id}, but the configured key is {self.key_id}"
            )
        try:
            return self._aead.decrypt(sealed[:NONCE_BYTES], sealed[NONCE_BYTES:], table.encode())
        except InvalidTag:
            raise StoreKeyError("record failed its integrity check (altered, or moved)") from None

    def subject_ref(self, identifier: str) -> str:
        """Keyed hash of a person's identifier; spaces and dashes do not matter (SSNs)."""
        normal = "".join(ch for ch in identifier.strip().upper() if ch not in " -")
        return hmac.new(self._subject_key, normal.encode(), hashlib.sha256).hexdigest()

    def digest(self, data: bytes) -> str:
        """Keyed hash of a canonical request: finds repeats without revealing the request."""
        return hmac.new(self._digest_key, data, hashlib.sha256).hexdigest()


def generate_key() -> str:
    return base64.urlsafe_b64encode(os.urandom(KEY_BYTES)).decode()


def decode_key(text: str, where: str) -> bytes:
    try:
        key = base64.urlsafe_b64decode(text.strip().encode())
    except (ValueError, TypeError):
        raise StoreKeyError(f"{where}: not urlsafe base64") from None
    if len(key) != KEY_BYTES:
        raise StoreKeyError(f"{where}: must decode to {KEY_BYTES} bytes, got {len(key)}")
    return key


def load_protector(env_key: str | None, key_file: Path) -> Protector:
    """The protector for the configured key; creates ``key_file`` when no key is configured
    and the file does not exist yet (the embedded default for a development machine)."""
    if env_key:
        return Protector(decode_key(env_key, "ELIGIBILITY_STORE_KEY"))
    if not key_file.exists():
        key_file.parent.mkdir(parents=True, exist_ok=True)
        # written aside, then linked into place: a second worker never reads a half key
        temp = key_file.with_name(f".{key_file.name}.{os.getpid()}")
        fd = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w") as out:
            out.write(generate_key() + "\n")
        try:
            os.link(temp, key_file)
        except FileExistsError:
            pass
        finally:
            temp.unlink()
    return Protector(decode_key(key_file.read_text(), str(key_file)))
