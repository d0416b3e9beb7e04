"""Streaming reader for X12 834 (005010X220A1) benefit enrollment files.

``X12Reader(stream).members()`` yields :class:`Member` records one at a time;
``iter_families`` groups them into subscriber + dependents; problems with the file are
:class:`FileFinding` records, and only input that is not X12 at all raises
:class:`X12ReadError`.
"""

from __future__ import annotations

from .families import Family, iter_families
from .models import (
    Address,
    Coverage,
    FileFinding,
    FileHeader,
    Interchange,
    Member,
    Party,
    mask_id,
    mask_name,
)
from .reader import Loaded834, X12Reader, load_834
from .tokens import Delimiters, SegmentTokenizer, X12ReadError, iter_segments

__all__ = [
    "Address",
    "Coverage",
    "Delimiters",
    "Family",
    "FileFinding",
    "FileHeader",
    "Interchange",
    "Loaded834",
    "Member",
    "Party",
    "SegmentTokenizer",
    "X12ReadError",
    "X12Reader",
    "iter_families",
    "iter_segments",
    "load_834",
    "mask_id",
    "mask_name",
]
