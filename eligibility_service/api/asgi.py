"""Module-level ASGI app for servers that import one.

``uvicorn eligibility_service.api.asgi:app --workers 2``
"""

from __future__ import annotations

import signal
import threading

from .app import create_app

# A server process ends on SIGHUP by default. Once the app has started it reloads its rule
# sets on SIGHUP instead (see lifecycle.py); until then, and while it is loading them, a
# SIGHUP must not end it. Only here: this module is imported by servers, never by tests.
if threading.current_thread() is threading.main_thread():
    signal.signal(signal.SIGHUP, signal.SIG_IGN)

app = create_app()
