"""The declarative rule-set format, as pydantic models of the YAML files analysts edit.

Layout of ``rule_sets/``::

    rule_sets/<rule set>/rule_set.yaml          what the rule set is (program, title)
    rule_sets/<rule set>/<version>/version.yaml  one version: status, dates, modules used
    rule_sets/common/*.yaml, <version>/*.yaml    modules: parameters, policy choices,
                                                 definitions, rules and worked examples

Every model forbids unknown keys, so a misspelt key is a load error with its line.
"""

from __future__ import annotations

import re
from datetime import date
from itertools import pairwise
from typing import Any, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    SerializerFunctionWrapHandler,
    field_validator,
    model_serializer,
    model_validator,
)

ID_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]*$")
REASON_RE = re.compile(r"^[A-Z][A-Z0-9_]*$")
NAME_RE = re.compile(r"^[a-z][a-z0-9_]*$")

Decision = Literal["approved", "denied", "incomplete", "undetermined"]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, strict=True)


Verdict = Literal["agrees", "guidance_only", "beyond_source", "disagrees", "not_found"]
"""What a reviewer found when they read the source: the text says what the item encodes
(``agrees``); no primary text speaks and only ETF guidance does (``guidance_only``); the item
goes further than its text (``beyond_source``, with why); the text contradicts it
(``disagrees``: an error in a version that is not a reviewed exception); the text could not
be found to read (``not_found``, with where it was looked for)."""

QUOTE_MAX_WORDS = 30


class Verification(Strict):
    """Who checked an item against which text, when, and what they found.

    Kept beside the rule, parameter value or policy choice it verifies (Catala's literate
    style: the check next to the provision), so the rule book shows it and a reviewer of a
    change sees at once which records the change makes stale.
    """

    source: str = Field(description="The provision id of the text that was read.")
    text: str = Field(
        description="Exactly which text was read: statute edition or register, manual "
        "edition, act as enacted, and where the copy came from."
    )
    read_on: date
    verdict: Verdict
    quote: str | None = Field(None, description=f"At most {QUOTE_MAX_WORDS} words, verbatim.")
    why: str | None = Field(None, description="Required unless the verdict is 'agrees'.")

    @model_validator(mode="after")
    def _explained(self) -> Verification:
        if self.verdict != "agrees" and not (self.why and self.why.strip()):
            raise ValueError(f"a {self.verdict!r} verdict needs 'why'")
        if self.quote is not None and len(self.quote.split()) > QUOTE_MAX_WORDS:
            raise ValueError(f"quote is longer than {QUOTE_MAX_WORDS} words; quote a phrase")
        return self


def omit_when_none(data: dict[str, Any], *names: str) -> dict[str, Any]:
    """Drop keys added to the format later when they are empty, so content written before
    they existed dumps (and so hashes) exactly as it did: published versions stay valid."""
    for name in names:
        if data.get(name) is None:
            data.pop(name, None)
    return data


class Period(Strict):
    """Dates a rule, value or version is in force: ``from`` inclusive, ``to`` inclusive or open."""

    from_: date = Field(alias="from")
    to: date | None = None

    model_config = ConfigDict(extra="forbid", frozen=True, strict=True, populate_by_name=True)

    @model_validator(mode="after")
    def _ordered(self) -> Period:
        if self.to is not None and self.to < self.from_:
            raise ValueError(f"'to' ({self.to}) is before 'from' ({self.from_})")
        return self

    def covers(self, day: date) -> bool:
        return self.from_ <= day and (self.to is None or day <= self.to)


class ParameterValue(Strict):
    """One dated value of a parameter, with the provisions that set it."""

    from_: date = Field(alias="from")
    value: bool | int | float | str | date
    cites: list[str] = Field(min_length=1)
    note: str | None = None
    verified: Verification | None = None

    model_config = ConfigDict(extra="forbid", frozen=True, strict=True, populate_by_name=True)

    @model_serializer(mode="wrap")
    def _without_empty(self, handler: SerializerFunctionWrapHandler) -> dict[str, Any]:
        return omit_when_none(handler(self), "verified")


class Parameter(Strict):
    """A number (or date, or word) the law sets, with every value it has had (OpenFisca style)."""

    title: str
    description: str | None = None
    unit: str | None = None
    values: list[ParameterValue] = Field(min_length=1)

    @field_validator("values")
    @classmethod
    def _dated_in_order(cls, values: list[ParameterValue]) -> list[ParameterValue]:
        for before, after in pairwise(values):
            if after.from_ <= before.from_:
                raise ValueError(
                    f"values must be in date order without repeats ({after.from_} after "
                    f"{before.from_})"
                )
        kinds = {type(v.value) if not isinstance(v.value, int | float) else float for v in values}
        if len(kinds) > 1:
            raise ValueError("all values of a parameter must have the same type")
        return values


