"""The rule book: a read-only, browsable page per rule-set version, for policy staff.

Each rule sits beside the provisions it implements (citation, summary, link to the source),
with the parameters and their dated values, the policy choices and their alternatives, the
definitions and the worked examples. The service serves the pages (``/rule-book``) and the
``eligibility rulebook`` command writes the same pages as static files.
"""

from __future__ import annotations

from .book import Book, build_book
from .render import Page, render_index, render_version

__all__ = ["Book", "Page", "build_book", "render_index", "render_version"]
