"""reconciliation runs and the history of exceptions (first seen, last seen, times seen)

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-27
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

BigId = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "reconciliation_runs",
        sa.Column("id", BigId, autoincrement=True, nullable=False),
        sa.Column("run_id", sa.String(length=32), nullable=False),
        sa.Column("source", sa.String(length=16), nullable=False),
        sa.Column("plan", sa.String(length=64), nullable=False),
        sa.Column("as_of", sa.Date(), nullable=False),
        sa.Column("input_name", sa.String(length=300), nullable=False),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("counts", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_reconciliation_runs")),
        sa.UniqueConstraint("run_id", name=op.f("uq_reconciliation_runs_run_id")),
    )
    op.create_table(
        "exception_history",
        sa.Column("exception_key", sa.String(length=64), nullable=False),
        sa.Column("source", sa.String(length=16), nullable=False),
        sa.Column("plan", sa.String(length=64), nullable=False),
        sa.Column("category", sa.String(length=40), nullable=False),
        sa.Column("severity", sa.String(length=10), nullable=False),
        sa.Column("first_seen", sa.Date(), nullable=False),
        sa.Column("last_seen", sa.Date(), nullable=False),
        sa.Column("times_seen", sa.Integer(), nullable=False),
        sa.Column("last_run_id", sa.String(length=32), nullable=False),
        sa.PrimaryKeyConstraint("exception_key", name=op.f("pk_exception_history")),
    )
    with op.batch_alter_table("exception_history", schema=None) as batch_op:
        batch_op.create_index(
            "ix_exception_history_plan_category", ["plan", "category"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("exception_history", schema=None) as batch_op:
        batch_op.drop_index("ix_exception_history_plan_category")
    op.drop_table("exception_history")
    op.drop_table("reconciliation_runs")
