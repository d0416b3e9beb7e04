"""Every decision question the service answers, by name."""

from __future__ import annotations

from ..rules.question import QuestionSpec
from .new_hire import NEW_HIRE

QUESTIONS: dict[str, QuestionSpec] = {q.name: q for q in (NEW_HIRE,)}
