"""Small pieces of HTML built in Python: expressions and messages with their names linked.

Everything taken from the rule files is escaped here before any tag is added, so a rule
title or expression holding ``<script>`` shows as text. Only our own ``<a>``/``<var>`` tags
are markup.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from markupsafe import Markup, escape

# A string literal (never linked), ``param.NAME`` / ``choice.NAME``, or a (dotted) name.
_TOKEN = re.compile(
    r'"[^"]*"'
    r"|(?:param|choice)\.[A-Za-z_][A-Za-z0-9_]*"
    r"|[A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)*"
)
_PLACEHOLDER = re.compile(r"\{([^{}]+)\}")


def _href(
    token: str, params: frozenset[str], choices: frozenset[str], definitions: Mapping[str, str]
) -> str | None:
    if token.startswith("param."):
        return f"#param-{token[6:]}" if token[6:] in params else None
    if token.startswith("choice."):
        return f"#choice-{token[7:]}" if token[7:] in choices else None
    return f"#{definitions[token]}" if token in definitions else None


def linked_expr(
    text: str,
    params: frozenset[str],
    choices: frozenset[str],
    definitions: Mapping[str, str],
) -> Markup:
    """``text`` escaped, with parameters, policy choices and definitions linked to their entries.

    ``definitions`` maps a definition name to its anchor (definitions belong to one question).
    """
    out: list[Markup] = []
    pos = 0
    for m in _TOKEN.finditer(text):
        out.append(escape(text[pos : m.start()]))
        token = m.group(0)
        href = None if token.startswith('"') else _href(token, params, choices, definitions)
        if href is None:
            out.append(escape(token))
        else:
            out.append(Markup('<a class="ref" href="{}">{}</a>').format(href, token))
        pos = m.end()
    out.append(escape(text[pos:]))
    return Markup("").join(out)


def message_html(
    text: str,
    params: frozenset[str],
    choices: frozenset[str],
    definitions: Mapping[str, str],
) -> Markup:
    """A reason message with its ``{placeholders}`` marked (and linked where they name one)."""
    out: list[Markup] = []
    pos = 0
    for m in _PLACEHOLDER.finditer(text):
        out.append(escape(text[pos : m.start()]))
        inner = linked_expr(m.group(1), params, choices, definitions)
        out.append(Markup("<var>{{{}}}</var>").format(inner))
        pos = m.end()
    out.append(escape(text[pos:]))
    return Markup("").join(out)
