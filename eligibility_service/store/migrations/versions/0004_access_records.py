"""access records: every access to health data through the API, append-only

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-07

The table refuses UPDATE, DELETE and TRUNCATE by triggers, on PostgreSQL and on SQLite, so no
code path of the service (nor a stray statement in a console) can rewrite the record. The
table's owner can still drop the triggers: the service is meant to run as a role granted only
INSERT and SELECT on it (README, "Access records").

A later migration that alters this table on SQLite in batch mode (which copies the table and
drops the old one) drops its triggers with it, and must create them again.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

MESSAGE = "access records are append-only"

POSTGRESQL_UP = (
    f"""
    CREATE FUNCTION access_records_append_only() RETURNS trigger
    LANGUAGE plpgsql AS $$
    BEGIN
        RAISE EXCEPTION '{MESSAGE} (% refused)', TG_OP
            USING ERRCODE = 'insufficient_privilege';
    END
    $$
    """,
    """
    CREATE TRIGGER access_records_no_update_or_delete
    BEFORE UPDATE OR DELETE ON access_records
    FOR EACH ROW EXECUTE FUNCTION access_records_append_only()
    """,
    """
    CREATE TRIGGER access_records_no_truncate
    BEFORE TRUNCATE ON access_records
    FOR EACH STATEMENT EXECUTE FUNCTION access_records_append_only()
    """,
)
POSTGRESQL_DOWN = (
    "DROP TRIGGER IF EXISTS access_records_no_truncate ON access_records",
    "DROP TRIGGER IF EXISTS access_records_no_update_or_delete ON access_records",
    "DROP FUNCTION IF EXISTS access_records_append_only()",
)
# SQLite has no TRUNCATE; its "truncate optimisation" of an unqualified DELETE is off for a
# table with triggers, so the DELETE trigger covers it.
SQLITE_UP = tuple(
    f"""
    CREATE TRIGGER access_records_no_{event.lower()}
    BEFORE {event} ON access_records
    BEGIN
        SELECT RAISE(ABORT, '{MESSAGE}');
    END
    """
    for event in ("UPDATE", "DELETE")
)
SQLITE_DOWN = (
    "DROP TRIGGER IF EXISTS access_records_no_delete",
    "DROP TRIGGER IF EXISTS access_records_no_update",
)


def upgrade() -> None:
    op.create_table(
        "access_records",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("client_id", sa.String(length=200), nullable=False),
        sa.Column("caller", sa.String(length=200), nullable=True),
        sa.Column("action", sa.String(length=64), nullable=False),
        sa.Column("kind", sa.String(length=8), nullable=False),
        sa.Column("method", sa.String(length=8), nullable=False),
        sa.Column("route", sa.String(length=200), nullable=False),
        sa.Column("resource_type", sa.String(length=32), nullable=False),
        sa.Column("resource_ids", sa.Text(), nullable=False),
        sa.Column("resource_count", sa.Integer(), nullable=False),
        sa.Column("outcome", sa.String(length=16), nullable=False),
        sa.Column("status", sa.Integer(), nullable=False),
        sa.Column("request_id", sa.String(length=100), nullable=True),
        sa.Column("detail", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_access_records")),
    )
    with op.batch_alter_table("access_records", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_access_records_at"), ["at"], unique=False)
        batch_op.create_index("ix_access_records_client_id_at", ["client_id", "at"], unique=False)
        batch_op.create_index("ix_access_records_action_at", ["action", "at"], unique=False)
    # after the indexes: on SQLite a batch operation may copy the table, dropping triggers
    for statement in _guards(up=True):
        op.execute(statement)


def downgrade() -> None:
    for statement in _guards(up=False):
        op.execute(statement)
    with op.batch_alter_table("access_records", schema=None) as batch_op:
        batch_op.drop_index("ix_access_records_action_at")
        batch_op.drop_index("ix_access_records_client_id_at")
        batch_op.drop_index(batch_op.f("ix_access_records_at"))
    op.drop_table("access_records")


def _guards(up: bool) -> tuple[str, ...]:
    """The statements that make the table append-only (``up``) or remove that guard."""
    dialect = op.get_bind().dialect.name
    if dialect == "postgresql":
        return POSTGRESQL_UP if up else POSTGRESQL_DOWN
    if dialect == "sqlite":
        return SQLITE_UP if up else SQLITE_DOWN
    raise NotImplementedError(f"access_records has no append-only guard for {dialect}")
