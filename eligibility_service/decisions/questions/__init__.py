"""Every decision question the service answers, by name.

Each module of this package that defines ``QUESTION`` (a :class:`QuestionSpec`) adds one
question; the API grows a ``POST /v1/decisions/<question>`` endpoint for it and the rule
sets may hold rules for it. Modules are read in name order, so the list is stable.
"""

from __future__ import annotations

import importlib
import pkgutil

from ...rules.question import QuestionSpec


def _discover() -> dict[str, QuestionSpec]:
    found: dict[str, QuestionSpec] = {}
    for info in sorted(pkgutil.iter_modules(__path__), key=lambda m: m.name):
        module = importlib.import_module(f"{__name__}.{info.name}")
        spec = getattr(module, "QUESTION", None)
        if isinstance(spec, QuestionSpec):
            if spec.name in found:
                raise RuntimeError(f"question {spec.name!r} is defined twice")
            found[spec.name] = spec
    return found


QUESTIONS: dict[str, QuestionSpec] = _discover()
