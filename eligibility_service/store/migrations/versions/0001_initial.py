"""decision log, suites and cases

Revision ID: 0001
Revises: (none)
Create Date: 2026-11-27
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "cases",
        sa.Column(
            "id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            autoincrement=True,
            nullable=False,
        ),
        sa.Column("case_key", sa.String(length=100), nullable=False),
        sa.Column("question", sa.String(length=64), nullable=False),
        sa.Column("program", sa.String(length=16), nullable=False),
        sa.Column("decided_on", sa.Date(), nullable=True),
        sa.Column("as_of", sa.Date(), nullable=True),
        sa.Column("rule_set_version", sa.String(length=40), nullable=True),
        sa.Column("recorded_outcome", sa.String(length=16), nullable=False),
        sa.Column("recorded_dates", sa.Text(), nullable=False),
        sa.Column("recorded_reason_codes", sa.Text(), nullable=False),
        sa.Column("key_id", sa.String(length=16), nullable=False),
        sa.Column("payload", sa.LargeBinary(), nullable=False),
        sa.Column("source", sa.String(length=300), nullable=False),
        sa.Column("source_line", sa.Integer(), nullable=True),
        sa.Column("decision_id", sa.String(length=32), nullable=True),
        sa.Column("imported_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_cases")),
        sa.UniqueConstraint("case_key", name=op.f("uq_cases_case_key")),
    )
    with op.batch_alter_table("cases", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_cases_decision_id"), ["decision_id"], unique=False)

    op.create_table(
        "decision_log",
        sa.Column(
            "id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            autoincrement=True,
            nullable=False,
        ),
        sa.Column("decision_id", sa.String(length=32), nullable=False),
        sa.Column("logged_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("caller", sa.String(length=200), nullable=False),
        sa.Column("subject_ref", sa.String(length=64), nullable=True),
        sa.Column("question", sa.String(length=64), nullable=False),
        sa.Column("program", sa.String(length=16), nullable=False),
        sa.Column("outcome", sa.String(length=16), nullable=False),
        sa.Column("rule_set_id", sa.String(length=64), nullable=False),
        sa.Column("rule_set_version", sa.String(length=40), nullable=False),
        sa.Column("rule_set_hash", sa.String(length=80), nullable=False),
        sa.Column("as_of", sa.Date(), nullable=False),
        sa.Column("policy_choices", sa.Text(), nullable=False),
        sa.Column("reason_codes", sa.Text(), nullable=False),
        sa.Column("request_digest", sa.String(length=64), nullable=False),
        sa.Column("key_id", sa.String(length=16), nullable=False),
        sa.Column("payload", sa.LargeBinary(), nullable=False),
        sa.Column("elapsed_us", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_decision_log")),
        sa.UniqueConstraint("decision_id", name=op.f("uq_decision_log_decision_id")),
    )
    with op.batch_alter_table("decision_log", schema=None) as batch_op:
        batch_op.create_index(
            "ix_decision_log_question_logged_at", ["question", "logged_at"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_decision_log_request_digest"), ["request_digest"], unique=False
        )
        batch_op.create_index(
            "ix_decision_log_rule_set", ["rule_set_id", "rule_set_version"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_decision_log_subject_ref"), ["subject_ref"], unique=False
        )

    op.create_table(
        "suites",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_suites")),
        sa.UniqueConstraint("name", name=op.f("uq_suites_name")),
    )
    op.create_table(
        "case_suites",
        sa.Column("suite_id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.ForeignKeyConstraint(
            ["case_id"], ["cases.id"], name=op.f("fk_case_suites_case_id_cases"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["suite_id"],
            ["suites.id"],
            name=op.f("fk_case_suites_suite_id_suites"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("suite_id", "case_id", name=op.f("pk_case_suites")),
    )


def downgrade() -> None:
    op.drop_table("case_suites")
    op.drop_table("suites")
    with op.batch_alter_table("decision_log", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_decision_log_subject_ref"))
        batch_op.drop_index("ix_decision_log_rule_set")
        batch_op.drop_index(batch_op.f("ix_decision_log_request_digest"))
        batch_op.drop_index("ix_decision_log_question_logged_at")

    op.drop_table("decision_log")
    with op.batch_alter_table("cases", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_cases_decision_id"))

    op.drop_table("cases")
