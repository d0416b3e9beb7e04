"""Masking of protected health information in anything a person reads: reports, logs, reprs.

Reports shown to testers and staff keep enough to recognise a record (the year of a birth
date, the last four digits of an SSN, a name's initial) and nothing more. Which fields are
PHI is decided by name, so a new fact called ``spouse_birth_date`` is masked without anyone
remembering to list it.
"""

from __future__ import annotations

import re
from typing import Any

_BIRTH = re.compile(r"(^|_)(birth|dob)(_|$)|birth_?date", re.IGNORECASE)
_SSN = re.compile(r"(^|_)(ssn|itin|social_security)", re.IGNORECASE)
_NAME = re.compile(r"(^|_)(name|first_name|last_name|middle_name)$", re.IGNORECASE)


def mask_date(value: Any) -> str:
    """Keep the year only: ``1984-**-**``."""
    text = value.isoformat() if hasattr(value, "isoformat") else str(value)
    return f"{text[:4]}-**-**" if len(text) >= 4 and text[:4].isdigit() else "****-**-**"


def mask_ssn(value: Any) -> str:
    digits = "".join(ch for ch in str(value) if ch.isdigit())
    return f"***-**-{digits[-4:]}" if len(digits) >= 4 else "***-**-****"


def mask_name(value: Any) -> str:
    text = str(value).strip()
    return f"{text[0]}***" if text else ""


def masker_for(key: str) -> Any:
    """The masking function for a field name, or None if the field is not PHI."""
    if _BIRTH.search(key):
        return mask_date
    if _SSN.search(key):
        return mask_ssn
    if _NAME.search(key):
        return mask_name
    return None


def mask(value: Any, key: str = "") -> Any:
    """A copy of ``value`` with every PHI field masked, at any depth. Keys may be dotted
    paths (trace facts are keyed ``dependent.birth_date``); the last part decides."""
    if isinstance(value, dict):
        return {k: mask(v, str(k)) for k, v in value.items()}
    if isinstance(value, list):
        return [mask(v, key) for v in value]
    if value is None or not key:
        return value
    masker = masker_for(key.rsplit(".", 1)[-1])
    return masker(value) if masker is not None else value
