"""The account's own confirmations and HELP replies, per language (R-16, R-29).

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-07 02:30:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0017"
down_revision: str | None = "0016"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # A plain ADD COLUMN: SQLite's batch mode would copy the accounts table, which every
    # other table's rows point at.
    op.add_column(
        "accounts", sa.Column("reply_texts", sa.JSON(), nullable=False, server_default="{}")
    )


def downgrade() -> None:
    op.drop_column("accounts", "reply_texts")  # SQLite 3.35 and later drop it in place
