"""Outbox leases: attempts, the next time a message is due, and who holds it.

A message stuck in "sending" by a process that died before this revision is given
an expired lease, so the outbox recovers it like any other interrupted send.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-26 03:00:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("messages", schema=None) as batch_op:
        batch_op.add_column(sa.Column("attempts", sa.Integer(), server_default="0", nullable=False))
        batch_op.add_column(sa.Column("next_attempt_at", sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column("claimed_by", sa.String(length=100), nullable=True))
        batch_op.add_column(sa.Column("lease_until", sa.DateTime(), nullable=True))
        batch_op.create_index(
            "ix_messages_next_attempt", ["next_attempt_at", "status"], unique=False
        )
    op.execute("UPDATE messages SET next_attempt_at = created_at WHERE status = 'queued'")
    op.execute(
        "UPDATE messages SET next_attempt_at = COALESCE(not_before, created_at)"
        " WHERE status = 'deferred'"
    )
    op.execute(
        "UPDATE messages SET attempts = 1, next_attempt_at = created_at,"
        " lease_until = created_at WHERE status = 'sending'"
    )
    op.execute("UPDATE messages SET attempts = 1 WHERE status IN ('sent', 'failed')")


def downgrade() -> None:
    with op.batch_alter_table("messages", schema=None) as batch_op:
        batch_op.drop_index("ix_messages_next_attempt")
        batch_op.drop_column("lease_until")
        batch_op.drop_column("claimed_by")
        batch_op.drop_column("next_attempt_at")
        batch_op.drop_column("attempts")
