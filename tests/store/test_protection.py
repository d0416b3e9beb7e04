"""Payload encryption and keyed hashes: what a shared store reveals, and what it does not."""

from __future__ import annotations

import stat
from pathlib import Path

import pytest

from eligibility_service.store.protection import (
    Protector,
    StoreKeyError,
    decode_key,
    generate_key,
    load_protector,
)


def test_sealed_payload_opens_with_the_same_key_only() -> None:
    a = Protector(decode_key(generate_key(), "a"))
    b = Protector(decode_key(generate_key(), "b"))
    sealed = a.seal(b'{"birth_date":"1990-04-02"}', "cases")
    assert b"1990-04-02" not in sealed
    assert a.open(sealed, "cases", a.key_id) == b'{"birth_date":"1990-04-02"}'
    with pytest.raises(StoreKeyError, match="sealed with store key"):
        b.open(sealed, "cases", a.key_id)


def test_a_payload_moved_to_another_table_or_altered_fails_its_check() -> None:
    p = Protector(decode_key(generate_key(), "k"))
    sealed = p.seal(b"facts", "cases")
    with pytest.raises(StoreKeyError, match="integrity"):
        p.open(sealed, "decision_log", p.key_id)
    altered = sealed[:-1] + bytes([sealed[-1] ^ 1])
    with pytest.raises(StoreKeyError, match="integrity"):
        p.open(altered, "cases", p.key_id)


def test_same_plaintext_seals_differently_each_time() -> None:
    p = Protector(decode_key(generate_key(), "k"))
    assert p.seal(b"same", "cases") != p.seal(b"same", "cases")


def test_subject_refs_ignore_formatting_and_depend_on_the_key() -> None:
    a = Protector(decode_key(generate_key(), "a"))
    b = Protector(decode_key(generate_key(), "b"))
    assert a.subject_ref("123-45-6789") == a.subject_ref(" 123 45 6789 ")
    assert a.subject_ref("123-45-6789") != a.subject_ref("123-45-6780")
    assert a.subject_ref("123-45-6789") != b.subject_ref("123-45-6789")
    assert "6789" not in a.subject_ref("123-45-6789")


def test_key_file_is_created_private_once_and_reused(tmp_path: Path) -> None:
    key_file = tmp_path / "keys" / "store.key"
    first = load_protector(None, key_file)
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    assert load_protector(None, key_file).key_id == first.key_id
    assert list(key_file.parent.iterdir()) == [key_file]


def test_configured_key_wins_and_bad_keys_are_named(tmp_path: Path) -> None:
    key = generate_key()
    assert (
        load_protector(key, tmp_path / "unused.key").key_id
        == Protector(decode_key(key, "x")).key_id
    )
    assert not (tmp_path / "unused.key").exists()
    with pytest.raises(StoreKeyError, match="ELIGIBILITY_STORE_KEY: must decode to 32 bytes"):
        load_protector("c2hvcnQ=", tmp_path / "k")
