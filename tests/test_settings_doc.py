"""The README's settings table is the one the code generates (`eligibility settings`)."""

from __future__ import annotations

from pathlib import Path

from eligibility_service.settings import Settings
from eligibility_service.tools.settings_table import settings_table

README = Path(__file__).resolve().parent.parent / "README.md"


def test_readme_lists_every_setting_as_the_code_describes_it() -> None:
    text = README.read_text(encoding="utf-8")
    table = "\n".join(settings_table())
    assert table in text, "README settings table is stale: paste `eligibility settings`"
    assert len(settings_table()) == len(Settings.model_fields) + 2


def test_every_setting_has_a_description() -> None:
    for name, field in Settings.model_fields.items():
        assert field.description, name
