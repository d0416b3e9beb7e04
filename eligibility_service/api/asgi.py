"""Module-level ASGI app for servers that import one.

``uvicorn eligibility_service.api.asgi:app --workers 2``

Importing it configures logging first (the settings' format and level), because a worker
process starts here: uvicorn's "started" lines and the app's own come out alike.
"""

from __future__ import annotations

import signal
import threading

from ..logging_setup import configure_logging
from ..settings import Settings
from .app import create_app

# A server process ends on SIGHUP by default. Once the app has started it reloads its rule
# sets on SIGHUP instead (see lifecycle.py); until then, and while it is loading them, a
# SIGHUP must not end it. Only here: this module is imported by servers, never by tests.
if threading.current_thread() is threading.main_thread():
    signal.signal(signal.SIGHUP, signal.SIG_IGN)

_settings = Settings.from_env()
configure_logging(_settings.log_format, _settings.log_level)
app = create_app(_settings)
