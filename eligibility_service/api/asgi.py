"""Module-level ASGI app for servers that import one.

``uvicorn eligibility_service.api.asgi:app --workers 2``

Importing it configures logging first (the settings' format and level), because a worker
process starts here: uvicorn's "started" lines and the app's own come out alike.
"""

from __future__ import annotations

from ..logging_setup import configure_logging
from ..settings import Settings
from .app import create_app

_settings = Settings.from_env()
configure_logging(_settings.log_format, _settings.log_level)
app = create_app(_settings)
