"""Module-level ASGI app for servers that import one.

``uvicorn eligibility_service.api.asgi:app --workers 2``
"""

from __future__ import annotations

from .app import create_app

app = create_app()
