"""The tables, as SQLAlchemy 2 declarative models.

Migrations under ``migrations/versions`` create the same schema; ``tests/store`` checks the
two agree. Columns that could hold protected health information (facts, whole requests and
responses) hold ciphertext only (see :mod:`.protection`); every other column is safe to show a
tester: codes, dates of law (as-of), rule-set references, counts and keyed hashes.

``access_records`` is append-only: database triggers (migration 0004) refuse every UPDATE,
DELETE and TRUNCATE of it, which the models cannot express.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    BigInteger,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Text,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

# SQLite only auto-increments a column declared INTEGER PRIMARY KEY
BigId = BigInteger().with_variant(Integer(), "sqlite")

NAMING = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)


class DecisionLogEntry(Base):
    """One decision the service made. ``payload`` is the encrypted request and response."""

    __tablename__ = "decision_log"

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    decision_id: Mapped[str] = mapped_column(String(32), unique=True)
    logged_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    caller: Mapped[str] = mapped_column(String(200))
    subject_ref: Mapped[str | None] = mapped_column(String(64), index=True)
    question: Mapped[str] = mapped_column(String(64))
    program: Mapped[str] = mapped_column(String(16))
    outcome: Mapped[str] = mapped_column(String(16))
    rule_set_id: Mapped[str] = mapped_column(String(64))
    rule_set_version: Mapped[str] = mapped_column(String(40))
    rule_set_hash: Mapped[str] = mapped_column(String(80))
    as_of: Mapped[date] = mapped_column(Date)
    policy_choices: Mapped[str] = mapped_column(Text)
    reason_codes: Mapped[str] = mapped_column(Text)
    request_digest: Mapped[str] = mapped_column(String(64), index=True)
    key_id: Mapped[str] = mapped_column(String(16))
    payload: Mapped[bytes] = mapped_column(LargeBinary)
    elapsed_us: Mapped[int] = mapped_column(Integer)

    __table_args__ = (
        Index("ix_decision_log_question_logged_at", "question", "logged_at"),
        Index("ix_decision_log_rule_set", "rule_set_id", "rule_set_version"),
    )


class Suite(Base):
    """A named set of cases a tester replays together."""

    __tablename__ = "suites"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    name: Mapped[str] = mapped_column(String(100), unique=True)
    description: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class Case(Base):
    """A historical case: the facts (encrypted in ``payload``) and the decision recorded then."""

    __tablename__ = "cases"

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    case_key: Mapped[str] = mapped_column(String(100), unique=True)
    question: Mapped[str] = mapped_column(String(64))
    program: Mapped[str] = mapped_column(String(16))
    decided_on: Mapped[date | None] = mapped_column(Date)
    as_of: Mapped[date | None] = mapped_column(Date)
    rule_set_version: Mapped[str | None] = mapped_column(String(40))
    recorded_outcome: Mapped[str] = mapped_column(String(16))
    recorded_dates: Mapped[str] = mapped_column(Text)
    recorded_reason_codes: Mapped[str] = mapped_column(Text)
    key_id: Mapped[str] = mapped_column(String(16))
    payload: Mapped[bytes] = mapped_column(LargeBinary)
    facts_schema: Mapped[str | None] = mapped_column(String(16))
    """Fingerprint of the facts schema the payload was validated against (see
    :mod:`eligibility_service.decisions.stored_facts`); NULL: validate again on replay."""
    source: Mapped[str] = mapped_column(String(300))
    source_line: Mapped[int | None] = mapped_column(Integer)
    decision_id: Mapped[str | None] = mapped_column(String(32), index=True)
    imported_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class CaseSuite(Base):
    """Membership of a case in a suite (a case may be in several)."""

    __tablename__ = "case_suites"

    suite_id: Mapped[int] = mapped_column(
        Integer, ForeignKey("suites.id", ondelete="CASCADE"), primary_key=True
    )
    case_id: Mapped[int] = mapped_column(
        BigId, ForeignKey("cases.id", ondelete="CASCADE"), primary_key=True
    )


class ReconciliationRun(Base):
    """One Full File Compare or monthly-report validation: what was compared, what it found."""

    __tablename__ = "reconciliation_runs"

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    run_id: Mapped[str] = mapped_column(String(32), unique=True)
    source: Mapped[str] = mapped_column(String(16))  # ffc | monthly
    plan: Mapped[str] = mapped_column(String(64))  # the plan (FFC) or employer (monthly)
    as_of: Mapped[date] = mapped_column(Date)  # the file's as-of date, or the coverage month
    input_name: Mapped[str] = mapped_column(String(300))
    started_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    counts: Mapped[str] = mapped_column(Text)  # JSON: totals by category and severity


class ExceptionHistory(Base):
    """Every discrepancy ever reported, by its stable id: first and last seen, how often.

    ``exception_key`` is a keyed hash of the discrepancy's stable id (which is derived from
    contract and member ids), so the table holds no identifier in clear.
    """

    __tablename__ = "exception_history"

    exception_key: Mapped[str] = mapped_column(String(64), primary_key=True)
    source: Mapped[str] = mapped_column(String(16))
    plan: Mapped[str] = mapped_column(String(64))
    category: Mapped[str] = mapped_column(String(40))
    severity: Mapped[str] = mapped_column(String(10))
    first_seen: Mapped[date] = mapped_column(Date)
    last_seen: Mapped[date] = mapped_column(Date)
    times_seen: Mapped[int] = mapped_column(Integer)
    last_run_id: Mapped[str] = mapped_column(String(32))

    __table_args__ = (Index("ix_exception_history_plan_category", "plan", "category"),)


class AccessRecordRow(Base):
    """One access to health data through the API (HIPAA audit controls, 45 CFR 164.312(b)).

    Who (the token's client), when, which operation, which resources (ids only, never
    contents) and the outcome. Written by :mod:`eligibility_service.access_log`; never
    updated or deleted (the triggers of migration 0004 refuse it).
    """

    __tablename__ = "access_records"

    id: Mapped[str] = mapped_column(String(32), primary_key=True)  # uuid4 hex
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), index=True)
    client_id: Mapped[str] = mapped_column(String(200))
    caller: Mapped[str | None] = mapped_column(String(200))  # the X-Caller label, if sent
    action: Mapped[str] = mapped_column(String(64))  # e.g. decision-log.read
    kind: Mapped[str] = mapped_column(String(8))  # read | write
    method: Mapped[str] = mapped_column(String(8))
    route: Mapped[str] = mapped_column(String(200))  # the route template, never the URL
    resource_type: Mapped[str] = mapped_column(String(32))
    resource_ids: Mapped[str] = mapped_column(Text)  # JSON list, the first 1000
    resource_count: Mapped[int] = mapped_column(Integer)
    outcome: Mapped[str] = mapped_column(String(16))  # ok | not_found | rejected | error
    status: Mapped[int] = mapped_column(Integer)
    request_id: Mapped[str | None] = mapped_column(String(100))
    detail: Mapped[str] = mapped_column(Text)  # JSON object of flags and counts, no values

    __table_args__ = (
        Index("ix_access_records_client_id_at", "client_id", "at"),
        Index("ix_access_records_action_at", "action", "at"),
    )


metadata = Base.metadata
