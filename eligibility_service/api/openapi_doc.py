"""The committed OpenAPI document, rendered deterministically."""

from __future__ import annotations

import json

from .app import create_app


def render() -> str:
    return json.dumps(create_app().openapi(), indent=2, sort_keys=True) + "\n"
