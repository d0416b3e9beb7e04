"""Full File Compare: a health plan's 834 against ETF's system-of-record contracts.

``compare(source, contracts, as_of=None, plan="")`` returns an :class:`FfcResult` holding the
:class:`~..discrepancy.Discrepancy` records and counts; see :mod:`.compare` for what is
matched and compared, and :mod:`.rules` for severities, sides and citations.
"""

from __future__ import annotations

from .compare import FfcResult, compare
from .matching import Person, SorIndex
from .rules import RULES

__all__ = ["RULES", "FfcResult", "Person", "SorIndex", "compare"]
