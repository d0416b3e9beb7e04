"""cases.facts_schema: the fingerprint of the facts schema a case was validated against

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-27
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # cases imported before this revision have no fingerprint: replay validates them in full
    with op.batch_alter_table("cases", schema=None) as batch_op:
        batch_op.add_column(sa.Column("facts_schema", sa.String(length=16), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("cases", schema=None) as batch_op:
        batch_op.drop_column("facts_schema")