class Alternative(Strict):
    title: str
    description: str
    cites: list[str] = Field(min_length=1)


class PolicyChoice(Strict):
    """A place where the sources disagree: the alternatives, the default and why."""

    title: str
    conflict: str = Field(description="What disagrees, in a sentence or two, with the sources.")
    default: str
    rationale: str = Field(description="Why the default was chosen.")
    alternatives: dict[str, Alternative] = Field(min_length=2)
    verified: Verification | None = Field(
        None, description="The check of the default against the text its rationale rests on."
    )

    @model_serializer(mode="wrap")
    def _without_empty(self, handler: SerializerFunctionWrapHandler) -> dict[str, Any]:
        return omit_when_none(handler(self), "verified")

    @model_validator(mode="after")
    def _default_is_an_alternative(self) -> PolicyChoice:
        if self.default not in self.alternatives:
            raise ValueError(
                f"default {self.default!r} is not one of the alternatives "
                f"({', '.join(self.alternatives)})"
            )
        for name in self.alternatives:
            if not NAME_RE.match(name):
                raise ValueError(f"alternative name {name!r} must be lower_snake_case")
        return self


class Definition(Strict):
    """A named intermediate value (a date, a threshold, a yes/no) other rules can use."""

    title: str
    expr: str
    implements: list[str] = Field(default_factory=list)


class Outcome(Strict):
    decision: Decision | None = None
    reason: str
    message: str

    @field_validator("reason")
    @classmethod
    def _reason_code(cls, value: str) -> str:
        if not REASON_RE.match(value):
            raise ValueError(f"reason code {value!r} must be UPPER_SNAKE_CASE")
        return value


class Rule(Strict):
    """One rule: when it applies, what it decides, which dates it sets and the law behind it."""

    id: str
    title: str
    implements: list[str] = Field(min_length=1)
    in_force: Period
    when: str
    outcome: Outcome
    sets: dict[str, str] = Field(default_factory=dict)
    notes: str | None = None
    confidence: Literal["high", "medium", "low"] | None = None
    family: str | None = Field(
        None,
        description="Rules that are dated versions of one another share a family name; "
        "`eligibility lint` checks that their periods neither overlap nor leave a hole.",
    )
    verified: Verification | None = None

    @field_validator("id")
    @classmethod
    def _id(cls, value: str) -> str:
        if not ID_RE.match(value):
            raise ValueError(f"rule id {value!r} may hold letters, digits, '-', '_' and '.'")
        return value

    @field_validator("family")
    @classmethod
    def _family(cls, value: str | None) -> str | None:
        if value is not None and not ID_RE.match(value):
            raise ValueError(f"family {value!r} may hold letters, digits, '-', '_' and '.'")
        return value

    @model_serializer(mode="wrap")
    def _without_empty_family(self, handler: SerializerFunctionWrapHandler) -> dict[str, Any]:
        # A rule without a family dumps (and so hashes) exactly as before the key existed.
        return omit_when_none(handler(self), "family", "verified")


class Example(Strict):
    """A worked example: facts in, the decision that must come out."""

    name: str
    program: str | None = None
    description: str | None = None
    as_of: date | None = None
    policy_choices: dict[str, str] = Field(default_factory=dict)
    facts: dict[str, Any]
    expect: ExampleExpectation

    model_config = ConfigDict(extra="forbid", frozen=True, strict=False)


class ExampleExpectation(Strict):
    outcome: Decision
    dates: dict[str, date | None] = Field(default_factory=dict)
    reasons: list[str] = Field(default_factory=list)
    missing_facts: list[str] = Field(default_factory=list)


Example.model_rebuild()


class Module(Strict):
    """A file of rules for one decision question, with what they need."""

    module: str
    question: str
    title: str
    description: str | None = None
    parameters: dict[str, Parameter] = Field(default_factory=dict)
    policy_choices: dict[str, PolicyChoice] = Field(default_factory=dict)
    definitions: dict[str, Definition] = Field(default_factory=dict)
    rules: list[Rule] = Field(default_factory=list)
    examples: list[Example] = Field(default_factory=list)


class RuleSetInfo(Strict):
    id: str
    program: Literal["state", "local"]
    title: str
    description: str


class VersionManifest(Strict):
    """``version.yaml``: which modules make up a version and when it answers."""

    version: str
    status: Literal["draft", "published"]
    title: str
    in_force: Period = Field(description="As-of dates this version answers for by default.")
    modules: list[str] = Field(min_length=1)
    policy_defaults: dict[str, str] = Field(
        default_factory=dict, description="Version-level overrides of policy-choice defaults."
    )
    changes: str | None = None
